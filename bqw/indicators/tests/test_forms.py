"""The month-end entry form (one unit, one period, many values in one request): every value is checked and
audited like a single save, any bad value rejects the whole form, and the statements do not grow with it."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from bqw.accounts.models import AuditEntry
from bqw.accounts.services import system_user
from bqw.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from bqw.indicators.models import DataValue, Rollup
from bqw.indicators.services import (
    datavalue_approve,
    datavalue_save,
    datavalue_submit,
    datavalues_save_form,
    indicator_ensure,
)


def form(user, unit, items, period="202401", submit=False):
    return datavalues_save_form(actor=user, region=unit, period=period, items=items, submit=submit)


def item(ind, value, version=None, comment=""):
    return {"indicator": ind, "value": value, "version": version, "comment": comment}


def state():
    """Everything a rejected form must leave as it was."""
    return (sorted(DataValue.objects.values_list("region_id", "indicator_id", "period", "value", "version",
                                                 "state")),
            AuditEntry.objects.count(),
            sorted(Rollup.objects.values_list("region_id", "indicator_id", "period", "value", "n", "hits")))


def test_a_form_writes_one_audit_row_per_value_with_before_and_after(tree, catalog, persona):
    reporter, c = persona("hs_reporter"), catalog
    first = datavalue_save(actor=reporter, region=tree["A"], indicator=c["t_inc"], period="202401", value=100)
    last = AuditEntry.objects.order_by("-id").first().id
    saved = form(reporter, tree["A"], [item(c["t_inc"], 110, version=1), item(c["t_total"], 4),
                                       item(c["t_treated"], 3)], submit=True)
    assert [(dv.indicator.code, dv.version, dv.state) for dv in saved] == [
        ("t_inc", 2, "submitted"), ("t_total", 1, "submitted"), ("t_treated", 1, "submitted")]
    assert saved[0].pk == first.pk and all(dv.pk for dv in saved)
    assert all(dv.updated_by_id == reporter.pk for dv in DataValue.objects.filter(region=tree["A"]))
    entries = list(AuditEntry.objects.filter(id__gt=last).order_by("id"))
    assert [(e.action, e.object_type, e.object_id, e.actor_id, e.region_id) for e in entries] == [
        ("datavalue.save", "indicators.DataValue", str(dv.pk), reporter.pk, tree["A"].id) for dv in saved]
    inc, total = entries[0], entries[1]
    assert Decimal(inc.before["value"]) == 100 and inc.before["version"] == 1 and inc.before["state"] == "draft"
    assert Decimal(inc.after["value"]) == 110 and inc.after["version"] == 2 and inc.after["state"] == "submitted"
    assert total.before is None and Decimal(total.after["value"]) == 4 and total.after["version"] == 1


def test_a_stale_version_in_one_item_rejects_the_whole_form(tree, catalog, persona):
    reporter, c = persona("hs_reporter"), catalog
    datavalue_save(actor=reporter, region=tree["A"], indicator=c["t_inc"], period="202401", value=100)
    datavalue_save(actor=reporter, region=tree["A"], indicator=c["t_inc"], period="202401", value=101, version=1)
    before = state()
    with pytest.raises(ConflictError) as exc:
        form(reporter, tree["A"], [item(c["t_total"], 4), item(c["t_inc"], 102, version=1), item(c["t_treated"], 3)])
    assert exc.value.status_code == 409 and exc.value.extra["current"]["value"] == "101.000000"
    assert exc.value.extra["current"]["version"] == 2
    assert state() == before  # no values, no audit rows, rollups unchanged


def test_a_locked_value_or_a_bad_number_rejects_the_whole_form(tree, catalog, persona):
    reporter, reviewer, c = persona("hs_reporter"), persona("hs_reviewer"), catalog
    dv = datavalue_save(actor=reporter, region=tree["B"], indicator=c["t_inc"], period="202401", value=50)
    dv = datavalue_submit(actor=reporter, value=dv, version=dv.version)
    datavalue_approve(actor=reviewer, value=dv, version=dv.version)
    cnt = indicator_ensure(actor=system_user(), code="t_int_f", name="户数", unit="户", integer=True)
    before = state()
    with pytest.raises(ConflictError, match="锁定"):
        form(reporter, tree["B"], [item(c["t_total"], 4), item(c["t_inc"], 51, version=3)])
    with pytest.raises(ApplicationError, match="只能填整数") as exc:
        form(reporter, tree["B"], [item(c["t_total"], 4), item(cnt, "2.5")])
    assert exc.value.extra["indicator"] == "t_int_f"
    assert state() == before


def test_an_outlier_without_comment_rejects_the_form_naming_the_indicator(tree, catalog, persona):
    reporter, c = persona("hs_reporter"), catalog
    for m, v in ((1, 100), (2, 110), (3, 90)):
        datavalue_save(actor=reporter, region=tree["A"], indicator=c["t_inc"], period=f"2024{m:02d}", value=v)
    before = state()
    with pytest.raises(ApplicationError, match="请填写说明") as exc:
        form(reporter, tree["A"], [item(c["t_total"], 4), item(c["t_inc"], 1000)], period="202404")
    assert exc.value.extra == {"field": "comment", "needs_comment": True, "indicator": "t_inc"}
    assert "前3期平均 100" in exc.value.message
    assert state() == before
    saved = form(reporter, tree["A"], [item(c["t_total"], 4), item(c["t_inc"], 1000, comment="一次性土地出让收入")],
                 period="202404")
    assert saved[1].comment == "一次性土地出让收入"
    # a later month of the same form sees the earlier one, as if saved one by one
    rows = [{"region": tree["A"], "indicator": c["t_inc"], "period": p, "value": v, "comment": ""}
            for p, v in (("202405", 1000), ("202406", 100))]
    with pytest.raises(ApplicationError, match="请填写说明"):
        from bqw.indicators.services import datavalues_save_rows

        datavalues_save_rows(actor=reporter, items=rows)


def test_a_form_outside_the_capture_scope_is_refused(tree, catalog, persona):
    c = catalog
    before = state()
    with pytest.raises(ForbiddenError):  # 龙口镇 is in 鹤山 (visible) but outside 沙坪街道 (capturable)
        form(persona("hs_reporter"), tree["D"], [item(c["t_inc"], 1), item(c["t_total"], 2)])
    with pytest.raises(NotFoundError):  # 新会 reporter does not even see 鹤山
        form(persona("xh_reporter"), tree["A"], [item(c["t_inc"], 1)])
    with pytest.raises(ForbiddenError):
        form(persona("jm_viewer"), tree["A"], [item(c["t_inc"], 1)])
    assert state() == before


def test_a_20_value_form_costs_a_bounded_number_of_statements(tree, catalog, persona, django_assert_max_num_queries):
    """The statement count of a form does not grow with its values (it was ~5 per value before)."""
    system = system_user()
    inds = [indicator_ensure(actor=system, code=f"t_f{k:02d}", name=f"表内指标{k}", unit="个") for k in range(20)]
    indicator_ensure(actor=system, code="t_f_share", name="达标村占比", unit="%", rule="share_where", source=inds[0],
                     comparator=">=", threshold=10)
    indicator_ensure(actor=system, code="t_f_rate", name="比率", unit="%", rule="ratio", numerator=inds[1],
                     denominator=inds[2], factor=100)
    from django.test import Client

    from bqw.accounts.services import api_token_create

    user = persona("hs_reporter")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(actor=user, user=user)}")  # like the bench
    a = tree["A"]
    for m in (1, 2, 3):  # an outlier history for every value
        form(user, a, [item(i, 10 + k) for k, i in enumerate(inds)], period=f"2024{m:02d}")
    body = {"submit": True, "values": [{"indicator": i.code, "value": str(11 + k)} for k, i in enumerate(inds)]}
    # token, unit, indicators; locking read, history, insert, audit; 4 + 2 per level above the village for
    # the rollups (+ 1 lock statement per level on PostgreSQL): 18 on SQLite, 23 on PostgreSQL
    with django_assert_max_num_queries(30):
        r = client.put(f"/api/v1/forms/{a.code}/202404", json.dumps(body), content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["saved"] == 20
    # changing all 20 again (an UPDATE instead of the INSERT) costs the same
    body = {"values": [{"indicator": v["indicator"], "value": str(12 + k), "version": 1}
                       for k, v in enumerate(r.json()["values"])]}
    with django_assert_max_num_queries(30):
        r = client.put(f"/api/v1/forms/{a.code}/202404", json.dumps(body), content_type="application/json")
    assert r.status_code == 200, r.content
    assert {v["version"] for v in r.json()["values"]} == {2}
    assert AuditEntry.objects.filter(action="datavalue.save", region=a).count() == 20 * 5
    assert Rollup.objects.get(region=tree["广东"], indicator=inds[19], period="202404").value == 12 + 19


def test_derived_values_are_approved_audited_and_reach_the_province_at_once(tree, catalog, persona):
    """Figures computed from the platform's records (projects, pairings) need no capture scope and no review."""
    from bqw.indicators.services import datavalues_record_derived

    viewer, c = persona("jm_viewer"), catalog  # a read-only user: could never report a value
    datavalues_record_derived(actor=viewer, items=[
        {"region": tree["A"], "indicator": c["t_treated"], "period": "202401", "value": 3},
        {"region": tree["D"], "indicator": c["t_treated"], "period": "202401", "value": 4}])
    stored = DataValue.objects.get(region=tree["A"], indicator=c["t_treated"], period="202401")
    assert stored.state == DataValue.State.APPROVED
    assert AuditEntry.objects.filter(action="datavalue.derive", actor=viewer).count() == 2
    province = Rollup.objects.get(region=tree["广东"], indicator=c["t_treated"], period="202401")
    assert province.value == Decimal(7)
    datavalues_record_derived(actor=viewer, items=[
        {"region": tree["A"], "indicator": c["t_treated"], "period": "202401", "value": 1}])  # recomputed
    province.refresh_from_db()
    assert province.value == Decimal(5)


