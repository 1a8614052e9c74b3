"""Status arithmetic for level, growth and relative targets, and the light mapping."""

from __future__ import annotations

import pytest

from bqw.accounts.services import system_user
from bqw.core.periods import Period
from bqw.indicators.services import datavalues_bulk_load, indicator_ensure, target_ensure
from bqw.indicators.status import evaluate, measure, region_statuses


@pytest.fixture
def county(tree, persona):
    admin = persona("gd_admin")
    pct = indicator_ensure(actor=system_user(), code="t_pct", name="自然村生活污水治理率", unit="%", level=3)
    gdp = indicator_ensure(actor=system_user(), code="t_gdp", name="地区生产总值", unit="元", level=3, periodicity="Y",
                           temporal="flow")
    rev = indicator_ensure(actor=system_user(), code="t_rev", name="农村居民人均可支配收入", unit="元", level=3,
                           temporal="flow")
    return admin, pct, gdp, rev


def load(admin, rows):
    datavalues_bulk_load(rows, actor=admin)


def level_target(tree, pct):
    return target_ensure(actor=system_user(), indicator=pct, region=tree["鹤山"], deadline="2024", value=92,
                         baseline_value="72.8", baseline_period="202312", comparator=">=", stage="2025")


@pytest.mark.parametrize("actual,state,light,words", [
    (76.0, "off_track", "red", "预期 2024年6月 应达 82.4%，实际 76.0%，落后 6.4 个百分点"),
    (81.0, "at_risk", "yellow", "落后 1.4 个百分点"),
    (83.0, "on_track", "blue", "领先 0.6 个百分点"),
    (92.5, "achieved", "green", "已达到目标 ≥ 92.0%"),
])
def test_level_target_linear_trajectory(tree, county, actual, state, light, words):
    admin, pct, _, _ = county
    load(admin, [(tree["鹤山"].code, "t_pct", "202406", actual)])
    st = evaluate(level_target(tree, pct), "202406")
    assert (st.state, st.status.light) == (state, light)
    assert words in st.reason


def test_level_target_no_data_and_past_deadline(tree, county):
    admin, pct, _, _ = county
    target = level_target(tree, pct)
    st = evaluate(target, "202405")
    assert (st.state, st.status.light, st.reason) == ("no_data", "grey", "2024年5月 无 自然村生活污水治理率 数据")
    load(admin, [(tree["鹤山"].code, "t_pct", "202412", 85), (tree["鹤山"].code, "t_pct", "202503", 95)])
    # past the deadline the target is judged on its value at the deadline (85 in 2024年12月), not on 95 later
    st = evaluate(target, "202503")
    assert st.state == "off_track" and st.period.id == "202503"
    assert st.reason == "期限 2024年 已到：2024年12月 实际 85.0%，未达成目标 ≥ 92.0%，差 7.0 个百分点"


def test_past_deadline_target_achieved_at_its_deadline_says_by_how_much(tree, county):
    admin, pct, _, _ = county
    target = level_target(tree, pct)
    load(admin, [(tree["鹤山"].code, "t_pct", "202412", 93.5), (tree["鹤山"].code, "t_pct", "202506", 60)])
    st = evaluate(target, "202506")
    assert st.state == "achieved"
    assert st.reason == "期限 2024年 已到：2024年12月 实际 93.5%，达成目标 ≥ 92.0%，超出 1.5 个百分点"


def test_a_gap_that_rounds_to_zero_is_never_written_as_behind(tree, county):
    admin, pct, _, _ = county
    load(admin, [(tree["鹤山"].code, "t_pct", "202406", 82.38)])  # expected 82.4: 0.02 behind
    st = evaluate(level_target(tree, pct), "202406")
    assert st.state == "on_track" and "落后" not in st.reason and "与预期进度持平" in st.reason


def test_required_growth_for_a_level_target(tree, county):
    admin, _, gdp, _ = county
    load(admin, [(tree["鹤山"].code, "t_gdp", "2023", 1000e8), (tree["鹤山"].code, "t_gdp", "2024", 1100e8)])
    t = target_ensure(actor=system_user(), indicator=gdp, region=tree["鹤山"], deadline="2026", value=1331e8,
                      baseline_period="2023")
    ev = evaluate(t, "202412").units[0]
    assert ev.baseline == 1000e8 and ev.actual == 1100e8
    assert round(ev.achieved_growth, 4) == 10.0
    assert round(ev.required_growth, 4) == 10.0  # 1100 → 1331 in two years
    assert "需年均增长 10.0%" in ev.reason and ev.state == "at_risk"  # linear path: 1110.3 expected


