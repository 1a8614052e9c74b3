"""/api/v1/projects: the library with lights and summaries, a project, lifecycle moves, progress reports,
招商 teams' funnels, leaders' pages and 责任书 standings."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from bqw.accounts.api import actor
from bqw.core.status import Light
from bqw.regions.access import get_region_for_user

from .access import get_leader_for_user, get_letter_for_user, get_project_for_user, get_team_for_user
from .lights import project_light
from .models import Category, Project, Source, Stage
from .selectors import leader_page, letter_standing, project_rows, projects_for_user, summarize, team_funnel
from .services import project_report_submit, project_transition

router = Router(tags=["项目库与招商"])


class TransitionIn(Schema):
    to: Stage
    on: date | None = None
    reason: str


class ReportIn(Schema):
    text: str
    investment: float | None = None


def _project_out(p: Project, on: date | None = None) -> dict:
    s = project_light(p, on)
    return {"id": p.pk, "name": p.name, "region": p.region.code, "region_name": p.region.name,
            "category": p.category, "source": p.source, "industry": p.industry, "investor": p.investor,
            "stage": p.stage, "stage_label": p.get_stage_display(), "planned_investment": str(p.planned_investment),
            "completed_investment": str(p.completed_investment), "responsible": p.responsible.name,
            "leader": str(p.leader) if p.leader_id else None, "intro_on": p.intro_on, "started_on": p.started_on,
            "producing_on": p.producing_on, "last_report_on": p.last_report_on, "archived": p.archived,
            "simulated": p.simulated, "status": s.as_dict(),
            "milestones": [{"name": m.name, "planned_on": m.planned_on, "actual_on": m.actual_on}
                           for m in p.milestones.all()],
            "history": [{"from": c.from_stage, "to": c.to_stage, "on": c.on, "reason": c.reason}
                        for c in p.stage_changes.all()]}


def _filters(user, region: str | None, stage: Stage | None, category: Category | None, major: bool,
             source: Source | None = None):
    where = get_region_for_user(user, region) if region else None
    return projects_for_user(user, region=where, stage=stage.value if stage else None,
                             category=category.value if category else None, major=major,
                             source=source.value if source else None)


@router.get("/", summary="项目库（可按地区、阶段、灯色、类别、来源、亿元以上筛选），含汇总")
def project_list(request: HttpRequest, region: str | None = None, stage: Stage | None = None,
                 light: Light | None = None, category: Category | None = None, source: Source | None = None,
                 major: bool = False, on: date | None = None):
    user = actor(request)
    rows = project_rows(_filters(user, region, stage, category, major, source), on=on,
                        light=light.value if light else None)
    return {"summary": summarize(rows), "items": [r.as_dict() for r in rows]}


@router.get("/summary", summary="项目数、计划与完成投资，按阶段、灯色、来源")
def project_summary(request: HttpRequest, region: str | None = None, major: bool = False, on: date | None = None):
    user = actor(request)
    return summarize(project_rows(_filters(user, region, None, None, major), on=on))


IMPORTERS = {"projects": None, "investment": "investment_import", "milestones": "milestone_import",
             "assignments": "assignment_import"}


@router.post("/import", summary="导入项目、月度投资、节点或挂钩联系（全部通过才写入，否则 422 列出各行错误）")
def project_import_post(request: HttpRequest, region: Form[str], file: File[UploadedFile],
                        kind: Form[str] = "projects", dry_run: Form[bool] = False):
    from bqw.core.errors import ApplicationError

    from . import imports

    user = actor(request)
    if kind not in IMPORTERS:
        raise ApplicationError(f"未知导入类型：{kind}（可选：{'、'.join(IMPORTERS)}）")
    where = get_region_for_user(user, region)
    data = file.read(imports.MAX_FILE_BYTES + 1)
    if len(data) > imports.MAX_FILE_BYTES:
        raise ApplicationError("文件过大（不超过 5 MB）")
    if kind == "projects":
        r = imports.project_import(actor=user, region=where, data=data, filename=file.name or "import.xlsx",
                                   confirm=not dry_run)
        return r.as_dict()
    n = getattr(imports, IMPORTERS[kind])(actor=user, region=where, data=data, filename=file.name or "import.xlsx")
    return {"applied": True, "rows": n}


@router.get("/teams/{team_id}", summary="招商小组：漏斗、转化率、落地投资")
def team_detail(request: HttpRequest, team_id: int):
    team = get_team_for_user(actor(request), team_id)
    return {"id": team.pk, "name": team.name, "region": team.region.code, "head": str(team.head),
            "members": [str(m) for m in team.members.all()], "focus": team.focus, "funnel": team_funnel(team)}


@router.get("/leaders/{leader_id}", summary="领导页：其挂钩联系的地区目标、项目、牵头任务")
def leader_detail(request: HttpRequest, leader_id: int, on: date | None = None):
    user = actor(request)
    page = leader_page(user, get_leader_for_user(user, leader_id), on=on)
    return {"id": page.leader.pk, "name": str(page.leader), "post": page.leader.post,
            "regions": [{"region": a.region.code, "name": a.region.name, "kind": a.get_kind_display(),
                         "targets": [t.as_dict() for t in sts]} for a, sts in page.regions],
            "enterprises": [a.enterprise.name for a in page.enterprises],
            "projects": [r.as_dict() for r in page.projects],
            "tasks": [{"id": t.pk, "content": t.content, **s.as_dict()} for t, s in page.tasks],
            "teams": [t.name for t in page.teams],
            "posts": [{"headquarters": p.headquarters.name, "role": p.get_role_display()} for p in page.posts]}


@router.get("/letters/{letter_id}", summary="责任书及其完成情况（目标状态、任务灯色）")
def letter_detail(request: HttpRequest, letter_id: int, on: date | None = None):
    return letter_standing(get_letter_for_user(actor(request), letter_id), on=on).as_dict()


@router.get("/{project_id}", summary="项目详情（含灯色及原因、节点、阶段历史）")
def project_detail(request: HttpRequest, project_id: int, on: date | None = None):
    return _project_out(get_project_for_user(actor(request), project_id), on)


@router.post("/{project_id}/transition", summary="项目阶段变更（须填日期与理由）")
def project_transition_post(request: HttpRequest, project_id: int, data: TransitionIn):
    user = actor(request)
    p = get_project_for_user(user, project_id, write=True)
    project_transition(actor=user, project=p, to=data.to.value, on=data.on, reason=data.reason)
    return _project_out(get_project_for_user(user, project_id))


@router.post("/{project_id}/reports", response={201: dict}, summary="报送项目进展（可附佐证材料、当月完成投资）")
def project_report_post(request: HttpRequest, project_id: int, data: Form[ReportIn],
                        evidence: File[list[UploadedFile]] = None):
    user = actor(request)
    p = get_project_for_user(user, project_id, write=True)
    r = project_report_submit(actor=user, project=p, text=data.text, files=evidence or [],
                              investment=None if data.investment is None else round(data.investment, 2))
    return Status(201, {"id": r.pk, "reported_on": r.reported_on, "evidence": [e.name for e in r.evidence.all()]})
