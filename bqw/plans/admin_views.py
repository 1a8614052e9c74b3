"""A headquarters' plan administration pages (issue 11): plans of my region (create, edit, archive), action lines,
and tasks typed by hand (add, edit, move, delete). Thin: parse the form, call admin_services, render."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bqw.accounts.models import User
from bqw.accounts.scope import require_admin, view_q
from bqw.core.errors import ApplicationError
from bqw.indicators.models import Target
from bqw.orgs.models import Organization
from bqw.regions.models import Region
from bqw.regions.picker import region_label, region_options, resolve_region

from .access import ADMIN, get_plan_for_user, get_task_for_user
from .admin_services import (
    TaskInput,
    action_add,
    plan_archive,
    plan_create,
    plan_update,
    task_add,
    task_delete,
    task_edit,
    task_move,
)
from .models import Action, Plan


def _date(text: str, label: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise ApplicationError(f"{label}格式应为 年-月-日，如 2026-01-01") from None


def _orgs_of(region: Region):
    """Organizations a plan of `region` may name: those inside it and those of the units above it."""
    above = [region.code]
    node = region.parent
    while node is not None:
        above.append(node.code)
        node = node.parent
    lo = region.prefix
    return (Organization.objects.select_related("region")
            .filter(Q(region__code__startswith=lo) | Q(region__code__in=above)).order_by("region__code", "name"))


def _pick_orgs(region: Region, ids: list[str]) -> list[Organization]:
    wanted = [int(i) for i in ids if str(i).isdigit()]
    found = {o.pk: o for o in _orgs_of(region).filter(pk__in=wanted)}
    if len(found) != len(set(wanted)):
        raise ApplicationError("所选单位不在本计划所属地区")
    return [found[i] for i in dict.fromkeys(wanted)]


def _my_plans(user: User):
    qs = Plan.objects.select_related("region", "issuer")
    return qs if user.is_superuser else qs.filter(view_q(user, "region"))


@login_required
def plans_manage(request: HttpRequest) -> HttpResponse:
    """Plans of my region, archived ones too, and the form for a new one."""
    require_admin(request.user)
    error, data = None, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            region = resolve_region(request.user, data.get("region", ""), field="所属地区")
            issuer = _pick_orgs(region, [data["issuer"]])[0] if data.get("issuer") else None
            plan = plan_create(actor=request.user, name=data.get("name", ""), region=region,
                               start_on=_date(data.get("start_on"), "起始日期"),
                               end_on=_date(data.get("end_on"), "截止日期"), issuer=issuer,
                               doc_number=data.get("doc_number", ""), source=data.get("source", ""))
        except ApplicationError as exc:
            if exc.status_code in (403, 404):
                raise
            error = exc.message
        else:
            messages.success(request, f"已创建计划“{plan.name}”")
            return redirect("plans-board", pk=plan.pk)
    mine = request.user.view_scope
    return render(request, "plans/manage.html", {
        "plans": _my_plans(request.user).order_by("archived", "region__code", "-start_on"), "error": error,
        "data": data or {"region": region_label(mine) if mine else ""},
        "region_opts": region_options(request.user, max_level=4),
        "orgs": _orgs_of(mine).filter(kind=Organization.Kind.HEADQUARTERS) if mine else []})


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit, archive or restore a plan; add an action line."""
    plan = get_plan_for_user(request.user, pk, write=True)
    error = None
    if request.method == "POST":
        op = request.POST.get("op", "update")
        d = request.POST
        try:
            if op in ("archive", "restore"):
                plan_archive(actor=request.user, plan=plan, archived=op == "archive")
                messages.success(request, "计划已归档" if op == "archive" else "计划已恢复")
            elif op == "action":
                action_add(actor=request.user, plan=plan, name=d.get("action_name", ""), group=d.get("group", ""))
                messages.success(request, f"已添加行动“{d.get('action_name')}”")
            else:
                issuer = _pick_orgs(plan.region, [d["issuer"]])[0] if d.get("issuer") else None
                plan_update(actor=request.user, plan=plan, name=d.get("name", ""),
                            start_on=_date(d.get("start_on"), "起始日期"), end_on=_date(d.get("end_on"), "截止日期"),
                            issuer=issuer, doc_number=d.get("doc_number", ""), source=d.get("source", ""))
                messages.success(request, "已保存")
        except ApplicationError as exc:
            if exc.status_code in (403, 404):
                raise
            error = exc.message
        else:
            return redirect("plans-edit", pk=plan.pk)
    return render(request, "plans/plan_edit.html", {
        "plan": plan, "error": error, "actions": plan.actions.all(),
        "orgs": _orgs_of(plan.region).filter(kind=Organization.Kind.HEADQUARTERS)})


