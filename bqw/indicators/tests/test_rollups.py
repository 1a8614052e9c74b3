"""Every aggregation rule on a hand-computed tree, zero-lag reads after writes, and rebuild == incremental."""

from __future__ import annotations

import pytest

from bqw.indicators.models import Rollup
from bqw.indicators.rollups import rollup_rebuild
from bqw.indicators.selectors import rollup_grid, rollup_values
from bqw.indicators.services import datavalue_save, datavalues_bulk_load


def put(user, unit, ind, period, value, comment="测试", version=None):
    return datavalue_save(actor=user, region=unit, indicator=ind, period=period, value=value, comment=comment,
                          version=version)


def val(unit, ind, period):
    r = Rollup.objects.filter(region=unit, indicator=ind, period=period).first()
    return None if r is None or r.value is None else round(r.value, 4)


@pytest.fixture
def loaded(tree, catalog, persona):
    admin = persona("gd_admin")
    t, c = tree, catalog
    for unit, v in (("A", 100), ("B", 50), ("C", 200), ("D", 120)):
        put(admin, t[unit], c["t_inc"], "202401", v)
    put(admin, t["A"], c["t_inc"], "202402", 10)
    for ind in ("t_avg", "t_min", "t_max"):
        for unit, v in (("A", 2), ("B", 4), ("C", 6), ("D", 10)):
            put(admin, t[unit], c[ind], "202401", v)
        put(admin, t["A"], c[ind], "202402", 8)
    for unit, tr, to in (("A", 3, 4), ("B", 1, 4), ("D", 2, 2)):
        put(admin, t[unit], c["t_treated"], "202401", tr)
        put(admin, t[unit], c["t_total"], "202401", to)
    put(admin, t["E"], c["t_total"], "202401", 5)
    return t, c


def test_sum_flow_and_every_level_up_to_the_province(loaded):
    t, c = loaded
    inc = c["t_inc"]
    assert [val(t[u], inc, "202401") for u in ("沙坪", "龙口", "鹤山", "江门", "广东")] == [350, 120, 470, 470, 470]
    assert val(t["A"], inc, "2024Q1") == 110  # flow: months add up
    assert val(t["沙坪"], inc, "2024Q1") == 360
    assert val(t["广东"], inc, "2024") == 480
    assert val(t["沙坪"], inc, "202402") == 10


def test_mean_min_max_with_stock_temporal_rule(loaded):
    t, c = loaded
    assert val(t["沙坪"], c["t_avg"], "202401") == 4
    # a mean over the villages below, not the mean of the towns' means (4 and 10 would give 7):
    # (2 + 4 + 6 + 10) / 4 = 5.5 at 鹤山 and every level above it
    assert val(t["鹤山"], c["t_avg"], "202401") == 5.5
    assert val(t["广东"], c["t_avg"], "202401") == 5.5
    assert Rollup.objects.get(region=t["广东"], indicator=c["t_avg"], period="202401").n == 4
    assert val(t["A"], c["t_avg"], "2024Q1") == 8  # stock: last month
    assert val(t["沙坪"], c["t_avg"], "2024Q1") == 6
    assert val(t["鹤山"], c["t_avg"], "2024Q1") == 7  # (8 + 4 + 6 + 10) / 4
    assert val(t["鹤山"], c["t_min"], "202401") == 2 and val(t["广东"], c["t_min"], "2024") == 4
    assert val(t["鹤山"], c["t_max"], "202401") == 10 and val(t["沙坪"], c["t_max"], "2024Q1") == 8


def test_ratio_is_sum_of_numerators_over_sum_of_denominators(loaded):
    t, c = loaded
    rate = c["t_rate"]
    assert val(t["A"], rate, "202401") == 75
    assert val(t["E"], rate, "202401") is None  # nothing treated reported
    assert val(t["沙坪"], rate, "202401") == 50  # 4 / 8
    assert val(t["龙口"], rate, "202401") == 28.5714  # 2 / 7
    assert val(t["鹤山"], rate, "202401") == 40  # 6 / 15
    r = Rollup.objects.get(region=t["广东"], indicator=rate, period="202401")
    assert (r.num, r.den) == (6, 15)


