"""Writes on plans and tasks: each one transaction, permission-checked, audited.

Every service takes the acting user; commands, setup and the demo act as the audited system user.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from bqw.accounts.audit import audit_record, snapshot
from bqw.accounts.models import User
from bqw.accounts.scope import require_admin
from bqw.core.errors import ApplicationError, ConflictError, ForbiddenError
from bqw.core.evidence import evidence_attach, evidence_checked
from bqw.core.periods import Deadline, PeriodError, parse_deadline
from bqw.orgs.models import Organization
from bqw.orgs.services import organization_ensure
from bqw.regions.models import Region

from .access import is_admin_of, is_lead_user
from .models import (
    Action,
    Evidence,
    Milestone,
    Plan,
    ProgressReport,
    ReportState,
    SupervisionKind,
    SupervisionNotice,
    Task,
    TaskLead,
    TaskState,
)

TASK_FIELDS = ["id", "plan_id", "action_id", "parent_id", "number", "content", "region_id", "deadline_text",
               "deadline_kind", "due_on", "start_on", "every", "weight", "progress", "state", "done_on"]

def _today(on: date | None) -> date:
    return on or timezone.localdate()


# ---------------------------------------------------------------- plans and actions

@transaction.atomic
def plan_ensure(*, actor: User, name: str, region: Region, start_on: date, end_on: date,
                issuer: Organization | None = None, source: str = "") -> Plan:
    """Get or create a plan by name (idempotent for the demo and for repeated imports)."""
    require_admin(actor, region)
    plan = Plan.objects.filter(name=name).first()
    if plan is not None:
        return plan
    plan = Plan(name=name, region=region, start_on=start_on, end_on=end_on, issuer=issuer, source=source)
    plan.full_clean()
    plan.save()
    audit_record(actor=actor, action="plan.create", obj=plan, region=region, after=snapshot(plan))
    return plan


@transaction.atomic
def action_ensure(*, actor: User, plan: Plan, name: str, group: str = "", number: int | None = None) -> Action:
    require_admin(actor, plan.region)
    action = Action.objects.filter(plan=plan, name=name).first()
    if action is not None:
        return action
    if number is None:
        number = (Action.objects.filter(plan=plan).count() or 0) + 1
    action = Action(plan=plan, name=name, group=group, number=number)
    action.full_clean()
    action.save()
    audit_record(actor=actor, action="action.create", obj=action, region=plan.region, after=snapshot(action))
    return action


# ---------------------------------------------------------------- tasks

@dataclass
class LeadUnit:
    organization: Organization
    assumed: bool = False


@dataclass
class MilestoneSpec:
    name: str
    due_on: date
    done: bool = False


@dataclass
class TaskSpec:
    """What a task is made of, before it is written (used by task_create, the import and the demo)."""

    content: str
    deadline_text: str
    leads: list[LeadUnit]
    cooperating: list[Organization] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    action: Action | None = None
    number: str = ""
    weight: Decimal = Decimal(1)
    region: Region | None = None
    deadline: Deadline | None = None
    milestones: list[MilestoneSpec] = field(default_factory=list)
    start_on: date | None = None  # when the task's clock starts if its deadline gives no start (an import: today)


def _apply_deadline(task: Task, deadline: Deadline) -> None:
    task.deadline_text = deadline.text[:60]
    task.deadline_kind = deadline.kind
    task.due_on = deadline.due
    task.start_on = deadline.start
    task.every = deadline.every or ""


def _build_task(plan: Plan, spec: TaskSpec, parent: Task | None = None) -> Task:
    if not spec.leads:
        raise ApplicationError("任务必须至少有一个牵头单位")
    try:
        deadline = spec.deadline or parse_deadline(spec.deadline_text, year=plan.year)
    except PeriodError as exc:
        raise ApplicationError(str(exc))
    if deadline is None:
        raise ApplicationError("完成时限不能为空")
    task = Task(plan=plan, action=spec.action, parent=parent, number=spec.number, content=spec.content.strip(),
                region=spec.region or plan.region, weight=spec.weight)
    _apply_deadline(task, deadline)
    if task.start_on is None and spec.start_on is not None and task.deadline_kind == "due" and (
            task.due_on is None or spec.start_on < task.due_on):
        task.start_on = spec.start_on
    task.full_clean(exclude=["plan", "region", "parent", "action"])
    return task


def _attach(task: Task, spec: TaskSpec) -> None:
    TaskLead.objects.bulk_create([TaskLead(task=task, organization=lu.organization, assumed=lu.assumed, position=i)
                                  for i, lu in enumerate(spec.leads)])
    if spec.cooperating:
        task.cooperating_units.add(*spec.cooperating)
    if spec.regions:
        task.regions.add(*spec.regions)
    if spec.milestones:
        Milestone.objects.bulk_create([Milestone(task=task, name=m.name, due_on=m.due_on, done=m.done)
                                       for m in spec.milestones])


def _task_after(task: Task, spec: TaskSpec) -> dict:
    return {**snapshot(task, TASK_FIELDS),
            "lead_units": [f"{lu.organization.name}{'（推定）' if lu.assumed else ''}" for lu in spec.leads],
            "cooperating_units": [o.name for o in spec.cooperating], "regions": [r.code for r in spec.regions]}


@transaction.atomic
def task_create(*, actor: User, plan: Plan, spec: TaskSpec, parent: Task | None = None) -> Task:
    require_admin(actor, spec.region or plan.region)
    task = _build_task(plan, spec, parent)
    task.save()
    _attach(task, spec)
    audit_record(actor=actor, action="task.create", obj=task, region=task.region, after=_task_after(task, spec))
    return task


def region_lead_unit(*, actor: User, region: Region) -> Organization:
    """The unit that leads a decomposed subtask: the region's headquarters, else its town office (created if
    missing, so every subtask has a lead)."""
    org = (Organization.objects.filter(region=region, kind__in=[Organization.Kind.HEADQUARTERS,
                                                                Organization.Kind.TOWN_OFFICE])
           .order_by("kind", "id").first())
    if org is not None:
        return org
    if region.level >= 4:
        office = "办事处" if region.name.endswith("街道") else "人民政府"
        return organization_ensure(actor=actor, name=f"{region.name}{office}", region=region,
                                   kind=Organization.Kind.TOWN_OFFICE)
    return organization_ensure(actor=actor, name=f"{region.name}百千万工程指挥部", region=region,
                               kind=Organization.Kind.HEADQUARTERS)


@transaction.atomic
def task_decompose(*, actor: User, task: Task, level: int) -> list[Task]:
    """One subtask per administrative unit of `level` directly below the task's region (city → counties,
    county → towns), led by that unit's headquarters or office. Idempotent: existing subtasks are kept."""
    if not is_admin_of(actor, task.region):
        raise ForbiddenError("仅本级指挥部管理员可以分解任务")
    if level <= task.region.level or level > 5:
        raise ApplicationError(f"只能分解到{task.region.get_level_display()}以下的层级")
    units = list(Region.objects.filter(parent=task.region, level=level, kind=Region.Kind.ADMINISTRATIVE)
                 .order_by("code"))
    if not units:
        raise ApplicationError(f"{task.region.name}下没有{Region.Level(level).label}一级的单位")
    have = set(task.children.values_list("region_id", flat=True))
    created: list[Task] = []
    for i, region in enumerate(units, start=1):
        if region.pk in have:
            continue
        spec = TaskSpec(content=task.content, deadline_text=task.deadline_text, deadline=task.deadline,
                        leads=[LeadUnit(region_lead_unit(actor=actor, region=region))], regions=[region],
                        action=task.action, number=f"{task.number}-{i}" if task.number else str(i), region=region)
        sub = _build_task(task.plan, spec, parent=task)
        sub.save()
        _attach(sub, spec)
        created.append(sub)
    audit_record(actor=actor, action="task.decompose", obj=task, region=task.region,
                 after={"level": level, "children": [t.pk for t in created],
                        "regions": [t.region.code for t in created]})
    if created:
        task_rollup(actor=actor, task=task)
    return created


