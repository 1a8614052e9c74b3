"""Pages: scheme list, results with charts (bar + rank range), one unit's breakdown, the admin's scheme editor
with a live preview as weights change (htmx), the 亮晒 page of a publication, Excel export, external rankings."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bqw.core.errors import ApplicationError, NotFoundError
from bqw.indicators.models import Indicator
from bqw.regions.models import Region

from .access import get_publication_for_user, get_scheme_for_user, is_admin_of
from .engine import AGGREGATIONS, MISSING, NORMALISATIONS
from .export import result_workbook
from .models import Publication
from .selectors import (
    external_rankings_for_user,
    parse_period,
    publication_result,
    publications_for_user,
    scheme_items,
    scheme_result,
    schemes_for_user,
    unit_card,
)
from .services import adjustment_add, external_ranking_record, publication_create, scheme_items_set, scheme_save

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_RUNS = 200


def _charts(result: dict) -> list[dict]:
    """Per class: names, scores, point ranks and rank intervals for the ECharts bar and rank-range charts."""
    out = []
    for g in result["groups"]:
        ranked = [c for c in g["units"] if c.get("rank")]
        out.append({"name": g["name"], "n": len(ranked), "names": [c["name"] for c in ranked],
                    "scores": [round(c["score"], 2) for c in ranked], "ranks": [c["rank"] for c in ranked],
                    "lo": [c.get("interval", [c["rank"], c["rank"]])[0] for c in ranked],
                    "hi": [c.get("interval", [c["rank"], c["rank"]])[1] for c in ranked],
                    "median": [c.get("median_rank", c["rank"]) for c in ranked]})
    return out


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(request, "assessment/index.html", {
        "schemes": schemes_for_user(user), "publications": publications_for_user(user)[:30],
        "external": external_rankings_for_user(user)[:50]})


@login_required
def scheme_new(request: HttpRequest) -> HttpResponse:
    """An admin creates a scheme (then adds items in the editor)."""
    from bqw.accounts.scope import require_admin

    require_admin(request.user)
    form = {"level": "3", "aggregation": "arith", "missing": "exclude"}
    if request.method == "POST":
        p = request.POST
        form = p.dict()
        region = Region.objects.filter(code=p.get("region", "").strip().ljust(12, "0")).first()
        if region is None:
            raise ApplicationError(f"区划代码“{p.get('region', '')}”不存在")
        try:
            level = int(p.get("level", ""))
            year = int(p["class_year"]) if p.get("class_year", "").strip() else None
        except ValueError:
            raise ApplicationError("参评层级和分类年度须为整数")
        scheme = scheme_save(actor=request.user, name=p.get("name", "").strip(), region=region, level=level,
                             class_scheme=p.get("class_scheme", "").strip(), class_year=year,
                             class_value=p.get("class_value", "").strip(), period=p.get("period", "").strip(),
                             aggregation=p.get("aggregation", "arith"), missing=p.get("missing", "exclude"))
        messages.success(request, f"已创建考核方案“{scheme.name}”，请添加考核指标")
        return redirect("assessment-edit", pk=scheme.pk)
    return render(request, "assessment/new.html", {"form": form, "labels": _labels(),
                                                  "levels": Region.Level.choices[1:]})


@login_required
def result_view(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_scheme_for_user(request.user, pk)
    result = scheme_result(request.user, scheme, request.GET.get("period"))
    pub = Publication.objects.filter(scheme=scheme, period=result["period"]).first()
    return render(request, "assessment/result.html", {
        "scheme": scheme, "result": result, "charts": _charts(result), "publication": pub,
        "can_admin": is_admin_of(request.user, scheme), "labels": _labels()})


@login_required
def unit_view(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    scheme = get_scheme_for_user(request.user, pk)
    pub = None
    if request.GET.get("publication"):
        pub = get_publication_for_user(request.user, request.GET["publication"])
        result = publication_result(request.user, pub)
    else:
        result = scheme_result(request.user, scheme, request.GET.get("period"), runs=0)
    card = unit_card(result, code.ljust(12, "0"))
    if card is None:
        raise NotFoundError("该单位不是本方案的参评单位")
    chart = {"names": [i["name"] for i in card["items"]],
             "vs": [None if i["vs_class"] is None else round(i["vs_class"], 2) for i in card["items"]]}
    return render(request, "assessment/unit.html", {"scheme": scheme, "result": result, "card": card,
                                                   "chart": chart, "publication": pub})


def _labels() -> dict:
    return {"norms": NORMALISATIONS, "aggs": AGGREGATIONS, "missing": MISSING}


def _weights(request: HttpRequest, items) -> dict[int, float]:
    """The editor's weights (unsaved); a bad number is reported with the item's name."""
    out = {}
    for it in items:
        raw = request.POST.get(f"w{it.pk}", "").strip()
        if raw == "":
            continue
        try:
            w = float(raw)
        except ValueError:
            raise ApplicationError(f"“{it.indicator.name}”的权重“{raw}”不是数字")
        if not (0 <= w <= 1e6):
            raise ApplicationError(f"“{it.indicator.name}”的权重须为不小于 0 的数")
        out[it.pk] = w
    if out and not any(v > 0 for v in out.values()):
        raise ApplicationError("至少一项指标的权重须大于 0")
    return out


@login_required
def editor(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_scheme_for_user(request.user, pk, write=True)
    items = scheme_items(scheme)
    period = parse_period(scheme, request.GET.get("period"))
    result = scheme_result(request.user, scheme, period, runs=PREVIEW_RUNS)
    used = {i.indicator_id for i in items}
    indicators = Indicator.objects.filter(level__gte=scheme.level).exclude(pk__in=used).order_by("level", "code")
    return render(request, "assessment/editor.html", {
        "scheme": scheme, "items": items, "result": result, "period": period, "labels": _labels(),
        "indicators": indicators, "runs": PREVIEW_RUNS})


@login_required
@require_POST
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the ranking with the weights as typed, nothing saved."""
    scheme = get_scheme_for_user(request.user, pk, write=True)
    items = scheme_items(scheme)
    try:
        weights = _weights(request, items)
        result = scheme_result(request.user, scheme, request.POST.get("period"), runs=PREVIEW_RUNS, weights=weights)
        error = None
    except ApplicationError as exc:
        result, error = None, exc.message
    return render(request, "assessment/partials/preview.html", {"result": result, "error": error,
                                                                "runs": PREVIEW_RUNS})


