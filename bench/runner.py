"""What `bqw bench` runs: the benchmark list, the DuckDB reference runs and the platform runs per database.

The platform side never touches the developer's database: each database run happens in a child
`bqw bench --child DB` process whose DATABASE_URL points at a dedicated bench database
one per scale, so a city run never reads a province's data (var/bench/psw-<scale>.sqlite3; on PostgreSQL
BQW_BENCH_POSTGRES_URL + "_<scale>", default postgresql://postgres@127.0.0.1:5432/bqw_bench_<scale>).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from . import harness as hx
from . import workload as w
from .catalog import BENCHES, BY_NAME, CITY, COUNTY, DRILL_INDICATOR, MONTH, RESULTS_DIR

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/bqw_bench"


def database_url(db: str, scale: str) -> str:
    if db == "postgres":
        return f"{os.environ.get('BQW_BENCH_POSTGRES_URL', POSTGRES_URL)}_{scale}"
    return f"sqlite:///{Path(settings.BASE_DIR) / 'var' / 'bench' / f'psw-{scale}.sqlite3'}"


def ensure_postgres_database(url: str) -> None:
    """Create the dedicated bench database on first use (a fresh machine has only postgres/template1)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def reference_runs(ref, scale: str) -> dict[str, Callable[[], object]]:
    """The DuckDB reference for each benchmark that has one."""
    return {
        "load": ref.bulk_load,
        "rebuild": ref.rollups,
        "cockpit_province": lambda: ref.cockpit(w.PROVINCE, 4, MONTH),
        "cockpit_province_http": lambda: ref.cockpit(w.PROVINCE, 4, MONTH),
        "cockpit_city": lambda: ref.cockpit(CITY, 6, MONTH),
        "cockpit_city_http": lambda: ref.cockpit(CITY, 6, MONTH),
        "cockpit_json_province": lambda: ref.cockpit_lights(w.PROVINCE, 4, MONTH),
        "cockpit_json_province_http": lambda: ref.cockpit_lights(w.PROVINCE, 4, MONTH),
        "cockpit_json_city_http": lambda: ref.cockpit_lights(CITY, 6, MONTH),
        "drilldown": lambda: ref.drilldown(COUNTY, DRILL_INDICATOR),
        "recount": lambda: ref.recount(MONTH),
    }


