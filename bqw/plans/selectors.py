"""Reads of plans and tasks, always scoped to the acting user; lights computed by lights.task_light."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.base import ModelState
from django.utils import timezone

from bqw.accounts.models import User
from bqw.core.status import Light, Status
from bqw.orgs.models import Organization
from bqw.regions.models import Region, code_range

from .access import visible_plans, visible_tasks
from .lights import light_settings, task_light
from .models import Action, Milestone, Plan, Task, TaskLead, TaskState


def plans_for_user(user: User) -> QuerySet[Plan]:
    return (visible_plans(user).filter(archived=False).select_related("region")
            .order_by("region__code", "-start_on", "name"))


@dataclass(frozen=True, slots=True)
class LeadLink:
    """A task's lead unit on a board: what a TaskLead row says, read without a model instance per row."""

    organization_id: int
    organization: Organization
    assumed: bool


@dataclass(slots=True)
class TaskRow:
    """A task on a board with its light and its related rows, fetched once per related table for the whole
    board (read these, not task.lead_links / task.milestones / task.cooperating_units: those query per task)."""

    task: Task
    status: Status
    leads: list[LeadLink] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    cooperating: list[Organization] = field(default_factory=list)


def _of_tasks(model, tasks: QuerySet[Task], *order: str) -> QuerySet:
    """The rows of a table keyed by task_id for the tasks of `tasks`: a semi-join on the tasks' own filter (no
    list of ids travels, however many tasks), in `order` (no join to the task for the model's own ordering)."""
    return model.objects.filter(task_id__in=tasks.order_by().values("id")).order_by(*order)


# Task columns no board consumer reads (pages, ledger, API, cockpit, briefings, workbench): not fetched, not
# converted; they stay deferred on the instances (reading one would cost a query per task, so do not).
UNREAD_ON_BOARDS = frozenset({"created", "updated"})


def _board_tasks(tasks: QuerySet[Task]) -> tuple[list[str], list[tuple], dict[int, list[tuple]]]:
    """The attribute names and value rows of the tasks of `tasks` in its order (without the unread columns), and
    their lead links {task id: [(organization id, assumed), …]} in position order — in one query, the tasks joined
    to their lead links (a task with two leads comes twice), so the board's filter is evaluated once for both.
    `tasks` must filter on lead units with Exists, not a join, or the join would narrow the lead links too."""
    names = [f.attname for f in Task._meta.concrete_fields if f.name not in UNREAD_ON_BOARDS]
    order = tasks.query.order_by or Task._meta.ordering
    # "id" after the caller's order: a task's rows stay together even where that order has ties
    rows = tasks.order_by(*order, "id", "lead_links__position", "lead_links__id").values_list(
        *names, "lead_links__organization_id", "lead_links__assumed")
    i_id, width = names.index("id"), len(names)
    found: list[tuple] = []  # each task's first row (its lead columns after the task's are not read as the task's)
    links: dict[int, list[tuple]] = {}
    last = None
    for r in rows:
        task_id = r[i_id]
        if task_id != last:
            last = task_id
            found.append(r)
            links[task_id] = []
        if r[width] is not None:
            links[task_id].append((r[width], r[width + 1]))
    return names, found, links


def task_rows(tasks: QuerySet[Task], on: date) -> list[TaskRow]:
    """Rows for these tasks (in the queryset's order) with related rows fetched per table, not per task: plans,
    actions, regions, organizations, milestones and cooperating units (the lead links come with the tasks) — a
    fixed number of queries whatever the number of tasks — then every light in one pass.

    The Task instances are what iterating the queryset with .defer(*UNREAD_ON_BOARDS) gives (same attributes,
    loaded from the same database, plan/action/region cached) but filled from value rows rather than through
    Model.__init__ per task, which was most of a 5,000-task board's time; Task has no init signal receivers."""
    names, found, links = _board_tasks(tasks)
    if not found:
        return []
    at = {n: i for i, n in enumerate(names)}
    i_id, i_plan, i_action, i_region = at["id"], at["plan_id"], at["action_id"], at["region_id"]
    plans = Plan.objects.in_bulk({r[i_plan] for r in found})
    actions = Action.objects.in_bulk({r[i_action] for r in found if r[i_action]})
    regions = Region.objects.in_bulk({r[i_region] for r in found})
    coop: dict[int, list[int]] = defaultdict(list)
    for task_id, org_id in _of_tasks(Task.cooperating_units.through, tasks).values_list("task_id",
                                                                                          "organization_id"):
        coop[task_id].append(org_id)
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for m in _of_tasks(Milestone, tasks, "task_id", "due_on", "id"):
        milestones[m.task_id].append(m)
    orgs = Organization.objects.select_related("region").in_bulk(
        {org_id for rows in links.values() for org_id, _ in rows} | {o for ids in coop.values() for o in ids})
    plan_key, action_key, region_key = Task.plan.field.cache_name, Task.action.field.cache_name, \
        Task.region.field.cache_name
    db = tasks.db
    new = Task.__new__
    blue_days, tolerance = light_settings()
    out = []
    for r in found:
        t = new(Task)
        d = t.__dict__
        d.update(zip(names, r, strict=False))  # the row's lead columns come after names
        state = d["_state"] = ModelState()
        state.adding, state.db = False, db
        state.fields_cache = {plan_key: plans[r[i_plan]], action_key: actions.get(r[i_action]),
                              region_key: regions[r[i_region]]}
        task_id = r[i_id]
        ms = milestones.get(task_id) or []  # in due-date order from the query, as the leads by position
        leads = [LeadLink(org_id, orgs[org_id], assumed) for org_id, assumed in links[task_id]]
        co = [orgs[o] for o in coop.get(task_id, ())]
        if len(co) > 1:
            co.sort(key=lambda o: (o.region.code, o.name))
        out.append(TaskRow(t, task_light(t, on, blue_days=blue_days, tolerance=tolerance, milestones=ms), leads, ms,
                           co))
    return out


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
    """Tasks with their light at `on`, filtered; everything but the light is filtered in SQL. The number of
    queries does not grow with the number of tasks (see task_rows)."""
    on = on or timezone.localdate()
    qs = visible_tasks(user)
    if plan is not None:
        qs = qs.filter(plan=plan)
    if action:
        qs = qs.filter(action_id=action)
    if lead:  # Exists, not joins: a task matched twice needs no DISTINCT over 5,000 rows
        qs = qs.filter(Exists(TaskLead.objects.filter(task=OuterRef("pk"), organization_id=lead)))
    if region is not None:
        lo, hi = code_range(region.prefix)
        concerns = Task.regions.through.objects.filter(task=OuterRef("pk"), region__code__gte=lo,
                                                        region__code__lte=hi)
        qs = qs.filter(Exists(concerns) | Q(region__code__gte=lo, region__code__lte=hi))
    if due_before:
        qs = qs.filter(due_on__lte=due_before)
    if top_level:
        qs = qs.filter(parent__isnull=True)
    rows = task_rows(qs.order_by("plan_id", "action__number", "id"), on)
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
        for link in r.leads:
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
        for link in r.leads:
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
