"""The platform side of the benchmarks: the indicators app's public functions, timed in a child process.

Runs inside `bqw bench --child DB` with DATABASE_URL pointing at the dedicated bench database: it
migrates that database, loads the province's regions and a bench user with an API token, then times
each named benchmark. A benchmark whose platform side is not wired yet reports a note instead.
"""

from __future__ import annotations

import importlib.util
import traceback
from collections.abc import Callable

from django.core.management import call_command
from django.db import connection

from . import harness as hx
from . import workload as w

UNAVAILABLE = "待接入（指标应用尚未合并）"
BENCH_USER = "bench_admin"


def available() -> bool:
    return importlib.util.find_spec("bqw.indicators") is not None


def database_version() -> str:
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("SHOW server_version")
            return "PostgreSQL " + c.fetchone()[0].split()[0]
        c.execute("SELECT sqlite_version()")
        return "SQLite " + c.fetchone()[0]


def prepare() -> tuple[object, str]:
    """Migrate the bench database, load Guangdong and the bench admin; returns (user, API token)."""
    from bqw.accounts.models import ApiToken, Role, User
    from bqw.orgs.services import organization_ensure
    from bqw.regions.divisions import load
    from bqw.regions.models import Region

    call_command("migrate", verbosity=0, interactive=False)
    load(w.PROVINCE)
    province = Region.objects.get(code=w.PROVINCE.ljust(12, "0"))
    org = organization_ensure(actor=None, name="省百千万工程指挥部（基准测试）", kind="hq", region=province)
    user, _ = User.objects.update_or_create(username=BENCH_USER, defaults={
        "role": Role.ADMIN, "view_scope": province, "capture_scope": province, "organization": org})
    key = ApiToken.new_key()
    ApiToken.objects.filter(user=user).delete()
    ApiToken.objects.create(user=user, name="bench", digest=ApiToken.hash(key))
    return user, key


class Context:
    """What the benchmark functions share in one child run."""

    def __init__(self, db: str, scale: str, repeat: int):
        self.db, self.scale, self.repeat = db, scale, repeat
        self.hierarchy = w.load_hierarchy(scale)
        self.user, self.token = prepare()


# name -> fn(ctx) -> Result; filled in as the platform's pieces land (see BENCHES in bench.runner)
PLATFORM: dict[str, Callable[[Context], hx.Result]] = {}


def run_child(db: str, scale: str, names: list[str], repeat: int) -> tuple[list[hx.Result], str]:
    """Prepare the bench database and time each named benchmark (load first: the others read its data)."""
    from .runner import BY_NAME

    version = database_version()
    if not available():
        return [hx.Result(n, db, BY_NAME[n].kind, note=UNAVAILABLE) for n in names], version
    ctx = Context(db, scale, repeat)
    out = []
    for name in names:
        fn = PLATFORM.get(name)
        if fn is None:
            out.append(hx.Result(name, db, BY_NAME[name].kind, note="未接入"))
            continue
        try:
            out.append(fn(ctx))
        except Exception as e:  # one failing benchmark must not hide the others
            traceback.print_exc()
            out.append(hx.Result(name, db, BY_NAME[name].kind, note=f"失败：{type(e).__name__}: {e}"[:200]))
    return out, version
