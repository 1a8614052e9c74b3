"""Reporting workflow: who may do what, locks, optimistic concurrency (409), entry checks; the API."""

from __future__ import annotations

import json

import pytest

from bqw.accounts.models import AuditEntry
from bqw.accounts.services import system_user
from bqw.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from bqw.indicators.models import DataValue, Rollup
from bqw.indicators.selectors import entry_rows, returned_values, review_queue
from bqw.indicators.services import (
    datavalue_approve,
    datavalue_reopen,
    datavalue_return,
    datavalue_save,
    datavalue_submit,
)


def save(user, unit, ind, value, version=None, period="202401", **kw):
    return datavalue_save(actor=user, region=unit, indicator=ind, period=period, value=value, version=version, **kw)


def test_reporter_submits_reviewer_approves_then_value_is_locked(tree, catalog, persona):
    reporter, reviewer = persona("hs_reporter"), persona("hs_reviewer")
    inc = catalog["t_inc"]
    dv = save(reporter, tree["A"], inc, 120)
    assert (dv.state, dv.version) == ("draft", 1)
    dv = datavalue_submit(actor=reporter, value=dv, version=1)
    assert dv.state == "submitted" and dv in review_queue(reviewer)
    assert not review_queue(reporter).exists()
    with pytest.raises(ForbiddenError):
        datavalue_approve(actor=reporter, value=dv, version=dv.version)
    dv = datavalue_approve(actor=reviewer, value=dv, version=dv.version)
    assert dv.state == "approved"
    with pytest.raises(ConflictError, match="锁定"):
        save(reporter, tree["A"], inc, 130, version=dv.version)
    dv = datavalue_reopen(actor=reviewer, value=dv, version=dv.version, reason="与台账不符")
    assert dv.state == "returned" and dv.reason == "重新打开：与台账不符"
    assert list(returned_values(reporter)) == [dv]
    dv = save(reporter, tree["A"], inc, 125, version=dv.version, comment="按台账更正")
    assert dv.state == "draft"
    actions = list(AuditEntry.objects.filter(object_type="indicators.DataValue", object_id=str(dv.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["datavalue.save", "datavalue.submit", "datavalue.approve", "datavalue.reopen",
                       "datavalue.save"]


def test_return_needs_a_reason_and_the_reporter_sees_it(tree, catalog, persona):
    reporter, reviewer = persona("hs_reporter"), persona("hs_reviewer")
    dv = save(reporter, tree["B"], catalog["t_inc"], 50, submit=True)
    with pytest.raises(ApplicationError, match="原因"):
        datavalue_return(actor=reviewer, value=dv, version=dv.version, reason=" ")
    dv = datavalue_return(actor=reviewer, value=dv, version=dv.version, reason="口径不对")
    assert returned_values(reporter).get().reason == "口径不对"


def test_out_of_scope_is_404_and_read_only_is_403(tree, catalog, persona):
    inc = catalog["t_inc"]
    with pytest.raises(NotFoundError):
        save(persona("xh_reporter"), tree["A"], inc, 1)
    with pytest.raises(ForbiddenError):
        save(persona("jm_viewer"), tree["A"], inc, 1)
    with pytest.raises(ForbiddenError):  # 鹤山 is in view, but 龙口 is outside 沙坪's capture scope
        save(persona("hs_reporter"), tree["D"], inc, 1)
    dv = save(persona("hs_reviewer"), tree["D"], inc, 1, submit=True)
    with pytest.raises(NotFoundError):
        datavalue_approve(actor=persona("xh_reporter"), value=dv, version=dv.version)
    assert not DataValue.objects.filter(region=tree["A"]).exists()


def test_stale_version_is_a_conflict_carrying_the_current_value(tree, catalog, persona):
    reporter = persona("hs_reporter")
    dv = save(reporter, tree["A"], catalog["t_inc"], 100)
    save(reporter, tree["A"], catalog["t_inc"], 101, version=1)
    with pytest.raises(ConflictError) as exc:
        save(reporter, tree["A"], catalog["t_inc"], 102, version=1)
    assert exc.value.status_code == 409
    assert exc.value.extra["current"]["value"] == "101.000000" and exc.value.extra["current"]["version"] == 2
    with pytest.raises(ConflictError):  # a "new" value that someone else already created
        save(reporter, tree["A"], catalog["t_inc"], 103)
    assert DataValue.objects.get(pk=dv.pk).value == 101


def test_entry_checks_range_type_derived_and_outlier_comment(tree, catalog, persona):
    from bqw.indicators.services import indicator_ensure

    reporter = persona("hs_reporter")
    pct = indicator_ensure(actor=system_user(), code="t_pct5", name="覆盖率", unit="%", min_value=0, max_value=100)
    cnt = indicator_ensure(actor=system_user(), code="t_int5", name="户数", unit="户", integer=True)
    with pytest.raises(ApplicationError, match="大于允许最大值 100%"):
        save(reporter, tree["A"], pct, 101)
    with pytest.raises(ApplicationError, match="只能填整数"):
        save(reporter, tree["A"], cnt, "2.5")
    with pytest.raises(ApplicationError, match="不是数字"):
        save(reporter, tree["A"], cnt, "十二")
    with pytest.raises(ApplicationError, match="自动计算"):
        save(reporter, tree["A"], catalog["t_rate"], 50)
    with pytest.raises(ApplicationError, match="期间应为"):
        save(reporter, tree["A"], cnt, 2, period="2024Q1")
    for m, v in ((1, 100), (2, 110), (3, 90)):
        save(reporter, tree["A"], catalog["t_inc"], v, period=f"2024{m:02d}")
    with pytest.raises(ApplicationError, match="请填写说明") as exc:
        save(reporter, tree["A"], catalog["t_inc"], 1000, period="202404")
    assert exc.value.extra["needs_comment"]
    dv = save(reporter, tree["A"], catalog["t_inc"], 1000, period="202404", comment="一次性土地出让收入")
    assert dv.comment == "一次性土地出让收入"


def test_entry_form_lists_what_is_due(tree, catalog):
    from bqw.core.periods import Period

    rows = entry_rows(None, tree["A"], Period.parse("202403"))
    codes = [r["indicator"].code for r in rows]
    assert "t_inc" in codes and "t_rate" not in codes and "t_q" not in codes
    county = [r["indicator"].code for r in entry_rows(None, tree["鹤山"], Period.parse("202403"))]
    assert county == ["t_q"]


# ------------------------------------------------------------------ API


def put(client, unit, ind, period, body):
    return client.put(f"/api/v1/values/{unit.code}/{ind}/{period}", json.dumps(body), content_type="application/json")


def test_api_put_get_stale_409_and_rollup_read(client, login, tree, catalog):
    login("hs_reporter")
    r = put(client, tree["A"], "t_inc", "202401", {"value": "120"})
    assert r.status_code == 200 and r.json()["version"] == 1
    r = put(client, tree["A"], "t_inc", "202401", {"value": "121", "version": 1})
    assert r.status_code == 200 and r.json()["version"] == 2
    r = put(client, tree["A"], "t_inc", "202401", {"value": "122", "version": 1})
    assert r.status_code == 409
    assert r.json()["extra"]["current"]["value"] == "121.000000"
    r = client.get(f"/api/v1/values/{tree['A'].code}/t_inc/202401")
    assert r.json()["value"] == "121.000000"
    r = client.get(f"/api/v1/rollups/{tree['鹤山'].code}/202401?indicators=t_inc")
    assert r.status_code == 200 and r.json()["total"]["t_inc"]["value"] == 121
    assert client.get(f"/api/v1/rollups/{tree['广东'].code}/202401").status_code == 404  # outside view scope
    r = client.post(f"/api/v1/values/{tree['A'].code}/t_inc/202401/approve", json.dumps({"version": 2}),
                    content_type="application/json")
    assert r.status_code == 403


def test_api_scope_404_and_viewer_403(client, login, tree, catalog):
    login("xh_reporter")
    assert put(client, tree["A"], "t_inc", "202401", {"value": "1"}).status_code == 404
    login("jm_viewer")
    assert put(client, tree["A"], "t_inc", "202401", {"value": "1"}).status_code == 403
    assert Rollup.objects.filter(region=tree["A"]).count() == 0


def test_api_dhis2_datavaluesets_round_trip(client, login, tree, catalog):
    login("hs_reporter")
    body = {"dataValues": [{"dataElement": "t_inc", "period": "202401", "orgUnit": tree["A"].code, "value": "88"},
                           {"dataElement": "t_inc", "period": "202401", "orgUnit": tree["B"].code, "value": "12"}]}
    r = client.post("/api/v1/dataValueSets", json.dumps(body), content_type="application/json")
    assert r.status_code == 200 and r.json() == {"imported": 2}
    r = client.get(f"/api/v1/dataValueSets?orgUnit={tree['沙坪'].code}&period=202401")
    got = {(d["orgUnit"], d["dataElement"], d["period"], d["value"]) for d in r.json()["dataValues"]}
    assert got == {(tree["A"].code, "t_inc", "202401", "88"), (tree["B"].code, "t_inc", "202401", "12")}
    body["dataValues"][0]["value"] = "abc"
    body["dataValues"][1]["value"] = "13"  # changed without the version it was based on
    r = client.post("/api/v1/dataValueSets", json.dumps(body), content_type="application/json")
    assert r.status_code == 422
    errors = {(e["row"], e["column"]) for e in r.json()["extra"]["errors"]}
    assert (2, "value") in errors and (3, "version") in errors  # B exists (version 1), no version given


def test_a_token_client_submits_a_whole_form_without_csrf(tree, catalog, persona, db):
    """A script with a Bearer token may PUT against a CSRF-enforcing server; a form is all-or-nothing."""
    from django.test import Client

    from bqw.accounts.services import api_token_create

    user = persona("hs_reporter")
    key = api_token_create(actor=user, user=user)
    c = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {key}")
    a = tree["A"]  # in 沙坪街道, hs_reporter's capture scope
    body = {"submit": True, "values": [{"indicator": "t_inc", "value": "12"}, {"indicator": "t_total", "value": "4"}]}
    r = c.put(f"/api/v1/forms/{a.code}/202401", json.dumps(body), content_type="application/json")
    assert r.status_code == 200, r.content
    assert [v["state"] for v in r.json()["values"]] == ["submitted", "submitted"]
    assert Rollup.objects.get(region=tree["广东"], indicator=catalog["t_inc"], period="202401").value == 12
    bad = {"values": [{"indicator": "t_inc", "value": "13", "version": 1}, {"indicator": "t_rate", "value": "1"}]}
    r = c.put(f"/api/v1/forms/{a.code}/202401", json.dumps(bad), content_type="application/json")
    assert r.status_code == 400 and DataValue.objects.get(region=a, indicator=catalog["t_inc"]).value == 12
    outside = tree["D"]  # 龙口镇: visible to hs_reporter, not capturable
    r = c.put(f"/api/v1/forms/{outside.code}/202401", json.dumps(body), content_type="application/json")
    assert r.status_code == 403
    assert Client(enforce_csrf_checks=True).put(f"/api/v1/forms/{a.code}/202401", json.dumps(body),
                                                content_type="application/json").status_code in (401, 403)
