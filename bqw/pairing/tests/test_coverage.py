"""Coverage and delivery arrive as indicator values at zero lag and feed ordinary targets."""

from __future__ import annotations

from datetime import date

import pytest

from bqw.accounts.services import system_user
from bqw.indicators.models import DataValue, Rollup
from bqw.indicators.services import target_ensure
from bqw.indicators.status import evaluate
from bqw.pairing import coverage
from bqw.pairing.models import CommitmentKind
from bqw.pairing.services import (
    commitment_create,
    delivery_report,
    pairing_project_create,
    pairing_project_update,
    pairing_update,
)
from bqw.regions.models import Region


def _rollup(code: str, region: Region, period: str) -> float | None:
    r = Rollup.objects.filter(indicator__code=code, region=region, period=period).first()
    return r.value if r else None


def test_village_enterprise_pair_is_written_and_every_city_village_gets_a_zero(db, town, enterprise, pair, jm,
                                                                               make_org):
    village = town.children.order_by("code").first()
    pair(village, enterprise)
    v = DataValue.objects.get(indicator__code=coverage.V_ENT, region=village, period="2026Q2")
    assert v.value == 1 and v.state == "approved"
    villages = Region.objects.filter(code__startswith="4407", level=5, kind="admin").count()
    assert DataValue.objects.filter(indicator__code=coverage.V_ENT, period="2026Q2").count() == villages
    assert _rollup(coverage.V_ENT_SHARE, jm, "2026Q2") == pytest.approx(100 / villages)
    # a non-enterprise helper (a university) does not make it an enterprise pair
    other = town.children.order_by("code")[1]
    uni = make_org("测试大学", kind="university")
    pair(other, uni, kind="university")
    assert DataValue.objects.get(indicator__code=coverage.V_ENT, region=other, period="2026Q2").value == 0


def test_twenty_percent_target_turns_green_at_once_when_enough_pairs_are_added(db, town, make_org, pair):
    """行政村与企业年度结对率达到20%以上: an ordinary target on the coverage indicator."""
    inds = coverage.ensure_indicators(None)
    target = target_ensure(actor=system_user(), indicator=inds[coverage.V_ENT_SHARE], region=town, deadline="2026",
                           value=20, comparator=">=", title="行政村与企业年度结对率达到20%以上",
                           baseline_value=0, baseline_period="2025")
    villages = list(town.children.filter(kind="admin").order_by("code"))
    need = -(-len(villages) * 20 // 100)  # ceil(20%)
    assert evaluate(target, "2026").state == "no_data"
    for i, v in enumerate(villages[: need - 1]):
        pair(v, make_org(f"测试企业{i}"))
    before = evaluate(target, "2026")
    assert before.state != "achieved", before.reason
    pair(villages[need - 1], make_org("测试企业最后一家"))
    after = evaluate(target, "2026")
    assert after.state == "achieved", after.reason
    assert "达成目标 ≥ 20.0%" in after.reason  # judged at its deadline, with the comparator as offices write it


def test_ending_a_pairing_before_the_year_takes_the_village_out(db, town, enterprise, pair, persona):
    village = town.children.order_by("code").first()
    p = pair(village, enterprise, start=date(2025, 1, 1))
    assert DataValue.objects.get(indicator__code=coverage.V_ENT, region=village, period="2026Q1").value == 1
    pairing_update(actor=persona("jm_admin"), pairing=p, end_on=date(2025, 12, 31))
    assert DataValue.objects.get(indicator__code=coverage.V_ENT, region=village, period="2026Q1").value == 0
    assert DataValue.objects.get(indicator__code=coverage.V_ENT, region=village, period="2025Q4").value == 1


def test_group_covers_a_town_and_funds_and_projects_reach_the_county(db, town, hs, jm, make_org, pair, persona):
    admin = persona("jm_admin")
    bureau = make_org("江门市测试局", kind="agency")
    soe = make_org("江门测试集团", kind="soe")
    bank = make_org("测试银行江门分行", kind="bank")
    p = pair(town, bureau, soe, bank, kind="group", start=date(2025, 1, 1))
    assert DataValue.objects.get(indicator__code=coverage.T_GROUP, region=town, period="2026Q3").value == 1
    assert _rollup(coverage.T_GROUP_N, hs, "2026Q3") == 1
    c = commitment_create(actor=admin, pairing=p, kind=CommitmentKind.FUNDS, amount="1000000",
                          start_on=date(2026, 1, 1), due_on=date(2026, 12, 31))
    delivery_report(actor=admin, commitment=c, period="202605", amount="300000")
    assert _rollup(coverage.FUNDS, hs, "2026Q2") == 300000
    assert _rollup(coverage.FUNDS, jm, "2026") == 300000  # zero lag up to the city and the year
    pr = pairing_project_create(actor=admin, pairing=p, name="测试共建项目", started_on=date(2026, 2, 1))
    assert _rollup(coverage.PROJ_STARTED, hs, "2026Q1") == 1
    assert _rollup(coverage.PROJ_DONE, hs, "2026Q3") == 0
    pairing_project_update(actor=admin, project=pr, completed_on=date(2026, 8, 1))
    assert _rollup(coverage.PROJ_DONE, hs, "2026Q3") == 1
    assert _rollup(coverage.PROJ_STARTED, jm, "2026Q3") == 1


def test_coverage_indicators_are_never_on_an_entry_form_nor_reported_by_hand(db, town, enterprise, pair, persona):
    from bqw.core.errors import ApplicationError
    from bqw.core.periods import Period
    from bqw.indicators.selectors import indicators_due
    from bqw.indicators.services import datavalue_save

    inds = coverage.ensure_indicators(None)
    assert not [i for i in indicators_due(town, Period.parse("202612")) if i.code.startswith(coverage.PREFIX)]
    with pytest.raises(ApplicationError, match="自动计算"):
        datavalue_save(actor=persona("hs_reporter"), region=town, indicator=inds[coverage.T_GROUP], period="2026Q4",
                       value=1)
