"""Reads: schemes in the user's view scope, and a scheme's inputs and result for a period.

`scheme_inputs` gathers everything a result depends on in a fixed number of queries (units, classes, one
rollup query for the whole value matrix, targets, tasks and 督办单 for the bonus/penalty items, manual
adjustments); `engine.compute` does the rest in numpy. The result is the same whoever looks at it: scope
decides only whether the user may see the scheme at all."""

from __future__ import annotations

from datetime import date

import numpy as np
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from bqw.accounts.models import User
from bqw.accounts.scope import require_view, view_q
from bqw.core.errors import ApplicationError
from bqw.core.periods import Period, PeriodError
from bqw.core.status import Light, Status
from bqw.indicators.models import Rollup, Target
from bqw.plans.lights import task_light
from bqw.plans.models import SupervisionKind, SupervisionNotice, Task
from bqw.regions.models import PREFIX_LENGTH, Region, RegionClass, code_range

from . import engine
from .models import Adjustment, ExternalRanking, Publication, Scheme, SchemeItem

UNCLASSED = "未分类"
ALL = "全部参评单位"


def schemes_for_user(user: User) -> QuerySet[Scheme]:
    return Scheme.objects.filter(view_q(user, "region")).select_related("region").order_by("region__code", "name")


def publications_for_user(user: User, scheme: Scheme | None = None) -> QuerySet[Publication]:
    qs = Publication.objects.filter(view_q(user, "scheme__region")).select_related("scheme", "published_by")
    return qs.filter(scheme=scheme) if scheme is not None else qs


def external_rankings_for_user(user: User, region: Region | None = None) -> QuerySet[ExternalRanking]:
    qs = ExternalRanking.objects.filter(view_q(user, "region")).select_related("region")
    if region is not None:
        lo, hi = code_range(region.prefix)
        qs = qs.filter(region__code__gte=lo, region__code__lte=hi)
    return qs.order_by("-year", "list_name", "rank", "region__code")


def parse_period(scheme: Scheme, period: str | Period | None) -> Period:
    """The requested period, else the scheme's default, else the last complete quarter."""
    if isinstance(period, Period):
        return period
    text = (period or scheme.period or "").strip()
    if not text:
        return Period.of_date(timezone.localdate(), "Q").shift(-1)
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise ApplicationError(str(exc))


def scheme_items(scheme: Scheme) -> list[SchemeItem]:
    return list(scheme.items.select_related("indicator", "target").order_by("position", "id"))


def scheme_units(scheme: Scheme) -> list[dict]:
    """The competing units with their group: {"id", "code", "name", "group"} (two queries)."""
    units = list(Region.objects.within(scheme.region).administrative().filter(level=scheme.level)
                 .order_by("code").values("id", "code", "name"))
    if not scheme.class_scheme:
        return [u | {"group": ALL} for u in units]
    classes = dict(RegionClass.objects.filter(
        scheme=scheme.class_scheme, year=scheme.class_year, region_id__in=[u["id"] for u in units])
        .values_list("region_id", "value"))
    out = [u | {"group": classes.get(u["id"], UNCLASSED)} for u in units]
    if scheme.class_value:
        out = [u for u in out if u["group"] == scheme.class_value]
    return out


def as_of(period: Period) -> date:
    """The day lights and 督办 replies are judged at: the period's end, or today for the current period."""
    return min(period.end, timezone.localdate())


def _unit_of(units: list[dict], level: int):
    prefix = {u["code"][: PREFIX_LENGTH[level]]: u["code"] for u in units}
    n = PREFIX_LENGTH[level]
    return lambda code: prefix.get(code[:n])


