"""The PSW generator and the DuckDB reference at city scale (no timings asserted)."""

from collections import Counter

import numpy as np
import pytest

pytest.importorskip("pyarrow")
duckdb = pytest.importorskip("duckdb")

from bench import workload as w  # noqa: E402
from bench.reference import Reference  # noqa: E402


def test_catalogue_has_the_rule_mix():
    by_level = Counter((i.level, i.periodicity) for i in w.REPORTED)
    assert by_level == {(w.VILLAGE, w.MONTHLY): 20, (w.TOWN, w.MONTHLY): 10, (w.COUNTY, w.QUARTERLY): 10}
    assert {i.rule for i in w.REPORTED} == {"sum", "mean", "min", "max"}
    assert {i.rule for i in w.INDICATORS} == set(w.RULES)
    assert {i.rule for i in w.INDICATORS if i.level == w.VILLAGE} == set(w.RULES)
    assert all(i.derived for i in w.DERIVED) and len(w.INDICATORS) == 53
    for i in w.DERIVED:  # derived rules point at reported indicators of the same level
        assert all(w.BY_CODE[d].level == i.level and not w.BY_CODE[d].derived for d in i.depends_on)


def test_hierarchy_is_the_real_one():
    prov, city = w.load_hierarchy("province"), w.load_hierarchy("city")
    assert [prov.count(lv) for lv in (2, 3, 4, 5)] == [21, 122, 1610, 26610]
    assert [city.count(lv) for lv in (2, 3, 4, 5)] == [1, 7, 73, 1339]
    assert w.expected_count(prov) == 26610 * 20 * 36 + 1610 * 10 * 36 + 122 * 10 * 12
    assert len(w.months()) == 36 and w.months()[0].id == "202301" and len(w.quarters()) == 12


def test_generator_is_deterministic_and_scale_independent():
    first = [c for _, c in zip(range(3), w.chunks("city"), strict=False)]
    again = [c for _, c in zip(range(3), w.chunks("city"), strict=False)]
    for a, b in zip(first, again, strict=True):
        assert a.period == b.period and np.array_equal(a.codes, b.codes) and np.array_equal(a.values, b.values)
    prov = next(w.chunks("province"))
    mask = np.char.startswith(prov.codes, "4407")
    assert np.array_equal(prov.values[:, mask], first[0].values)
    chunks = list(w.chunks("city"))
    assert sum(len(c) for c in chunks) == w.expected_count(w.load_hierarchy("city"))
    assert Counter(c.level for c in chunks) == {w.VILLAGE: 36, w.TOWN: 36, w.COUNTY: 12}


def test_stored_values_are_self_consistent():
    c = next(w.chunks("city"))
    v = dict(zip(c.indicators, c.values, strict=True))
    assert c.indicators == [i.code for i in w.REPORTED if i.level == w.VILLAGE]
    assert (v["V04"] <= v["V03"]).all() and (v["V06"] <= v["V05"]).all() and (v["V08"] <= 100).all()
    for d in w.DERIVED:  # thresholds split the units
        if d.op and d.level == w.VILLAGE:
            assert 0 < w.OPS[d.op](v[d.source], d.threshold).mean() < 1, d.code


def test_targets_and_tasks():
    h = w.load_hierarchy("city")
    targets, tasks = w.targets(h), w.tasks(h)
    assert len(targets) == 73 * 10 + 7 * 10  # every own-level reported indicator
    assert len(tasks) == w.N_TASKS and tasks == w.tasks(h)
    assert all(t["lead_region"].startswith("4407") for t in tasks)


@pytest.fixture(scope="module")
def ref(tmp_path_factory):
    return Reference(w.export("city", tmp_path_factory.mktemp("psw")))


def test_reference_cockpit_matches_numpy(ref):
    rows = {(u, i): v for u, i, v in ref.cockpit("4407", 6, "202512")}
    assert len(rows) == 7 * 53
    village = next(c for c in w.chunks("city") if c.period == "202512" and c.level == w.VILLAGE)
    v = dict(zip(village.indicators, village.values, strict=True))
    hs = np.char.startswith(village.codes, "440784")
    assert rows[("440784", "V01")] == pytest.approx(v["V01"][hs].sum())
    assert rows[("440784", "V02")] == pytest.approx(v["V02"][hs].mean())
    assert rows[("440784", "V09")] == pytest.approx(v["V09"][hs].min())
    assert rows[("440784", "D02")] == pytest.approx(v["V04"][hs].sum() / v["V03"][hs].sum() * 100)
    assert rows[("440784", "D04")] == (v["V01"][hs] < 5).sum()
    assert rows[("440784", "D06")] == pytest.approx(100 * (v["V08"][hs] >= 80).mean())
    assert ref.recount("202512") == (1339 * 20, 1339)
    drill = ref.drilldown("440784", "D06")
    assert len(drill) == (hs.sum() + len({c[:9] for c in village.codes[hs]})) * 36
