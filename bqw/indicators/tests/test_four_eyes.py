"""双人审核 (four eyes, issue 18): where an indicator or a unit (or a unit above it) requires it, whoever entered or
submitted a value cannot approve it — on the review page, the whole-unit approval, the API and the service alike.
Off by default (a town office may have a single clerk); switching it on or off is an audited admin write."""

from __future__ import annotations

import json

import pytest

from bqw.accounts.models import AuditEntry
from bqw.core.errors import ForbiddenError, NotFoundError
from bqw.indicators.catalog_services import indicator_update
from bqw.indicators.models import DataValue
from bqw.indicators.services import datavalue_approve, datavalue_save, datavalue_submit, datavalues_approve
from bqw.regions.selectors import four_eyes_rules
from bqw.regions.services import region_four_eyes_set


@pytest.fixture
def jiangmen_rule(tree, persona):
    return region_four_eyes_set(actor=persona("jm_admin"), region=tree["江门"], enabled=True)


def _own(persona, tree, catalog, period="202401", region="A", submit=True):
    """hs_reviewer (who may also write 鹤山's values) enters a value himself."""
    return datavalue_save(actor=persona("hs_reviewer"), region=tree[region], indicator=catalog["t_inc"],
                          period=period, value=10, submit=submit)


def test_off_by_default_a_reviewer_may_approve_his_own_value(tree, catalog, persona):
    dv = _own(persona, tree, catalog)
    assert datavalue_approve(actor=persona("hs_reviewer"), value=dv, version=dv.version).state == "approved"


def test_a_city_rule_covers_its_subtree_and_is_audited(tree, catalog, persona, jiangmen_rule):
    entry = AuditEntry.objects.get(action="region.four_eyes")
    assert entry.before == {"four_eyes": False} and entry.after == {"four_eyes": True}
    assert entry.actor.username == "jm_admin"
    rules = four_eyes_rules([tree["A"], tree["鹤山"], tree["江门"], tree["广东"]])
    assert {k: r.code for k, r in rules.items()} == {tree[n].pk: tree["江门"].code for n in ("A", "鹤山", "江门")}
    # a lower unit cannot lift a rule set above it
    region_four_eyes_set(actor=persona("jm_admin"), region=tree["鹤山"], enabled=False)
    assert tree["A"].pk in four_eyes_rules([tree["A"]])


def test_only_an_admin_in_scope_changes_the_setting(tree, persona):
    with pytest.raises(ForbiddenError):
        region_four_eyes_set(actor=persona("hs_reviewer"), region=tree["鹤山"], enabled=True)
    with pytest.raises(ForbiddenError):
        region_four_eyes_set(actor=persona("jm_viewer"), region=tree["鹤山"], enabled=True)
    with pytest.raises(NotFoundError):  # another city: outside the view scope
        region_four_eyes_set(actor=persona("xh_reporter"), region=tree["鹤山"], enabled=True)
    with pytest.raises(NotFoundError):
        region_four_eyes_set(actor=persona("jm_admin"), region=tree["广东"], enabled=True)
    assert not type(tree["鹤山"]).objects.filter(four_eyes=True).exists()
    assert not AuditEntry.objects.filter(action="region.four_eyes").exists()


def test_the_service_refuses_the_enterer_and_lets_another_reviewer_approve(tree, catalog, persona, jiangmen_rule):
    dv = _own(persona, tree, catalog)
    with pytest.raises(ForbiddenError) as exc:
        datavalue_approve(actor=persona("hs_reviewer"), value=dv, version=dv.version)
    assert "双人审核" in exc.value.message and "江门市" in exc.value.message and "村集体经营性收入" in exc.value.message
    assert DataValue.objects.get(pk=dv.pk).state == "submitted"
    assert not AuditEntry.objects.filter(action="datavalue.approve").exists()
    assert datavalue_approve(actor=persona("jm_admin"), value=dv, version=dv.version).state == "approved"


def test_entering_a_draft_that_someone_else_submits_still_counts(tree, catalog, persona, jiangmen_rule):
    """The figure is his even when a reporter submits it; a reporter's own figure he may approve."""
    dv = _own(persona, tree, catalog, submit=False)
    dv = datavalue_submit(actor=persona("hs_reporter"), value=dv, version=dv.version)
    with pytest.raises(ForbiddenError):
        datavalue_approve(actor=persona("hs_reviewer"), value=dv, version=dv.version)
    theirs = datavalue_save(actor=persona("hs_reporter"), region=tree["B"], indicator=catalog["t_inc"],
                            period="202401", value=5, submit=True)
    assert datavalue_approve(actor=persona("hs_reviewer"), value=theirs, version=theirs.version).state == "approved"


