"""The engine against small examples computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bqw.assessment.engine import Inputs, Item, aggregate, competition_ranks, compute, impute_class_mean, normalise

nan = np.nan


def approx(xs):
    return pytest.approx(xs, abs=1e-9, nan_ok=True)


def test_min_max_up_and_down():
    assert normalise([10, 20, 40, nan], "minmax").tolist() == approx([0, 100 / 3, 100, nan])
    assert normalise([10, 20, 40], "minmax", -1).tolist() == approx([100, 200 / 3, 0])
    assert normalise([7, 7], "minmax").tolist() == [100, 100]  # nobody is behind


def test_z_score_as_t_score():
    sd = math.sqrt(8 / 3)  # population sd of 2, 4, 6
    assert normalise([2, 4, 6], "zscore").tolist() == approx([50 - 20 / sd, 50, 50 + 20 / sd])
    assert normalise([2, 4, 6], "zscore", -1).tolist() == approx([50 + 20 / sd, 50, 50 - 20 / sd])


def test_distance_to_target():
    assert normalise([45, 90, 120], "target", target=90).tolist() == approx([50, 100, 100])
    assert normalise([1, 4], "target", -1, target=2).tolist() == approx([100, 50])
    # per-unit targets; a unit without a target has no score on the item
    assert normalise([50, 50, 50], "target", target=np.array([100, 25, nan])).tolist() == approx([50, 100, nan])


def test_goalposts_clip():
    assert normalise([25, 60, -5], "goalpost", lo=0, hi=50).tolist() == approx([50, 100, 0])
    assert normalise([10], "goalpost", -1, lo=0, hi=40).tolist() == approx([75])


def test_rank_normalisation_with_ties():
    # 3 beats two units and ties one (half) → 2.5 of 3 others; 2 beats one; 1 beats none
    assert normalise([3, 1, 3, 2], "rank").tolist() == approx([250 / 3, 0, 250 / 3, 100 / 3])
    assert normalise([3, 1, 2], "rank", -1).tolist() == approx([0, 100, 50])


def test_weighted_arithmetic_mean_reweights_missing():
    s = np.array([[100, 50], [0, nan], [nan, nan]])
    assert aggregate(s, [3, 1], "arith").tolist() == approx([87.5, 0, nan])


def test_weighted_geometric_mean():
    assert aggregate(np.array([[100, 25]]), [1, 1], "geo").tolist() == approx([50])
    assert aggregate(np.array([[100, 10]]), [1, 3], "geo").tolist() == approx([100 ** 0.25 * 10 ** 0.75])
    assert aggregate(np.array([[0, 100]]), [1, 1], "geo").tolist() == approx([10])  # floored at 1


def test_competition_ranks_ties_and_classes():
    scores = np.array([90, 80, 90, 70, 50, 60, nan])
    groups = np.array([0, 0, 0, 0, 1, 1, 1])
    assert competition_ranks(scores, groups).tolist() == [1, 3, 1, 4, 2, 1, 0]


def test_competition_ranks_many_runs_at_once():
    scores = np.array([[3, 1, 2], [1, 2, 2], [2, 3, 2]], dtype=float)
    assert competition_ranks(scores, np.zeros(3, int)).tolist() == [[1, 3, 1], [3, 2, 1], [2, 1, 1]]


def test_impute_class_mean_stays_within_class():
    x = np.array([[1.0], [nan], [3.0], [10.0], [nan]])
    filled, imputed = impute_class_mean(x, np.array([0, 0, 0, 1, 1]))
    assert filled[:, 0].tolist() == [1, 2, 3, 10, 10]
    assert imputed[:, 0].tolist() == [False, True, False, False, True]


def units(*specs):
    return [{"code": c, "name": f"单位{c}", "group": g} for c, g in specs]


def two_items(**kw):
    return [Item("a", "甲", weight=2, **kw), Item("b", "乙", weight=1, direction=-1)]


def test_compute_by_hand_with_missing_excluded_and_imputed():
    u = units(("1", "A"), ("2", "A"), ("3", "A"))
    values = [[10, 5], [20, 1], [30, nan]]
    r = compute(Inputs(units=u, items=two_items(), values=values, runs=0))
    cards = {c["code"]: c for c in r["groups"][0]["units"]}
    # item a min-max: 0, 50, 100; item b (lower better) min-max over 5, 1: 0, 100; unit 3 has no b
    assert cards["1"]["score"] == pytest.approx(0)
    assert cards["2"]["score"] == pytest.approx((2 * 50 + 100) / 3)
    assert cards["3"]["score"] == pytest.approx(100)  # b excluded, weights re-normalised
    assert cards["3"]["missing"] == ["乙"] and cards["3"]["imputed"] == []
    assert [c["code"] for c in r["groups"][0]["units"]] == ["3", "2", "1"]
    # impute: b for unit 3 = class mean (5 + 1) / 2 = 3 → min-max over 5, 1, 3: 50
    r = compute(Inputs(units=u, items=two_items(), values=values, missing="impute", runs=0))
    cards = {c["code"]: c for c in r["groups"][0]["units"]}
    assert cards["3"]["score"] == pytest.approx((2 * 100 + 50) / 3)
    assert cards["3"]["missing"] == ["乙"] and cards["3"]["imputed"] == ["乙"]
    b = cards["3"]["items"][1]
    assert b["value"] is None and b["used"] == 3 and b["imputed"]


def test_breakdown_contributions_add_up_to_the_composite():
    u = units(("1", "A"), ("2", "A"), ("3", "A"))
    r = compute(Inputs(units=u, items=two_items(), values=[[10, 5], [20, 1], [30, 3]], runs=0))
    for c in r["groups"][0]["units"]:
        assert sum(i["contribution"] for i in c["items"]) == pytest.approx(c["composite"])
        assert sum(i["vs_class"] for i in c["items"]) == pytest.approx(
            c["composite"] - np.mean([x["composite"] for x in r["groups"][0]["units"]]))


def test_bonus_and_penalty_points_change_the_order():
    u = units(("1", "A"), ("2", "A"))
    items = [Item("a", "甲", norm="target", target=100)]
    base = compute(Inputs(units=u, items=items, values=[[90], [95]], runs=0))
    assert [c["code"] for c in base["groups"][0]["units"]] == ["2", "1"]
    adj = [{"code": "2", "kind": "red_tasks", "label": "红灯任务4项", "points": -4.0, "reason": "逾期"},
           {"code": "1", "kind": "manual", "label": "加分", "points": 1.5, "reason": "擂台赛获奖"},
           {"code": "9", "kind": "manual", "label": "加分", "points": 9, "reason": "不是参评单位：不计"}]
    r = compute(Inputs(units=u, items=items, values=[[90], [95]], adjustments=adj, runs=0))
    cards = {c["code"]: c for c in r["groups"][0]["units"]}
    assert cards["2"]["composite"] == pytest.approx(95) and cards["2"]["score"] == pytest.approx(91)
    assert cards["1"]["score"] == pytest.approx(91.5)
    assert [c["code"] for c in r["groups"][0]["units"]] == ["1", "2"]
    assert cards["2"]["adjustment"] == -4 and cards["2"]["adjustments"][0]["reason"] == "逾期"


def test_ties_share_a_rank():
    u = units(("1", "A"), ("2", "A"), ("3", "A"))
    r = compute(Inputs(units=u, items=[Item("a", "甲")], values=[[5], [5], [1]], runs=0))
    assert [(c["code"], c["rank"]) for c in r["groups"][0]["units"]] == [("1", 1), ("2", 1), ("3", 3)]


def test_another_class_never_appears_and_is_normalised_apart():
    u = units(("1", "创先类"), ("2", "进位类"), ("3", "创先类"), ("4", "进位类"))
    r = compute(Inputs(units=u, items=[Item("a", "甲")], values=[[100], [1], [50], [2]], runs=50))
    by = {g["name"]: g for g in r["groups"]}
    assert [c["code"] for c in by["创先类"]["units"]] == ["1", "3"]
    assert [c["code"] for c in by["进位类"]["units"]] == ["4", "2"]
    # the best of the weaker class gets 100 too: scores are relative to the class
    assert by["进位类"]["units"][0]["score"] == 100 and by["进位类"]["units"][0]["interval"][1] <= 2


def test_unit_without_any_data_is_listed_unranked():
    u = units(("1", "A"), ("2", "A"))
    r = compute(Inputs(units=u, items=[Item("a", "甲")], values=[[1], [nan]], runs=20))
    last = r["groups"][0]["units"][-1]
    assert last["code"] == "2" and last["rank"] is None and last["score"] is None and "interval" not in last


def sens_inputs(seed=7, runs=400):
    rng = np.random.default_rng(1)
    u = units(*[(str(k), "A") for k in range(12)])
    values = rng.uniform(0, 100, size=(12, 4))
    values[0] = [100, 100, 100, 100]  # dominates everyone: clearly first whatever the weights
    values[1] = [50, 50, 50, 50.000001]  # near twins
    values[2] = [50, 50, 50, 50]
    items = [Item(c, c, weight=w) for c, w in zip("abcd", [4, 3, 2, 1], strict=True)]
    return Inputs(units=u, items=items, values=values, runs=runs, seed=seed)


def test_sensitivity_intervals_contain_the_point_rank_and_flag_overlaps():
    r = compute(sens_inputs())
    cards = r["groups"][0]["units"]
    for c in cards:
        lo, hi = c["interval"]
        assert lo <= c["rank"] <= hi, c
        assert lo <= c["median_rank"] <= hi
    first = cards[0]
    assert first["code"] == "0" and first["interval"] == [1, 1] and first["separated"]
    twins = {c["code"]: c for c in cards if c["code"] in ("1", "2")}
    assert not twins["1"]["separated"] and "单位2" in twins["1"]["not_separated_from"]
    assert sum(r["variant_counts"]) == 400 and r["variants"] == ["as_set", "minmax", "zscore", "rank"]


def test_sensitivity_is_reproducible_with_the_seed():
    a, b, c = compute(sens_inputs(seed=7)), compute(sens_inputs(seed=7)), compute(sens_inputs(seed=8))
    assert a == b
    assert [x.get("median_rank") for x in a["groups"][0]["units"]] != [] and a["variant_counts"] != c[
        "variant_counts"]


def test_frozen_inputs_round_trip_to_the_same_result():
    inputs = sens_inputs(runs=100)
    inputs.values[3, 1] = nan
    again = Inputs.from_json(inputs.to_json())
    assert compute(again) == compute(inputs)


def test_unit_without_a_target_is_flagged_not_scored_on_that_item():
    u = units(("1", "A"), ("2", "A"))
    items = [Item("a", "甲", norm="target"), Item("b", "乙")]
    r = compute(Inputs(units=u, items=items, values=[[50, 1], [50, 2]], targets=[[100, nan], [nan, nan]], runs=0))
    cards = {c["code"]: c for c in r["groups"][0]["units"]}
    assert cards["1"]["no_target"] == [] and cards["2"]["no_target"] == ["甲"]
    assert cards["1"]["score"] == pytest.approx(25) and cards["2"]["score"] == pytest.approx(100)
