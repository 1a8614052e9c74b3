"""Bench hygiene: a benchmark killed while it changes what the others read leaves a mark, and the next run
wipes the data to reload it; every result keeps the machine's load beside it."""

from __future__ import annotations

import pytest

from bench import harness as hx
from bench import platform as plat
from bqw.accounts.services import system_user
from bqw.indicators.models import DataValue
from bqw.indicators.services import datavalues_bulk_load, indicator_ensure
from bqw.regions.models import Region


def test_a_benchmark_killed_half_way_makes_the_next_run_reload(db, persona):
    village = Region.objects.filter(code__startswith="440784", level=5).order_by("code")[0].code
    indicator_ensure(actor=system_user(), code="t_inc", name="村集体经营性收入", unit="万元")
    datavalues_bulk_load([(village, "t_inc", "202403", 5)], actor=persona("gd_admin"))
    with plat.mutating("freshness"):  # finished: the mark goes
        pass
    assert plat.dirty() == [] and not plat.reload_if_dirty(log=lambda _: None)
    assert DataValue.objects.count() == 1

    with pytest.raises(KeyboardInterrupt), plat.mutating("load"):  # killed in the middle: the mark stays
        raise KeyboardInterrupt
    assert [name for name, _ in plat.dirty()] == ["load"]
    said = []
    assert plat.reload_if_dirty(log=said.append)
    assert DataValue.objects.count() == 0 and plat.dirty() == [] and "load" in said[0]


def test_the_report_shows_the_load_beside_each_result():
    r = {**hx.Result("board", "sqlite", hx.LATENCY, [0.2]).as_dict(), "commit": "abc", "date": "2026-11-30",
         "extra": {"load_avg": {"start": [0.4, 0.3, 0.2], "end": [2.5, 0.9, 0.3]}, "reloaded": True}}
    report = {"scale": "city", "date": "2026-11-30", "commit": "abc", "repeat": 5, "databases": {},
              "machine": {"cpu": "c", "cores": 2, "mem_gb": 1},
              "workload": {"values": 1, "villages": 1, "towns": 1, "counties": 1},
              "benches": [{"name": "board", "label": "看板", "kind": hx.LATENCY, "items": "", "goal": "",
                           "results": [r], "ratios": {}}]}
    md = hx.markdown(report)
    assert "负载 board：SQLite 0.4→2.5（先重新导入）" in md
    assert hx.load_average() is None or len(hx.load_average()) == 3
