"""The platform side of the benchmarks: the indicators and plans apps' public functions, timed in a child process.

Runs inside `bqw bench --child DB` with DATABASE_URL pointing at the dedicated bench database: it
migrates that database, loads the province's regions, the PSW catalogue and a bench user with an API
token, then times each named benchmark. `load` (re)loads every value; the other benchmarks read what it
loaded (they load it themselves when run alone on an empty database). Writes of the write benchmarks go
to months after the workload (2026-01 burst, 2026-02 Excel import) and are removed between repeats, so
the reads always see exactly the PSW values. Correctness is checked against the DuckDB reference in the
same child (extra.check of the cockpit, drill-down and recount results).
"""

from __future__ import annotations

import importlib.util
import io
import os
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from django.core.management import call_command
from django.db import connection, transaction

from . import harness as hx
from . import workload as w

if TYPE_CHECKING:
    from bqw.indicators.services import ValueColumn

UNAVAILABLE = "待接入（指标应用尚未合并）"
BENCH_USER = "bench_admin"
BURST_MONTH, IMPORT_MONTH = "202601", "202602"  # written by the write benchmarks, removed between repeats
BURST_T, IMPORT_T = 36, 37  # generator time steps of those months (continuing the workload's 36 months)
IMPORT_ROWS = 10_000
BOARD_DAY = date(2025, 12, 31)
MONTH_ID = w.LAST_MONTH  # the period the ranking bench ranks (rank change against the month before)
REL_TOL = 1e-6


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
    import secrets

    from bqw.accounts.models import Role
    from bqw.accounts.services import api_token_create, system_user, user_ensure
    from bqw.orgs.services import organization_ensure
    from bqw.regions.models import Region
    from bqw.regions.services import divisions_load

    call_command("migrate", verbosity=0, interactive=False)
    system = system_user()
    if not Region.objects.filter(level=5).exists():
        divisions_load(actor=system, province=w.PROVINCE)
    province = Region.objects.get(code=w.PROVINCE.ljust(12, "0"))
    org = organization_ensure(actor=system, name="省百千万工程指挥部（基准测试）", kind="hq", region=province)
    user = user_ensure(actor=system, username=BENCH_USER, password=secrets.token_urlsafe(24), organization=org,
                       role=Role.ADMIN, view_scope=province, capture_scope=province)
    return user, api_token_create(actor=system, user=user, name="bench")


def catalogue() -> dict[str, object]:
    """The PSW indicators in the indicators app (reported first, derived after; idempotent)."""
    from bqw.accounts.services import system_user
    from bqw.indicators.services import indicator_ensure

    system = system_user()
    out: dict[str, object] = {}
    for i in w.REPORTED + w.DERIVED:
        fields = {"name": i.name, "unit": i.unit, "level": i.level, "periodicity": i.periodicity, "rule": i.rule,
                  "temporal": i.temporal, "direction": i.direction}
        if i.rule == "ratio":
            fields |= {"numerator": out[i.numerator], "denominator": out[i.denominator], "factor": i.factor}
        if i.rule in ("count_where", "share_where"):
            fields |= {"source": out[i.source], "comparator": i.op, "threshold": i.threshold}
        out[i.code] = indicator_ensure(actor=system, code=i.code, **fields)
    return out