def platform_adjustments(scheme: Scheme, units: list[dict], period: Period) -> list[dict]:
    """Bonus/penalty points computed from the platform's own records: red-light tasks of each unit (its own
    and its subordinates' tasks) at the period's end, and 督办单 issued in the period whose reply was late or
    is missing."""
    out: list[dict] = []
    on = as_of(period)
    unit_of = _unit_of(units, scheme.level)
    lo, hi = code_range(scheme.region.prefix)
    if scheme.red_task_points:
        red: dict[str, list[str]] = {}
        tasks = (Task.objects.filter(region__code__gte=lo, region__code__lte=hi, region__level__gte=scheme.level)
                 .select_related("plan", "region").prefetch_related("milestones"))
        for t in tasks:
            code = unit_of(t.region.code)
            if code and task_light(t, on).light == Light.RED:
                red.setdefault(code, []).append(t.content[:30])
        for code, names in red.items():
            out.append({"code": code, "kind": "red_tasks", "label": f"红灯任务{len(names)}项",
                        "points": len(names) * scheme.red_task_points,
                        "reason": f"截至{on.year}年{on.month}月{on.day}日逾期未办结"
                                  f"（每项{scheme.red_task_points:+g}分）："
                                  + "；".join(names[:3]) + ("等" if len(names) > 3 else "")})
    if scheme.late_notice_points:
        late: dict[str, list[str]] = {}
        notices = (SupervisionNotice.objects.filter(
            kind=SupervisionKind.NOTICE, task__region__code__gte=lo, task__region__code__lte=hi,
            issued_on__gte=period.start, issued_on__lte=period.end, reply_due__lt=on)
            .filter(Q(replied_on__isnull=True) | Q(replied_on__gt=F("reply_due")))
            .values_list("task__region__code", "year", "seq"))
        for code, year, seq in notices:
            unit = unit_of(code)
            if unit:
                late.setdefault(unit, []).append(f"督办〔{year}〕{seq}号")
        for code, numbers in late.items():
            out.append({"code": code, "kind": "late_notices", "label": f"督办单逾期未回复{len(numbers)}份",
                        "points": len(numbers) * scheme.late_notice_points,
                        "reason": f"{'、'.join(numbers[:5])}未在回复期限内回复"
                                  f"（每份{scheme.late_notice_points:+g}分）"})
    return out


def manual_adjustments(scheme: Scheme, period: Period) -> list[dict]:
    return [{"code": code, "kind": "manual", "label": "加分" if pts > 0 else "减分", "points": pts, "reason": reason,
             "id": pk} for pk, code, pts, reason in
            Adjustment.objects.filter(scheme=scheme, period=period.id).order_by("id")
            .values_list("id", "region__code", "points", "reason")]


def _unit_targets(items: list[SchemeItem], units: list[dict], period: Period) -> np.ndarray:
    """Per-unit targets for distance-to-target items: the unit's own level target on the indicator (the one
    due soonest from the period on, else the latest); NaN where it has none."""
    out = np.full((len(units), len(items)), np.nan)
    wanted = {it.indicator_id: j for j, it in enumerate(items) if it.normalisation == "target"}
    if not wanted:
        return out
    row = {u["id"]: k for k, u in enumerate(units)}
    best: dict[tuple[int, int], tuple] = {}
    for region_id, ind, deadline, value in Target.objects.filter(
            indicator_id__in=wanted, scope=Target.Scope.REGION, kind=Target.Kind.LEVEL,
            region_id__in=list(row)).values_list("region_id", "indicator_id", "deadline", "value"):
        key = (region_id, ind)
        d = Period.parse(deadline)
        rank = (0, d.end) if d.end >= period.end else (1, -d.end.toordinal())
        if key not in best or rank < best[key][0]:
            best[key] = (rank, float(value))
    for (region_id, ind), (_, value) in best.items():
        out[row[region_id], wanted[ind]] = value
    return out


def item_specs(items: list[SchemeItem], weights: dict[int, float] | None = None) -> list[engine.Item]:
    """Engine items from scheme items (weights: item id → weight, e.g. the editor's unsaved preview)."""
    out = []
    for it in items:
        target = it.target_value if it.target_value is not None else (
            float(it.target.value) if it.target is not None else None)
        out.append(engine.Item(code=it.indicator.code, name=it.indicator.name, unit=it.indicator.unit,
                               weight=float((weights or {}).get(it.id, it.weight)), direction=it.direction,
                               norm=it.normalisation, lo=it.goal_lo, hi=it.goal_hi, target=target))
    return out


def scheme_inputs(scheme: Scheme, period: Period, *, weights: dict[int, float] | None = None) -> engine.Inputs:
    """Everything the result depends on, read now: the value matrix in ONE rollup query."""
    items = scheme_items(scheme)
    if not items:
        raise ApplicationError("该方案尚未设置考核指标")
    units = scheme_units(scheme)
    col = {it.indicator_id: j for j, it in enumerate(items)}
    row = {u["id"]: k for k, u in enumerate(units)}
    values = np.full((len(units), len(items)), np.nan)
    lo, hi = code_range(scheme.region.prefix)
    for region_id, ind, value in Rollup.objects.filter(
            indicator_id__in=list(col), period=period.id, level=scheme.level,
            region__code__gte=lo, region__code__lte=hi).values_list("region_id", "indicator_id", "value"):
        k = row.get(region_id)
        if k is not None and value is not None:
            values[k, col[ind]] = value
    adjustments = platform_adjustments(scheme, units, period) + manual_adjustments(scheme, period)
    return engine.Inputs(
        units=[{"code": u["code"], "name": u["name"], "group": u["group"]} for u in units],
        items=item_specs(items, weights), values=values, targets=_unit_targets(items, units, period),
        adjustments=adjustments, aggregation=scheme.aggregation, missing=scheme.missing, perturb=scheme.perturb,
        runs=scheme.runs, seed=scheme.seed, alternatives=scheme.alternatives)


