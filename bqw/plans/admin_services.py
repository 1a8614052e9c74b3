"""A headquarters' own plan administration (issue 11): create, edit and archive plans; add, edit, move and delete
tasks by hand. Each write one transaction, scoped to an admin of the plan's (or task's) region, audited.

Kept beside services.py (which the import, the demo and extraction use) so the two evolve without conflicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from bqw.accounts.audit import audit_record, snapshot
from bqw.accounts.models import User
from bqw.accounts.scope import require_admin
from bqw.core.errors import ApplicationError, ConflictError, ForbiddenError
from bqw.core.periods import PeriodError, parse_deadline
from bqw.indicators.models import Target
from bqw.orgs.models import Organization
from bqw.regions.models import Region

from .access import is_admin_of
from .models import Action, Milestone, Plan, Task, TaskLead
from .services import TASK_FIELDS, LeadUnit, MilestoneSpec, TaskSpec, _apply_deadline, action_ensure, task_create

PLAN_FIELDS = ["name", "region_id", "start_on", "end_on", "issuer_id", "doc_number", "source", "archived"]


def _clean(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ApplicationError("；".join(exc.messages)) from None


def _check_dates(start_on: date, end_on: date) -> None:
    if end_on < start_on:
        raise ApplicationError("截止日期不能早于起始日期")


def _check_issuer(actor: User, issuer: Organization | None, region: Region) -> None:
    if issuer is not None and not region.contains(issuer.region) and not issuer.region.contains(region):
        raise ApplicationError(f"印发机构“{issuer.name}”不属于{region.name}")


@transaction.atomic
def plan_create(*, actor: User, name: str, region: Region, start_on: date, end_on: date,
                issuer: Organization | None = None, doc_number: str = "", source: str = "") -> Plan:
    """A new plan of the admin's region (409 if the name is taken: plan names are unique)."""
    require_admin(actor, region)
    name = (name or "").strip()
    if not name:
        raise ApplicationError("请填写计划名称")
    _check_dates(start_on, end_on)
    _check_issuer(actor, issuer, region)
    if Plan.objects.filter(name=name).exists():
        raise ConflictError(f"已有同名计划：{name}")
    plan = Plan(name=name, region=region, start_on=start_on, end_on=end_on, issuer=issuer,
                doc_number=doc_number.strip(), source=source.strip())
    _clean(plan)
    plan.save()
    audit_record(actor=actor, action="plan.create", obj=plan, region=region, after=snapshot(plan, PLAN_FIELDS))
    return plan


@transaction.atomic
def plan_update(*, actor: User, plan: Plan, name: str, start_on: date, end_on: date,
                issuer: Organization | None = None, doc_number: str = "", source: str = "") -> Plan:
    """Edit a plan's name, period, issuer and document number (its region stays: it decides who sees it)."""
    require_admin(actor, plan.region)
    name = (name or "").strip()
    if not name:
        raise ApplicationError("请填写计划名称")
    _check_dates(start_on, end_on)
    _check_issuer(actor, issuer, plan.region)
    if Plan.objects.filter(name=name).exclude(pk=plan.pk).exists():
        raise ConflictError(f"已有同名计划：{name}")
    before = snapshot(plan, PLAN_FIELDS)
    plan.name, plan.start_on, plan.end_on, plan.issuer = name, start_on, end_on, issuer
    plan.doc_number, plan.source = doc_number.strip(), source.strip()
    _clean(plan)
    plan.save()
    audit_record(actor=actor, action="plan.update", obj=plan, region=plan.region, before=before,
                 after=snapshot(plan, PLAN_FIELDS))
    return plan


@transaction.atomic
def plan_archive(*, actor: User, plan: Plan, archived: bool = True) -> Plan:
    """Archive (or restore) a plan: kept with its history, gone from the lists."""
    require_admin(actor, plan.region)
    before = snapshot(plan, PLAN_FIELDS)
    plan.archived = archived
    plan.save(update_fields=["archived"])
    audit_record(actor=actor, action="plan.archive" if archived else "plan.restore", obj=plan, region=plan.region,
                 before=before, after=snapshot(plan, PLAN_FIELDS))
    return plan


# ---------------------------------------------------------------- tasks by hand

@dataclass
class TaskInput:
    """A task as typed in the form or sent to the API: units are organizations already checked to be in scope."""

    content: str
    deadline_text: str
    leads: list[Organization]
    cooperating: list[Organization]
    action: Action | None = None
    number: str = ""
    weight: str | Decimal = "1"
    milestones: list[tuple[str, str]] | None = None  # (name, deadline as written)
    target_ids: list[int] | None = None


def _weight(value) -> Decimal:
    try:
        d = Decimal(str(value).strip() or "1")
    except InvalidOperation:
        raise ApplicationError(f"权重应为数字：{value}") from None
    if d < 0 or d > 10000:
        raise ApplicationError("权重应在 0 到 10000 之间")
    return d


def _milestones(plan: Plan, rows: list[tuple[str, str]] | None) -> list[MilestoneSpec]:
    out = []
    for name, when in rows or []:
        if not (name or "").strip():
            continue
        try:
            d = parse_deadline(when, year=plan.year)
        except PeriodError as exc:
            raise ApplicationError(f"节点“{name}”：{exc}") from None
        if d is None or d.due is None:
            raise ApplicationError(f"节点“{name}”须有具体日期，如 2024年6月底")
        out.append(MilestoneSpec(name=name.strip()[:120], due_on=d.due))
    return out


