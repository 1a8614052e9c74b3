"""Schemes on the database: class ranking, rank change, bonus/penalty items from the platform, publications."""

from __future__ import annotations

from datetime import date

import pytest

from bqw.accounts.models import AuditEntry
from bqw.accounts.services import system_user
from bqw.assessment.access import get_scheme_for_user
from bqw.assessment.models import Publication
from bqw.assessment.selectors import publication_result, scheme_result, unit_card
from bqw.assessment.services import (
    adjustment_add,
    external_ranking_record,
    publication_create,
    scheme_items_set,
    scheme_save,
)
from bqw.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from bqw.orgs.models import Organization
from bqw.plans.models import SupervisionNotice
from bqw.plans.services import LeadUnit, TaskSpec, plan_ensure, task_create
from bqw.regions.models import Region

from .conftest import COUNTIES, VALUES, load

HS = "440784000000"


def groups(result):
    return {g["name"]: g for g in result["groups"]}


def test_counties_ranked_within_their_class_only(county_scheme, persona):
    r = scheme_result(persona("jm_viewer"), county_scheme, "2026Q3")
    by = groups(r)
    assert set(by) == {"创先类", "进位类"}
    for name, g in by.items():
        assert {COUNTIES[c["code"][:6]][1] for c in g["units"]} == {name}
    assert [c["name"] for c in by["创先类"]["units"]] == ["鹤山市", "新会区", "蓬江区"]
    assert [c["rank"] for c in by["进位类"]["units"]] == [1, 2, 3, 4]
    assert by["创先类"]["top"] and by["创先类"]["bottom"]


def test_one_class_only(county_scheme, persona):
    admin = persona("jm_admin")
    only = scheme_save(actor=admin, name="创先类县赛马", region=county_scheme.region, level=3,
                       class_scheme="测试县域分类", class_year=2026, class_value="创先类", runs=0)
    scheme_items_set(actor=admin, scheme=only, items=[{"indicator": "t_growth", "weight": 1}])
    r = scheme_result(admin, only, "2026Q3")
    assert [g["name"] for g in r["groups"]] == ["创先类"]
    assert {c["name"] for c in r["groups"][0]["units"]} == {"鹤山市", "新会区", "蓬江区"}


def test_rank_change_against_the_previous_quarter(county_scheme, persona):
    r = scheme_result(persona("jm_admin"), county_scheme, "2026Q3")
    xh = unit_card(r, "440705000000")
    hs = unit_card(r, "440784000000")
    # Q2: 鹤山 1, 蓬江 2, 新会 3 → Q3: 鹤山 1, 新会 2 (进位 1), 蓬江 3 (退位 1)
    assert (xh["previous_rank"], xh["rank"], xh["rank_change"]) == (3, 2, 1)
    assert unit_card(r, "440703000000")["rank_change"] == -1
    assert hs["rank_change"] == 0 and hs["light"]["light"] == "green"
    first = scheme_result(persona("jm_admin"), county_scheme, "2026Q2")
    assert unit_card(first, "440705000000")["rank_change"] is None  # no Q1 data


def test_sensitivity_interval_contains_the_point_rank(county_scheme, persona):
    r = scheme_result(persona("jm_admin"), county_scheme, "2026Q3")
    for g in r["groups"]:
        for c in g["units"]:
            assert c["interval"][0] <= c["rank"] <= c["interval"][1]
    assert r["runs"] == 200


def test_missing_value_is_shown(county_scheme, persona):
    from bqw.indicators.models import DataValue, Rollup

    DataValue.objects.filter(region__code="440785000000", indicator__code="t_sewage", period="2026Q3").delete()
    Rollup.objects.filter(region__code="440785000000", indicator__code="t_sewage", period="2026Q3").delete()
    card = unit_card(scheme_result(persona("jm_admin"), county_scheme, "2026Q3"), "440785000000")
    assert card["missing"] == ["测试污水治理率"] and card["rank"] is not None


def test_red_tasks_and_late_notices_cost_points(county_scheme, persona):
    hs = Region.objects.get(code=HS)
    hq = Organization.objects.get(region=hs, kind=Organization.Kind.HEADQUARTERS)
    system = system_user()
    plan = plan_ensure(actor=system, name="鹤山测试计划", region=hs, start_on=date(2026, 1, 1),
                       end_on=date(2026, 12, 31))
    late = task_create(actor=system, plan=plan, spec=TaskSpec(content="建设测试项目甲", deadline_text="2026年6月底",
                                                             leads=[LeadUnit(hq)]))
    task_create(actor=system_user(), plan=plan, spec=TaskSpec(content="建设测试项目乙", deadline_text="2026年7月底",
                                                     leads=[LeadUnit(hq)]))
    SupervisionNotice.objects.create(task=late, kind="notice", cycle_due=date(2026, 6, 30), issued_on=date(2026, 7, 2),
                                     organization=hq, year=2026, seq=7, reply_due=date(2026, 7, 9))
    card = unit_card(scheme_result(persona("jm_admin"), county_scheme, "2026Q3"), HS)
    kinds = {a["kind"]: a for a in card["adjustments"]}
    assert kinds["red_tasks"]["points"] == -2 and "建设测试项目甲" in kinds["red_tasks"]["reason"]
    assert kinds["late_notices"]["points"] == -0.5 and "督办〔2026〕7号" in kinds["late_notices"]["reason"]
    assert card["score"] == pytest.approx(card["composite"] - 2.5)
    # a reply in time removes the penalty
    SupervisionNotice.objects.filter(seq=7).update(replied_on=date(2026, 7, 8))
    card = unit_card(scheme_result(persona("jm_admin"), county_scheme, "2026Q3"), HS)
    assert {a["kind"] for a in card["adjustments"]} == {"red_tasks"}


