"""Accountability pages: plan board with filters (htmx), my tasks, per-lead-unit statistics, ledger export,
task detail with reporting and review, and the two-step task-list import."""

from __future__ import annotations

import base64
import re
from datetime import date
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bqw.accounts.models import Role
from bqw.core.errors import ForbiddenError, ImportRejected
from bqw.core.evidence import evidence_download as serve_evidence
from bqw.core.imports import rejection_context
from bqw.core.params import int_param
from bqw.core.status import Light
from bqw.orgs.models import Organization
from bqw.regions.models import Region, code_range

from .access import (
    ADMIN,
    REPORT,
    get_plan_for_user,
    get_report_for_user,
    get_task_for_user,
    is_admin_of,
    is_lead_user,
)
from .imports import task_import
from .ledger import ledger_workbook
from .lights import task_light
from .models import Delivery, Evidence, Notification, TaskLead
from .selectors import lead_unit_stats, my_tasks, plans_for_user, task_target_statuses, tasks_for_user
from .services import report_accept, report_return, report_submit, task_close, task_decompose

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
IMPORT_SESSION_KEY = "plans_import"
IMPORT_MAX_BYTES = 5 * 1024 * 1024
_REGION_CODE = re.compile(r"[0-9]{1,12}")


def _on(request: HttpRequest) -> date:
    """Pages show lights at today, or at ?on=YYYY-MM-DD (to look back at a past date)."""
    try:
        return date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


def _int(value: str | None) -> int | None:
    return int_param(value)


def _filters(request: HttpRequest) -> dict:
    g = request.GET
    region = None
    if _REGION_CODE.fullmatch(g.get("region", "")):
        region = Region.objects.filter(code=g["region"].ljust(12, "0")).first()
    due_before = None
    if g.get("due_before"):
        try:
            due_before = date.fromisoformat(g["due_before"])
        except ValueError:
            due_before = None
    return {"action": _int(g.get("action")), "lead": _int(g.get("lead")), "region": region,
            "light": g.get("light") if g.get("light") in Light.values else None, "due_before": due_before}


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=XLSX)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/index.html", {"plans": plans_for_user(request.user),
                                                "is_lead": request.user.organization_id is not None})


@login_required
def board(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    on, f = _on(request), _filters(request)
    rows = tasks_for_user(request.user, plan=plan, on=on, **f)
    counts = {lt.value: 0 for lt in Light}
    for r in rows:
        counts[r.status.light] += 1
    leads = (Organization.objects.filter(task_lead_links__task__plan=plan).distinct().order_by("name"))
    regions = Region.objects.filter(parent=plan.region, kind=Region.Kind.ADMINISTRATIVE).order_by("code")
    ctx = {"plan": plan, "rows": rows, "counts": counts, "lights": Light.choices, "filters": f, "on": on,
           "actions": plan.actions.all(), "leads": leads, "regions": regions,
           "can_admin": is_admin_of(request.user, plan.region)}
    if request.headers.get("HX-Request"):
        return render(request, "plans/partials/task_table.html", ctx)
    return render(request, "plans/board.html", ctx)


@login_required
def my_tasks_view(request: HttpRequest) -> HttpResponse:
    on = _on(request)
    rows = my_tasks(request.user, on=on)
    light = request.GET.get("light")
    if light in Light.values:  # from a 工作台 card: only the tasks of that light
        rows = [r for r in rows if r.status.light == light]
    return render(request, "plans/my.html", {"rows": rows, "on": on})


@login_required
def stats(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    on = _on(request)
    rows = tasks_for_user(request.user, plan=plan, on=on)
    return render(request, "plans/stats.html", {"plan": plan, "stats": lead_unit_stats(rows, on=on), "on": on,
                                                "lights": Light.choices})


@login_required
def ledger(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    on = _on(request)
    rows = tasks_for_user(request.user, plan=plan, on=on, **_filters(request))
    return _xlsx(ledger_workbook(rows, title=plan.name, on=on), f"{plan.name}台账{on:%Y%m%d}.xlsx")


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk)
    on = _on(request)
    ctx = {"task": task, "status": task_light(task, on), "on": on,
           "leads": TaskLead.objects.filter(task=task).select_related("organization"),
           "reports": task.reports.select_related("organization", "author", "reviewer").prefetch_related("evidence"),
           "children": [(c, task_light(c, on)) for c in task.children.select_related("plan", "region")
                        .prefetch_related("milestones", "lead_links__organization").order_by("region__code")],
           "notices": task.supervision.select_related("organization"),
           "targets": task_target_statuses(task, on),
           "can_report": is_lead_user(request.user, task) and not task.is_done,
           "can_admin": is_admin_of(request.user, task.region)}
    return render(request, "plans/task.html", ctx)


@login_required
@require_POST
def task_report(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk, write=REPORT)
    percent = _int(request.POST.get("percent"))
    report_submit(actor=request.user, task=task, percent=percent if percent is not None else -1,
                  text=request.POST.get("text", ""), files=request.FILES.getlist("evidence"))
    messages.success(request, "进度已报送，等待指挥部审核")
    return redirect(task.get_absolute_url())


@login_required
@require_POST
def report_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk, write=ADMIN)
    report_accept(actor=request.user, report=report)
    messages.success(request, "已采纳该进度")
    return redirect(report.task.get_absolute_url())


@login_required
@require_POST
def report_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk, write=ADMIN)
    report_return(actor=request.user, report=report, reason=request.POST.get("reason", ""))
    messages.success(request, "已退回")
    return redirect(report.task.get_absolute_url())