def _task_input(request: HttpRequest, plan: Plan) -> TaskInput:
    d = request.POST
    leads = _pick_orgs(plan.region, d.getlist("leads"))
    coop = _pick_orgs(plan.region, d.getlist("cooperating"))
    action = None
    if d.get("action", "").isdigit():
        action = Action.objects.filter(plan=plan, pk=int(d["action"])).first()
        if action is None:
            raise ApplicationError("所属行动不在本计划中")
    ms = [(n, w) for n, w in zip(d.getlist("ms_name"), d.getlist("ms_due"), strict=False) if n.strip()]
    targets = [int(t) for t in d.getlist("targets") if t.isdigit()]
    return TaskInput(content=d.get("content", ""), deadline_text=d.get("deadline", ""), leads=leads,
                     cooperating=coop, action=action, number=d.get("number", ""), weight=d.get("weight", "1"),
                     milestones=ms, target_ids=targets)


def _task_ctx(user: User, plan: Plan, **extra) -> dict:
    targets = Target.objects.select_related("indicator", "region").filter(view_q(user, "region")) \
        if not user.is_superuser else Target.objects.select_related("indicator", "region")
    return {"plan": plan, "orgs": _orgs_of(plan.region), "actions": plan.actions.all(),
            "targets": targets.filter(region__code__startswith=plan.region.prefix)[:200], **extra}


@login_required
def task_new(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, write=True)
    error = None
    if request.method == "POST":
        try:
            task = task_add(actor=request.user, plan=plan, data=_task_input(request, plan))
        except ApplicationError as exc:
            if exc.status_code in (403, 404):
                raise
            error = exc.message
        else:
            messages.success(request, "已添加任务")
            return redirect("plans-task", pk=task.pk)
    return render(request, "plans/task_form.html", _task_ctx(request.user, plan, error=error, task=None,
                                                              data=request.POST if error else {}))


@login_required
def task_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk, write=ADMIN)
    plan = task.plan
    error = None
    if request.method == "POST":
        try:
            task_edit(actor=request.user, task=task, data=_task_input(request, plan))
        except ApplicationError as exc:
            if exc.status_code in (403, 404):
                raise
            error = exc.message
        else:
            messages.success(request, "已保存任务")
            return redirect("plans-task", pk=task.pk)
    if error:
        data = request.POST
        lead_ids, coop_ids, target_ids = (data.getlist("leads"), data.getlist("cooperating"),
                                          data.getlist("targets"))
    else:
        data = {"content": task.content, "deadline": task.deadline_text, "number": task.number,
                "weight": task.weight, "action": str(task.action_id or "")}
        lead_ids = [str(i) for i in task.lead_links.values_list("organization_id", flat=True)]
        coop_ids = [str(i) for i in task.cooperating_units.values_list("id", flat=True)]
        target_ids = [str(i) for i in task.targets.values_list("id", flat=True)]
    return render(request, "plans/task_form.html", _task_ctx(
        request.user, plan, error=error, task=task, data=data, lead_ids=lead_ids, coop_ids=coop_ids,
        target_ids=target_ids, milestones=task.milestones.all()))


@login_required
@require_POST
def task_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk, write=ADMIN)
    a = request.POST.get("action", "")
    action = Action.objects.filter(plan=task.plan, pk=int(a)).first() if a.isdigit() else None
    if a.isdigit() and action is None:
        raise ApplicationError("所属行动不在本计划中")
    task_move(actor=request.user, task=task, action=action)
    messages.success(request, f"已移至“{action.name if action else '未分行动'}”")
    return redirect("plans-task", pk=task.pk)


@login_required
@require_POST
def task_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk, write=ADMIN)
    plan_id = task.plan_id
    task_delete(actor=request.user, task=task)
    messages.success(request, "已删除任务")
    return redirect("plans-board", pk=plan_id)