@login_required
@require_POST
def save_items(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the editor: weights, methods and directions of the items, removals, and one new item."""
    scheme = get_scheme_for_user(request.user, pk, write=True)
    items = scheme_items(scheme)
    weights = _weights(request, items)
    specs = []
    for it in items:
        if request.POST.get(f"remove{it.pk}"):
            continue
        norm = request.POST.get(f"n{it.pk}", it.normalisation)
        specs.append({"indicator": it.indicator, "weight": weights.get(it.pk, it.weight),
                      "direction": request.POST.get(f"d{it.pk}", it.direction), "normalisation": norm,
                      "goal_lo": _float(request.POST.get(f"lo{it.pk}"), it.goal_lo, it.indicator.name),
                      "goal_hi": _float(request.POST.get(f"hi{it.pk}"), it.goal_hi, it.indicator.name),
                      "target": it.target,
                      "target_value": _float(request.POST.get(f"t{it.pk}"), it.target_value, it.indicator.name)})
    new = request.POST.get("new_indicator", "").strip()
    if new:
        specs.append({"indicator": new, "weight": request.POST.get("new_weight") or 1,
                      "normalisation": request.POST.get("new_norm") or "minmax"})
    scheme_items_set(actor=request.user, scheme=scheme, items=specs)
    messages.success(request, "已保存考核指标与权重")
    return redirect("assessment-edit", pk=scheme.pk)


def _float(raw: str | None, default: float | None, name: str) -> float | None:
    if raw is None:
        return default
    raw = raw.strip()
    if raw == "":
        return None
    try:
        return float(raw)
    except ValueError:
        raise ApplicationError(f"“{name}”的“{raw}”不是数字")


SETTINGS_FLOATS = {"red_task_points": "每项红灯任务加减分", "late_notice_points": "每份督办单逾期未回复加减分",
                   "perturb": "权重扰动幅度"}
SETTINGS_INTS = {"runs": "敏感性模拟次数", "seed": "随机种子"}


@login_required
@require_POST
def save_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the scheme's methods: aggregation, missing data, points, sensitivity settings, default period."""
    scheme = get_scheme_for_user(request.user, pk, write=True)
    p = request.POST
    fields: dict = {"aggregation": p.get("aggregation", scheme.aggregation),
                    "missing": p.get("missing", scheme.missing), "period": p.get("period", scheme.period).strip(),
                    "alternatives": bool(p.get("alternatives"))}
    for name, label in SETTINGS_FLOATS.items():
        fields[name] = _float(p.get(name), getattr(scheme, name), label)
        if fields[name] is None:
            raise ApplicationError(f"请填写{label}")
    for name, label in SETTINGS_INTS.items():
        raw = p.get(name, str(getattr(scheme, name))).strip()
        if not raw.isdigit():
            raise ApplicationError(f"{label}须为非负整数")
        fields[name] = int(raw)
    scheme_save(actor=request.user, scheme=scheme, **fields)
    messages.success(request, "已保存方案设置")
    return redirect("assessment-edit", pk=scheme.pk)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_scheme_for_user(request.user, pk, write=True)
    pub = publication_create(actor=request.user, scheme=scheme, period=request.POST.get("period"),
                             title=request.POST.get("title", "").strip())
    messages.success(request, f"已发布：{pub.title}")
    return redirect(pub.get_absolute_url())


@login_required
@require_POST
def adjustment(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_scheme_for_user(request.user, pk, write=True)
    region = Region.objects.filter(code=request.POST.get("region", "").ljust(12, "0")).first()
    if region is None:
        raise ApplicationError("请选择参评单位")
    adj = adjustment_add(actor=request.user, scheme=scheme, region=region, period=request.POST.get("period", ""),
                         points=request.POST.get("points", ""), reason=request.POST.get("reason", ""))
    messages.success(request, f"已录入：{adj}")
    return redirect(f"{scheme.get_absolute_url()}?period={adj.period}")


@login_required
def publication_view(request: HttpRequest, pk: int) -> HttpResponse:
    """亮晒: rank, rank change, score and light side by side, from the frozen snapshot."""
    pub = get_publication_for_user(request.user, pk)
    result = publication_result(request.user, pub)
    return render(request, "assessment/publication.html", {"pub": pub, "scheme": pub.scheme, "result": result,
                                                          "charts": _charts(result)})


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_scheme_for_user(request.user, pk)
    if request.GET.get("publication"):
        pub = get_publication_for_user(request.user, request.GET["publication"])
        result = publication_result(request.user, pub)
    else:
        result = scheme_result(request.user, scheme, request.GET.get("period"))
    resp = HttpResponse(result_workbook(result), content_type=XLSX)
    name = f"{scheme.name}_{result['period_label']}.xlsx"
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return resp


@login_required
@require_POST
def external_add(request: HttpRequest) -> HttpResponse:
    p = request.POST
    region = Region.objects.filter(code=p.get("region", "").strip().ljust(12, "0")).first()
    if region is None:
        raise ApplicationError(f"区划代码“{p.get('region', '')}”不存在")
    try:
        year = int(p.get("year", ""))
        rank = int(p["rank"]) if p.get("rank", "").strip() else None
    except ValueError:
        raise ApplicationError("年度和名次须为整数")
    if not (1990 <= year <= 2100) or (rank is not None and rank < 1):
        raise ApplicationError("年度或名次超出范围")
    e = external_ranking_record(actor=request.user, region=region, list_name=p.get("list_name", ""), year=year,
                                rank=rank, note=p.get("note", ""), source=p.get("source", ""))
    messages.success(request, f"已记录：{e}")
    return redirect("assessment-index")
