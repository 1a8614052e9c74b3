"""The daily supervision pass (`bqw supervise`): reminder → 督办单 → listed in the briefing.

Set-based: a fixed number of queries whatever the number of tasks. Idempotent: each rung is one
SupervisionNotice row, unique per (task, kind, cycle_due), so a second run the same day (or any later day
of the same deadline cycle) finds the rung already there and sends nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone

from bqw.accounts.audit import audit_record
from bqw.accounts.models import User
from bqw.core.errors import ForbiddenError
from bqw.core.periods import RECURRING, Deadline

from .delivery import deliveries_queue, mails_queue
from .lights import cycle_start
from .models import Notification, SupervisionKind, SupervisionNotice, Task, TaskLead, TaskState

PASSES: list[Callable[..., dict]] = []
"""Further supervision passes run by `bqw supervise` after the task ladder: apps above plans (projects …) register
theirs in AppConfig.ready() with `register_pass`, so plans never imports them. Each is called as
fn(actor=..., on=...) and returns a JSON-able summary with a "text" line."""


def register_pass(fn: Callable[..., dict]) -> None:
    if fn not in PASSES:
        PASSES.append(fn)


def run_passes(*, actor: User, on: date) -> list[dict]:
    return [fn(actor=actor, on=on) for fn in PASSES]


@dataclass
class SuperviseResult:
    on: date
    reminders: int = 0
    notices: int = 0
    briefings: int = 0
    notifications: int = 0
    emails: int = 0
    robots: int = 0  # messages queued for organizations' group robots (企业微信/钉钉)
    numbers: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"date": self.on.isoformat(), "reminders": self.reminders, "notices": self.notices,
                "briefings": self.briefings, "notifications": self.notifications, "emails": self.emails,
                "robots": self.robots, "numbers": self.numbers}


def _d(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


SUPERVISION_LOCK = 0x6271_7773  # "bqws": the advisory lock key of the supervision pass


def lock_supervision() -> None:
    """Serialise supervision passes until the end of the transaction. PostgreSQL: a transaction-level advisory
    lock; SQLite: the write lock its IMMEDIATE transactions already take at BEGIN serialises them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [SUPERVISION_LOCK])