def task_rollup(*, actor: User, task: Task) -> None:
    """Set a task's progress to the weighted progress of its children, up the chain of parents (inside the
    caller's transaction), with an audit row for each task whose progress or state changes."""
    node: Task | None = task
    while node is not None:
        rows = list(node.children.values_list("weight", "progress"))
        if rows:
            total = sum((w for w, _ in rows), Decimal(0))
            if total > 0:
                value = sum((w * p for w, p in rows), Decimal(0)) / total
            else:
                value = Decimal(sum(p for _, p in rows)) / len(rows)
            progress = int(value.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
            updates: dict = {"progress": progress}
            if progress > 0 and node.state == TaskState.NOT_STARTED:
                updates["state"] = TaskState.IN_PROGRESS
            before = snapshot(node, ["progress", "state"])
            if any(before[k] != v for k, v in updates.items()):
                Task.objects.filter(pk=node.pk).update(**updates)
                for k, v in updates.items():
                    setattr(node, k, v)
                audit_record(actor=actor, action="task.rollup", obj=node, region=node.region, before=before,
                             after=snapshot(node, ["progress", "state"]))
        node = Task.objects.filter(pk=node.parent_id).first() if node.parent_id else None


# ---------------------------------------------------------------- progress reports

@transaction.atomic
def report_submit(*, actor: User, task: Task, percent: int, text: str, files: Sequence[UploadedFile] = (),
                  on: date | None = None) -> ProgressReport:
    """A lead unit reports progress; headquarters then accepts or returns it."""
    if not is_lead_user(actor, task):
        raise ForbiddenError("仅牵头单位的填报人员可以报送进度")
    if task.is_done:
        raise ConflictError("任务已办结，不能再报送进度")
    if not 0 <= int(percent) <= 100:
        raise ApplicationError("进度应在 0–100 之间")
    if not (text or "").strip():
        raise ApplicationError("请填写进展情况")
    checked = evidence_checked(files)
    org = actor.organization
    if org is None or not task.lead_links.filter(organization=org).exists():
        org = task.lead_links.select_related("organization").first().organization
    on = _today(on)
    report = ProgressReport(task=task, organization=org, author=actor, percent=int(percent), text=text.strip(),
                            reported_on=on)
    report.full_clean(exclude=["task", "organization", "author"])
    report.save()
    names = evidence_attach(checked, partial(Evidence, report=report))
    before = snapshot(task, ["state", "last_report_on"])
    Task.objects.filter(pk=task.pk).update(state=TaskState.SUBMITTED, last_report_on=on)
    task.state, task.last_report_on = TaskState.SUBMITTED, on
    SupervisionNotice.objects.filter(task=task, kind=SupervisionKind.NOTICE, replied_on__isnull=True).update(
        replied_on=on)
    audit_record(actor=actor, action="task.report", obj=report, region=task.region, before=before,
                 after={**snapshot(report, ["task_id", "organization_id", "percent", "text", "reported_on"]),
                        "evidence": names})
    return report


def _pending(report: ProgressReport) -> None:
    if report.state != ReportState.SUBMITTED:
        raise ConflictError(f"该报送已{report.get_state_display()}，不能重复审核")


@transaction.atomic
def report_accept(*, actor: User, report: ProgressReport) -> ProgressReport:
    """Headquarters accepts a report: the task takes its percent, and parents roll up."""
    task = report.task
    if not is_admin_of(actor, task.region):
        raise ForbiddenError("仅本级指挥部管理员可以审核进度")
    _pending(report)
    before = snapshot(task, ["progress", "state"])
    report.state, report.reviewer, report.reviewed_at = ReportState.ACCEPTED, actor, timezone.now()
    report.save(update_fields=["state", "reviewer", "reviewed_at"])
    task.progress = report.percent
    task.state = TaskState.IN_PROGRESS
    task.save(update_fields=["progress", "state", "updated"])
    if task.parent_id:
        task_rollup(actor=actor, task=task.parent)
    audit_record(actor=actor, action="task.report.accept", obj=report, region=task.region, before=before,
                 after=snapshot(task, ["progress", "state"]))
    return report


@transaction.atomic
def report_return(*, actor: User, report: ProgressReport, reason: str) -> ProgressReport:
    task = report.task
    if not is_admin_of(actor, task.region):
        raise ForbiddenError("仅本级指挥部管理员可以退回进度")
    if not (reason or "").strip():
        raise ApplicationError("退回必须填写理由")
    _pending(report)
    report.state, report.reviewer, report.reviewed_at = ReportState.RETURNED, actor, timezone.now()
    report.reason = reason.strip()
    report.save(update_fields=["state", "reviewer", "reviewed_at", "reason"])
    Task.objects.filter(pk=task.pk).update(state=TaskState.RETURNED)
    task.state = TaskState.RETURNED
    _notify_leads(task, kind="returned", title=f"进度报送被退回：{task}", body=f"退回理由：{report.reason}")
    audit_record(actor=actor, action="task.report.return", obj=report, region=task.region,
                 after={"reason": report.reason})
    return report


@transaction.atomic
def task_close(*, actor: User, task: Task, on: date | None = None) -> Task:
    """Headquarters closes (办结) a task: progress 100, state done, dated."""
    if not is_admin_of(actor, task.region):
        raise ForbiddenError("仅本级指挥部管理员可以办结任务")
    if task.is_done:
        raise ConflictError("任务已办结")
    before = snapshot(task, ["progress", "state", "done_on"])
    task.progress, task.state, task.done_on = 100, TaskState.DONE, _today(on)
    task.save(update_fields=["progress", "state", "done_on", "updated"])
    ProgressReport.objects.filter(task=task, state=ReportState.SUBMITTED).update(
        state=ReportState.ACCEPTED, reviewer=actor, reviewed_at=timezone.now())
    if task.parent_id:
        task_rollup(actor=actor, task=task.parent)
    audit_record(actor=actor, action="task.close", obj=task, region=task.region, before=before,
                 after=snapshot(task, ["progress", "state", "done_on"]))
    return task


@transaction.atomic
def task_targets_set(*, actor: User, task: Task, target_ids: Sequence[int]) -> Task:
    """Link a task to the targets it serves; every target must be visible to the actor."""
    from bqw.indicators.access import get_target_for_user

    require_admin(actor, task.region)
    targets = [get_target_for_user(actor, pk) for pk in dict.fromkeys(target_ids)]
    before = sorted(task.targets.values_list("pk", flat=True))
    task.targets.set(targets)
    audit_record(actor=actor, action="task.targets.set", obj=task, region=task.region,
                 before={"targets": before}, after={"targets": sorted(t.pk for t in targets)})
    return task


def _notify_leads(task: Task, *, kind: str, title: str, body: str) -> int:
    from .models import Notification

    users = User.objects.filter(is_active=True, organization__task_lead_links__task=task).distinct()
    rows = [Notification(user=u, task=task, kind=kind, title=title[:200], body=body) for u in users]
    Notification.objects.bulk_create(rows)
    from .delivery import deliveries_queue, mails_queue

    deliveries_queue([(list(TaskLead.objects.filter(task=task).values_list("organization_id", flat=True)), title,
                       body, kind, task.pk)])
    mails_queue([(u.organization_id, u.email, title, body, kind, task.pk) for u in users])
    return len(rows)