class Context:
    """What the benchmark functions share in one child run (and the gunicorn server, started on first use)."""

    def __init__(self, db: str, scale: str, repeat: int):
        from bqw.regions.models import Region

        from .catalog import RESULTS_DIR

        self.db, self.scale, self.repeat = db, scale, repeat
        self.hierarchy = w.load_hierarchy(scale)
        self.user, self.token = prepare()
        self.indicators = catalogue()
        self.paths = w.export(scale, Path(os.environ.get("BQW_BENCH_DATA") or RESULTS_DIR))
        self._ref = None
        self.rebuilds: list[float] = []  # seconds of the full rollup rebuilds done by `load`
        self._stack = ExitStack()
        self._port: int | None = None
        self.region = lambda code: Region.objects.get(code=code.ljust(12, "0"))

    @property
    def heavy(self) -> int:
        return 1 if self.scale == "province" else max(1, self.repeat // 5)

    @property
    def ref(self):
        if self._ref is None:
            from .reference import Reference

            self._ref = Reference(self.paths)
        return self._ref

    def port(self) -> int:
        if self._port is None:
            from .catalog import MONTH
            from .server import gunicorn, warm

            workers, threads = 4, 2
            self._port = self._stack.enter_context(gunicorn(workers=workers, threads=threads))
            warm(self._port, self.token, f"/api/v1/rollups/{w.PROVINCE.ljust(12, '0')}/{MONTH}?indicators=V01",
                 clients=workers * threads)
        return self._port

    def close(self) -> None:
        self._stack.close()


PLATFORM: dict[str, Callable[[Context], hx.Result]] = {}


def bench(name: str):
    def register(fn):
        PLATFORM[name] = fn
        return fn
    return register


def timed(fn: Callable[[], object], repeat: int, *, reset: Callable[[], object] | None = None,
          warmup: int = 1) -> list[float]:
    """Seconds per call; `reset` runs untimed before every call (warm-up included)."""
    out = []
    for k in range(warmup + repeat):
        if reset:
            reset()
        t = time.perf_counter()
        fn()
        if k >= warmup:
            out.append(time.perf_counter() - t)
    return out


def _sql(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as c:
        c.execute(sql, list(params))
        return c.fetchall() if c.description else []


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= REL_TOL * max(1.0, abs(a), abs(b))


def compare(platform_cells: dict, reference_cells: dict) -> dict:
    """Cells equal within 1e-6 (relative); returns counts and a few mismatches for the notes."""
    keys = set(platform_cells) | set(reference_cells)
    bad = [k for k in sorted(keys, key=str) if not _close(platform_cells.get(k), reference_cells.get(k))]
    return {"cells": len(keys), "mismatches": len(bad),
            "examples": [[*map(str, k), platform_cells.get(k), reference_cells.get(k)] for k in bad[:3]]}


def _check_note(check: dict) -> str:
    return "与参照一致" if not check["mismatches"] else f"与参照不一致 {check['mismatches']}/{check['cells']}"


# — a bench database left modified ——————————————————————————————————————————————————————————————

DIRTY = "bench_dirty"  # one row per benchmark that is changing what the others read, removed when it is done


def _dirty_table() -> None:
    _sql(f"CREATE TABLE IF NOT EXISTS {DIRTY} (bench VARCHAR(40) NOT NULL, started VARCHAR(40) NOT NULL)")


def dirty() -> list[tuple[str, str]]:
    """The benchmarks a killed run left unfinished: (name, start time). Empty for a clean bench database."""
    _dirty_table()
    return [tuple(r) for r in _sql(f"SELECT bench, started FROM {DIRTY} ORDER BY started")]


@contextmanager
def mutating(name: str) -> Iterator[None]:
    """Mark the bench database modified while `name` changes data other benchmarks read (a reload, an edited
    value). The mark is committed at once and removed only when the benchmark has put everything back, so a
    run killed in between leaves it behind and the next run reloads (see reload_if_dirty)."""
    _dirty_table()
    _sql(f"INSERT INTO {DIRTY} (bench, started) VALUES (%s, %s)", [name, hx.now()])
    yield
    _sql(f"DELETE FROM {DIRTY} WHERE bench = %s", [name])


def reload_if_dirty(log: Callable[[str], object] = print) -> bool:
    """A database a killed run left modified (a half-done load, an edited village value) is wiped, so the
    benchmarks reload it instead of reporting "与参照不一致"; returns whether it was."""
    left = dirty()
    if not left:
        return False
    log(f"  基准库被中断的运行改动过（{'，'.join(f'{n} @ {t}' for n, t in left)}）：清空后重新导入")
    wipe()
    _sql(f"DELETE FROM {DIRTY}")
    return True


# — load ————————————————————————————————————————————————————————————————————————————————————

def value_columns(scale: str) -> Iterator[ValueColumn]:
    """The workload as the loader's columns: one indicator × month × level at a time, as generated."""
    from bqw.indicators.services import ValueColumn

    for c in w.chunks(scale):
        codes = c.codes.tolist()
        for k, ind in enumerate(c.indicators):
            yield ValueColumn(ind, c.period, codes, c.values[k])


def wipe() -> None:
    from bqw.indicators.models import DataValue, Rollup

    tables = [DataValue._meta.db_table, Rollup._meta.db_table]
    if connection.vendor == "postgresql":
        _sql(f"TRUNCATE {', '.join(tables)}")
    else:
        for t in tables:
            _sql(f"DELETE FROM {t}")


def loaded() -> bool:
    from bqw.indicators.models import DataValue

    return DataValue.objects.filter(period=w.LAST_MONTH).exists()


def ensure_loaded(ctx: Context) -> None:
    if not loaded():
        _load(ctx)


def _load(ctx: Context) -> tuple[float, float, int]:
    """Wipe, then load all values (no rebuild) and rebuild every rollup; returns (load s, rebuild s, rows)."""
    from bqw.accounts.services import system_user
    from bqw.indicators.rollups import rollup_rebuild
    from bqw.indicators.services import datavalues_bulk_load_columns

    with mutating("load"):  # a load killed half-way must not pass for loaded (loaded() checks one month)
        wipe()
        t0 = time.perf_counter()
        n = datavalues_bulk_load_columns(value_columns(ctx.scale), actor=system_user(), state="submitted",
                                         rebuild=False)
        t1 = time.perf_counter()
        with transaction.atomic():
            rollup_rebuild()
        t2 = time.perf_counter()
    _vacuum(analyze_sqlite=True)
    return t1 - t0, t2 - t1, n


def _vacuum(*, analyze_sqlite: bool = False) -> None:
    """Untimed upkeep after bulk changes: statistics, and on PostgreSQL the dead row versions and visibility
    map too — this server runs with autovacuum off, so without it every repeat would read the previous
    repeats' dead versions of the hot city/province rollup rows. SQLite keeps no dead versions; its
    statistics are taken after the load only (ANALYZE reads every index: minutes at province scale)."""
    from bqw.indicators.models import DataValue, Rollup
    from bqw.regions.models import Region

    if connection.vendor == "postgresql":  # regions too: without statistics a unit list is planned as 1 row
        for model in (DataValue, Rollup, Region):
            _sql(f"VACUUM (ANALYZE) {model._meta.db_table}")
    elif analyze_sqlite:
        _sql("ANALYZE")


def _sizes() -> dict:
    from bqw.indicators.models import DataValue, Rollup

    out = {}
    for name, model in (("datavalue", DataValue), ("rollup", Rollup)):
        t = model._meta.db_table
        rows = model.objects.count()
        if connection.vendor == "postgresql":
            total, heap = _sql(f"SELECT pg_total_relation_size('{t}'), pg_relation_size('{t}')")[0]
            out[name] = {"rows": rows, "bytes": total, "heap_bytes": heap,
                         "bytes_per_row": round(total / rows, 1) if rows else None}
        else:
            out[name] = {"rows": rows}
    return out


@bench("load")
def b_load(ctx: Context) -> hx.Result:
    """Values through COPY (PostgreSQL) / executemany (SQLite) with their keys, indexes and foreign keys;
    the rollup rebuild that follows is its own benchmark (`rebuild`)."""
    loads, n = [], 0
    for _ in range(ctx.heavy):
        lt, rt, n = _load(ctx)
        loads.append(lt)
        ctx.rebuilds.append(rt)
    extra = {"values": n, "load_s": loads, "rebuild_s": list(ctx.rebuilds), "sizes": _sizes()}
    note = f"{n:,} 值 {np.median(loads):.1f} s"
    return hx.Result("load", ctx.db, hx.THROUGHPUT, [n / t for t in loads], items="值", note=note, extra=extra)


@bench("rebuild")
def b_rebuild(ctx: Context) -> hx.Result:
    """The full set-based rebuild of every rollup (after a bulk load); rate = values covered per second."""
    from bqw.indicators.models import DataValue, Rollup
    from bqw.indicators.rollups import rollup_rebuild

    ensure_loaded(ctx)
    if not ctx.rebuilds:  # `load` did not run: time the rebuild alone
        for _ in range(ctx.heavy):
            t = time.perf_counter()
            with transaction.atomic():
                rollup_rebuild()
            ctx.rebuilds.append(time.perf_counter() - t)
    n, rows = DataValue.objects.count(), Rollup.objects.count()
    return hx.Result("rebuild", ctx.db, hx.THROUGHPUT, [n / t for t in ctx.rebuilds], items="值",
                     note=f"{rows:,} 行汇总 {np.median(ctx.rebuilds):.1f} s",
                     extra={"values": n, "rollup_rows": rows, "rebuild_s": list(ctx.rebuilds)})


# — cockpit, drill-down, recount ——————————————————————————————————————————————————————————

def _grid_cells(grid: dict, child_len: int) -> dict:
    return {(row["code"][:child_len], ind): cell["value"] for row in grid["rows"]
            for ind, cell in row["values"].items()}


def _cockpit(ctx: Context, name: str, prefix: str, http: bool) -> hx.Result:
    from bqw.indicators.selectors import rollup_grid

    from .catalog import MONTH

    ensure_loaded(ctx)
    parent = ctx.region(prefix)
    child_len = {1: 4, 2: 6, 3: 9}[parent.level]
    if http:
        from .server import Client

        client = Client(ctx.port(), ctx.token)
        path = f"/api/v1/rollups/{parent.code}/{MONTH}?native=true"

        def fn():
            status, data = client.request("GET", path)
            assert status == 200, (status, data)
            return data
    else:
        def fn():
            return rollup_grid(ctx.user, parent, MONTH, native=True)
    grid = fn()
    samples = timed(fn, ctx.repeat)
    check = compare(_grid_cells(grid, child_len),
                    {(u, i): v for u, i, v in ctx.ref.cockpit(prefix, child_len, MONTH)})
    extra = {"check": check, "cells": sum(len(r["values"]) for r in grid["rows"]), "units": len(grid["rows"])}
    if http:
        client.close()
    return hx.Result(name, ctx.db, hx.LATENCY, samples, note=_check_note(check), extra=extra)


@bench("cockpit_province")
def b_cockpit_province(ctx):
    return _cockpit(ctx, "cockpit_province", w.PROVINCE, False)


@bench("cockpit_province_http")
def b_cockpit_province_http(ctx):
    return _cockpit(ctx, "cockpit_province_http", w.PROVINCE, True)


@bench("cockpit_city")
def b_cockpit_city(ctx):
    from .catalog import CITY
    return _cockpit(ctx, "cockpit_city", CITY, False)


@bench("cockpit_city_http")
def b_cockpit_city_http(ctx):
    from .catalog import CITY
    return _cockpit(ctx, "cockpit_city_http", CITY, True)


def ensure_cockpit_targets(ctx: Context) -> dict[int, int]:
    """The key targets of the cockpit JSON benchmarks at the province (idempotent): {target id: spec index}."""
    from bqw.accounts.services import system_user
    from bqw.indicators.services import target_ensure

    province = ctx.region(w.PROVINCE)
    out = {}
    for k, spec in enumerate(w.COCKPIT_TARGETS):
        fields = {key: spec[key] for key in ("scope", "comparator", "baseline_period", "scope_level", "kind",
                                             "baseline_value") if key in spec}
        t = target_ensure(actor=system_user(), indicator=ctx.indicators[spec["indicator"]], region=province,
                          deadline=spec["deadline"], value=spec["value"], title=f"基准目标{k + 1}：{spec['indicator']}",
                          **fields)
        out[t.id] = k
    return out


def _cockpit_json(ctx: Context, name: str, prefix: str, http: bool) -> hx.Result:
    """The cockpit's one call per screen (/api/v1/cockpit/{code}): values from the rollups, every key target's
    light per child from the set-based evaluation; checked against DuckDB (values and per-state unit counts)."""
    from bqw.cockpit.selectors import cockpit
    from bqw.core.periods import Period

    from .catalog import MONTH

    ensure_loaded(ctx)
    ids = ensure_cockpit_targets(ctx)
    _vacuum()
    parent = ctx.region(prefix)
    child_len = {1: 4, 2: 6, 3: 9}[parent.level]
    if http:
        from .server import Client

        client = Client(ctx.port(), ctx.token)
        path = f"/api/v1/cockpit/{parent.code}?period={MONTH}&indicator={w.COCKPIT_INDICATOR}"

        def fn():
            status, data = client.request("GET", path)
            assert status == 200, (status, data)
            return data
    else:
        def fn():
            return cockpit(ctx.user, parent, Period.parse(MONTH), indicator=w.COCKPIT_INDICATOR)
    data = fn()
    samples = timed(fn, ctx.repeat)
    plat: dict[tuple, float] = {}
    for c in data["children"]:
        g = c["code"][:child_len]
        if c["value"] is not None:
            plat[(g, "value", None)] = c["value"]
        for tid, light in c["lights"].items():
            if int(tid) in ids:
                for st, n in light["counts"].items():
                    plat[(g, ids[int(tid)], st)] = n
    ref = {(g, k, st): v for g, k, st, v in ctx.ref.cockpit_lights(prefix, child_len, MONTH)}
    check = compare(plat, ref)
    lights = sum(len(c["lights"]) for c in data["children"])
    extra = {"check": check, "children": len(data["children"]), "lights": lights, "cards": len(data["cards"]),
             "units_judged": sum(sum(s["counts"].values()) for c in data["children"] for s in c["lights"].values())}
    if http:
        client.close()
    return hx.Result(name, ctx.db, hx.LATENCY, samples, note=_check_note(check), extra=extra)


@bench("cockpit_json_province")
def b_cockpit_json_province(ctx):
    return _cockpit_json(ctx, "cockpit_json_province", w.PROVINCE, False)


@bench("cockpit_json_province_http")
def b_cockpit_json_province_http(ctx):
    return _cockpit_json(ctx, "cockpit_json_province_http", w.PROVINCE, True)


@bench("cockpit_json_city_http")
def b_cockpit_json_city_http(ctx):
    from .catalog import CITY
    return _cockpit_json(ctx, "cockpit_json_city_http", CITY, True)


@bench("drilldown")
def b_drilldown(ctx: Context) -> hx.Result:
    from bqw.indicators.selectors import rollup_series

    from .catalog import COUNTY, DRILL_INDICATOR

    ensure_loaded(ctx)
    county, ind = ctx.region(COUNTY), ctx.indicators[DRILL_INDICATOR]
    months = [m.id for m in w.months()]

    def fn():
        return rollup_series(ctx.user, county, ind, months, levels=(4, 5))
    rows = fn()
    samples = timed(fn, ctx.repeat)
    plat = {(code, period, DRILL_INDICATOR): v for code, _, period, v in rows}
    ref = {(u, p, i): v for u, p, i, v in ctx.ref.drilldown(COUNTY, DRILL_INDICATOR)}
    check = compare(plat, ref)
    return hx.Result("drilldown", ctx.db, hx.LATENCY, samples, note=_check_note(check),
                     extra={"check": check, "rows": len(rows)})


@bench("recount")
def b_recount(ctx: Context) -> hx.Result:
    """indicators.selectors.values_recount within the scale's region (江门 at city scale, as the burst check): the
    (period, region) index, one lookup per village (not per value)."""
    from bqw.indicators.selectors import values_recount

    from .catalog import MONTH

    ensure_loaded(ctx)
    top = ctx.region(ctx.hierarchy.prefix if ctx.scale == "city" else w.PROVINCE)

    def fn():
        return values_recount(ctx.user, top, MONTH, level=w.VILLAGE)
    got = fn()
    samples = timed(fn, ctx.repeat)
    ref = ctx.ref.recount(MONTH)
    ok = tuple(got) == tuple(ref)
    return hx.Result("recount", ctx.db, hx.LATENCY, samples, note="与参照一致" if ok else f"不一致 {got} ≠ {ref}",
                     extra={"check": {"platform": list(got), "reference": list(ref)}})


# — freshness, burst, Excel import ————————————————————————————————————————————————————————

def _drop_months(*months: str) -> None:
    """Remove the write benchmarks' values and the 2026 rollups they fed (untimed reset)."""
    from bqw.indicators.models import DataValue, Rollup

    DataValue.objects.filter(period__in=months).delete()
    Rollup.objects.filter(period__startswith="2026").delete()
    if DataValue.objects.filter(period__startswith="2026").exists():
        from bqw.indicators.rollups import rollup_rebuild

        with transaction.atomic():
            rollup_rebuild(periods=["2026"])
    _vacuum()


@bench("freshness")
def b_freshness(ctx: Context) -> hx.Result:
    """PUT one village value over HTTP, then GET the province grid: the new total must be there at once."""
    from bqw.indicators.models import DataValue
    from bqw.regions.models import Region

    from .catalog import MONTH
    from .server import Client

    ensure_loaded(ctx)
    village = Region.objects.filter(code__startswith=ctx.hierarchy.prefix, level=5, kind="admin").order_by("code")[0]
    dv = DataValue.objects.get(region=village, indicator=ctx.indicators["V01"], period=MONTH)
    client = Client(ctx.port(), ctx.token)
    province = w.PROVINCE.ljust(12, "0")
    grid = f"/api/v1/rollups/{province}/{MONTH}?indicators=V01"
    status, data = client.request("GET", grid)
    total = data["total"]["V01"]["value"]
    state = {"version": dv.version, "value": float(dv.value), "total": total}
    original = dv.value
    visible, puts, gets = 0, [], []

    def fn():
        nonlocal visible
        new = round(state["value"] + (1.0 if state["version"] % 2 else -1.0), 2)
        t = time.perf_counter()
        status, body = client.request("PUT", f"/api/v1/values/{village.code}/V01/{MONTH}",
                                      {"value": str(new), "version": state["version"], "comment": "基准测试"})
        t1 = time.perf_counter()
        assert status == 200, (status, body)
        status, data = client.request("GET", grid)
        t2 = time.perf_counter()
        puts.append(t1 - t), gets.append(t2 - t1)
        expect = state["total"] - state["value"] + new
        if _close(data["total"]["V01"]["value"], expect):
            visible += 1
        state.update(version=body["version"], value=new, total=data["total"]["V01"]["value"])
    with mutating("freshness"):  # the village's value is put back (untimed) before the mark goes
        samples = timed(fn, ctx.repeat)
        if float(original) != state["value"]:
            body = {"value": str(original), "version": state["version"], "comment": "基准测试复原"}
            status, body = client.request("PUT", f"/api/v1/values/{village.code}/V01/{MONTH}", body)
            assert status == 200, (status, body)
    runs = ctx.repeat + 1
    client.close()
    note = f"{visible}/{runs} 次写后第一次读即可见" if visible == runs else f"仅 {visible}/{runs} 次立即可见"
    return hx.Result("freshness", ctx.db, hx.LATENCY, samples, note=note,
                     extra={"visible": visible, "runs": runs, "put_p50": float(np.median(puts)),
                            "get_p50": float(np.median(gets))})


def _month_values(level: int, t: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The generator's values of the scope's units at time step t (beyond the workload's 36 months)."""
    pc = w._province_codes()
    vals = w._values(level, t, len(pc[level]))
    return pc[level], vals


@bench("burst")
def b_burst(ctx: Context) -> hx.Result:
    """Every village of the scope submits its month (20 values, one request) from 8 clients; then recount."""
    from .server import burst

    ensure_loaded(ctx)
    codes, vals = _month_values(w.VILLAGE, BURST_T)
    mask = np.char.startswith(codes, ctx.hierarchy.prefix)
    inds = [i.code for i in w.REPORTED if i.level == w.VILLAGE]
    jobs = []
    for j in np.flatnonzero(mask):
        body = {"submit": True, "values": [{"indicator": c, "value": repr(float(vals[c][j])), "comment": "月末报送"}
                                           for c in inds]}
        jobs.append(("PUT", f"/api/v1/forms/{codes[j]}/{BURST_MONTH}", body))
    # villages arrive in no particular order at month-end (in code order the 8 clients would all queue on the
    # same town's rows); a fixed seed keeps runs comparable
    jobs = [jobs[k] for k in np.random.default_rng(w.SEED).permutation(len(jobs))]
    port = ctx.port()
    conninfo = _sampler_conninfo()
    rates, lat, checks, waits = [], [], [], []
    for _ in range(ctx.heavy):
        _drop_months(BURST_MONTH, IMPORT_MONTH)
        with _wait_sampling(conninfo, waits):
            r = burst(port, ctx.token, jobs, clients=8)
        rates.append(len(jobs) / r["wall"])
        lat += r["latencies"]
        checks.append(_burst_check(ctx, codes[mask], {c: vals[c][mask] for c in inds}, r))
    ok = all(c["ok"] for c in checks)
    note = (f"核数一致：{checks[-1]['values']:,} 值 / {checks[-1]['units']:,} 村，无丢失、无重复，全省汇总正确"
            if ok else f"核数不一致：{checks[-1]}"[:200])
    extra = {"submissions": len(jobs), "values_per_submission": len(inds), "latency_p50": hx.percentile(lat, .5),
             "latency_p95": hx.percentile(lat, .95), "latency_max": max(lat), "checks": checks,
             "workers": 4, "threads": 2, "clients": 8}
    if waits:  # PostgreSQL: what the backends did during each repeat (the note shows the last one)
        from .waits import clause

        extra["waits"] = waits
        note += "；" + clause(waits[-1])
    return hx.Result("burst", ctx.db, hx.THROUGHPUT, rates, items="次提交", note=note, extra=extra)


def _sampler_conninfo() -> str | None:
    """The bench database's conninfo for the wait sampler (PostgreSQL only), None elsewhere."""
    from .waits import conninfo_from_django

    try:
        return conninfo_from_django()
    except Exception:  # noqa: BLE001 — the sampler is an aside: no conninfo, no sampling
        return None


def _own_backend() -> list[int]:
    """The PostgreSQL backend pid of this process's own connection (idle while the burst runs), if open."""
    raw = connection.connection
    pid = getattr(getattr(raw, "info", None), "backend_pid", None)
    return [pid] if pid else []


@contextmanager
def _wait_sampling(conninfo: str | None, out: list[dict]) -> Iterator[None]:
    """Sample the bench database's backends while the block runs (PostgreSQL); the summary is appended to
    `out` also when the block raises. A sampler error is kept in the summary, never raised."""
    if conninfo is None:
        yield
        return
    from .waits import WaitSampler, summarise

    try:
        sampler = WaitSampler(conninfo, exclude=frozenset(_own_backend())).start()
    except Exception as e:  # noqa: BLE001
        out.append(summarise([], 0, error=f"{type(e).__name__}: {e}"[:300]))
        yield
        return
    try:
        yield
    finally:
        try:
            out.append(sampler.stop())
        except Exception as e:  # noqa: BLE001
            out.append(summarise([], 0, error=f"{type(e).__name__}: {e}"[:300]))


def _burst_check(ctx: Context, codes: np.ndarray, vals: dict[str, np.ndarray], r: dict) -> dict:
    """Recount in the database: one value per (village, indicator), version 1 (never written twice), state
    submitted, and the province rollups equal the flat aggregates of the submitted numbers."""
    from django.db.models import Count, Max, Min

    from bqw.indicators.models import DataValue, Rollup

    qs = DataValue.objects.filter(period=BURST_MONTH, region__level=5)
    agg = qs.aggregate(n=Count("id"), units=Count("region_id", distinct=True), vmax=Max("version"),
                       vmin=Min("version"))
    states = dict(qs.values_list("state").annotate(c=Count("id")).values_list("state", "c"))
    top = ctx.region(ctx.hierarchy.prefix if ctx.scale == "city" else w.PROVINCE)
    got = dict(Rollup.objects.filter(region=top, period=BURST_MONTH).values_list("indicator__code", "value"))
    rollup_bad = []
    for code, v in vals.items():
        rule = w.BY_CODE[code].rule
        expect = {"sum": v.sum(), "mean": v.mean(), "min": v.min(), "max": v.max()}[rule]
        if not _close(got.get(code), float(expect)):
            rollup_bad.append([code, got.get(code), float(expect)])
    n_expect = len(codes) * len(vals)
    ok = (agg["n"] == n_expect and agg["units"] == len(codes) and agg["vmax"] == 1 and agg["vmin"] == 1
          and states == {"submitted": n_expect} and not rollup_bad and r["statuses"] == {200: len(codes)})
    return {"ok": ok, "values": agg["n"], "expected_values": n_expect, "units": agg["units"],
            "versions": [agg["vmin"], agg["vmax"]], "states": states,
            "statuses": {str(k): v for k, v in r["statuses"].items()}, "errors": [str(e)[:300] for e in r["errors"]],
            "rollup_mismatches": rollup_bad[:5]}


def import_workbook(ctx: Context) -> bytes:
    """10,000 village value rows for 2026-02 (the generator's next month) as an Excel upload."""
    from openpyxl import Workbook

    from bqw.indicators.values_exchange import HEADERS

    codes, vals = _month_values(w.VILLAGE, IMPORT_T)
    mask = np.flatnonzero(np.char.startswith(codes, ctx.hierarchy.prefix))
    inds = [i for i in w.REPORTED if i.level == w.VILLAGE]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("填报")
    ws.append(HEADERS)
    n = 0
    for j in mask:
        for ind in inds:
            ws.append([str(codes[j]), "", ind.code, ind.name, ind.unit, IMPORT_MONTH, float(vals[ind.code][j]),
                       None, "批量导入"])
            n += 1
            if n == IMPORT_ROWS:
                break
        if n == IMPORT_ROWS:
            break
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@bench("excel_import")
def b_excel_import(ctx: Context) -> hx.Result:
    from bqw.indicators.models import DataValue
    from bqw.indicators.values_exchange import values_import

    ensure_loaded(ctx)
    data = import_workbook(ctx)
    done = []

    def fn():
        done.append(len(values_import(actor=ctx.user, data=data, filename="import.xlsx")))
    samples = timed(fn, ctx.heavy, reset=lambda: _drop_months(IMPORT_MONTH))
    stored = DataValue.objects.filter(period=IMPORT_MONTH).count()
    _drop_months(BURST_MONTH, IMPORT_MONTH)
    ok = all(d == IMPORT_ROWS for d in done) and stored == IMPORT_ROWS
    return hx.Result("excel_import", ctx.db, hx.LATENCY, samples,
                     note=f"{IMPORT_ROWS:,} 行全部写入" if ok else f"写入 {done} 行，库中 {stored}",
                     extra={"rows": IMPORT_ROWS, "bytes": len(data), "written": done,
                            "rows_per_s": [IMPORT_ROWS / s for s in samples]})


# — plans: task board lights and the supervision pass ————————————————————————————————————————

@transaction.atomic  # all or nothing: a run killed half-way must not leave a plan with part of its tasks
def ensure_tasks(ctx: Context) -> int:
    """The PSW's 5,000 tasks (led by counties and towns) in one plan; created once, set-based."""
    from bqw.accounts.services import system_user
    from bqw.orgs.models import Organization
    from bqw.plans.models import Plan, Task, TaskLead
    from bqw.plans.services import plan_ensure
    from bqw.regions.models import Region

    name = f"PSW 基准测试任务（{ctx.scale}）"
    Plan.objects.filter(name__startswith="PSW 基准测试任务").exclude(name=name).delete()  # another scale's
    plan = plan_ensure(actor=system_user(), name=name, region=ctx.region(ctx.hierarchy.prefix),
                       start_on=date(2024, 1, 1), end_on=date(2026, 12, 31))
    if Task.objects.filter(plan=plan).exists():
        return Task.objects.filter(plan=plan).count()
    specs = w.tasks(ctx.hierarchy)
    regions = dict(Region.objects.filter(code__in={s["lead_region"] for s in specs}).values_list("code", "id"))
    hq = "百千万工程指挥部"
    have = set(Organization.objects.filter(region_id__in=regions.values(), name=hq).values_list("region_id", flat=True))
    Organization.objects.bulk_create([Organization(name=hq, kind="hq", region_id=rid)
                                      for rid in regions.values() if rid not in have])
    orgs = dict(Organization.objects.filter(region_id__in=regions.values(), name=hq).values_list("region_id", "id"))
    tasks = []
    for s in specs:
        due = date.fromisoformat(s["deadline"])
        p = int(s["progress"])
        state = "done" if p >= 100 and due <= BOARD_DAY else ("not_started" if p == 0 else "in_progress")
        tasks.append(Task(plan=plan, number=s["code"], content=s["title"], region_id=regions[s["lead_region"]],
                          deadline_text=f"{due.year}年{due.month}月底前", deadline_kind="due", due_on=due,
                          progress=min(p, 100), state=state, done_on=due if state == "done" else None,
                          simulated=True))
    Task.objects.bulk_create(tasks, batch_size=1000)
    made = Task.objects.filter(plan=plan).values_list("id", "region_id")
    TaskLead.objects.bulk_create([TaskLead(task_id=tid, organization_id=orgs[rid]) for tid, rid in made],
                                 batch_size=1000)
    return len(specs)


@bench("board")
def b_board(ctx: Context) -> hx.Result:
    from collections import Counter

    from bqw.plans.selectors import tasks_for_user

    n = ensure_tasks(ctx)

    def fn():
        return tasks_for_user(ctx.user, on=BOARD_DAY)
    rows = fn()
    samples = timed(fn, ctx.repeat)
    lights = Counter(r.status.light for r in rows)
    return hx.Result("board", ctx.db, hx.LATENCY, samples, note=f"{len(rows):,} 个任务",
                     extra={"tasks": n, "lights": dict(lights)})


@bench("supervise")
def b_supervise(ctx: Context) -> hx.Result:
    from bqw.accounts.services import system_user
    from bqw.plans.models import Notification, SupervisionNotice
    from bqw.plans.supervision import supervise_run

    ensure_tasks(ctx)
    system = system_user()

    def reset():
        Notification.objects.all().delete()
        SupervisionNotice.objects.all().delete()
    results = []

    def fn():
        results.append(supervise_run(actor=system, on=BOARD_DAY).as_dict())
    samples = timed(fn, max(1, ctx.repeat // 2), reset=reset)
    again = timed(lambda: results.append(supervise_run(actor=system, on=BOARD_DAY).as_dict()), 1, warmup=0)
    r = results[-2]
    return hx.Result("supervise", ctx.db, hx.LATENCY, samples,
                     note=f"提醒 {r['reminders']}，督办单 {r['notices']}；当天重跑 {again[0] * 1000:.0f} ms 无新增"
                     if not results[-1]["notices"] and not results[-1]["reminders"] else "重跑产生了新督办",
                     extra={"first_run": {k: v for k, v in r.items() if k != "numbers"}, "rerun_s": again[0]})


# — assessment: ranking every town with its sensitivity analysis ———————————————————————————————

RANK_ITEMS = [  # 20 indicators with a value at town level: the towns' own and their villages' rolled up
    ("T01", 10, "minmax"), ("T02", 8, "minmax"), ("T03", 2, "zscore"), ("T04", 8, "minmax"), ("T05", 5, "zscore"),
    ("T06", 3, "rank"), ("T07", 4, "goalpost"), ("T08", 8, "minmax"), ("T09", 4, "rank"), ("T10", 2, "minmax"),
    ("D09", 6, "minmax"), ("D11", 3, "minmax"), ("V01", 6, "minmax"), ("V02", 6, "zscore"), ("V08", 4, "minmax"),
    ("V12", 4, "goalpost"), ("D01", 5, "target"), ("D02", 4, "goalpost"), ("D03", 4, "goalpost"),
    ("D06", 4, "minmax"),
]


@bench("assessment_rank")
def b_assessment_rank(ctx: Context) -> hx.Result:
    """bqw.assessment's live result (one rollup query for the value matrix, numpy for the rest, the previous
    month's ranking for the rank change) for every town of the scale's region, 1,000 Monte Carlo runs."""
    from bqw.assessment.models import Scheme
    from bqw.assessment.selectors import scheme_result
    from bqw.assessment.services import scheme_items_set, scheme_save

    ensure_loaded(ctx)
    name = f"PSW 基准测试赛马（{ctx.scale}）"
    Scheme.objects.filter(name__startswith="PSW 基准测试赛马").exclude(name=name).delete()
    scheme = scheme_save(actor=ctx.user, scheme=Scheme.objects.filter(name=name).first(), name=name,
                         region=ctx.region(ctx.hierarchy.prefix), level=w.TOWN, runs=1000, red_task_points=0,
                         late_notice_points=0, period=MONTH_ID)
    items = []
    for code, weight, norm in RANK_ITEMS:
        spec = {"indicator": code, "weight": weight, "normalisation": norm}
        if norm == "goalpost":
            spec |= {"goal_lo": 0, "goal_hi": 100}
        if norm == "target":
            spec |= {"target_value": 80}
        items.append(spec)
    scheme_items_set(actor=ctx.user, scheme=scheme, items=items)
    out: list[dict] = []

    def fn():
        out.append(scheme_result(ctx.user, scheme, MONTH_ID))
    samples = timed(fn, ctx.heavy)
    r = out[-1]
    units = sum(len(g["units"]) for g in r["groups"])
    ranked = sum(g["ranked"] for g in r["groups"])
    firm = sum(1 for g in r["groups"] for c in g["units"] if c.get("separated"))
    inside = all(c["interval"][0] <= c["rank"] <= c["interval"][1] for g in r["groups"] for c in g["units"]
                 if c.get("interval"))
    return hx.Result("assessment_rank", ctx.db, hx.LATENCY, samples,
                     note=f"{units:,} 个镇 × {len(RANK_ITEMS)} 指标 × {r['runs']:,} 次模拟；"
                          f"{firm} 个位次明显拉开" + ("" if inside else "；有位次落在区间外"),
                     extra={"units": units, "ranked": ranked, "items": len(RANK_ITEMS), "runs": r["runs"],
                            "separated": firm, "point_rank_inside_interval": inside})


# — the child's entry point ———————————————————————————————————————————————————————————————

def run_child(db: str, scale: str, names: list[str], repeat: int) -> tuple[list[hx.Result], str]:
    """Prepare the bench database and time each named benchmark (load first: the others read its data)."""
    from .catalog import BY_NAME

    version = database_version()
    if not available():
        return [hx.Result(n, db, BY_NAME[n].kind, note=UNAVAILABLE) for n in names], version
    ctx = Context(db, scale, repeat)
    reloaded = reload_if_dirty()
    out = []
    try:
        for name in names:
            fn = PLATFORM.get(name)
            if fn is None:
                out.append(hx.Result(name, db, BY_NAME[name].kind, note="未接入"))
                continue
            t, load_start = time.perf_counter(), hx.load_average()
            try:
                out.append(fn(ctx))
            except Exception as e:  # one failing benchmark must not hide the others
                traceback.print_exc()
                out.append(hx.Result(name, db, BY_NAME[name].kind, note=f"失败：{type(e).__name__}: {e}"[:200]))
            out[-1].extra["wall_s"] = round(time.perf_counter() - t, 2)
            out[-1].extra["load_avg"] = {"start": load_start, "end": hx.load_average()}  # what ran beside it
            if reloaded:
                out[-1].extra["reloaded"] = True
            print(f"  {db} {name}: {out[-1].p50 if out[-1].p50 is not None else out[-1].note} "
                  f"({out[-1].extra['wall_s']} s)", flush=True)
    finally:
        ctx.close()
    return out, version