def test_all_errors_reports_every_bad_item_at_once_and_writes_nothing(tree, catalog, persona,
                                                                      django_assert_max_num_queries):
    from bqw.core.errors import FormRejected

    reporter, c = persona("hs_reporter"), catalog
    datavalue_save(actor=reporter, region=tree["A"], indicator=c["t_inc"], period="202401", value=100)
    datavalue_save(actor=reporter, region=tree["A"], indicator=c["t_inc"], period="202401", value=101, version=1)
    before = state()
    items = [item(c["t_total"], 4), item(c["t_inc"], 102, version=1), item(c["t_treated"], "x"),
             item(c["t_avg"], 5), item(c["t_min"], "Infinity")]
    with django_assert_max_num_queries(6), pytest.raises(FormRejected) as exc:
        datavalues_save_form(actor=reporter, region=tree["A"], period="202401", items=items, all_errors=True)
    errors = exc.value.field_errors
    assert [(e.extra["indicator"], e.status_code) for e in errors] == [("t_inc", 409), ("t_treated", 400),
                                                                       ("t_min", 400)]
    assert exc.value.status_code == 400 and "3 处错误" in exc.value.message
    assert [e["indicator"] for e in exc.value.extra["errors"]] == ["t_inc", "t_treated", "t_min"]
    assert state() == before
