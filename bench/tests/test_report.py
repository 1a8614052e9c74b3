"""Partial runs merge into the scale's report: what a run redid replaces the old result, the rest is kept
with the commit and date of the run that measured it (no timings asserted)."""

from bench import harness as hx
from bench.runner import merge


def result(bench: str, target: str, samples: list[float], commit: str, date: str, kind: str = hx.THROUGHPUT) -> dict:
    return {**hx.Result(bench, target, kind, samples).as_dict(), "commit": commit, "date": date}


def report(benches: dict[str, list[dict]], commit: str, date: str, version: int = 2) -> dict:
    return {"scale": "province", "date": date, "commit": commit, "databases": {"duckdb": "x"},
            "workload": {"version": version}, "notes": ["一条说明"],
            "benches": [{"name": n, "label": n, "kind": hx.THROUGHPUT, "items": "值", "goal": "", "results": rs}
                        for n, rs in benches.items()]}


OLD = report({"load": [result("load", "postgres", [100.0], "aaa", "2026-01-01"),
                       result("load", "sqlite", [50.0], "aaa", "2026-01-01"),
                       result("load", "duckdb", [1000.0], "aaa", "2026-01-01")]}, "aaa", "2026-01-01")


def test_a_partial_run_keeps_what_it_did_not_redo():
    new = report({"load": [result("load", "postgres", [200.0], "bbb", "2026-02-01")],
                  "burst": [result("burst", "postgres", [17.0], "bbb", "2026-02-01")]}, "bbb", "2026-02-01")
    merged = merge(OLD, new)
    by = {(b["name"], r["target"]): r for b in merged["benches"] for r in b["results"]}
    assert by[("load", "postgres")]["samples"] == [200.0] and by[("load", "postgres")]["commit"] == "bbb"
    assert by[("load", "sqlite")]["samples"] == [50.0] and by[("load", "sqlite")]["commit"] == "aaa"
    assert ("burst", "postgres") in by
    assert [b["name"] for b in merged["benches"]] == ["load", "burst"]  # the suite's order
    load = next(b for b in merged["benches"] if b["name"] == "load")
    assert load["ratios"] == {"sqlite": 20.0, "postgres": 5.0}  # recomputed against the kept reference
    assert merged["runs"] == [("aaa", "2026-01-01"), ("bbb", "2026-02-01")]
    assert merged["notes"] == ["一条说明"]
    assert "合并 2 次运行" in hx.markdown({**merged, "machine": {"cpu": "c", "cores": 2, "mem_gb": 1},
                                         "repeat": 5, "workload": {"values": 1, "villages": 1, "towns": 1,
                                                                   "counties": 1, "version": 2}})


def test_another_workload_version_is_not_merged():
    new = report({"burst": [result("burst", "postgres", [17.0], "bbb", "2026-02-01")]}, "bbb", "2026-02-01",
                  version=3)
    merged = merge(OLD, new)
    assert [b["name"] for b in merged["benches"]] == ["burst"]
    assert merged["runs"] == [("bbb", "2026-02-01")]
