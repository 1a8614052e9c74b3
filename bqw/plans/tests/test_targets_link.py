"""Tasks link to the targets they serve; the task page shows each target's status."""

from decimal import Decimal

import pytest

from bqw.accounts.models import AuditEntry
from bqw.accounts.services import system_user
from bqw.core.errors import NotFoundError
from bqw.indicators.models import Target
from bqw.indicators.services import indicator_ensure
from bqw.plans.services import LeadUnit, TaskSpec, plan_ensure, task_create, task_targets_set


@pytest.fixture
def task_and_targets(persona, region):
    from datetime import date

    jm = region("4407")
    ind = indicator_ensure(actor=system_user(), code="T_SEWAGE", name="自然村生活污水治理率", unit="%", level=5)
    jm_target = Target.objects.create(indicator=ind, region=jm, comparator=">=", value=Decimal("90"),
                                      deadline="2024", baseline_period="202301")
    zq_target = Target.objects.create(indicator=ind, region=region("4412"), comparator=">=", value=Decimal("90"),
                                      deadline="2024", baseline_period="202301")
    plan = plan_ensure(actor=system_user(), name="测试计划", region=jm, start_on=date(2024, 1, 1),
                       end_on=date(2024, 12, 31))
    lead = LeadUnit(persona("jm_admin").organization)
    spec = TaskSpec(content="推进农村生活污水治理", deadline_text="2024年底前", leads=[lead])
    task = task_create(actor=system_user(), plan=plan, spec=spec)
    return task, jm_target, zq_target


def test_admin_links_a_task_to_targets_and_it_is_audited(persona, task_and_targets, client, login):
    task, jm_target, _ = task_and_targets
    task_targets_set(actor=persona("jm_admin"), task=task, target_ids=[jm_target.pk, jm_target.pk])
    assert list(task.targets.all()) == [jm_target]
    entry = AuditEntry.objects.get(action="task.targets.set", object_id=str(task.pk))
    assert entry.after == {"targets": [jm_target.pk]} and entry.before == {"targets": []}
    login("jm_admin")
    page = client.get(task.get_absolute_url()).content.decode()
    assert "服务目标" in page and "自然村生活污水治理率" in page and "无" in page  # no data yet: grey, with reason


def test_a_target_outside_the_actors_scope_cannot_be_linked(persona, task_and_targets):
    task, _, zq_target = task_and_targets
    with pytest.raises(NotFoundError):
        task_targets_set(actor=persona("jm_admin"), task=task, target_ids=[zq_target.pk])
    assert not task.targets.exists()