def test_count_where_and_share_where(loaded):
    t, c = loaded
    cnt, share = c["t_cnt"], c["t_share"]
    assert val(t["沙坪"], cnt, "202401") == 2 and val(t["龙口"], cnt, "202401") == 1
    assert val(t["鹤山"], cnt, "202401") == 3
    assert val(t["沙坪"], share, "202401") == 66.6667
    assert val(t["龙口"], share, "202401") == 100  # E has no value: not counted
    assert val(t["鹤山"], share, "202401") == 75 and val(t["广东"], share, "202401") == 75
    assert val(t["沙坪"], share, "202402") == 0  # only A reported, 10 < 100
    assert val(t["龙口"], share, "202402") is None
    assert val(t["鹤山"], cnt, "2024Q1") == 3  # annual flows judged on the quarter's total (A: 110)


def test_a_read_right_after_a_write_sees_the_new_rollup_at_every_level(loaded, persona):
    t, c = loaded
    admin = persona("gd_admin")
    dv = put(admin, t["B"], c["t_inc"], "202401", 150, comment="核实后更正", version=1)
    for unit, expected in (("沙坪", 450), ("鹤山", 570), ("江门", 570), ("广东", 570)):
        assert val(t[unit], c["t_inc"], "202401") == expected
    grid = rollup_grid(admin, t["鹤山"], "202401", indicators=["t_inc", "t_share"])
    row = {r["code"]: r for r in grid["rows"]}
    assert row[t["沙坪"].code]["values"]["t_inc"]["value"] == 450
    assert row[t["沙坪"].code]["values"]["t_share"]["value"] == 100  # B now ≥ 100
    assert grid["total"]["t_inc"]["value"] == 570
    assert rollup_grid(admin, t["广东"], "2024")["total"]["t_inc"]["value"] == 580
    assert dv.version == 2


def test_a_units_own_value_overrides_its_children(loaded, persona):
    t, c = loaded
    admin = persona("gd_admin")
    put(admin, t["鹤山"], c["t_inc"], "202401", 1000)
    assert val(t["鹤山"], c["t_inc"], "202401") == 1000
    assert val(t["江门"], c["t_inc"], "202401") == 1000
    put(admin, t["C"], c["t_inc"], "202401", 300, version=1)  # children still aggregate beneath the override
    r = Rollup.objects.get(region=t["鹤山"], indicator=c["t_inc"], period="202401")
    assert (r.own, r.agg, r.value) == (1000, 570, 1000)
    assert rollup_values(admin, t["鹤山"], "202401")["t_inc"]["own"] is True


def test_rebuild_gives_the_same_rows_as_incremental_upkeep(loaded):
    def rows():
        return {(r.region_id, r.indicator_id, r.period): (None if r.value is None else round(r.value, 6), r.n, r.hits,
                                                          r.pending)
                for r in Rollup.objects.all()}

    before = rows()
    Rollup.objects.all().delete()
    rollup_rebuild()
    assert rows() == before
    t, c = loaded
    rollup_rebuild(c["t_inc"], region=t["沙坪"], periods=["202401"])
    assert rows() == before


def test_quarterly_indicator_rolls_into_its_year(tree, catalog, persona):
    admin = persona("gd_admin")
    hs = tree["鹤山"]
    put(admin, hs, catalog["t_q"], "2024Q1", 30)
    put(admin, hs, catalog["t_q"], "2024Q2", 40)
    assert val(hs, catalog["t_q"], "2024") == 70
    assert val(tree["广东"], catalog["t_q"], "2024") == 70


def test_bulk_load_then_rebuild(tree, catalog, persona):
    t = tree
    rows = [(t[u].code, "t_inc", "202403", v) for u, v in (("A", 5), ("B", 7), ("D", 200))]
    assert datavalues_bulk_load(rows, actor=persona("gd_admin"), simulated=True) == 3
    assert val(t["鹤山"], catalog["t_inc"], "202403") == 212
    assert val(t["鹤山"], catalog["t_cnt"], "2024") == 1
    assert Rollup.objects.get(region=t["广东"], indicator=catalog["t_inc"], period="2024").simulated


def test_a_units_own_mean_stands_for_the_units_below_it(loaded, persona):
    t, c = loaded
    put(persona("gd_admin"), t["龙口"], c["t_avg"], "202401", 1)  # 龙口 reports its own mean over its 1 village
    # 沙坪: 4 over 3 villages; 龙口: 1 over the 1 village it aggregated → (4×3 + 1×1) / 4
    assert val(t["鹤山"], c["t_avg"], "202401") == 3.25