def test_submitting_a_reporters_figure_counts_too(tree, catalog, persona, jiangmen_rule):
    dv = datavalue_save(actor=persona("hs_reporter"), region=tree["A"], indicator=catalog["t_inc"], period="202401",
                        value=5)
    dv = datavalue_submit(actor=persona("hs_reviewer"), value=dv, version=dv.version)
    with pytest.raises(ForbiddenError):
        datavalue_approve(actor=persona("hs_reviewer"), value=dv, version=dv.version)


def test_review_page_and_api_refuse_with_the_rule(client, login, tree, catalog, persona, jiangmen_rule):
    dv = _own(persona, tree, catalog)
    login("hs_reviewer")
    r = client.post(f"/indicators/review/{dv.pk}/approve/", {"version": dv.version})
    assert r.status_code == 403 and "双人审核" in r.content.decode()
    r = client.post(f"/api/v1/values/{tree['A'].code}/t_inc/202401/approve", json.dumps({"version": dv.version}),
                    content_type="application/json")
    assert r.status_code == 403 and "双人审核" in r.json()["message"]
    assert r.json()["extra"]["rule"] == "four_eyes"
    assert DataValue.objects.get(pk=dv.pk).state == "submitted"
    login("xh_reporter")  # out of scope: still 404, the rule says nothing
    assert client.post(f"/indicators/review/{dv.pk}/approve/", {"version": dv.version}).status_code == 404


def test_approving_a_whole_unit_is_all_or_nothing(client, login, tree, catalog, persona, jiangmen_rule):
    theirs = datavalue_save(actor=persona("hs_reporter"), region=tree["A"], indicator=catalog["t_avg"],
                            period="202401", value=3, submit=True)
    mine = _own(persona, tree, catalog)
    login("hs_reviewer")
    r = client.post("/indicators/review/approve/", {"value": [f"{theirs.pk}:{theirs.version}",
                                                             f"{mine.pk}:{mine.version}"]})
    assert r.status_code == 403 and "双人审核" in r.content.decode()
    assert set(DataValue.objects.filter(pk__in=[theirs.pk, mine.pk]).values_list("state", flat=True)) == {"submitted"}
    assert [dv.state for dv in datavalues_approve(actor=persona("hs_reviewer"), values=[theirs])] == ["approved"]


def test_a_per_indicator_rule(tree, catalog, persona):
    ind = catalog["t_inc"]
    with pytest.raises(ForbiddenError):  # a province-wide indicator: only the province admin changes it
        indicator_update(actor=persona("jm_admin"), indicator=ind, four_eyes=True)
    indicator_update(actor=persona("gd_admin"), indicator=ind, four_eyes=True)
    entry = AuditEntry.objects.get(action="indicator.update", object_id=str(ind.pk))
    assert entry.before["four_eyes"] is False and entry.after["four_eyes"] is True
    dv = _own(persona, tree, catalog)
    with pytest.raises(ForbiddenError) as exc:
        datavalue_approve(actor=persona("hs_reviewer"), value=dv, version=dv.version)
    assert "指标“村集体经营性收入”实行双人审核" in exc.value.message
    other = datavalue_save(actor=persona("hs_reviewer"), region=tree["A"], indicator=catalog["t_avg"],
                           period="202401", value=3, submit=True)  # another indicator: no rule
    assert datavalue_approve(actor=persona("hs_reviewer"), value=other, version=other.version).state == "approved"


def test_the_unit_page_and_the_api_show_and_change_the_setting(client, login, tree, persona):
    hs = tree["鹤山"]
    login("jm_admin")
    assert "双人审核：未开启" in client.get(f"/regions/{hs.code}/").content.decode()
    assert client.post(f"/regions/{hs.code}/four-eyes/", {"enabled": "1"}).status_code == 302
    r = client.get(f"/api/v1/regions/{tree['A'].code}/four-eyes")
    assert r.json() == {"code": tree["A"].code, "four_eyes": False, "applies": True, "set_by": hs.code}
    r = client.put(f"/api/v1/regions/{hs.code}/four-eyes", json.dumps({"enabled": False}),
                   content_type="application/json")
    assert r.status_code == 200 and r.json()["applies"] is False
    assert AuditEntry.objects.filter(action="region.four_eyes", region=hs).count() == 2
    login("hs_reviewer")  # in scope, not an admin: sees it, cannot change it
    assert "双人审核：未开启" in client.get(f"/regions/{hs.code}/").content.decode()
    assert client.post(f"/regions/{hs.code}/four-eyes/", {"enabled": "1"}).status_code == 403
    assert client.put(f"/api/v1/regions/{hs.code}/four-eyes", json.dumps({"enabled": True}),
                      content_type="application/json").status_code == 403
    login("xh_reporter")  # another county: 404
    assert client.post(f"/regions/{hs.code}/four-eyes/", {"enabled": "1"}).status_code == 404
    assert client.get(f"/api/v1/regions/{hs.code}/four-eyes").status_code == 404
    assert not type(hs).objects.filter(four_eyes=True).exists()
