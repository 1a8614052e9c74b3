"""Creates and edits of plans and tasks on /api/v1/plans (issue 11), added to the plans router so GET and POST
share their paths; the same admin_services as the pages, with documented error responses."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Schema, Status

from bqw.accounts.api import actor
from bqw.core.api_errors import with_errors
from bqw.core.errors import ApplicationError
from bqw.orgs.models import Organization
from bqw.regions.picker import api_region

from .access import ADMIN, get_plan_for_user, get_task_for_user
from .admin_services import TaskInput, plan_archive, plan_create, plan_update, task_add, task_delete, task_edit
from .api import PlanOut, TaskOut, _plan_out, _task_out, router
from .lights import task_light
from .models import Action, Plan


class PlanIn(Schema):
    name: str
    region: str
    start_on: date
    end_on: date
    issuer_id: int | None = None
    doc_number: str = ""
    source: str = ""


class PlanPatch(Schema):
    name: str
    start_on: date
    end_on: date
    issuer_id: int | None = None
    doc_number: str = ""
    source: str = ""


class ArchiveIn(Schema):
    archived: bool = True


class MilestoneIn(Schema):
    name: str
    due: str


class TaskIn(Schema):
    content: str
    deadline: str
    lead_ids: list[int]
    cooperating_ids: list[int] = []
    action_id: int | None = None
    number: str = ""
    weight: str = "1"
    milestones: list[MilestoneIn] | None = None
    target_ids: list[int] | None = None


def _orgs(ids: list[int]) -> list[Organization]:
    found = {o.pk: o for o in Organization.objects.select_related("region").filter(pk__in=ids)}
    if len(found) != len(set(ids)):
        raise ApplicationError("所选单位不存在")
    return [found[i] for i in dict.fromkeys(ids)]


def _issuer(issuer_id: int | None) -> Organization | None:
    if issuer_id is None:
        return None
    org = Organization.objects.select_related("region").filter(pk=issuer_id).first()
    if org is None:
        raise ApplicationError("印发机构不存在")
    return org


def _input(plan: Plan, body: TaskIn) -> TaskInput:
    action = None
    if body.action_id is not None:
        action = Action.objects.filter(plan=plan, pk=body.action_id).first()
        if action is None:
            raise ApplicationError("所属行动不在本计划中")
    return TaskInput(content=body.content, deadline_text=body.deadline, leads=_orgs(body.lead_ids),
                     cooperating=_orgs(body.cooperating_ids), action=action, number=body.number,
                     weight=body.weight,
                     milestones=[(m.name, m.due) for m in body.milestones] if body.milestones is not None else None,
                     target_ids=body.target_ids)


@router.post("/", response=with_errors({201: PlanOut}), summary="新建计划（同名 409）")
def plans_create(request: HttpRequest, body: PlanIn):
    me = actor(request)
    region = api_region(me, body.region, field="所属地区")
    plan = plan_create(actor=me, name=body.name, region=region, start_on=body.start_on, end_on=body.end_on,
                       issuer=_issuer(body.issuer_id), doc_number=body.doc_number, source=body.source)
    return Status(201, _plan_out(plan))


@router.patch("/{plan_id}", response=with_errors({200: PlanOut}), summary="修改计划")
def plans_update(request: HttpRequest, plan_id: int, body: PlanPatch):
    plan = get_plan_for_user(actor(request), plan_id, write=True)
    plan = plan_update(actor=actor(request), plan=plan, name=body.name, start_on=body.start_on, end_on=body.end_on,
                       issuer=_issuer(body.issuer_id), doc_number=body.doc_number, source=body.source)
    return _plan_out(plan)


@router.post("/{plan_id}/archive", response=with_errors({200: PlanOut}), summary="归档或恢复计划")
def plans_archive(request: HttpRequest, plan_id: int, body: ArchiveIn):
    plan = get_plan_for_user(actor(request), plan_id, write=True)
    return _plan_out(plan_archive(actor=actor(request), plan=plan, archived=body.archived))


@router.post("/{plan_id}/tasks", response=with_errors({201: TaskOut}), summary="向计划添加任务（完成时限照原文填写）")
def plans_task_add(request: HttpRequest, plan_id: int, body: TaskIn):
    plan = get_plan_for_user(actor(request), plan_id, write=True)
    task = task_add(actor=actor(request), plan=plan, data=_input(plan, body))
    return Status(201, _task(task))


def _task(task) -> dict:
    return _task_out(task, task_light(task, timezone.localdate()))


@router.patch("/tasks/{task_id}", response=with_errors({200: TaskOut}), summary="修改任务")
def plans_task_edit(request: HttpRequest, task_id: int, body: TaskIn):
    task = get_task_for_user(actor(request), task_id, write=ADMIN)
    return _task(task_edit(actor=actor(request), task=task, data=_input(task.plan, body)))


@router.delete("/tasks/{task_id}", response=with_errors({204: None}), summary="删除尚无进度报送的任务")
def plans_task_delete(request: HttpRequest, task_id: int):
    task_delete(actor=actor(request), task=get_task_for_user(actor(request), task_id, write=ADMIN))
    return Status(204, None)