# ------------------------------------------------------------------ results


def rank_light(card: dict) -> Status:
    """The 亮晒 light of a unit: where it stands in its class and which way it moved."""
    if card.get("rank") is None:
        return Status(Light.GREY.value, "无数据", "本期无可用数据，未参与排名")
    n, r, ch = card["of"], card["rank"], card.get("rank_change")
    third = max(n // 3, 1) if n >= 3 else 0
    moved = "" if ch is None else (
        f"，较上期进位{ch}名" if ch > 0 else (f"，较上期退位{-ch}名" if ch < 0 else "，位次持平"))
    where = f"本类{n}个单位中第{r}名{moved}"
    if third and r <= third:
        return Status(Light.GREEN.value, "前列", where)
    if third and r > n - third:
        if ch is not None and ch < 0:
            return Status(Light.RED.value, "靠后且退位", where)
        return Status(Light.YELLOW.value, "靠后", where)
    return Status(Light.BLUE.value, "中游", where)


def decorate(result: dict, previous: dict | None) -> dict:
    """Rank change versus the previous period (进位 > 0, 退位 < 0), lights, top and bottom lists."""
    before = {}
    if previous:
        before = {c["code"]: c.get("rank") for g in previous["groups"] for c in g["units"]}
    for g in result["groups"]:
        for c in g["units"]:
            prev = before.get(c["code"])
            c["previous_rank"] = prev
            c["rank_change"] = (prev - c["rank"]) if (prev and c.get("rank")) else None
            c["light"] = rank_light(c).as_dict()
        ranked = [c for c in g["units"] if c.get("rank")]
        k = min(3, len(ranked) // 2) if len(ranked) > 1 else len(ranked)
        g["top"] = [c["name"] for c in ranked[:k]]
        g["bottom"] = [c["name"] for c in ranked[::-1][:k]] if len(ranked) > 1 else []
    result["has_previous"] = bool(previous)
    return result


def previous_result(scheme: Scheme, period: Period) -> dict | None:
    """The previous period's ranking: its publication if there is one, else computed now (no sensitivity)."""
    prev = period.shift(-1)
    pub = Publication.objects.filter(scheme=scheme, period=prev.id).only("result").first()
    if pub is not None:
        return pub.result
    try:
        inputs = scheme_inputs(scheme, prev)
    except ApplicationError:
        return None
    if np.isnan(inputs.values).all():
        return None
    return engine.compute(inputs, runs=0)


def header(scheme: Scheme, period: Period) -> dict:
    return {"scheme": {"id": scheme.pk, "name": scheme.name, "region": scheme.region.name,
                       "level": scheme.get_level_display(), "class_scheme": scheme.class_scheme,
                       "class_year": scheme.class_year, "class_value": scheme.class_value},
            "period": period.id, "period_label": period.label, "previous_period": period.shift(-1).id}


def scheme_result(user: User, scheme: Scheme, period: str | Period | None = None, *, runs: int | None = None,
                  weights: dict[int, float] | None = None) -> dict:
    """The live result of a scheme for a period, as the user's view scope allows."""
    require_view(user, scheme.region)
    p = parse_period(scheme, period)
    result = engine.compute(scheme_inputs(scheme, p, weights=weights), runs=runs)
    return header(scheme, p) | decorate(result, previous_result(scheme, p)) | {"published": False}


def publication_result(user: User, pub: Publication, *, recompute: bool = False) -> dict:
    """A publication's result: as stored, or recomputed from its frozen inputs (the same numbers)."""
    require_view(user, pub.scheme.region)
    if not recompute:
        return pub.result
    p = Period.parse(pub.period)
    result = engine.compute(engine.Inputs.from_json(pub.inputs))
    return header(pub.scheme, p) | decorate(result, pub.inputs.get("previous")) | {"published": True}


def unit_card(result: dict, code: str) -> dict | None:
    for g in result["groups"]:
        for c in g["units"]:
            if c["code"] == code:
                return c
    return None


def result_rows(result: dict) -> list[dict]:
    """One flat row per unit: what the CLI and the API list."""
    out = []
    for g in result["groups"]:
        for c in g["units"]:
            out.append({"code": c["code"], "name": c["name"], "class": g["name"], "score": _round(c["score"]),
                        "rank": c["rank"], "of": c["of"], "previous_rank": c.get("previous_rank"),
                        "rank_change": c.get("rank_change"), "median_rank": c.get("median_rank"),
                        "interval": c.get("interval"), "separated": c.get("separated"),
                        "adjustment": _round(c["adjustment"]), "missing": c["missing"],
                        "light": c.get("light", {}).get("label")})
    return out


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 2)
