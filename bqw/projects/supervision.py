"""The projects pass of the daily supervision run (`bqw supervise`, registered with plans.supervision).

A red project (milestone or completion overdue) gets a numbered 督办单 addressed to its responsible organization;
a yellow one for want of reports gets a reminder. Each is a ProjectNotice unique per (project, kind, cause), so
re-running never sends twice; the responsible organization's users get an in-app notification (plans'
Notification, with no task) and an e-mail, and the organization's group robots a message (plans' recorded
deliveries, sent after commit by the background runner).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Max

from bqw.accounts.audit import audit_record
from bqw.accounts.models import User
from bqw.core.status import Light
from bqw.plans.delivery import deliveries_queue, mails_queue
from bqw.plans.models import Notification
from bqw.plans.supervision import lock_supervision

from .lights import project_light
from .models import Project, ProjectNotice, Stage


def _cause(project: Project, reason: str, on: date) -> str | None:
    if reason.startswith("节点"):
        m = next((m for m in project.milestones.all() if m.actual_on is None and m.planned_on < on), None)
        return f"milestone:{m.pk}" if m else None
    if reason.startswith("计划于"):
        return f"end:{project.planned_end_on}"
    if "未报送" in reason:
        return f"report:{project.last_report_on or 'none'}"
    return None


@transaction.atomic
def projects_supervise(*, actor: User, on: date) -> dict:
    """Run the project ladder at `on`; returns counts and the 督办单 numbers. Two runs at once queue one behind
    the other (the supervision lock), the second then finds every notice already sent."""
    lock_supervision()
    projects = (Project.objects.filter(archived=False).exclude(stage=Stage.PRODUCING)
                .select_related("responsible").prefetch_related("milestones"))
    existing = set(ProjectNotice.objects.values_list("project_id", "kind", "cause"))
    seq = ProjectNotice.objects.filter(kind=ProjectNotice.Kind.NOTICE, year=on.year).aggregate(
        m=Max("seq"))["m"] or 0
    notices, notes, numbers = [], [], []
    users: dict[int, list[tuple[int, str]]] = {}
    robots, mails = [], []
    for p in projects:
        status = project_light(p, on)
        if status.light == Light.RED:
            kind = ProjectNotice.Kind.NOTICE
        elif status.light == Light.YELLOW and "未报送" in status.reason:
            kind = ProjectNotice.Kind.REMINDER
        else:
            continue
        cause = _cause(p, status.reason, on)
        if cause is None or (p.pk, kind, cause) in existing:
            continue
        n = ProjectNotice(project=p, kind=kind, cause=cause, issued_on=on, organization=p.responsible,
                          text=status.reason)
        if kind == ProjectNotice.Kind.NOTICE:
            seq += 1
            n.year, n.seq = on.year, seq
            numbers.append(n.number)
            title = f"{n.number}：{p.name}"
            body = f"{status.reason}。请责任单位{p.responsible.name}抓紧推进并书面回复办理情况。"
        else:
            title = f"项目进展报送提醒：{p.name}"
            body = f"{status.reason}。请及时报送项目进展。"
        notices.append(n)
        if p.responsible_id not in users:
            users[p.responsible_id] = list(User.objects.filter(is_active=True, organization_id=p.responsible_id)
                                           .values_list("id", "email"))
        notes += [Notification(user_id=u, kind=f"project_{kind}", title=title[:200], body=body)
                  for u, _ in users[p.responsible_id]]
        robots.append(([p.responsible_id], title, body, f"project_{kind}", None))
        mails += [(p.responsible_id, email, title, body, f"project_{kind}", None)
                  for _, email in users[p.responsible_id]]
    ProjectNotice.objects.bulk_create(notices)
    Notification.objects.bulk_create(notes)
    deliveries_queue(robots)
    mails_queue(mails)
    reminders = sum(1 for n in notices if n.kind == ProjectNotice.Kind.REMINDER)
    result = {"date": on.isoformat(), "project_reminders": reminders, "project_notices": len(notices) - reminders,
              "project_notifications": len(notes), "numbers": numbers,
              "text": f"项目督办：进展提醒 {reminders} 条，督办单 {len(notices) - reminders} 份"
                      + (f"（{'、'.join(numbers)}）" if numbers else "")}
    audit_record(actor=actor, action="projects.supervise", object_type="projects.ProjectNotice",
                 object_repr=f"项目督办日检 {on}", after=result)
    return result
