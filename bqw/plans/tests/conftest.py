from __future__ import annotations

from datetime import date

import pytest

from bqw.accounts.services import system_user
from bqw.orgs.models import Organization
from bqw.orgs.services import organization_ensure
from bqw.plans.models import Plan
from bqw.plans.services import LeadUnit, MilestoneSpec, TaskSpec, plan_ensure, task_create
from bqw.regions.models import Region

JIANGMEN, HESHAN = "440700000000", "440784000000"


@pytest.fixture
def jm(db) -> Region:
    return Region.objects.get(code=JIANGMEN)


@pytest.fixture
def bureau(jm) -> Organization:
    return organization_ensure(actor=system_user(), name="江门市农业农村局", region=jm)


@pytest.fixture
def plan(jm) -> Plan:
    return plan_ensure(actor=system_user(), name="测试工作要点", region=jm, start_on=date(2024, 1, 1),
                       end_on=date(2024, 12, 31))


@pytest.fixture
def make_task(plan, bureau):
    def make(content="推进测试任务", deadline="2024年底前", *, leads=None, region=None, milestones=(), p=plan,
             weight=1):
        spec = TaskSpec(content=content, deadline_text=deadline,
                        leads=[LeadUnit(o) for o in (leads or [bureau])], region=region,
                        milestones=[MilestoneSpec(n, d, done) for n, d, done in milestones], weight=weight)
        return task_create(actor=system_user(), plan=p, spec=spec)

    return make


@pytest.fixture
def heshan_task(db, jm):
    """A 鹤山 task led by 鹤山市百千万工程指挥部 (the org of hs_reviewer)."""
    hs = Region.objects.get(code=HESHAN)
    hq = Organization.objects.get(region=hs, kind=Organization.Kind.HEADQUARTERS)
    p = plan_ensure(actor=system_user(), name="鹤山测试计划", region=hs, start_on=date(2024, 1, 1),
                    end_on=date(2024, 12, 31))
    spec = TaskSpec(content="建设鹤山测试项目", deadline_text="2024年12月底", leads=[LeadUnit(hq)])
    return task_create(actor=system_user(), plan=p, spec=spec)
