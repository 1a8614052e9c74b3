from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bqw.orgs.models import Organization
from bqw.projects.services import ProjectSpec, project_create
from bqw.regions.models import Region

HESHAN, XINHUI = "440784000000", "440705000000"
YI = Decimal(100_000_000)


@pytest.fixture
def hs(db) -> Region:
    return Region.objects.get(code=HESHAN)


@pytest.fixture
def shaping(hs) -> Region:
    return Region.objects.get(parent=hs, name="沙坪街道")


@pytest.fixture
def hs_hq(hs) -> Organization:
    return Organization.objects.get(region=hs, kind=Organization.Kind.HEADQUARTERS)


@pytest.fixture
def make_project(persona, hs, hs_hq):
    def make(name="测试项目", *, region=None, planned=2 * YI, stage="idea", intro_on=date(2023, 3, 10), by=None,
             **kw):
        spec = ProjectSpec(name=name, region=region or hs, planned_investment=planned, responsible=hs_hq,
                           intro_on=intro_on, stage=stage, **kw)
        return project_create(actor=by or persona("jm_admin"), spec=spec)

    return make
