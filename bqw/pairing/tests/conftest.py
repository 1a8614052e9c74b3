from __future__ import annotations

from datetime import date

import pytest

from bqw.accounts.services import system_user
from bqw.orgs.models import Organization
from bqw.orgs.services import organization_ensure
from bqw.pairing.services import HelperSpec, pairing_create
from bqw.regions.models import Region

JIANGMEN, HESHAN, XINHUI = "440700000000", "440784000000", "440705000000"


@pytest.fixture
def jm(db) -> Region:
    return Region.objects.get(code=JIANGMEN)


@pytest.fixture
def hs(db) -> Region:
    return Region.objects.get(code=HESHAN)


@pytest.fixture
def town(hs) -> Region:
    """A 鹤山 town with a handful of villages (沙坪街道 is hs_reporter's capture scope)."""
    return Region.objects.get(parent=hs, name="沙坪街道")


@pytest.fixture
def enterprise(jm) -> Organization:
    return organization_ensure(actor=system_user(), name="江门测试实业有限公司", region=jm,
                               kind=Organization.Kind.ENTERPRISE)


@pytest.fixture
def make_org(jm):
    def make(name: str, kind: str = Organization.Kind.ENTERPRISE, region: Region | None = None) -> Organization:
        return organization_ensure(actor=system_user(), name=name, region=region or jm, kind=kind)

    return make


@pytest.fixture
def pair(persona):
    """Create a pairing as jm_admin: pair(helped, *helpers, kind=...)."""

    def make(helped, *helpers, kind="ent_village", start=date(2026, 3, 1), end=None, actor="jm_admin", **kw):
        specs = [HelperSpec(organization=h) if isinstance(h, Organization) else HelperSpec(region=h) for h in helpers]
        target = {"helped_org": helped} if isinstance(helped, Organization) else {"helped_region": helped}
        return pairing_create(actor=persona(actor), kind=kind, helpers=specs, start_on=start, end_on=end,
                              **target, **kw)

    return make
