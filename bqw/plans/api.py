"""/api/v1/plans: plans, tasks with lights, light counts, progress reports and their review."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from bqw.accounts.api import actor
from bqw.core.status import Light

from .access import ADMIN, REPORT, get_plan_for_user, get_report_for_user, get_task_for_user
from .lights import task_light
from .models import ProgressReport, Task
from .selectors import TaskRow, light_counts_by_lead, plans_for_user, tasks_for_user
from .services import report_accept, report_return, report_submit, task_close

router = Router(tags=["任务督办"])


class PlanOut(Schema):
    id: int
    name: str
    region: str
    start_on: date
    end_on: date
    actions: list[dict]


class StatusOut(Schema):
    light: str = Field(description="灯色代码：green / blue / yellow / red / grey")
    colour: str = Field(description="灯色名称：绿灯 / 蓝灯 / 黄灯 / 红灯 / 灰灯")
    label: str = Field(description="状态：已办结 / 正常推进 / 即将到期 / 滞后 / 逾期 / 未开始")
    reason: str = Field(description="说明")


class LeadOut(Schema):
    id: int
    name: str
    assumed: bool


class TaskOut(Schema):
    id: int
    plan: int
    action: str | None
    parent: int | None
    number: str
    content: str
    region: str
    lead_units: list[LeadOut]
    cooperating_units: list[str]
    deadline_text: str
    deadline_kind: str
    due_on: date | None
    weight: float
    progress: int
    state: str
    state_label: str
    done_on: date | None
    status: StatusOut


class ReportIn(Schema):
    percent: int
    text: str


class ReturnIn(Schema):
    reason: str


class ReportOut(Schema):
    id: int
    task: int
    organization: str
    percent: int
    text: str
    reported_on: date
    state: str
    reason: str
    evidence: list[dict]


def _plan_out(p) -> dict:
    return {"id": p.pk, "name": p.name, "region": p.region.code, "start_on": p.start_on, "end_on": p.end_on,
            "actions": [{"id": a.pk, "name": a.name, "group": a.group} for a in p.actions.all()]}


def _task_out(t: Task, status, leads: list | None = None, cooperating: list | None = None) -> dict:
    """A task as the API gives it; a board passes the lead links and cooperating units it fetched in bulk."""
    leads = t.lead_links.select_related("organization") if leads is None else leads
    cooperating = t.cooperating_units.all() if cooperating is None else cooperating
    return {"id": t.pk, "plan": t.plan_id, "action": t.action.name if t.action_id else None, "parent": t.parent_id,
            "number": t.number, "content": t.content, "region": t.region.code,
            "lead_units": [{"id": link.organization_id, "name": link.organization.name, "assumed": link.assumed}
                           for link in leads],
            "cooperating_units": [o.name for o in cooperating],
            "deadline_text": t.deadline_text, "deadline_kind": t.deadline_kind, "due_on": t.due_on,
            "weight": float(t.weight), "progress": t.progress, "state": t.state, "state_label": t.get_state_display(),
            "done_on": t.done_on, "status": status.as_dict()}


def _row_out(r: TaskRow) -> dict:
    return _task_out(r.task, r.status, r.leads, r.cooperating)


def _report_out(r: ProgressReport) -> dict:
    return {"id": r.pk, "task": r.task_id, "organization": r.organization.name, "percent": r.percent, "text": r.text,
            "reported_on": r.reported_on, "state": r.state, "reason": r.reason,
            "evidence": [{"id": e.pk, "name": e.name, "size": e.size, "url": f"/plans/evidence/{e.pk}/"}
                         for e in r.evidence.all()]}


@router.get("/", response=list[PlanOut], summary="可查看的计划")
def plan_list(request: HttpRequest):
    return [_plan_out(p) for p in plans_for_user(actor(request)).prefetch_related("actions")]


@router.get("/tasks/{task_id}", response=TaskOut, summary="任务详情（含灯色及原因）")
def task_detail(request: HttpRequest, task_id: int, on: date | None = None):
    t = get_task_for_user(actor(request), task_id)
    return _task_out(t, task_light(t, on))


@router.get("/tasks/{task_id}/light", response=StatusOut, summary="任务在某日的灯色")
def task_light_get(request: HttpRequest, task_id: int, on: date | None = None):
    return task_light(get_task_for_user(actor(request), task_id), on).as_dict()


@router.get("/tasks/{task_id}/reports", response=list[ReportOut], summary="任务的进度报送")
def report_list(request: HttpRequest, task_id: int):
    t = get_task_for_user(actor(request), task_id)
    return [_report_out(r) for r in t.reports.select_related("organization").prefetch_related("evidence")]


@router.post("/tasks/{task_id}/reports", response={201: ReportOut}, summary="牵头单位报送进度（可附佐证材料）")
def report_create(request: HttpRequest, task_id: int, data: Form[ReportIn],
                  evidence: File[list[UploadedFile]] = None):
    user = actor(request)
    t = get_task_for_user(user, task_id, write=REPORT)
    r = report_submit(actor=user, task=t, percent=data.percent, text=data.text, files=evidence or [])
    return Status(201, _report_out(r))


@router.post("/reports/{report_id}/accept", response=ReportOut, summary="指挥部采纳进度")
def report_accept_post(request: HttpRequest, report_id: int):
    user = actor(request)
    return _report_out(report_accept(actor=user, report=get_report_for_user(user, report_id, write=ADMIN)))


@router.post("/reports/{report_id}/return", response=ReportOut, summary="指挥部退回进度（须填理由）")
def report_return_post(request: HttpRequest, report_id: int, data: ReturnIn):
    user = actor(request)
    r = get_report_for_user(user, report_id, write=ADMIN)
    return _report_out(report_return(actor=user, report=r, reason=data.reason))


@router.post("/tasks/{task_id}/close", response=TaskOut, summary="指挥部办结任务")
def task_close_post(request: HttpRequest, task_id: int):
    user = actor(request)
    t = task_close(actor=user, task=get_task_for_user(user, task_id, write=ADMIN))
    return _task_out(t, task_light(t))


@router.get("/{plan_id}", response=PlanOut, summary="计划详情")
def plan_detail(request: HttpRequest, plan_id: int):
    return _plan_out(get_plan_for_user(actor(request), plan_id))


@router.get("/{plan_id}/tasks", response=list[TaskOut], summary="计划的任务（可按行动、牵头单位、灯色筛选）")
def plan_tasks(request: HttpRequest, plan_id: int, action: int | None = None, lead: int | None = None,
               light: Light | None = None, on: date | None = None):
    user = actor(request)
    plan = get_plan_for_user(user, plan_id)
    return [_row_out(r) for r in tasks_for_user(user, plan=plan, action=action, lead=lead,
                                                light=light.value if light else None, on=on)]


@router.get("/{plan_id}/lights", response=dict[str, dict[str, int]], summary="各牵头单位各灯色任务数")
def plan_lights(request: HttpRequest, plan_id: int, on: date | None = None):
    user = actor(request)
    plan = get_plan_for_user(user, plan_id)
    return light_counts_by_lead(tasks_for_user(user, plan=plan, on=on or timezone.localdate()))
