"""The organization register of a headquarters: create, edit, filter; a sibling county's admin is refused."""

from __future__ import annotations

import pytest

from bqw.accounts.models import AuditEntry
from bqw.accounts.tests.personas import HESHAN, KAIPING, county_admin
from bqw.core.errors import ConflictError, NotFoundError
from bqw.orgs.models import Organization
from bqw.orgs.services import organization_create
from bqw.regions.models import Region


@pytest.fixture
def hs_admin(db):
    return county_admin(HESHAN, "hs_admin")


@pytest.fixture
def kp_admin(db):
    return county_admin(KAIPING, "kp_admin")


def test_admin_registers_a_bureau_and_a_town_office(client, hs_admin):
    client.force_login(hs_admin)
    r = client.post("/orgs/", {"name": "鹤山市农业农村局", "kind": "agency", "region": "江门市鹤山市"})
    assert r.status_code == 302
    r = client.post("/orgs/", {"name": "沙坪街道综合服务中心", "kind": "town", "region": "沙坪街道"})
    assert r.status_code == 302, r.content.decode().split("<main>")[1][:900]
    org = Organization.objects.get(name="沙坪街道综合服务中心")
    assert org.region.name == "沙坪街道" and AuditEntry.objects.filter(action="organization.create",
                                                                         object_id=str(org.pk)).exists()
    r = client.post("/orgs/", {"name": "鹤山市农业农村局", "kind": "agency", "region": "江门市鹤山市"})
    assert "已有机构" in r.content.decode()
    page = client.get("/orgs/?kind=town").content.decode()
    assert "沙坪街道综合服务中心" in page and "鹤山市农业农村局</a>" not in page
    r = client.post(f"/orgs/{org.pk}/", {"name": "沙坪街道综合服务中心（改）", "kind": "town", "region": "沙坪街道"})
    org.refresh_from_db()
    assert r.status_code == 302 and org.name == "沙坪街道综合服务中心（改）"


def test_sibling_county_admin_is_refused(client, hs_admin, kp_admin):
    org = organization_create(actor=hs_admin, name="鹤山市财政局", kind="agency",
                              region=Region.objects.get(code=HESHAN))
    with pytest.raises(NotFoundError):
        organization_create(actor=kp_admin, name="越权局", kind="agency", region=Region.objects.get(code=HESHAN))
    with pytest.raises(ConflictError):
        organization_create(actor=hs_admin, name="鹤山市财政局", kind="agency", region=Region.objects.get(code=HESHAN))
    client.force_login(kp_admin)
    assert client.get(f"/orgs/{org.pk}/").status_code == 404
    assert client.post(f"/orgs/{org.pk}/", {"name": "x", "kind": "agency", "region": "开平市"}).status_code == 404
    assert "鹤山市财政局" not in client.get("/orgs/").content.decode()
    r = client.post("/orgs/", {"name": "越权局", "kind": "agency", "region": "江门市鹤山市"})
    assert "不在您的管辖范围内" in r.content.decode() and not Organization.objects.filter(name="越权局").exists()


def test_non_admin_gets_403(client, login):
    login("hs_reviewer")
    assert client.get("/orgs/").status_code == 403