@login_required
@require_POST
def task_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk, write=ADMIN)
    task_close(actor=request.user, task=task)
    messages.success(request, "任务已办结")
    return redirect(task.get_absolute_url())


@login_required
@require_POST
def task_decompose_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk, write=ADMIN)
    level = _int(request.POST.get("level")) or task.region.level + 1
    task_decompose(actor=request.user, task=task, level=level)
    messages.success(request, "已分解到下一级")
    return redirect(task.get_absolute_url())


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    return serve_evidence(request.user, Evidence, pk, owner="report__task_id", check=get_task_for_user)


@login_required
def import_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1 uploads and previews (file kept in the session); step 2 confirms and applies."""
    plan = get_plan_for_user(request.user, pk, write=True)
    ctx: dict = {"plan": plan}
    if request.method == "POST":
        confirm = request.POST.get("confirm") == "1"
        if confirm:
            stash = request.session.get(IMPORT_SESSION_KEY) or {}
            if stash.get("plan") != plan.pk:
                messages.error(request, "请重新上传文件")
                return redirect("plans-import", pk=plan.pk)
            data, filename = base64.b64decode(stash["data"]), stash["filename"]
        else:
            f = request.FILES.get("file")
            if f is None or f.size > IMPORT_MAX_BYTES:
                messages.error(request, "请选择不超过 5 MB 的 xlsx / csv 文件")
                return redirect("plans-import", pk=plan.pk)
            data, filename = f.read(), f.name
        try:
            # the preview asks per unsure or new name: match to…, create, or skip (unit_<n> = org:<id>|create|skip)
            decisions = {request.POST[k]: request.POST.get("decision_" + k.removeprefix("unit_"), "")
                         for k in request.POST if k.startswith("unit_")}
            result = task_import(actor=request.user, plan=plan, data=data, filename=filename, confirm=confirm,
                                 decisions={k: v for k, v in decisions.items() if v})
        except ImportRejected as exc:
            request.session.pop(IMPORT_SESSION_KEY, None)
            ctx.update(rejection_context(exc, data, filename))
            return render(request, "plans/import.html", ctx, status=422)
        if confirm:
            request.session.pop(IMPORT_SESSION_KEY, None)
            messages.success(request, f"已导入 {result.created} 项任务")
            return redirect(plan.get_absolute_url())
        request.session[IMPORT_SESSION_KEY] = {"plan": plan.pk, "filename": filename,
                                               "data": base64.b64encode(data).decode()}
        ctx["result"] = result
    return render(request, "plans/import.html", ctx)


@login_required
def notice_document(request: HttpRequest, pk: int) -> HttpResponse:
    """A 督办单 as a Word document, for whoever may see its task."""
    from .documents import notice_docx
    from .models import SupervisionKind, SupervisionNotice

    notice = SupervisionNotice.objects.select_related("organization").filter(
        pk=pk, kind=SupervisionKind.NOTICE).first()
    if notice is None:
        raise Http404("督办单不存在")
    notice.task = get_task_for_user(request.user, notice.task_id)
    response = HttpResponse(notice_docx(notice), content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(notice.number or '督办单')}.docx"
    return response


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's notifications (reminders, 督办单, returns), newest first; opening the page marks them read."""
    notes = list(Notification.objects.filter(user=request.user).select_related("task")[:200])
    unread = [n.pk for n in notes if n.read_at is None]
    if unread:
        Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return render(request, "plans/inbox.html", {"notes": notes, "unread": set(unread)})


@login_required
def deliveries(request: HttpRequest) -> HttpResponse:
    """Messages to group robots and e-mail addresses with their attempts and failures (admins, within their scope)."""
    user = request.user
    if not (user.is_superuser or user.role == Role.ADMIN):
        raise ForbiddenError("仅指挥部管理员可以查看消息投递记录")
    qs = Delivery.objects.select_related("channel", "organization")
    if not user.is_superuser and user.view_scope is not None:
        lo, hi = code_range(user.view_scope.prefix)
        qs = qs.filter(organization__region__code__gte=lo, organization__region__code__lte=hi)
    state = request.GET.get("state")
    if state in Delivery.State.values:
        qs = qs.filter(state=state)
    return render(request, "plans/deliveries.html", {"rows": qs[:300], "states": Delivery.State.choices,
                                                     "state": state})
