"""API tokens (shown once, hashed, expiry, last use, revocation → 401) and the people pages of a headquarters,
with a sibling county's admin refused on every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from bqw.accounts.models import ApiToken, AuditEntry, Role, User
from bqw.accounts.tests.personas import HESHAN, KAIPING, PASSWORD, county_admin
from bqw.accounts.tokens import token_create, token_revoke
from bqw.accounts.users import user_create
from bqw.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from bqw.orgs.models import Organization
from bqw.regions.models import Region


@pytest.fixture
def hs_admin(db):
    return county_admin(HESHAN, "hs_admin")


@pytest.fixture
def kp_admin(db):
    return county_admin(KAIPING, "kp_admin")


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_token_is_stored_hashed_and_tracks_last_use(client, persona):
    user = persona("hs_reporter")
    token, key = token_create(actor=user, user=user, name="网格平台")
    assert key not in {t.digest for t in ApiToken.objects.all()} and token.prefix == key[:10]
    assert client.get("/api/v1/regions/440784", **bearer(key)).status_code == 200
    token.refresh_from_db()
    assert token.last_used is not None


def test_revoked_and_expired_tokens_get_401_even_on_unsafe_methods(client, persona):
    user = persona("hs_reporter")
    token, key = token_create(actor=user, user=user, name="脚本")
    token_revoke(actor=user, token=token)
    r = client.get("/api/v1/regions/440784", **bearer(key))
    assert r.status_code == 401 and r.json()["message"] == "令牌无效、已撤销或已过期"
    assert "请先登录" in client.get("/api/v1/regions/440784").json()["message"]
    r = client.put("/api/v1/forms/440784/202401", data="{}", content_type="application/json", **bearer(key))
    assert r.status_code == 401  # not 403 "CSRF check failed"
    r = client.put("/api/v1/forms/440784/202401", data="{}", content_type="application/json", **bearer("bqw_x"))
    assert r.status_code == 401
    expired, key2 = token_create(actor=user, user=user, name="过期", expires=timezone.now() + timedelta(minutes=1))
    ApiToken.objects.filter(pk=expired.pk).update(expires=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/regions/440784", **bearer(key2)).status_code == 401


def test_token_expiry_must_be_in_the_future(persona):
    user = persona("hs_reporter")
    with pytest.raises(ApplicationError):
        token_create(actor=user, user=user, name="x", expires="2020-01-01")
    with pytest.raises(ApplicationError):
        token_create(actor=user, user=user, name="x", expires="明天")


def test_deactivated_user_token_gets_401(client, persona, hs_admin):
    from bqw.accounts.users import user_set_active

    user = persona("hs_reporter")
    _, key = token_create(actor=user, user=user, name="x")
    user_set_active(actor=hs_admin, user=user, active=False)
    assert client.get("/api/v1/regions/440784", **bearer(key)).status_code == 401


def test_admin_revokes_tokens_in_scope_only(persona, hs_admin, kp_admin):
    user = persona("hs_reporter")
    token, _ = token_create(actor=user, user=user, name="x")
    with pytest.raises(NotFoundError):
        token_revoke(actor=kp_admin, token=token)
    with pytest.raises(NotFoundError):
        token_revoke(actor=persona("xh_reporter"), token=token)
    token_revoke(actor=hs_admin, token=token)
    assert AuditEntry.objects.filter(action="apitoken.revoke", actor=hs_admin).exists()


def test_tokens_page_shows_the_key_once(client, login):
    login("hs_reporter")
    r = client.post("/accounts/tokens/", {"name": "网格平台", "expires": ""})
    assert r.status_code == 302
    page = client.get("/accounts/tokens/").content.decode()
    token = ApiToken.objects.get(name="网格平台")
    assert "网格平台" in page and token.prefix in page and "请立即复制" in page
    again = client.get("/accounts/tokens/").content.decode()
    assert "请立即复制" not in again
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked is not None


def test_user_create_scopes_nest_inside_the_admin(hs_admin):
    hs = Region.objects.get(code=HESHAN)
    town = Region.objects.get(parent=hs, name="沙坪街道")
    xinhui = Region.objects.get(code="440705000000")
    org = Organization.objects.get(region=hs, name__endswith="指挥部")
    u = user_create(actor=hs_admin, username="sp_clerk", password=PASSWORD, organization=org,
                    role=Role.REPORTER, view_scope=hs, capture_scope=town)
    assert u.capture_scope == town and AuditEntry.objects.filter(action="user.create", object_id=str(u.pk)).exists()
    with pytest.raises(NotFoundError):  # view scope outside the admin's own
        user_create(actor=hs_admin, username="x1", password=PASSWORD, organization=org, role=Role.VIEWER,
                    view_scope=xinhui, capture_scope=None)
    with pytest.raises(ApplicationError):  # capture outside view
        user_create(actor=hs_admin, username="x2", password=PASSWORD, organization=org, role=Role.REPORTER,
                    view_scope=town, capture_scope=hs)
    with pytest.raises(ConflictError):  # never takes over an existing account
        user_create(actor=hs_admin, username="jm_admin", password=PASSWORD, organization=org, role=Role.VIEWER,
                    view_scope=hs, capture_scope=None)
    with pytest.raises(ForbiddenError):  # a reviewer is no admin
        user_create(actor=User.objects.get(username="hs_reviewer"), username="x3", password=PASSWORD,
                    organization=org, role=Role.VIEWER, view_scope=hs, capture_scope=None)


def test_user_pages_create_and_filter(client, hs_admin):
    client.force_login(hs_admin)
    org = Organization.objects.get(region__code=HESHAN, name__endswith="指挥部")
    r = client.post("/accounts/users/new/", {"username": "sp_clerk", "display_name": "沙坪填报员",
                                             "organization": org.pk, "role": "reporter",
                                             "view_scope": "江门市鹤山市", "capture_scope": "江门市鹤山市沙坪街道",
                                             "password": PASSWORD})
    assert r.status_code == 302, r.content.decode()[:500]
    u = User.objects.get(username="sp_clerk")
    assert u.capture_scope.name == "沙坪街道"
    page = client.get("/accounts/users/?role=reporter").content.decode()
    assert "sp_clerk" in page and "xh_reporter" not in page
    r = client.post("/accounts/users/new/", {"username": "bad", "organization": org.pk, "role": "reporter",
                                             "view_scope": "江门市新会区", "capture_scope": ""})
    # a unit outside the admin's scope does not exist for it: the form says so, nothing is created
    assert "不在您的管辖范围内" in r.content.decode() and not User.objects.filter(username="bad").exists()
    r = client.post(f"/accounts/users/{u.pk}/", {"op": "deactivate"})
    u.refresh_from_db()
    assert r.status_code == 302 and not u.is_active
    assert client.login(username="sp_clerk", password=PASSWORD) is False


def test_sibling_county_admin_is_refused_on_user_and_token_pages(client, persona, hs_admin, kp_admin):
    reporter = persona("hs_reporter")
    token, _ = token_create(actor=reporter, user=reporter, name="x")
    client.force_login(kp_admin)
    assert client.get(f"/accounts/users/{reporter.pk}/").status_code == 404
    assert client.post(f"/accounts/users/{reporter.pk}/", {"op": "deactivate"}).status_code == 404
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert "hs_reporter" not in client.get("/accounts/users/").content.decode()
    client.force_login(persona("hs_reviewer"))
    assert client.get("/accounts/users/").status_code == 403
    assert client.get(f"/accounts/users/{reporter.pk}/").status_code == 403
    assert client.get("/accounts/manage/").status_code == 403


def test_cli_users_and_tokens_create(capsys, db):
    call_command("users", "create", "--username", "hs_boss", "--org", "鹤山市百千万工程指挥部", "--role", "admin",
                 "--view", "440784", "--password", PASSWORD)
    u = User.objects.get(username="hs_boss")
    assert u.role == "admin" and u.view_scope.code == HESHAN and u.organization.kind == "hq"
    capsys.readouterr()
    call_command("tokens", "create", "--user", "hs_boss", "--name", "接口")
    key = capsys.readouterr().out.strip()
    assert key.startswith("bqw_") and ApiToken.objects.get(user=u).digest == ApiToken.hash(key)
