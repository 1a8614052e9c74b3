"""Test session setup: the real Guangdong hierarchy and the demo personas are loaded once per session.

Personas (from the 江门 demo): gd_admin (province admin), jm_admin (江门 admin), jm_viewer (read-only),
hs_reviewer (鹤山 reviewer), hs_reporter (鹤山 沙坪街道 reporter), xh_reporter (新会 — out of scope for 鹤山).
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from bqw.accounts.services import system_user
    from bqw.demo.scenario import build_organizations, build_users
    from bqw.regions.services import divisions_load, shipped_classes_load

    with django_db_blocker.unblock():
        divisions_load(actor=system_user(), province="44")
        shipped_classes_load(actor=system_user())
        build_users(build_organizations())


@pytest.fixture
def persona(db):
    from bqw.accounts.models import User

    def get(username: str) -> User:
        return User.objects.select_related("view_scope", "capture_scope", "organization").get(username=username)

    return get


@pytest.fixture
def login(client, persona):
    """Log the test client in as a persona and return the user."""

    def as_(username: str):
        user = persona(username)
        client.force_login(user)
        return user

    return as_


@pytest.fixture
def region(db):
    from bqw.regions.models import Region

    def get(code: str) -> Region:
        return Region.objects.get(code=code.ljust(12, "0"))

    return get