def test_manual_adjustment_needs_a_reason_and_is_audited(county_scheme, persona):
    admin = persona("jm_admin")
    xh = Region.objects.get(code="440705000000")
    with pytest.raises(ApplicationError, match="事由"):
        adjustment_add(actor=admin, scheme=county_scheme, region=xh, period="2026Q3", points=2, reason=" ")
    with pytest.raises(ApplicationError, match="不是该方案的参评单位"):
        adjustment_add(actor=admin, scheme=county_scheme, region=Region.objects.get(code="440784001000"),
                       period="2026Q3", points=2, reason="x")
    with pytest.raises(ForbiddenError):
        adjustment_add(actor=persona("jm_viewer"), scheme=county_scheme, region=xh, period="2026Q3", points=2,
                       reason="擂台赛获奖")
    adj = adjustment_add(actor=admin, scheme=county_scheme, region=xh, period="2026Q3", points=15,
                         reason="获评省级擂台赛一等奖")
    assert AuditEntry.objects.filter(action="assessment.adjustment_add", object_id=str(adj.pk)).exists()
    card = unit_card(scheme_result(admin, county_scheme, "2026Q3"), xh.code)
    assert card["adjustment"] == 15 and card["rank"] == 1


def test_scope(county_scheme, persona):
    with pytest.raises(NotFoundError):
        scheme_result(persona("xh_reporter"), county_scheme, "2026Q3")
    with pytest.raises(NotFoundError):
        get_scheme_for_user(persona("hs_reviewer"), county_scheme.pk)
    with pytest.raises(ForbiddenError):
        get_scheme_for_user(persona("jm_viewer"), county_scheme.pk, write=True)
    with pytest.raises(ForbiddenError):
        scheme_items_set(actor=persona("jm_viewer"), scheme=county_scheme, items=[{"indicator": "t_growth"}])
    with pytest.raises(NotFoundError):
        scheme_save(actor=persona("xh_reporter"), name="越权方案", region=county_scheme.region, level=3)


def test_bad_items_are_refused(county_scheme, persona):
    admin = persona("jm_admin")
    for items, msg in (([{"indicator": "nope"}], "不存在"), ([{"indicator": "t_growth", "weight": "abc"}], "不是数字"),
                       ([{"indicator": "t_growth", "weight": 0}], "大于 0"),
                       ([{"indicator": "t_growth", "normalisation": "goalpost"}], "上下限"),
                       ([{"indicator": "t_growth"}, {"indicator": "t_growth"}], "重复")):
        with pytest.raises(ApplicationError, match=msg):
            scheme_items_set(actor=admin, scheme=county_scheme, items=items)
    assert county_scheme.items.count() == 2


def test_publication_is_frozen_after_values_change(county_scheme, persona):
    admin = persona("jm_admin")
    pub = publication_create(actor=admin, scheme=county_scheme, period="2026Q3")
    before = pub.result
    # the data change afterwards: 恩平 jumps, 鹤山 collapses
    changed = {"2026Q3": dict(VALUES["2026Q3"], **{"440785": (9.9, 99), "440784": (0.1, 10)})}
    load(changed)
    live = scheme_result(admin, county_scheme, "2026Q3")
    assert unit_card(live, "440785000000")["rank"] == 1
    pub = Publication.objects.get(pk=pub.pk)
    assert pub.result == before
    again = publication_result(admin, pub, recompute=True)
    strip = lambda r: [[(c["code"], c["score"], c["rank"], c["interval"], c["rank_change"]) for c in g["units"]]  # noqa: E731
                       for g in r["groups"]]
    assert strip(again) == strip(before)
    assert strip(live) != strip(before)
    with pytest.raises(ConflictError):
        publication_create(actor=admin, scheme=county_scheme, period="2026Q3")
    with pytest.raises(NotFoundError):
        publication_result(persona("xh_reporter"), pub)


def test_external_ranking_needs_a_source(db, persona):
    admin = persona("jm_admin")
    town = Region.objects.get(code="440784001000")
    with pytest.raises(ApplicationError, match="来源"):
        external_ranking_record(actor=admin, region=town, list_name="全国镇域经济500强", year=2023, rank=344,
                                source="")
    er = external_ranking_record(actor=admin, region=town, list_name="全国镇域经济500强", year=2023, rank=344,
                                 source="赛迪顾问《2023镇域经济500强研究》")
    assert str(er).endswith("第344名")
    with pytest.raises(ForbiddenError):
        external_ranking_record(actor=persona("hs_reporter"), region=town, list_name="x", year=2023, source="y")
