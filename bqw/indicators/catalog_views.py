"""A headquarters' catalog pages (issue 11): indicators, validation rules, targets typed in a form (with a live
status preview through htmx) and imported from Excel. Thin: parse, call catalog_services, render."""

from __future__ import annotations

import base64
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bqw.accounts.models import User
from bqw.accounts.scope import NOT_FOUND, require_admin, view_q
from bqw.core.comparators import Comparator
from bqw.core.errors import ApplicationError, ImportRejected, NotFoundError
from bqw.core.imports import rejection_context
from bqw.core.periods import Period
from bqw.regions.models import Region
from bqw.regions.picker import region_label, region_options, resolve_region

from .catalog_services import (
    TargetInput,
    build_target,
    indicator_create,
    indicator_update,
    rule_create,
    rule_update,
    target_archive,
    target_create,
    target_update,
)
from .models import Indicator, Target, ValidationRule
from .status import evaluate
from .target_imports import target_import
from .validation import describe

IMPORT_KEY = "targets_import"
LEVELS = [(v, label) for v, label in Region.Level.choices if v > 1]


def _form_error(exc: ApplicationError) -> str:
    if exc.status_code in (403, 404):
        raise exc
    return exc.message


def _dec(text: str | None, label: str) -> Decimal | None:
    s = (text or "").strip()
    if not s:
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        raise ApplicationError(f"{label}应为数字：{s}") from None


def _indicator_by_ref(text: str, label: str = "指标") -> Indicator:
    s = (text or "").strip()
    ind = Indicator.objects.filter(Q(code=s) | Q(name=s)).first() if s else None
    if ind is None:
        raise ApplicationError(f"{label}：未找到“{s}”，请从列表中选择")
    return ind


# ---------------------------------------------------------------- indicators

def _indicator_fields(d) -> dict:
    f = {"name": d.get("name", "").strip(), "unit": d.get("unit", "").strip()[:20],
         "direction": d.get("direction", "up"), "level": int(d.get("level") or 5),
         "periodicity": d.get("periodicity", "M"), "rule": d.get("rule", "sum"),
         "temporal": d.get("temporal", "stock"), "integer": d.get("integer") == "1",
         "four_eyes": d.get("four_eyes") == "1",
         "min_value": _dec(d.get("min_value"), "允许最小值"), "max_value": _dec(d.get("max_value"), "允许最大值"),
         "description": d.get("description", "")}
    if f["rule"] == "ratio":
        f["numerator"] = _indicator_by_ref(d.get("numerator", ""), "分子指标")
        f["denominator"] = _indicator_by_ref(d.get("denominator", ""), "分母指标")
        f["factor"] = _dec(d.get("factor"), "系数") or Decimal(1)
    if f["rule"] in ("count_where", "share_where"):
        f["source"] = _indicator_by_ref(d.get("source", ""), "达标判断指标")
        f["comparator"] = d.get("comparator", ">=")
        f["threshold"] = _dec(d.get("threshold"), "达标阈值")
    return f


def _catalog_ctx(user: User, **extra) -> dict:
    return {"indicators": Indicator.objects.select_related("owner").order_by("owner__code", "code"),
            "choices": {"direction": Indicator.Direction.choices, "periodicity": Indicator.Periodicity.choices,
                        "rule": Indicator.Rule.choices, "temporal": Indicator.Temporal.choices,
                        "level": Region.Level.choices, "comparator": Comparator.choices}, **extra}


@login_required
def catalog(request: HttpRequest) -> HttpResponse:
    """The indicator catalog and the form for a new indicator of my headquarters."""
    require_admin(request.user)
    error, data = None, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            owner = request.user.view_scope or Region.objects.get(level=1)
            ind = indicator_create(actor=request.user, owner=owner, code=data.get("code", ""),
                                   **_indicator_fields(data))
        except ApplicationError as exc:
            error = _form_error(exc)
        else:
            messages.success(request, f"已新建指标“{ind.name}”")
            return redirect("indicators-catalog")
    return render(request, "indicators/catalog.html", _catalog_ctx(request.user, error=error, data=data))


