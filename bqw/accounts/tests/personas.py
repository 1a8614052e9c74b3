"""Extra personas for the administration tests (issue 11): a 鹤山市 headquarters admin and its sibling, a
开平市 admin, both made with the user service (as a province admin would)."""

from __future__ import annotations

from bqw.accounts.models import Role, User
from bqw.accounts.users import user_create
from bqw.orgs.models import Organization
from bqw.orgs.services import organization_ensure
from bqw.regions.models import Region

HESHAN, KAIPING = "440784000000", "440783000000"
PASSWORD = "Test@admin2026"


def county_admin(code: str, username: str) -> User:
    """An admin of a county's 百千万 headquarters (created once per test database transaction)."""
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    gd = User.objects.get(username="gd_admin")
    county = Region.objects.get(code=code)
    org = organization_ensure(actor=gd, name=f"{county.name}百千万工程指挥部", region=county,
                              kind=Organization.Kind.HEADQUARTERS)
    return user_create(actor=gd, username=username, password=PASSWORD, organization=org, role=Role.ADMIN,
                       view_scope=county, capture_scope=county, display_name=f"{county.name}指挥部管理员")