def _check_units(plan: Plan, orgs: list[Organization], what: str) -> None:
    for o in orgs:
        if not (plan.region.contains(o.region) or o.region.contains(plan.region)):
            raise ApplicationError(f"{what}“{o.name}”不属于{plan.region.name}")


def _check_targets(actor: User, plan: Plan, ids: list[int] | None) -> list[Target]:
    if not ids:
        return []
    targets = list(Target.objects.select_related("region").filter(pk__in=ids))
    if len(targets) != len(set(ids)):
        raise ApplicationError("所选目标不存在")
    for t in targets:
        if not actor.can_view(t.region):
            raise ApplicationError("所选目标不在您的查看范围内")
    return targets


@transaction.atomic
def task_add(*, actor: User, plan: Plan, data: TaskInput) -> Task:
    """A task typed by hand into a plan (deadline parsed as offices write it)."""
    require_admin(actor, plan.region)
    if plan.archived:
        raise ApplicationError("计划已归档，不能添加任务")
    if not data.content.strip():
        raise ApplicationError("请填写任务内容")
    _check_units(plan, data.leads, "牵头单位")
    _check_units(plan, data.cooperating, "配合单位")
    if data.action is not None and data.action.plan_id != plan.pk:
        raise ApplicationError("所属行动不在本计划中")
    spec = TaskSpec(content=data.content, deadline_text=data.deadline_text.strip(),
                    leads=[LeadUnit(o) for o in data.leads], cooperating=data.cooperating, action=data.action,
                    number=data.number.strip()[:20], weight=_weight(data.weight),
                    milestones=_milestones(plan, data.milestones))
    task = task_create(actor=actor, plan=plan, spec=spec)
    targets = _check_targets(actor, plan, data.target_ids)
    if targets:
        task.targets.set(targets)
    return task


@transaction.atomic
def task_edit(*, actor: User, task: Task, data: TaskInput) -> Task:
    """Change a task's content, units, deadline, weight, number, action, milestones and targets served."""
    if not is_admin_of(actor, task.region):
        raise ForbiddenError("仅本级指挥部管理员可以修改任务")
    plan = task.plan
    if not data.content.strip():
        raise ApplicationError("请填写任务内容")
    if not data.leads:
        raise ApplicationError("任务必须至少有一个牵头单位")
    _check_units(plan, data.leads, "牵头单位")
    _check_units(plan, data.cooperating, "配合单位")
    if data.action is not None and data.action.plan_id != plan.pk:
        raise ApplicationError("所属行动不在本计划中")
    try:
        deadline = parse_deadline(data.deadline_text, year=plan.year)
    except PeriodError as exc:
        raise ApplicationError(str(exc)) from None
    if deadline is None:
        raise ApplicationError("完成时限不能为空")
    before = {**snapshot(task, TASK_FIELDS), "lead_units": [lk.organization.name for lk in task.lead_links.all()]}
    task.content, task.action, task.number = data.content.strip(), data.action, data.number.strip()[:20]
    task.weight = _weight(data.weight)
    _apply_deadline(task, deadline)
    task.full_clean(exclude=["plan", "region", "parent", "action"])
    task.save()
    TaskLead.objects.filter(task=task).delete()
    TaskLead.objects.bulk_create([TaskLead(task=task, organization=o, position=i) for i, o in enumerate(data.leads)])
    task.cooperating_units.set(data.cooperating)
    if data.milestones is not None:
        specs = _milestones(plan, data.milestones)
        task.milestones.all().delete()
        Milestone.objects.bulk_create([Milestone(task=task, name=m.name, due_on=m.due_on) for m in specs])
    if data.target_ids is not None:
        task.targets.set(_check_targets(actor, plan, data.target_ids))
    audit_record(actor=actor, action="task.update", obj=task, region=task.region, before=before,
                 after={**snapshot(task, TASK_FIELDS), "lead_units": [o.name for o in data.leads]})
    return task


@transaction.atomic
def task_move(*, actor: User, task: Task, action: Action | None) -> Task:
    """Move a task to another action line of its plan (None: no action)."""
    if not is_admin_of(actor, task.region):
        raise ForbiddenError("仅本级指挥部管理员可以调整任务")
    if action is not None and action.plan_id != task.plan_id:
        raise ApplicationError("只能移动到本计划的行动中")
    before = snapshot(task, TASK_FIELDS)
    task.action = action
    task.save(update_fields=["action", "updated"])
    audit_record(actor=actor, action="task.move", obj=task, region=task.region, before=before,
                 after=snapshot(task, TASK_FIELDS))
    return task


@transaction.atomic
def task_delete(*, actor: User, task: Task) -> None:
    """Delete a task that nobody has reported on yet (its subtasks go with it); reported tasks are closed instead."""
    if not is_admin_of(actor, task.region):
        raise ForbiddenError("仅本级指挥部管理员可以删除任务")
    if task.reports.exists() or Task.objects.filter(parent=task, reports__isnull=False).exists():
        raise ConflictError("任务已有进度报送，不能删除；请办结或调整")
    before = snapshot(task, TASK_FIELDS)
    region, pk, text = task.region, task.pk, str(task)
    task.delete()
    audit_record(actor=actor, action="task.delete", object_type="plans.Task", object_id=pk, object_repr=text,
                 region=region, before=before)


def action_add(*, actor: User, plan: Plan, name: str, group: str = "") -> Action:
    """A new action line (through the existing idempotent service)."""
    require_admin(actor, plan.region)
    if not (name or "").strip():
        raise ApplicationError("请填写行动名称")
    return action_ensure(actor=actor, plan=plan, name=name.strip()[:120], group=group.strip()[:60])
