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
from bqw.core.imports import error_workbook, read_table
from bqw.core.periods import Period
from bqw.regions.access import get_region_for_user
from bqw.regions.models import Region

from .access import get_datavalue_by_id_for_user, get_period
from .exchange import template_workbook, values_import
from .selectors import entry_rows, indicators_due, returned_values, review_queue
from .services import datavalue_approve, datavalue_reopen, datavalue_return, datavalue_save, datavalue_submit
from .status import region_statuses

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
    errors: dict[int, str] = {}
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        saved = 0
        for row in entry_rows(user, region, period):
            ind, dv = row["indicator"], row["value"]
            raw = (request.POST.get(f"v{ind.id}") or "").strip()
            if not raw:
                continue
            comment = request.POST.get(f"c{ind.id}", "")
            version = int(request.POST.get(f"ver{ind.id}") or 0) or None
            unchanged = dv is not None and raw == f"{dv.value.normalize():f}" and comment == dv.comment
            try:
                if unchanged and submit and dv.state in ("draft", "returned"):
                    datavalue_submit(actor=user, value=dv, version=version)
                elif not unchanged and not (dv is not None and dv.locked):
                    datavalue_save(actor=user, region=region, indicator=ind, period=row["period"], value=raw,
                                   version=version, comment=comment, submit=submit)
                else:
                    continue
                saved += 1
            except ApplicationError as exc:
                errors[ind.id] = exc.message
        if saved:
            messages.success(request, f"已保存 {saved} 项" + ("并提交审核" if submit else ""))
        if not errors:
            return redirect(f"{request.path}?region={region.code}&period={period.id}")
    rows = entry_rows(user, region, period)
    for r in rows:
        r["error"] = errors.get(r["indicator"].id)
        r["posted"] = request.POST.get(f"v{r['indicator'].id}") if errors else None
    return render(request, "indicators/entry.html", {
        "region": region, "period": period, "rows": rows, "units": units,
        "returned": returned_values(user)[:50], "prev": period.shift(-1), "next": period.shift(1)})


@login_required
def review(request: HttpRequest) -> HttpResponse:
    queue = list(review_queue(request.user)[:300])
    from .validation import review_violations  # the rules between indicators, shown in review (issue 11)
    return render(request, "indicators/review.html", {"queue": queue, "violations": review_violations(queue)})


@login_required
@require_POST
def review_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    dv = get_datavalue_by_id_for_user(request.user, pk, write=True)
    version = int(request.POST.get("version") or 0) or None
    reason = request.POST.get("reason", "")
    fn = {"approve": datavalue_approve, "return": datavalue_return, "reopen": datavalue_reopen}.get(action)
    if fn is None:
        raise NotFoundError("未知操作")
    kwargs = {"reason": reason} if action != "approve" else {}
    fn(actor=request.user, value=dv, version=version, **kwargs)
    messages.success(request, {"approve": "已审核通过", "return": "已退回", "reopen": "已重新打开"}[action])
    return redirect(request.POST.get("next") or "indicators-review")


@login_required
def targets(request: HttpRequest) -> HttpResponse:
    user = request.user
    code = request.GET.get("region") or (user.view_scope.code if user.view_scope else "440000000000")
    region = get_region_for_user(user, code)
    period = _period(request)
    statuses = region_statuses(user, region, period)
    return render(request, "indicators/targets.html", {"region": region, "period": period, "statuses": statuses,
                                                       "prev": period.shift(-1), "next": period.shift(1)})


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
        if request.POST.get("want") == "workbook":
            resp = HttpResponse(error_workbook(read_table(data, f.name), exc.errors), content_type=XLSX)
            resp["Content-Disposition"] = 'attachment; filename="errors.xlsx"'
            return resp
        return render(request, "indicators/upload_errors.html", {"errors": exc.errors, "message": exc.message},
                      status=422)
    messages.success(request, f"已导入 {len(done)} 条数据")
    return redirect("indicators-entry")
