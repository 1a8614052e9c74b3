"""Reads of plans and tasks, always scoped to the acting user; lights computed by lights.task_light."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from bqw.accounts.models import User
from bqw.core.status import Light, Status
from bqw.regions.models import Region, code_range

from .access import visible_plans, visible_tasks
from .lights import task_light
from .models import Plan, Task, TaskLead, TaskState


def plans_for_user(user: User) -> QuerySet[Plan]:
    return (visible_plans(user).filter(archived=False).select_related("region")
            .order_by("region__code", "-start_on", "name"))


def _with_relations(qs: QuerySet[Task]) -> QuerySet[Task]:
    return qs.select_related("plan", "action", "region").prefetch_related(
        "milestones", "cooperating_units",
        Prefetch("lead_links", queryset=TaskLead.objects.select_related("organization")))


@dataclass
class TaskRow:
    task: Task
    status: Status

    @property
    def leads(self) -> list[TaskLead]:
        return list(self.task.lead_links.all())


def tasks_for_user(
    user: User,
    *,
    plan: Plan | None = None,
    action: int | None = None,
    lead: int | None = None,
    region: Region | None = None,
    light: str | None = None,
    due_before: date | None = None,
    top_level: bool = False,
    on: date | None = None,
) -> list[TaskRow]:
    """Tasks with their light at `on`, filtered; everything but the light is filtered in SQL."""
    on = on or timezone.localdate()
    qs = visible_tasks(user)
    if plan is not None:
        qs = qs.filter(plan=plan)
    if action:
        qs = qs.filter(action_id=action)
    if lead:
        qs = qs.filter(lead_links__organization_id=lead)
    if region is not None:
        lo, hi = code_range(region.prefix)
        qs = qs.filter(regions__code__gte=lo, regions__code__lte=hi) | qs.filter(region__code__gte=lo,
                                                                                 region__code__lte=hi)
    if due_before:
        qs = qs.filter(due_on__lte=due_before)
    if top_level:
        qs = qs.filter(parent__isnull=True)
    qs = _with_relations(qs.distinct()).order_by("plan_id", "action__number", "id")
    rows = [TaskRow(t, task_light(t, on)) for t in qs]
    if light:
        rows = [r for r in rows if r.status.light == light]
    return rows


def my_tasks(user: User, *, on: date | None = None) -> list[TaskRow]:
    """Tasks led by the user's organization."""
    if user.organization_id is None:
        return []
    return tasks_for_user(user, lead=user.organization_id, on=on)


def light_counts_by_lead(rows: list[TaskRow]) -> dict[str, dict[str, int]]:
    """{lead unit: {light: count}} with every light present (0 where none), units sorted by name."""
    out: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        for link in r.task.lead_links.all():
            out[link.organization.name][r.status.light] += 1
    return {name: {lt.value: out[name].get(lt.value, 0) for lt in Light} for name in sorted(out)}


@dataclass
class LeadStats:
    organization: str
    organization_id: int
    tasks: int = 0
    done: int = 0
    done_on_time: int = 0
    overdue: int = 0
    lights: Counter | None = None

    @property
    def light_cells(self) -> list[tuple[str, int]]:
        """(light, count) in the order of Light, for templates (a Counter's .items is shadowed there)."""
        return [(lt.value, (self.lights or {}).get(lt.value, 0)) for lt in Light]

    @property
    def on_time_rate(self) -> float | None:
        """Tasks done on time among those done or overdue (None when nothing has fallen due)."""
        base = self.done + self.overdue
        return round(100 * self.done_on_time / base, 1) if base else None


def lead_unit_stats(rows: list[TaskRow], *, on: date | None = None) -> list[LeadStats]:
    """Per lead unit: tasks, done, on-time rate, overdue count and lights — so headquarters can hold units
    accountable. Worst first (most overdue, then lowest on-time rate)."""
    on = on or timezone.localdate()
    stats: dict[int, LeadStats] = {}
    for r in rows:
        t = r.task
        due = t.due_on if t.deadline_kind == "due" else None
        for link in t.lead_links.all():
            s = stats.get(link.organization_id)
            if s is None:
                s = stats[link.organization_id] = LeadStats(link.organization.name, link.organization_id,
                                                            lights=Counter())
            s.tasks += 1
            s.lights[r.status.light] += 1
            if t.state == TaskState.DONE:
                s.done += 1
                if due is None or (t.done_on and t.done_on <= due):
                    s.done_on_time += 1
            elif due is not None and due < on:
                s.overdue += 1
    return sorted(stats.values(), key=lambda s: (-s.overdue, s.on_time_rate if s.on_time_rate is not None else 101,
                                                 s.organization))


def task_target_statuses(task: Task, on: date) -> list:
    """The targets a task serves with their status at the month of `on`, within the task's region."""
    from bqw.core.periods import Period
    from bqw.indicators.status import evaluate

    period = Period.of_date(on)
    return [evaluate(t, period, within=task.region)
            for t in task.targets.select_related("indicator", "region", "benchmark")]