def run_reference(paths: dict[str, Path], scale: str, names: list[str], repeat: int) -> dict[str, hx.Result]:
    from .reference import Reference

    ref = Reference(paths)
    runs = reference_runs(ref, scale)
    out: dict[str, hx.Result] = {}
    for name in names:
        b = BY_NAME[name]
        fn = runs.get(name)
        if fn is None:
            continue
        n = max(1, repeat // 5) if b.heavy else repeat
        start = hx.load_average()
        if b.kind == hx.THROUGHPUT:
            out[name] = hx.throughput(name, "duckdb", fn, n, b.items)
        else:
            out[name] = hx.latency(name, "duckdb", fn, n)
        out[name].extra["load_avg"] = {"start": start, "end": hx.load_average()}  # what ran beside it
    return out


def run_platform(db: str, scale: str, names: list[str], repeat: int, out_dir: Path = RESULTS_DIR
                 ) -> tuple[dict[str, hx.Result], str]:
    """Run the platform benchmarks against one database in a child process; returns results and version."""
    from . import platform as plat

    if not plat.available():
        return {n: hx.Result(n, db, BY_NAME[n].kind, note=plat.UNAVAILABLE) for n in names}, ""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = Path(f.name)
    (Path(settings.BASE_DIR) / "var" / "bench").mkdir(parents=True, exist_ok=True)
    if db == "postgres":
        ensure_postgres_database(database_url(db, scale))
    env = {**os.environ, "DATABASE_URL": database_url(db, scale), "BQW_BENCH_DATA": str(out_dir)}
    cmd = [sys.executable, "-m", "bqw.cli", "bench", "--scale", scale, "--child", db, "--repeat", str(repeat),
           "--child-out", str(out), *[a for n in names for a in ("--only", n)]]
    proc = subprocess.run(cmd, env=env, check=False)
    if proc.returncode != 0 or not out.stat().st_size:
        return {n: hx.Result(n, db, BY_NAME[n].kind, note=f"失败（退出码 {proc.returncode}）") for n in names}, ""
    data = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    results = {}
    for r in data["results"]:
        r.pop("p50", None), r.pop("p95", None), r.pop("n", None)
        results[r["bench"]] = hx.Result(**r)
    return results, data.get("version", "")


def run(*, scale: str = "city", dbs: tuple[str, ...] = ("sqlite", "postgres"), only: list[str] | None = None,
        repeat: int = 10, out_dir: Path = RESULTS_DIR, log: Callable[[str], None] = print) -> dict:
    """Generate (or reuse) the workload, run the reference and the platform, write and return the report."""
    stamp = {"commit": hx.git_commit(Path(settings.BASE_DIR)), "date": hx.now()}  # the code that runs
    names = [b.name for b in BENCHES if not only or b.name in only]
    unknown = set(only or []) - set(BY_NAME)
    if unknown:
        raise ValueError(f"未知的基准：{', '.join(sorted(unknown))}（可选：{', '.join(BY_NAME)}）")
    log(f"生成/读取 PSW 工作负载（{scale}）…")
    paths = w.export(scale, out_dir)
    h = w.load_hierarchy(scale)
    log("DuckDB 参照…")
    results: dict[str, dict[str, hx.Result]] = {n: {} for n in names}
    for n, r in run_reference(paths, scale, names, repeat).items():
        results[n]["duckdb"] = r
    import duckdb

    databases = {"duckdb": duckdb.__version__}
    for db in dbs:
        log(f"平台（{hx.TARGET_LABELS[db]}）…")
        res, version = run_platform(db, scale, names, repeat, out_dir)
        databases[db] = version or "—"
        for n, r in res.items():
            results[n][db] = r
    benches = []
    for n in names:
        b = BY_NAME[n]
        benches.append({
            "name": n, "label": b.label, "kind": b.kind, "items": b.items, "goal": b.goal,
            "results": [{**r.as_dict(), **stamp} for r in results[n].values()],
        })
    report = {
        "scale": scale, "date": stamp["date"], "commit": stamp["commit"],
        "machine": hx.machine(), "databases": databases, "repeat": repeat,
        "workload": {"seed": w.SEED, "version": w.VERSION, "values": w.expected_count(h),
                     "villages": h.count(w.VILLAGE), "towns": h.count(w.TOWN), "counties": h.count(w.COUNTY),
                     "indicators": len(w.INDICATORS), "months": len(w.months()), "cockpit_month": MONTH},
        "benches": benches,
    }
    report = merge(hx.read(out_dir, scale), report)
    hx.write(report, out_dir)
    return report


def merge(previous: dict | None, report: dict) -> dict:
    """Keep the previous report's results that this run did not redo (a `--only` run, or one database), so
    one table can be filled by several runs; each result carries the commit and date of its own run."""
    if previous and previous.get("workload", {}).get("version") == report["workload"]["version"]:
        mine = {(b["name"], r["target"]) for b in report["benches"] for r in b["results"]}
        order = [b.name for b in BENCHES]
        by_name = {b["name"]: b for b in report["benches"]}
        for old in previous.get("benches", []):
            if old["name"] not in BY_NAME:
                continue
            kept = [r for r in old["results"] if (old["name"], r["target"]) not in mine]
            for r in kept:
                r.setdefault("commit", previous.get("commit")), r.setdefault("date", previous.get("date"))
            if old["name"] in by_name:
                by_name[old["name"]]["results"] += kept
            elif kept:
                b = BY_NAME[old["name"]]
                by_name[old["name"]] = {"name": b.name, "label": b.label, "kind": b.kind, "items": b.items,
                                        "goal": b.goal, "results": kept}
        report["benches"] = [by_name[n] for n in order if n in by_name]
        report["databases"] = {**previous.get("databases", {}), **report["databases"]}
        report["notes"] = previous.get("notes", [])
    for b in report["benches"]:
        res = {r["target"]: hx.Result(**{k: v for k, v in r.items() if k in hx.RESULT_FIELDS})
               for r in b["results"]}
        b["ratios"] = {db: hx.ratio(res.get(db), res.get("duckdb")) for db in ("sqlite", "postgres")}
    report["runs"] = sorted({(r["commit"], r["date"]) for b in report["benches"] for r in b["results"]},
                            key=lambda x: x[1])
    return report