@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    ind = Indicator.objects.select_related("owner").filter(pk=pk).first()
    if ind is None or (ind.owner is not None and not request.user.can_view(ind.owner)):
        raise NotFoundError(NOT_FOUND)
    error = None
    if request.method == "POST":
        try:
            indicator_update(actor=request.user, indicator=ind, **_indicator_fields(request.POST))
        except ApplicationError as exc:
            error = _form_error(exc)
        else:
            messages.success(request, "已保存")
            return redirect("indicators-catalog")
    data = request.POST if error else {
        "code": ind.code, "name": ind.name, "unit": ind.unit, "direction": ind.direction, "level": str(ind.level),
        "periodicity": ind.periodicity, "rule": ind.rule, "temporal": ind.temporal,
        "integer": "1" if ind.integer else "", "four_eyes": "1" if ind.four_eyes else "",
        "min_value": "" if ind.min_value is None else ind.min_value.normalize(),
        "max_value": "" if ind.max_value is None else ind.max_value.normalize(), "description": ind.description}
    return render(request, "indicators/indicator_edit.html", _catalog_ctx(request.user, ind=ind, error=error,
                                                                           data=data))


# ---------------------------------------------------------------- validation rules

def _rules_for(user: User):
    qs = ValidationRule.objects.select_related("region").prefetch_related("indicators")
    return qs if user.is_superuser else qs.filter(view_q(user, "region"))


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    error, data = None, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            region = resolve_region(request.user, data.get("region", ""), field="适用地区")
            rule = rule_create(actor=request.user, region=region, name=data.get("name", ""),
                               left=data.get("left", ""), operator=data.get("operator", "<="),
                               right=data.get("right", ""), severity=data.get("severity", "error"))
        except ApplicationError as exc:
            error = _form_error(exc)
        else:
            messages.success(request, f"已新建校验规则“{rule.name}”：{describe(rule)}")
            return redirect("indicators-rules")
    mine = request.user.view_scope
    rows = [(r, describe(r)) for r in _rules_for(request.user)]
    return render(request, "indicators/rules.html", {
        "rows": rows, "error": error, "data": data or {"region": region_label(mine) if mine else "",
                                                       "operator": "<="},
        "comparators": Comparator.choices, "severities": ValidationRule.Severity.choices,
        "region_opts": region_options(request.user, max_level=4),
        "indicators": Indicator.objects.order_by("name")})


@login_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    rule = _rules_for(request.user).filter(pk=pk).first()
    if rule is None:
        raise NotFoundError(NOT_FOUND)
    error = None
    if request.method == "POST":
        d = request.POST
        try:
            rule_update(actor=request.user, rule=rule, name=d.get("name", ""), left=d.get("left", ""),
                        operator=d.get("operator", "<="), right=d.get("right", ""),
                        severity=d.get("severity", "error"), active=d.get("active") == "1")
        except ApplicationError as exc:
            error = _form_error(exc)
        else:
            messages.success(request, "已保存")
            return redirect("indicators-rules")
    return render(request, "indicators/rule_edit.html", {
        "rule": rule, "error": error, "comparators": Comparator.choices, "severities": ValidationRule.Severity.choices,
        "indicators": Indicator.objects.order_by("name")})


# ---------------------------------------------------------------- targets

def _target_input(user: User, d) -> TargetInput:
    region = resolve_region(user, d.get("region", ""), field="地区")
    scope = d.get("scope", Target.Scope.REGION)
    return TargetInput(indicator=_indicator_by_ref(d.get("indicator", "")), region=region, scope=scope,
                       scope_level=int(d["scope_level"]) if d.get("scope_level", "").isdigit() else None,
                       class_scheme=d.get("class_scheme", ""), class_value=d.get("class_value", ""),
                       class_year=int(d["class_year"]) if d.get("class_year", "").isdigit() else None,
                       comparator=d.get("comparator", ">="), value=d.get("value", ""),
                       deadline=d.get("deadline", ""), stage=d.get("stage", Target.Stage.EARLY),
                       baseline_value=d.get("baseline_value", ""),
                       baseline_period=d.get("baseline_period", "") or "202301",
                       source_document=d.get("source_document", ""), source_quote=d.get("source_quote", ""),
                       title=d.get("title", ""))


def _my_targets(user: User):
    qs = Target.objects.select_related("indicator", "region")
    return qs if user.is_superuser else qs.filter(view_q(user, "region"))


def _target_ctx(user: User, **extra) -> dict:
    return {"comparators": Comparator.choices, "stages": Target.Stage.choices, "scopes": Target.Scope.choices,
            "levels": LEVELS, "region_opts": region_options(user, max_level=4),
            "indicators": Indicator.objects.order_by("name"), **extra}