@pytest.mark.parametrize("actual,state", [(1085e8, "on_track"), (1075e8, "at_risk"), (1060e8, "off_track")])
def test_growth_target_compound_trajectory(tree, county, actual, state):
    admin, _, gdp, _ = county
    hs = tree["鹤山"].code
    load(admin, [(hs, "t_gdp", "2023", 1000e8), (hs, "t_gdp", "2024", actual)])
    t = target_ensure(actor=system_user(), indicator=gdp, region=tree["鹤山"], deadline="2026", value=8, kind="growth",
                      baseline_period="2023")
    st = evaluate(t, "202412")
    ev = st.units[0]
    assert round(ev.expected / 1e8, 4) == 1080.0
    assert st.state == state
    end = 1000e8 * 1.08 ** 3
    assert round(ev.required_growth, 6) == round(((end / actual) ** 0.5 - 1) * 100, 6)
    assert "年均增长 8.0%" in st.reason


def test_relative_target_compares_growth_with_the_benchmark(tree, county):
    admin, _, _, rev = county
    hs, jm = tree["鹤山"].code, tree["江门"].code
    rows = []
    for m in range(1, 7):
        rows += [(hs, "t_rev", f"2023{m:02d}", 100 / 6), (hs, "t_rev", f"2024{m:02d}", 110 / 6),
                 (jm, "t_rev", f"2023{m:02d}", 200 / 6), (jm, "t_rev", f"2024{m:02d}", 212 / 6)]
    load(admin, rows)
    t = target_ensure(actor=system_user(), indicator=rev, region=tree["鹤山"], deadline="2025", value=0,
                      kind="relative", comparator=">", benchmark=tree["江门"],
                      title="农村居民人均可支配收入增速高于全市平均水平")
    st = evaluate(t, "202406")
    assert st.state == "on_track"
    assert st.reason == "2024年1—6月 农村居民人均可支配收入同比增长 10.0%，对标江门市 6.0%，高出 4.0 个百分点"
    t.benchmark = tree["广东"]
    load(admin, [(tree["广东"].code, "t_rev", f"2023{m:02d}", 1) for m in range(1, 7)]
         + [(tree["广东"].code, "t_rev", f"2024{m:02d}", 1.105) for m in range(1, 7)])
    st = evaluate(t, "202406")
    assert st.state == "at_risk" and "低于 0.5 个百分点" in st.reason
    assert evaluate(t, "202606").state == "no_data"


def test_level_scope_target_summarises_its_units(tree, county, catalog, persona):
    admin = persona("gd_admin")
    rows = [(tree[u].code, "t_inc", f"2024{m:02d}", v / 12) for u, v in (("A", 480), ("B", 300), ("C", 100))
            for m in range(1, 13)]
    load(admin, rows)
    t = target_ensure(actor=system_user(), indicator=catalog["t_inc"], region=tree["沙坪"], deadline="2025", value=400,
                      scope="level", scope_level=5, baseline_period="202412")
    st = evaluate(t, "202412")
    n = len(st.units)
    assert n > 3
    by = {e.region.code: e.state for e in st.units}
    assert by[tree["A"].code] == "achieved" and by[tree["B"].code] == "on_track"  # baseline = itself at 202412
    assert st.reason.startswith(f"{n} 个单位中：")
    statuses = region_statuses(admin, tree["沙坪"], "202412")
    assert [s.target.id for s in statuses] == [t.id]


def test_flow_measure_annualises_year_to_date(catalog):
    m = measure(catalog["t_inc"], Period.parse("202406"))
    assert (m.periods, m.full, m.label) == (("202401", "202402", "202403", "202404", "202405", "202406"), 12,
                                            "2024年1—6月累计折年")
    assert m.value({(1, "202401"): 10, (1, "202402"): 20}, 1) == 180  # two months present: scaled to twelve
    assert measure(catalog["t_q"], Period.parse("202405")).label == "2024年第1季度折年"
    assert measure(catalog["t_q"], Period.parse("202412")).periods == ("2024",)
    assert measure(catalog["t_avg"], Period.parse("2024")).period == "202412"
