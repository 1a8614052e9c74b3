"""Reads, already scoped to the user: the library with lights, summaries, the 招商 funnel, a leader's page and a
责任书's standing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from bqw.accounts.models import User
from bqw.accounts.scope import scope_q, view_q
from bqw.core.periods import Period
from bqw.core.status import Light, Status
from bqw.indicators import status as target_status
from bqw.plans.access import visible_tasks
from bqw.plans.lights import task_light
from bqw.regions.models import Region

from .access import visible_projects
from .lights import LIGHT_ORDER, project_light
from .models import (
    YI,
    Assignment,
    InvestmentLead,
    InvestmentTeam,
    Leader,
    LeadStage,
    Letter,
    Project,
    Source,
    Stage,
)


@dataclass
class ProjectRow:
    project: Project
    status: Status

    def as_dict(self) -> dict:
        p = self.project
        return {"id": p.id, "name": p.name, "region": p.region.code, "region_name": p.region.name,
                "category": p.category, "category_label": p.get_category_display(), "source": p.source,
                "source_label": p.get_source_display(), "industry": p.industry, "investor": p.investor,
                "stage": p.stage, "stage_label": p.get_stage_display(),
                "planned_investment": str(p.planned_investment), "completed_investment": str(p.completed_investment),
                "responsible": p.responsible.name, "leader": str(p.leader) if p.leader_id else None,
                "intro_on": p.intro_on.isoformat(), "simulated": p.simulated, **self.status.as_dict()}


def projects_for_user(user: User, *, region: Region | None = None, stage: str | None = None,
                      category: str | None = None, major: bool = False, source: str | None = None,
                      archived: bool = False) -> QuerySet[Project]:
    qs = visible_projects(user).filter(archived=archived)
    if region is not None:
        qs = qs.filter(scope_q(region, "region"))
    if stage:
        qs = qs.filter(stage=stage)
    if category:
        qs = qs.filter(category=category)
    if source:
        qs = qs.filter(source=source)
    if major:
        qs = qs.filter(planned_investment__gte=YI)
    return qs.select_related("region", "responsible", "leader").prefetch_related("milestones")


def project_rows(projects, *, on: date | None = None, light: str | None = None) -> list[ProjectRow]:
    on = on or timezone.localdate()
    rows = [ProjectRow(p, project_light(p, on)) for p in projects]
    return [r for r in rows if r.status.light == light] if light else rows


def summarize(rows: list[ProjectRow]) -> dict:
    """Count, planned and completed investment (元), per stage and per light — the CLI's and API's summary."""
    planned = sum((r.project.planned_investment for r in rows), Decimal(0))
    completed = sum((r.project.completed_investment for r in rows), Decimal(0))
    stages = Counter(r.project.stage for r in rows)
    sources: dict[str, list] = {}
    for r in rows:
        sources.setdefault(r.project.source, []).append(r.project)
    lights = Counter(str(r.status.light) for r in rows)
    return {
        "count": len(rows),
        "count_major": sum(1 for r in rows if r.project.planned_investment >= YI),
        "planned_investment": str(planned), "completed_investment": str(completed),
        "planned_yi": round(float(planned / YI), 2), "completed_yi": round(float(completed / YI), 2),
        "stages": {s.value: {"label": s.label, "count": stages.get(s.value, 0)} for s in Stage},
        "lights": {lt.value: {"label": lt.label, "count": lights.get(lt.value, 0)} for lt in LIGHT_ORDER},
        "sources": {k: {"label": Source(k).label, "count": len(ps),
                        "count_major": sum(1 for p in ps if p.planned_investment >= YI),
                        "planned_yi": round(float(sum((p.planned_investment for p in ps), Decimal(0)) / YI), 2)}
                    for k, ps in sources.items()},
    }


# ---------------------------------------------------------------- 招商


def teams_for_user(user: User, region: Region | None = None) -> QuerySet[InvestmentTeam]:
    qs = InvestmentTeam.objects.filter(view_q(user, "region")).select_related("region", "head")
    if region is not None:
        qs = qs.filter(scope_q(region, "region"))
    return qs


def funnel(leads) -> dict:
    """Leads reaching each stage (a lead at 签约 has passed 线索 and 洽谈), conversion and investment landed."""
    leads = list(leads)
    order = [s.value for s in LeadStage]
    reached = {s: sum(1 for x in leads if order.index(x.stage) >= order.index(s)) for s in order}
    landed = [x for x in leads if x.stage == LeadStage.LANDED]
    total = len(leads)
    invest = sum((x.project.planned_investment if x.project_id else x.planned_investment for x in landed),
                 Decimal(0))
    return {
        "stages": [{"stage": s, "label": LeadStage(s).label, "count": reached[s],
                    "share": round(reached[s] / total * 100, 1) if total else 0.0} for s in order],
        "total": total, "dropped": sum(1 for x in leads if x.dropped), "landed": len(landed),
        "conversion": round(len(landed) / total * 100, 1) if total else 0.0,
        "landed_investment": str(invest), "landed_yi": round(float(invest / YI), 2),
    }


def team_funnel(team: InvestmentTeam) -> dict:
    return funnel(InvestmentLead.objects.filter(team=team).select_related("project"))


# ---------------------------------------------------------------- leaders


@dataclass
class LeaderPage:
    leader: Leader
    regions: list[tuple[Assignment, list]] = field(default_factory=list)  # assignment, target statuses
    enterprises: list[Assignment] = field(default_factory=list)
    projects: list[ProjectRow] = field(default_factory=list)
    tasks: list[tuple] = field(default_factory=list)  # (task, status)
    teams: list[InvestmentTeam] = field(default_factory=list)
    posts: list = field(default_factory=list)


def leader_page(user: User, leader: Leader, *, on: date | None = None) -> LeaderPage:
    """Everything a leader is accountable for, and nothing else: the targets of the regions they contact (with
    status), the enterprises they contact, the projects they contact or are the contact leader of (with lights),
    the tasks their organization leads (with lights), the 招商 teams they lead and their command posts."""
    on = on or timezone.localdate()
    period = Period.of_date(on, "M")
    page = LeaderPage(leader)
    assignments = list(leader.assignments.select_related("region", "enterprise", "project"))
    for a in assignments:
        if a.region_id and user.can_view(a.region):
            page.regions.append((a, target_status.region_statuses(user, a.region, period)))
        elif a.enterprise_id:
            page.enterprises.append(a)
    ids = {a.project_id for a in assignments if a.project_id}
    projects = visible_projects(user).filter(archived=False).filter(
        pk__in=ids) | visible_projects(user).filter(archived=False, leader=leader)
    page.projects = project_rows(projects.distinct().select_related("region", "responsible", "leader")
                                 .prefetch_related("milestones"), on=on)
    tasks = (visible_tasks(user).filter(lead_links__organization_id=leader.organization_id).distinct()
             .select_related("plan").prefetch_related("milestones"))
    page.tasks = [(t, task_light(t, on)) for t in tasks]
    page.teams = list(leader.led_teams.all())
    page.posts = list(leader.command_posts.select_related("headquarters"))
    return page


# ---------------------------------------------------------------- 责任书


@dataclass
class Standing:
    letter: Letter
    period: Period
    targets: list  # TargetStatus within the letter's region
    tasks: list[tuple]  # (task, Status)
    status: Status

    def as_dict(self) -> dict:
        return {"id": self.letter.pk, "title": self.letter.title, "year": self.letter.year,
                "region": self.letter.region.code, "period": self.period.id, **self.status.as_dict(),
                "targets": [t.as_dict() for t in self.targets],
                "tasks": [{"id": t.pk, "content": t.content, **s.as_dict()} for t, s in self.tasks]}


TARGET_LIGHT_ORDER = [Light.RED, Light.YELLOW, Light.GREY, Light.BLUE, Light.GREEN]


def letter_standing(letter: Letter, *, on: date | None = None) -> Standing:
    """The standing of a 责任书: each target's status within the letter's region and each task's light; the
    letter takes the worst of them (红 if any is off track), with counts as its reason."""
    on = on or timezone.localdate()
    period = Period.of_date(min(on, date(letter.year, 12, 31)), "M")
    targets = [target_status.evaluate(t, period, within=letter.region)
               for t in letter.targets.select_related("indicator", "region")]
    tasks = [(t, task_light(t, on)) for t in letter.tasks.select_related("plan").prefetch_related("milestones")]
    lights = [str(ts.status.light) for ts in targets] + [str(s.light) for _, s in tasks]
    if not lights:
        return Standing(letter, period, targets, tasks, Status(Light.GREY, "无数据", "责任书尚未列入目标和任务"))
    counts = Counter(lights)
    worst = next(lt for lt in TARGET_LIGHT_ORDER if counts.get(lt.value))
    label = {Light.RED: "滞后", Light.YELLOW: "有风险", Light.GREY: "无数据", Light.BLUE: "正常推进",
             Light.GREEN: "已完成"}[worst]
    parts = "，".join(f"{lt.label} {counts[lt.value]} 项" for lt in TARGET_LIGHT_ORDER if counts.get(lt.value))
    reason = f"目标 {len(targets)} 项、任务 {len(tasks)} 项（截至{period.label}）：{parts}"
    return Standing(letter, period, targets, tasks, Status(worst, label, reason))


def region_investment(user: User, region: Region) -> dict:
    qs = visible_projects(user).filter(scope_q(region, "region"), archived=False)
    return qs.aggregate(planned=Sum("planned_investment"), completed=Sum("completed_investment"))