@transaction.atomic
def supervise_run(*, actor: User, on: date | None = None) -> SuperviseResult:
    """Run the ladder for every open task at date `on` (today by default): system work, so the actor is the
    system user (`bqw supervise`) or another superuser. Two runs at once queue one behind the other (the second
    then finds every rung already sent) instead of failing on the unique numbers."""
    if not actor.is_superuser:
        raise ForbiddenError("督办日检由系统执行")
    lock_supervision()
    on = on or timezone.localdate()
    conf = settings.BQW_PLANS
    remind, reply = conf["REMIND_DAYS"], conf["REPLY_DAYS"]
    result = SuperviseResult(on)

    rows = list(Task.objects.exclude(state=TaskState.DONE).exclude(deadline_kind="ongoing")
                .values("id", "number", "content", "deadline_kind", "deadline_text", "due_on", "every",
                        "last_report_on", "start_on", "plan__start_on"))
    existing = {(t, k, c): reply_due for t, k, c, reply_due in SupervisionNotice.objects.filter(
        task__in=Task.objects.exclude(state=TaskState.DONE)).values_list("task_id", "kind", "cycle_due", "reply_due")}

    wanted: list[tuple[dict, str, date]] = []  # (task row, kind, cycle due)
    for r in rows:
        if r["deadline_kind"] == RECURRING:
            probe = Task(every=r["every"])
            dl = Deadline(RECURRING, r["deadline_text"], every=r["every"] or None)
            due = dl.next_due(on)
            start = cycle_start(probe, on)
            reported = r["last_report_on"] is not None and r["last_report_on"] >= start
            if not reported and 0 <= (due - on).days <= remind:
                wanted.append((r, SupervisionKind.REMINDER, due))
            prev_due = start - timedelta(days=1)
            prev_start = cycle_start(probe, prev_due)
            began = r["start_on"] or r["plan__start_on"]
            missed = r["last_report_on"] is None or r["last_report_on"] < prev_start
            if missed and prev_start >= began:
                wanted.append((r, SupervisionKind.NOTICE, prev_due))
            due_for_brief = prev_due
        else:
            due = r["due_on"]
            if due is None:
                continue
            if 0 <= (due - on).days <= remind:
                wanted.append((r, SupervisionKind.REMINDER, due))
            if due < on:
                wanted.append((r, SupervisionKind.NOTICE, due))
            due_for_brief = due
        reply_due = existing.get((r["id"], SupervisionKind.NOTICE, due_for_brief))
        if reply_due is not None and reply_due < on:
            wanted.append((r, SupervisionKind.BRIEFING, due_for_brief))

    new = [(r, k, c) for r, k, c in wanted if (r["id"], k, c) not in existing]
    if not new:
        audit_record(actor=actor, action="supervise.run", object_type="plans.SupervisionNotice",
                     object_repr=f"督办日检 {on}", after=result.as_dict())
        return result

    task_ids = {r["id"] for r, _, _ in new}
    leads: dict[int, list[int]] = defaultdict(list)
    for tid, oid in (TaskLead.objects.filter(task_id__in=task_ids).order_by("task_id", "position", "id")
                     .values_list("task_id", "organization_id")):
        leads[tid].append(oid)
    users_by_org: dict[int, list[tuple[int, str]]] = defaultdict(list)
    org_ids = {o for v in leads.values() for o in v}
    for uid, oid, email in User.objects.filter(is_active=True, organization_id__in=org_ids).values_list(
            "id", "organization_id", "email"):
        users_by_org[oid].append((uid, email))

    year = on.year
    seq = (SupervisionNotice.objects.filter(kind=SupervisionKind.NOTICE, year=year).aggregate(m=Max("seq"))["m"]
           or 0)
    notices: list[SupervisionNotice] = []
    messages: list[tuple[dict, str, str, str]] = []  # (task row, kind, title, body)
    for r, kind, cycle_due in sorted(new, key=lambda x: (x[0]["id"], x[1])):
        label = f"{r['number']} {r['content'][:40]}".strip()
        n = SupervisionNotice(task_id=r["id"], kind=kind, cycle_due=cycle_due, issued_on=on,
                              organization_id=(leads.get(r["id"]) or [None])[0])
        if kind == SupervisionKind.REMINDER:
            result.reminders += 1
            title = f"到期提醒：{label}"
            body = f"任务将于{_d(cycle_due)}到期（完成时限：{r['deadline_text']}），请抓紧推进并及时报送进展。"
        elif kind == SupervisionKind.NOTICE:
            seq += 1
            n.year, n.seq, n.reply_due = year, seq, on + timedelta(days=reply)
            result.notices += 1
            result.numbers.append(n.number)
            title = f"{n.number}：{label}"
            body = (f"该任务已逾期（到期日{_d(cycle_due)}，完成时限：{r['deadline_text']}）。"
                    f"请于{_d(n.reply_due)}前书面回复办理情况并报送进展。")
        else:
            result.briefings += 1
            title = f"列入通报：{label}"
            body = f"督办单回复期限已过，任务仍未办结（到期日{_d(cycle_due)}），已列入通报。"
        n.text = body
        notices.append(n)
        messages.append((r, kind, title, body))
    SupervisionNotice.objects.bulk_create(notices, batch_size=1000)

    notes: list[Notification] = []
    mails: list[tuple[int, str, str, str, str, int | None]] = []
    for r, kind, title, body in messages:
        for oid in leads.get(r["id"], []):
            for uid, email in users_by_org.get(oid, []):
                notes.append(Notification(user_id=uid, task_id=r["id"], kind=kind, title=title[:200], body=body))
                mails.append((oid, email, title, body, kind, r["id"]))
    Notification.objects.bulk_create(notes, batch_size=1000)
    robots = deliveries_queue([(leads.get(r["id"], []), title, body, kind, r["id"])
                               for r, kind, title, body in messages])
    result.notifications, result.emails = len(notes), len(mails_queue(mails))
    result.robots = len(robots)
    audit_record(actor=actor, action="supervise.run", object_type="plans.SupervisionNotice",
                 object_repr=f"督办日检 {on}", after=result.as_dict())
    return result


def briefing_tasks(*, on: date | None = None) -> QuerySet[Task]:
    """Tasks the briefing (通报) lists: escalated past their 督办单 reply deadline and still not done.

    Not scoped: the briefing app scopes by the region it reports on (filter by region within it)."""
    q = SupervisionNotice.objects.filter(task=OuterRef("pk"), kind=SupervisionKind.BRIEFING)
    if on is not None:
        q = q.filter(issued_on__lte=on)
    return Task.objects.filter(Exists(q)).exclude(state=TaskState.DONE)