def test_a_whole_form_in_one_pass_equals_value_by_value(tree, catalog, persona):
    from bqw.indicators.services import datavalues_save_form

    admin, t, c = persona("gd_admin"), tree, catalog
    items = [{"indicator": c["t_inc"], "value": 120}, {"indicator": c["t_treated"], "value": 3},
             {"indicator": c["t_total"], "value": 4}, {"indicator": c["t_avg"], "value": 9}]
    saved = datavalues_save_form(actor=admin, region=t["A"], period="202401", items=items, submit=True)
    assert [dv.state for dv in saved] == ["submitted"] * 4
    put(admin, t["D"], c["t_inc"], "202401", 50)
    assert val(t["鹤山"], c["t_inc"], "202401") == 170 and val(t["广东"], c["t_cnt"], "202401") == 1
    assert val(t["广东"], c["t_rate"], "202401") == 75 and val(t["江门"], c["t_avg"], "2024") == 9
    incremental = {(r.region_id, r.indicator_id, r.period): (r.value, r.n, r.hits, r.pending)
                   for r in Rollup.objects.all()}
    Rollup.objects.all().delete()
    rollup_rebuild()
    assert {(r.region_id, r.indicator_id, r.period): (r.value, r.n, r.hits, r.pending)
            for r in Rollup.objects.all()} == incremental


def test_a_form_with_one_bad_value_saves_nothing(tree, catalog, persona):
    from bqw.core.errors import ApplicationError
    from bqw.indicators.models import DataValue
    from bqw.indicators.services import datavalues_save_form

    items = [{"indicator": catalog["t_inc"], "value": 120}, {"indicator": catalog["t_rate"], "value": 3}]
    with pytest.raises(ApplicationError):
        datavalues_save_form(actor=persona("gd_admin"), region=tree["A"], period="202401", items=items)
    assert not DataValue.objects.filter(region=tree["A"]).exists()


def test_zones_and_quasi_units_do_not_add_into_their_parent(tree, catalog, persona):
    """A special zone overlays its county and a quasi unit (林场…) is outside the administrative count:
    neither adds into the parent's rollup, though each keeps its own."""
    from bqw.regions.models import Region

    admin, t, c = persona("gd_admin"), tree, catalog
    hs = t["鹤山"]
    zone = Region.objects.create(code="440784901000", name="鹤山主平台", full_name="江门市鹤山市鹤山主平台",
                                 level=4, kind="zone", parent=hs)
    quasi = Region.objects.filter(kind="quasi", level=4).select_related("parent").first()
    put(admin, t["A"], c["t_inc"], "202401", 100)
    put(admin, zone, c["t_inc"], "202401", 5000)
    before_county = val(quasi.parent, c["t_inc"], "202401")
    put(admin, quasi, c["t_inc"], "202401", 7000)
    assert val(zone, c["t_inc"], "202401") == 5000 and val(quasi, c["t_inc"], "202401") == 7000
    assert val(hs, c["t_inc"], "202401") == 100 and val(t["广东"], c["t_inc"], "202401") == 100
    assert val(quasi.parent, c["t_inc"], "202401") == before_county  # None: nothing admin reported there

    def rows():  # PostgreSQL's create-or-lock leaves empty rows (n = 0, no own value) where nothing adds up
        return {(r.region_id, r.indicator_id, r.period): r.value for r in Rollup.objects.all()
                if r.n or r.own is not None}
    before = rows()
    Rollup.objects.all().delete()
    rollup_rebuild()
    assert rows() == before


@pytest.mark.django_db
def test_upkeep_statements_inline_only_values_that_cannot_carry_sql():
    """Numbers and period ids are written into the SQL (no driver re-parsing of thousands of parameters);
    any other text is bound as a parameter, so a quote cannot end the literal."""
    from decimal import Decimal

    from django.db import connection

    from bqw.indicators.rollups import _execute, _literal

    assert [_literal(v) for v in (7, 2.5, None, True, Decimal("1.50"), "2026Q1")] == \
        ["7", "2.5", "NULL", "TRUE", "1.50", "'2026Q1'"]
    assert [_literal(v) for v in ("x' OR '1'='1", float("nan"), float("inf"), object())] == [None] * 4
    with connection.cursor() as cur:
        _execute(cur, "SELECT %s, %s, %s", [1, "2026Q1", "it's"])  # one unsafe value: all bound
        assert list(cur.fetchone()) == [1, "2026Q1", "it's"]
        _execute(cur, "SELECT %s + %s, %s", [1, 0.5, None])
        assert list(cur.fetchone()) == [1.5, None]
