"""The set-based status evaluation gives, for every unit of every demo target, the state `evaluate()` gives
unit by unit — and the per-child summaries equal `evaluate(within=child)`."""

from __future__ import annotations

import pytest

from bqw.cockpit.statuses import judge_groups, unit_states
from bqw.indicators.models import Target
from bqw.indicators.status import evaluate, target_units_qs
from bqw.regions.models import Region


def fixed(t: Target) -> float | None:
    return float(t.baseline_value) if t.baseline_value is not None and t.scope == Target.Scope.REGION else None


@pytest.mark.parametrize("period", ["202406", "202412", "202503", "202612"])
def test_unit_states_equal_evaluate_unit_by_unit(demo, period):
    targets = list(Target.objects.select_related("indicator", "region", "benchmark"))
    assert len(targets) >= 40
    compared, past_deadline = set(), set()
    for t in targets:
        expected = {e.region.code: e.state for e in evaluate(t, period).units}
        got = {code: st for code, (st, _, _) in unit_states(t, period, target_units_qs(t),
                                                             fixed_baseline=fixed(t)).items()}
        assert got == expected, (t.id, str(t))
        compared |= set(expected.values())
        if t.deadline[:4] <= "2026":
            past_deadline |= set(expected.values())
    if period == "202612":  # past every deadline up to 2026: judged at the deadline, reached or not
        assert past_deadline == {"achieved", "off_track", "no_data"}
    else:
        assert {"achieved", "on_track", "at_risk", "off_track", "no_data"} <= compared  # every branch is exercised


def test_group_summaries_equal_evaluate_within_each_child(demo):
    heshan = Region.objects.get(code="440784000000")
    towns = list(Region.objects.filter(parent=heshan, kind="admin").order_by("code"))
    village_income = Target.objects.get(indicator__code="v_income", region=heshan)
    judged = judge_groups(village_income, "202406", target_units_qs(village_income, heshan), towns)
    assert len(judged) == len(towns) == 10
    for town in towns:
        st = evaluate(village_income, "202406", within=town)
        assert (judged[town.code].state, judged[town.code].reason) == (st.state, st.reason), town.name


def test_cockpit_cards_equal_evaluate_over_the_unit(demo, persona):
    from bqw.cockpit.selectors import children_of, key_targets
    from bqw.core.periods import Period

    for code in ("440700000000", "440784000000"):
        region = Region.objects.get(code=code)
        keys = key_targets(persona("jm_admin"), region, Period.parse("202406"), children_of(region))
        assert keys
        for k in keys:
            t = k.target
            st = evaluate(t, "202406", within=region if t.scope != Target.Scope.REGION else None)
            assert (k.card.state, k.card.reason) == (st.state, st.reason), str(t)


@pytest.mark.parametrize("period", ["202406", "202503", "202612"])
def test_set_based_equals_evaluate_for_every_target_in_every_jiangmen_county_and_town(demo, period):
    """Light, label and reason of every demo target within each 江门 county and town, set-based vs evaluate()
    (202612 is past the deadline of the demo's 2024/2025 targets: judged on their value at the deadline)."""
    from bqw.indicators.status import rule_for

    targets = list(Target.objects.select_related("indicator", "region", "benchmark").order_by("id"))
    jiangmen = Region.objects.get(code="440700000000")
    units = list(Region.objects.within(jiangmen, include_self=False).administrative()
                 .filter(level__in=[Region.Level.COUNTY, Region.Level.TOWN]).order_by("code"))
    assert len([u for u in units if u.level == Region.Level.COUNTY]) == 7 and len(units) > 50
    past = [t for t in targets if rule_for(t, period).tp != rule_for(t, period).asked]
    assert past or period != "202612"  # a past-deadline target is among those compared
    seen, compared = set(), 0
    for t in targets:
        for u in units:
            want = evaluate(t, period, within=u)
            got = judge_groups(t, period, target_units_qs(t, u), [u], fixed_baseline=fixed(t))[u.code]
            assert (str(got.as_dict()["light"]), got.as_dict()["label"], got.reason) == \
                (str(want.status.light), want.status.label, want.reason), (t.id, str(t), u.name)
            seen.add(want.state)
            compared += bool(want.units)
    assert compared > 100 and {"achieved", "off_track", "no_data"} <= seen
