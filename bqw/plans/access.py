"""Who may see and change plans, tasks and reports.

A task is visible to users whose view scope holds the task's region, and to users of its lead units.
Lead-unit users report progress; admins of the task's region accept, return, close and decompose.
Outside → 404; visible but not allowed → 403.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from bqw.accounts.models import Role, User
from bqw.accounts.scope import NOT_FOUND, view_q
from bqw.core.errors import ForbiddenError, NotFoundError

from .models import Plan, ProgressReport, Task, TaskLead

REPORT, ADMIN = "report", "admin"


def task_visible_q(user: User) -> Q:
    if user.is_superuser:
        return Q()
    q = view_q(user, "region")
    if user.organization_id:
        q |= Q(Exists(TaskLead.objects.filter(task=OuterRef("pk"), organization_id=user.organization_id)))
    return q


def visible_tasks(user: User) -> QuerySet[Task]:
    return Task.objects.filter(task_visible_q(user))


def visible_plans(user: User) -> QuerySet[Plan]:
    if user.is_superuser:
        return Plan.objects.all()
    q = view_q(user, "region")
    if user.organization_id:
        q |= Q(Exists(TaskLead.objects.filter(task__plan=OuterRef("pk"), organization_id=user.organization_id)))
    return Plan.objects.filter(q)


def is_admin_of(user: User, region) -> bool:
    return user.is_superuser or (user.role == Role.ADMIN and user.can_view(region))


def is_lead_user(user: User, task: Task) -> bool:
    if user.is_superuser:
        return True
    return (user.is_rw and user.organization_id is not None
            and task.lead_links.filter(organization_id=user.organization_id).exists())


def get_plan_for_user(user: User, pk: int | str, *, write: bool = False) -> Plan:
    plan = visible_plans(user).select_related("region").filter(pk=_int(pk)).first()
    if plan is None:
        raise NotFoundError(NOT_FOUND)
    if write and not is_admin_of(user, plan.region):
        raise ForbiddenError("仅本级指挥部管理员可以管理该计划")
    return plan


def get_task_for_user(user: User, pk: int | str, *, write: str | None = None) -> Task:
    """write=None reads; "report" needs a lead-unit user; "admin" needs an admin of the task's region."""
    task = visible_tasks(user).select_related("plan", "region", "action", "parent").filter(pk=_int(pk)).first()
    if task is None:
        raise NotFoundError(NOT_FOUND)
    if write == REPORT and not is_lead_user(user, task):
        raise ForbiddenError("仅牵头单位的填报人员可以报送进度")
    if write == ADMIN and not is_admin_of(user, task.region):
        raise ForbiddenError("仅本级指挥部管理员可以审核、退回或办结任务")
    return task


def get_report_for_user(user: User, pk: int | str, *, write: str | None = None) -> ProgressReport:
    report = ProgressReport.objects.filter(pk=_int(pk)).only("id", "task_id").first()
    if report is None:
        raise NotFoundError(NOT_FOUND)
    task = get_task_for_user(user, report.task_id, write=write)
    report = ProgressReport.objects.select_related("organization", "author").get(pk=report.pk)
    report.task = task
    return report


def _int(pk: int | str) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise NotFoundError(NOT_FOUND) from None
