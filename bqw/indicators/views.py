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
from bqw.core.periods import Period, PeriodError, check_reporting_period
from bqw.regions.access import get_region_for_user
from bqw.regions.models import Region
from bqw.regions.selectors import RegionResolver

from .access import get_datavalue_by_id_for_user, get_period, get_target_for_user
from .models import Target
from .selectors import capture_units, due_period, entry_rows, indicators_due, returned_values, review_rows
from .services import (
    datavalue_approve,
    datavalue_reopen,
    datavalue_return,
    datavalues_approve,
    datavalues_save_form,
)
from .status import evaluate, region_statuses, status_legend
from .values_exchange import template_workbook, values_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(request: HttpRequest) -> Period:
    text = request.GET.get("period") or request.POST.get("period")
    return get_period(text) if text else Period.of_date(timezone.localdate()).shift(-1)


def _entry_period(request: HttpRequest) -> Period:
    """The entry form's period: the one asked for, inside the reporting window (else a Chinese 400), or the
    period that is due (selectors.due_period)."""
    text = request.GET.get("period") or request.POST.get("period")
    if not text:
        return due_period(request.user)
    period = get_period(text)
    try:
        return check_reporting_period(period)
    except PeriodError as exc:
        raise ApplicationError(str(exc), extra={"field": "period"})


def _default_unit(units: list[Region], period: Period) -> Region | None:
    """The first unit in the capture scope with indicators due this period (a town reporter's villages)."""
    due = {lv for lv in {u.level for u in units} if indicators_due(Region(level=lv), period)}
    return next((u for u in units if u.level in due), units[0] if units else None)


@login_required
def entry(request: HttpRequest) -> HttpResponse:
    """The reporter's form: every indicator due from the unit for the period, with the entry checks."""
    user = request.user
    units = capture_units(user)
    period = _entry_period(request)
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
        dv = r["value"]
        r["raw"] = f"{dv.value.normalize():f}" if dv is not None else ""
        if rejected:  # nothing was saved: the clerk's own entries come back to be corrected
            r["raw"] = request.POST.get(f"v{ind.id}") or ""
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
    """The queue grouped by unit, each value with its previous value, 环比/同比 and outlier flag; a unit's
    (or the whole page's) values are approved in one action, a value is returned with its own reason."""
    user = request.user
    code = request.GET.get("region")
    region = get_region_for_user(user, code) if code else None
    rows = review_rows(user, region=region)
    groups: dict[str, dict] = {}
    for r in rows:
        unit = r["value"].region
        groups.setdefault(unit.code, {"unit": unit, "rows": []})["rows"].append(r)
    from .validation import review_violations  # the rules between indicators, shown in review (issue 11)

    violations = review_violations([r["value"] for r in rows])
    return render(request, "indicators/review.html", {"groups": list(groups.values()), "count": len(rows),
                                                      "region": region, "violations": violations})


@login_required
@require_POST
def review_approve_many(request: HttpRequest) -> HttpResponse:
    """Approve the values the reviewer saw (ids with their versions posted by the page) in one action."""
    user = request.user
    picked = []
    for token in request.POST.getlist("value"):
        pk, _, version = token.partition(":")
        if not (pk.isdigit() and version.isdigit()):
            raise ApplicationError("提交的数据有误，请刷新后重试")
        dv = get_datavalue_by_id_for_user(user, int(pk), write=True)
        dv.version = int(version)  # the version the reviewer saw; the service compares it with the stored one
        picked.append(dv)
    done = datavalues_approve(actor=user, values=picked)
    messages.success(request, f"已审核通过 {len(done)} 项")
    return redirect(safe_next(request, "indicators-review"))


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


def _target_region(request: HttpRequest) -> Region:
    """The region asked for by code or by name (the picker sends a name), inside the view scope."""
    user = request.user
    text = (request.GET.get("region") or "").strip()
    if not text:
        return get_region_for_user(user, user.view_scope.code if user.view_scope else "440000000000")
    if text.isdigit():
        return get_region_for_user(user, text)
    try:
        found = RegionResolver(user=user, within=user.view_scope).resolve(text)
    except ValueError as exc:
        raise NotFoundError(str(exc))
    return get_region_for_user(user, found.code)


def _region_choices(user) -> list[Region]:
    """The picker's units: the view scope and the units down to county level inside it, by name."""
    scope = user.view_scope or Region.objects.filter(level=Region.Level.PROVINCE).first()
    if scope is None:
        return []
    return list(Region.objects.within(scope).administrative().filter(level__lte=max(scope.level, 3))
                .order_by("code")[:300])


TARGET_FILTERS = ("light", "stage", "indicator", "scope")


@login_required
def targets(request: HttpRequest) -> HttpResponse:
    """Targets of a region with counts per light on top and filters (light, stage, indicator, scope)."""
    user = request.user
    region = _target_region(request)
    period = _period(request)
    statuses = region_statuses(user, region, period)
    counts = {light: 0 for light, _ in status_legend()}
    for s in statuses:
        counts[s.status.light] = counts.get(s.status.light, 0) + 1
    f = {k: request.GET.get(k, "") for k in TARGET_FILTERS}
    shown = [s for s in statuses
             if (not f["light"] or s.status.light == f["light"]) and (not f["stage"] or s.target.stage == f["stage"])
             and (not f["indicator"] or s.target.indicator.code == f["indicator"])
             and (not f["scope"] or s.target.scope == f["scope"])]
    indicators = sorted({(s.target.indicator.code, s.target.indicator.name) for s in statuses}, key=lambda x: x[1])
    return render(request, "indicators/targets.html", {
        "region": region, "period": period, "statuses": shown, "total": len(statuses),
        "prev": period.shift(-1), "next": period.shift(1), "legend": status_legend(),
        "counts": [(light, word, counts.get(light, 0)) for light, word in status_legend()],
        "filters": f, "indicators": indicators, "stages": Target.Stage.choices, "scopes": Target.Scope.choices,
        "choices": _region_choices(user)})


@login_required
def target_units(request: HttpRequest, pk: int) -> HttpResponse:
    """The units of a multi-unit target inside the region, the lagging ones (red, then yellow) first."""
    user = request.user
    target = get_target_for_user(user, pk)
    region = _target_region(request) if request.GET.get("region") else target.region
    period = _period(request)
    st = evaluate(target, period, within=region if target.scope != Target.Scope.REGION else None)
    order = {"off_track": 0, "at_risk": 1, "no_data": 2, "on_track": 3, "achieved": 4}
    units = sorted(st.units, key=lambda e: (order[e.state], e.region.code))
    lagging = [e for e in units if e.state in ("off_track", "at_risk")]
    only_lagging = request.GET.get("all") != "1"
    return render(request, "indicators/target_units.html", {
        "target": target, "status": st, "region": region, "period": period,
        "units": lagging if only_lagging else units, "lagging": len(lagging), "total": len(units),
        "only_lagging": only_lagging})


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
