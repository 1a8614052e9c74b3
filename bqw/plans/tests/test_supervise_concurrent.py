"""Concurrent `bqw supervise` runs (issue 18): started at the same moment as separate processes against one real
database (a SQLite file; on PostgreSQL a database of its own beside the test database), they queue one behind
the other: every run ends cleanly (exit 0, no traceback), each 督办单 is sent once with its own number."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TASKS = 40
RUNS = 3
SEED = f"""
from datetime import date
from bqw.accounts.services import system_user
from bqw.orgs.services import organization_ensure
from bqw.plans.services import LeadUnit, TaskSpec, plan_ensure, task_create
from bqw.regions.models import Region
gd = Region.objects.create(code="440000000000", name="广东省", full_name="广东省", level=1)
jm = Region.objects.create(code="440700000000", name="江门市", full_name="江门市", level=2, parent=gd)
me = system_user()
org = organization_ensure(actor=me, name="江门市农业农村局", region=jm)
plan = plan_ensure(actor=me, name="并发督办测试", region=jm, start_on=date(2024, 1, 1), end_on=date(2024, 12, 31))
for k in range({TASKS}):
    task_create(actor=me, plan=plan, spec=TaskSpec(content=f"测试任务{{k}}", deadline_text="2024年5月",
                                                   leads=[LeadUnit(org)]))
"""
COUNT = """
from bqw.plans.models import SupervisionNotice
n = SupervisionNotice.objects.filter(kind="notice")
print(n.count(), len(set(n.values_list("seq", flat=True))))
"""


def _bqw(env: dict, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bqw.cli", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, **kw)


@pytest.fixture
def race_db(tmp_path):
    """The DATABASE_URL of an empty migrated database with TASKS overdue tasks."""
    url = os.environ.get("DATABASE_URL", "")
    drop = None
    if url.startswith("postgres"):
        import psycopg

        base, _, _ = url.rpartition("/")
        name = f"bqw_supervise_race_{os.getpid()}"
        admin = psycopg.connect(base + "/postgres", autocommit=True)
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
        url = f"{base}/{name}"

        def drop():
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.close()
    else:
        url = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bqw.settings"}
    for args in (["migrate", "-v", "0"], ["shell", "-c", SEED]):
        done = _bqw(env, *args)
        assert done.returncode == 0, done.stderr[-3000:]
    yield env
    if drop:
        drop()


def test_concurrent_supervise_runs_queue_and_send_each_notice_once(race_db):
    runs = [subprocess.Popen([sys.executable, "-m", "bqw.cli", "supervise", "--date", "2024-07-02", "--json"],
                             env=race_db, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(RUNS)]
    outputs = [p.communicate(timeout=300) for p in runs]
    for p, (_, err) in zip(runs, outputs, strict=True):
        assert p.returncode == 0 and "Traceback" not in err and "IntegrityError" not in err, err[-3000:]
    sent = sorted(json.loads(out.strip().splitlines()[-1])["notices"] for out, _ in outputs)
    assert sent == [0] * (RUNS - 1) + [TASKS]  # one run sent them all, the others found them sent
    count = _bqw(race_db, "shell", "-c", COUNT)
    assert count.stdout.strip().splitlines()[-1].split() == [str(TASKS), str(TASKS)]  # once each, every number distinct