@login_required
def targets_manage(request: HttpRequest) -> HttpResponse:
    """My region's targets (archived too) and the form for a new one with its status previewed as typed."""
    require_admin(request.user)
    error, data = None, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            t = target_create(actor=request.user, data=_target_input(request.user, data))
        except ApplicationError as exc:
            error = _form_error(exc)
        else:
            messages.success(request, f"已新建目标：{t}")
            return redirect("indicators-targets-manage")
    mine = request.user.view_scope
    return render(request, "indicators/targets_manage.html", _target_ctx(
        request.user, error=error, data=data or {"region": region_label(mine) if mine else "", "deadline": "",
                                                 "baseline_period": "202301"},
        targets=_my_targets(request.user).order_by("archived", "deadline", "id")[:300]))


@login_required
def target_preview(request: HttpRequest) -> HttpResponse:
    """htmx: the status the target being typed would have now (nothing is saved)."""
    require_admin(request.user)
    ctx: dict = {}
    try:
        t = build_target(_target_input(request.user, request.POST or request.GET))
        ts = evaluate(t, Period.of_date(timezone.localdate()))
        ctx = {"target": t, "ts": ts, "units": len(ts.units)}
    except ApplicationError as exc:
        if exc.status_code == 404:
            exc = ApplicationError(exc.message)
        ctx = {"error": exc.message}
    return render(request, "indicators/partials/target_preview.html", ctx)


@login_required
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    t = _my_targets(request.user).filter(pk=pk).first()
    if t is None:
        raise NotFoundError(NOT_FOUND)
    error = None
    if request.method == "POST":
        op = request.POST.get("op", "update")
        try:
            if op in ("archive", "restore"):
                target_archive(actor=request.user, target=t, archived=op == "archive")
                messages.success(request, "目标已归档" if op == "archive" else "目标已恢复")
            else:
                target_update(actor=request.user, target=t, data=_target_input(request.user, request.POST))
                messages.success(request, "已保存")
        except ApplicationError as exc:
            error = _form_error(exc)
        else:
            return redirect("indicators-targets-manage")
    data = request.POST if error else {
        "indicator": t.indicator.name, "region": region_label(t.region), "scope": t.scope,
        "scope_level": str(t.scope_level or ""), "class_scheme": t.class_scheme, "class_value": t.class_value,
        "comparator": t.comparator, "value": f"{t.value.normalize():f}", "deadline": t.deadline, "stage": t.stage,
        "baseline_value": "" if t.baseline_value is None else f"{t.baseline_value.normalize():f}",
        "baseline_period": t.baseline_period, "source_document": t.source_document,
        "source_quote": t.source_quote, "title": t.title}
    return render(request, "indicators/target_edit.html", _target_ctx(request.user, target=t, error=error,
                                                                       data=data))


@login_required
def targets_import_view(request: HttpRequest) -> HttpResponse:
    """Upload → check every row (nothing written) → confirm writes them all."""
    require_admin(request.user)
    ctx: dict = {}
    if request.method == "POST":
        confirm = request.POST.get("confirm") == "1"
        if confirm:
            stash = request.session.get(IMPORT_KEY) or {}
            if not stash:
                messages.error(request, "请重新上传文件")
                return redirect("indicators-targets-import")
            data, filename = base64.b64decode(stash["data"]), stash["filename"]
        else:
            f = request.FILES.get("file")
            if f is None or f.size > 5 * 1024 * 1024:
                messages.error(request, "请选择不超过 5 MB 的 xlsx / csv 文件")
                return redirect("indicators-targets-import")
            data, filename = f.read(), f.name
        try:
            result = target_import(actor=request.user, data=data, filename=filename, confirm=confirm)
        except ImportRejected as exc:
            request.session.pop(IMPORT_KEY, None)
            return render(request, "indicators/targets_import.html", rejection_context(exc, data, filename),
                          status=422)
        if confirm:
            request.session.pop(IMPORT_KEY, None)
            messages.success(request, f"已导入 {result.created} 个目标")
            return redirect("indicators-targets-manage")
        request.session[IMPORT_KEY] = {"filename": filename, "data": base64.b64encode(data).decode()}
        ctx["result"] = result
    return render(request, "indicators/targets_import.html", ctx)
