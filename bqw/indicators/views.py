"""Pages: data entry for a unit and period, the review queue, targets with statuses, template/upload."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bqw.accounts.scope import require_capture
from bqw.core.errors import ApplicationError, ImportRejected, NotFoundError
from bqw.core.imports import rejection_context
from bqw.core.middleware import inline_errors
from bqw.core.params import int_param, safe_next
from bqw.core.periods import Period
from bqw.regions.access import get_region_for_user
from bqw.regions.models import Region

from .access import get_datavalue_by_id_for_user, get_period
from .selectors import entry_rows, indicators_due, returned_values, review_queue
from .services import datavalue_approve, datavalue_reopen, datavalue_return, datavalues_save_form
from .status import region_statuses, status_legend
from .values_exchange import template_workbook, values_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(request: HttpRequest) -> Period:
    text = request.GET.get("period") or request.POST.get("period")
    return get_period(text) if text else Period.of_date(timezone.localdate()).shift(-1)


def _capture_units(user) -> list[Region]:
    scope = user.capture_scope
    if scope is None:
        return []
    return list(Region.objects.within(scope).administrative().order_by("code")[:500])


def _default_unit(units: list[Region], period: Period) -> Region | None:
    """The first unit in the capture scope with indicators due this period (a town reporter's villages)."""
    due = {lv for lv in {u.level for u in units} if indicators_due(Region(level=lv), period)}
    return next((u for u in units if u.level in due), units[0] if units else None)


@login_required
def entry(request: HttpRequest) -> HttpResponse:
    """The reporter's form: every indicator due from the unit for the period, with the entry checks."""
    user = request.user
    units = _capture_units(user)
    period = _period(request)
    default = _default_unit(units, period)
    code = request.GET.get("region") or request.POST.get("region") or (default.code if default else None)
    if code is None:
        raise NotFoundError("您没有填报范围，请联系管理员")
    region = get_region_for_user(user, code)
    require_capture(user, region)
    errors: dict[str, ApplicationError] = {}
    rejected = False
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        items = _entry_items(request, user, region, period, submit)
        # one transaction, all or nothing; every bad value is reported beside its own field
        with inline_errors() as failed:
            if items:
                datavalues_save_form(actor=user, region=region, period=period, items=items, submit=submit,
                                     all_errors=True)
                messages.success(request, f"已保存 {len(items)} 项" + ("并提交审核" if submit else ""))
            return redirect(f"{request.path}?region={region.code}&period={period.id}")
        rejected = True
        field_errors = getattr(failed.error, "field_errors", [failed.error])
        errors = {e.extra["indicator"]: e for e in field_errors if "indicator" in e.extra}
        general = [e.message for e in field_errors if "indicator" not in e.extra]
        messages.error(request, "；".join(general) or f"有 {len(errors)} 项未通过检查（见各项旁的说明），"
                                                     "本表未保存任何数据，请改正后重新保存")
    rows = entry_rows(user, region, period)
    for r in rows:
        ind = r["indicator"]
        if ind.code in errors:
            r["error"] = errors[ind.code].message
            r["error_field"] = errors[ind.code].extra.get("field", "value")
        if rejected:  # nothing was saved: the clerk's own entries come back to be corrected
            r["posted"] = request.POST.get(f"v{ind.id}")
            r["posted_comment"] = request.POST.get(f"c{ind.id}")
    return render(request, "indicators/entry.html", {
        "region": region, "period": period, "rows": rows, "units": units,
        "returned": returned_values(user)[:50], "prev": period.shift(-1), "next": period.shift(1)})


def _entry_items(request: HttpRequest, user, region: Region, period: Period, submit: bool) -> list[dict]:
    """The form's rows to write: changed values, and unchanged drafts when the clerk submits. Approved
    (locked) values are shown read-only and never sent."""
    items = []
    for row in entry_rows(user, region, period):
        ind, dv = row["indicator"], row["value"]
        raw = (request.POST.get(f"v{ind.id}") or "").strip()
        if not raw or (dv is not None and dv.locked):
            continue
        comment = request.POST.get(f"c{ind.id}", "")
        unchanged = dv is not None and raw == f"{dv.value.normalize():f}" and comment == dv.comment
        if unchanged and not (submit and dv.state in ("draft", "returned")):
            continue
        items.append({"indicator": ind, "period": row["period"], "value": raw, "comment": comment,
                      "version": int_param(request.POST.get(f"ver{ind.id}"), strict=True, label="版本号") or None})
    return items


@login_required
def review(request: HttpRequest) -> HttpResponse:
    return render(request, "indicators/review.html", {"queue": review_queue(request.user)[:300]})


@login_required
@require_POST
def review_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    dv = get_datavalue_by_id_for_user(request.user, pk, write=True)
    version = int_param(request.POST.get("version"), strict=True, label="版本号") or None
    reason = request.POST.get("reason", "")
    fn = {"approve": datavalue_approve, "return": datavalue_return, "reopen": datavalue_reopen}.get(action)
    if fn is None:
        raise NotFoundError("未知操作")
    kwargs = {"reason": reason} if action != "approve" else {}
    fn(actor=request.user, value=dv, version=version, **kwargs)
    messages.success(request, {"approve": "已审核通过", "return": "已退回", "reopen": "已重新打开"}[action])
    return redirect(safe_next(request, "indicators-review"))


@login_required
def targets(request: HttpRequest) -> HttpResponse:
    user = request.user
    code = request.GET.get("region") or (user.view_scope.code if user.view_scope else "440000000000")
    region = get_region_for_user(user, code)
    period = _period(request)
    statuses = region_statuses(user, region, period)
    return render(request, "indicators/targets.html", {"region": region, "period": period, "statuses": statuses,
                                                       "prev": period.shift(-1), "next": period.shift(1),
                                                       "legend": status_legend()})


@login_required
def template(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    resp = HttpResponse(template_workbook(request.user, period), content_type=XLSX)
    resp["Content-Disposition"] = f'attachment; filename="template_{period.id}.xlsx"'
    return resp


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    f = request.FILES.get("file")
    if f is None:
        messages.error(request, "请选择文件")
        return redirect("indicators-entry")
    data = f.read()
    try:
        done = values_import(actor=request.user, data=data, filename=f.name)
    except ImportRejected as exc:
        return render(request, "indicators/upload_errors.html", rejection_context(exc, data, f.name), status=422)
    messages.success(request, f"已导入 {len(done)} 条数据")
    return redirect("indicators-entry")
