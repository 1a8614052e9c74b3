"""Scope enforcement by page and by API, with an out-of-scope persona (xh_reporter) and a read-only one."""

import pytest

from bqw.accounts.models import AuditEntry
from bqw.accounts.services import api_token_create
from bqw.regions.models import Region

XINHUI, HESHAN = "440705000000", "440784000000"


def test_login_page_is_chinese(client):
    r = client.get("/accounts/login/")
    assert r.status_code == 200 and "登录" in r.content.decode()


def test_pages_require_login(client):
    r = client.get(f"/regions/{HESHAN}/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_login_with_demo_password_works(client, db):
    r = client.post("/accounts/login/", {"username": "hs_reporter", "password": "Hs@report2024"})
    assert r.status_code == 302
    assert client.get("/").status_code == 200


def test_town_reporter_sees_heshan_but_not_xinhui_pages(client, login):
    login("hs_reporter")
    page = client.get(f"/regions/{HESHAN}/").content.decode()
    assert "沙坪街道" in page and "宅梧镇" in page
    assert client.get(f"/regions/{XINHUI}/").status_code == 404
    xinhui_town = Region.objects.filter(parent__code=XINHUI).first()
    assert client.get(f"/regions/{xinhui_town.code}/").status_code == 404


def test_api_region_and_children_respect_the_view_scope(client, login):
    login("hs_reporter")
    r = client.get("/api/v1/regions/440784")
    assert r.status_code == 200
    body = r.json()
    assert body["counts"] == {"county": 1, "town": 10, "village": 139}
    assert body["classes"] == [{"scheme": "典型县", "year": 2023, "value": "创先类"}]
    kids = client.get("/api/v1/regions/440784/children").json()
    assert all(k["code"].startswith("440784") for k in kids)
    assert len([k for k in kids if k["kind"] == "admin"]) == 10 and len(kids) == 12  # + 监狱, 林场 (quasi)
    assert client.get("/api/v1/regions/440705").status_code == 404
    assert client.get("/api/v1/regions/440705/children").status_code == 404


def test_city_children_list_never_includes_rows_outside_the_view_scope(client, login):
    login("hs_reporter")
    assert client.get("/api/v1/regions/4407/children").status_code == 404
    login("jm_admin")
    assert client.get("/api/v1/regions/44").status_code == 404
    kids = client.get("/api/v1/regions/4407/children").json()
    codes = {k["code"][:6] for k in kids}
    assert codes == {"440703", "440704", "440705", "440781", "440783", "440784", "440785"}


def test_api_token_auth_and_unauthenticated_request(client, persona, db):
    assert client.get("/api/v1/regions/440784").status_code == 401
    user = persona("xh_reporter")
    key = api_token_create(actor=user, user=user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/v1/regions/440705", **auth).status_code == 200
    assert client.get("/api/v1/regions/440784", **auth).status_code == 404
    assert client.get("/api/v1/regions/440705", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert AuditEntry.objects.filter(action="apitoken.create", actor=user).exists()


@pytest.mark.parametrize("username,status", [("jm_admin", 200), ("hs_reviewer", 403), ("jm_viewer", 403)])
def test_audit_log_page_is_for_admins(client, login, username, status):
    login(username)
    assert client.get("/accounts/audit/").status_code == status


def test_audit_log_lists_only_entries_in_scope(client, login, persona, region):
    from bqw.regions.services import region_class_set

    region_class_set(actor=persona("gd_admin"), region=region("4412"), scheme="测试方案", year=2024, value="甲")
    region_class_set(actor=persona("gd_admin"), region=region("440784"), scheme="测试方案", year=2024, value="乙")
    login("jm_admin")
    page = client.get("/accounts/audit/?action=regionclass.set").content.decode()
    assert "鹤山市" in page and "肇庆市" not in page


def test_viewer_is_read_only(persona, region):
    viewer = persona("jm_viewer")
    assert viewer.can_view(region("440784")) and not viewer.can_capture(region("440784"))


def test_reporter_captures_only_own_town(persona, region):
    reporter = persona("hs_reporter")
    shaping = Region.objects.get(parent__code=HESHAN, name="沙坪街道")
    other = Region.objects.get(parent__code=HESHAN, name="宅梧镇")
    village = Region.objects.filter(parent=shaping).first()
    assert reporter.can_capture(shaping) and reporter.can_capture(village)
    assert reporter.can_view(other) and not reporter.can_capture(other)
    assert not reporter.can_view(region("440705"))
