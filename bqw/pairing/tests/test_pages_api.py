"""Pages, API and access: a helper's page lists only its own pairings; out of scope is 404; read-only is 403."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bqw.accounts.models import Role
from bqw.accounts.services import system_user, user_ensure
from bqw.pairing.models import Delivery
from bqw.pairing.services import commitment_create


@pytest.fixture
def two_helpers(town, make_org, pair):
    villages = list(town.children.filter(kind="admin").order_by("code"))
    a, b = make_org("甲公司"), make_org("乙公司")
    pa = pair(villages[0], a)
    pb = pair(villages[1], b)
    return a, b, pa, pb


def test_helper_page_lists_only_its_own_pairings(client, login, two_helpers):
    a, b, pa, pb = two_helpers
    login("jm_admin")
    html = client.get(f"/pairing/helpers/{a.pk}/").content.decode()
    assert pa.helped_name in html and pb.helped_name not in html
    data = client.get(f"/api/v1/pairings/helpers/{a.pk}").json()
    assert [p["id"] for p in data["pairings"]] == [pa.pk]


def test_helper_user_sees_its_pairings_even_outside_its_region_scope(client, two_helpers, jm, hs):
    """A company user (no region scope over the village) sees the pairings it helps in, and only those."""
    a, b, pa, pb = two_helpers
    u = user_ensure(actor=system_user(), username="jia_user", password="Jia@2026pass", organization=a,
                    role=Role.REPORTER, view_scope=None, capture_scope=None)
    client.force_login(u)
    assert [p["id"] for p in client.get("/api/v1/pairings/").json()] == [pa.pk]
    assert client.get(f"/pairing/{pb.pk}/").status_code == 404
    assert client.get(f"/pairing/{pa.pk}/").status_code == 200
    # and it may report a delivery on its own pairing
    c = commitment_create(actor=__import__("bqw.accounts.services", fromlist=["system_user"]).system_user(),
                          pairing=pa, kind="funds", amount=100000, start_on=date(2026, 1, 1),
                          due_on=date(2026, 12, 31))
    pdf = SimpleUploadedFile("回执.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    r = client.post(f"/api/v1/pairings/commitments/{c.pk}/deliveries",
                    {"period": "202606", "amount": "50000", "note": "首笔", "evidence": pdf})
    assert r.status_code == 201, r.content
    assert r.json()["evidence"][0]["name"] == "回执.pdf"
    assert Delivery.objects.get(commitment=c).amount == 50000


def test_out_of_scope_user_gets_404_and_viewer_403(client, login, two_helpers):
    a, b, pa, pb = two_helpers
    login("xh_reporter")  # 新会 — the pairings are in 鹤山
    assert client.get(f"/pairing/{pa.pk}/").status_code == 404
    assert client.get(f"/api/v1/pairings/{pa.pk}").status_code == 404
    assert client.get("/api/v1/pairings/").json() == []
    login("jm_viewer")
    assert client.get(f"/pairing/{pa.pk}/").status_code == 200
    assert client.post(f"/pairing/{pa.pk}/commit/", {"kind": "funds", "amount": "1", "start_on": "2026-01-01",
                                                      "due_on": "2026-12-31"}).status_code == 403


def test_list_filters_coverage_json_and_export(client, login, two_helpers, hs):
    login("jm_admin")
    r = client.get("/pairing/?kind=ent_village")
    assert r.status_code == 200 and "甲公司" in r.content.decode() and "结对覆盖与到位" in r.content.decode()
    r = client.get("/pairing/?kind=group", HTTP_HX_REQUEST="true")
    assert "没有符合条件的结对" in r.content.decode()
    cov = client.get(f"/pairing/coverage.json?region={hs.code}&year=2026").json()
    assert cov["village_enterprise_pairing"]["villages_paired"] == 2
    assert any(c["villages_paired"] == 2 for c in cov["children"])
    api = client.get("/api/v1/pairings/coverage?region=4407&year=2026").json()
    assert api["village_enterprise_pairing"]["villages_paired"] == 2
    x = client.get("/pairing/export.xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    assert client.get(f"/pairing/helped/{two_helpers[2].helped_region.code}/").status_code == 200


def test_api_create_and_bad_input_is_a_clear_error(client, login, town, enterprise):
    login("jm_admin")
    village = town.children.order_by("code").first()
    r = client.post("/api/v1/pairings/", {"kind": "ent_village", "helpers": [{"organization": enterprise.pk}],
                                          "helped_region": village.code, "start_on": "2026-02-01"},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    assert r.json()["light"]["label"] == "无承诺"
    r = client.post("/api/v1/pairings/", {"kind": "ent_village", "helpers": [{"organization": enterprise.pk}],
                                          "helped_region": village.code, "start_on": "2026-02-01",
                                          "end_on": "2025-01-01"}, content_type="application/json")
    assert r.status_code == 400 and "结束日期" in r.json()["message"]
    login("hs_reporter")  # 沙坪街道 reporter: may report but not create
    r = client.post("/api/v1/pairings/", {"kind": "ent_village", "helpers": [{"organization": enterprise.pk}],
                                          "helped_region": village.code, "start_on": "2026-02-01"},
                    content_type="application/json")
    assert r.status_code == 403
    assert client.get(f"/api/v1/pairings/{pid}").status_code == 200


def test_provincial_helper_page_is_visible_to_the_city_it_helps(client, login, jm, make_org, pair, town):
    """A university at the province level helps 江门: jm_admin may open its page (its 江门 pairings only)."""
    from bqw.regions.models import Region

    uni = make_org("测试理工大学", kind="university", region=Region.objects.get(code="440000000000"))
    p = pair(jm, uni, kind="university")
    login("jm_admin")
    r = client.get(f"/pairing/helpers/{uni.pk}/")
    assert r.status_code == 200 and p.helped_name == "江门市" and "江门市" in r.content.decode()
    login("xh_reporter")
    assert client.get(f"/pairing/helpers/{uni.pk}/").status_code == 404


def test_a_helper_region_sees_its_pairing(client, login, pair, region):
    """新会区 helps 台山市: a 新会 user sees that county pair although 台山 is outside its scope."""
    p = pair(region("440781"), region("440705"), kind="county")
    login("xh_reporter")
    assert client.get(f"/pairing/{p.pk}/").status_code == 200
    login("hs_reporter")
    assert client.get(f"/pairing/{p.pk}/").status_code == 404
