"""The cockpit's one read per screen: a unit, its children with a light per key target and the chosen
indicator's values, KPI cards, trend, ranks, task lights per lead unit and later apps' panels.

Values come from the maintained rollups (`indicators.selectors.rollup_grid`, one query); target states from the
set-based evaluation (`cockpit.statuses`: one statement per target over all its units, grouped by child).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.db.models import Q
from django.utils import timezone

from bqw.accounts.models import User
from bqw.accounts.scope import require_view
from bqw.core.numbers import fmt_unreviewed
from bqw.core.periods import Period
from bqw.indicators.models import DataValue, Indicator, Rollup, Target
from bqw.indicators.selectors import rollup_grid
from bqw.indicators.status import (
    ACHIEVED,
    AT_RISK,
    LABELS,
    LIGHTS,
    NO_DATA,
    OFF_TRACK,
    ON_TRACK,
    as_month,
    fmt,
    measure,
    rule_for,
    target_units_qs,
    targets_for_region,
)
from bqw.regions.models import Region, code_range
from bqw.regions.selectors import region_ancestors

from . import maps, panels
from .statuses import Judged, combine, judge_groups, unit_reasons, unit_states

INTENSIVE_RULES = ("mean", "ratio", "share_where", "min", "max")
SEVERITY = {OFF_TRACK: 0, AT_RISK: 1, NO_DATA: 3, ON_TRACK: 2, ACHIEVED: 4}
UNREVIEWED_CAP = 1_000
TOP_N = 5


def default_period() -> Period:
    return Period.of_date(timezone.localdate())


def parse_period(text: str | None) -> Period:
    """The screen's month (a quarter or year is read at its last month); default: this month."""
    if not text:
        return default_period()
    p = Period.parse(text)
    return as_month(p)


def _light(state: str) -> str:
    return str(LIGHTS[state])


def _region_dict(r: Region) -> dict:
    return {"code": r.code, "name": r.name, "full_name": r.full_name, "level": r.level,
            "level_label": r.get_level_display()}


@dataclass
class KeyTarget:
    target: Target
    card: Judged
    children: dict[str, Judged]
    a: float | None = None
    b: float | None = None


def _decomposes(t: Target, region: Region) -> bool:
    """Whether a target can be judged for each child: multi-unit targets (their units lie in the children)
    and the unit's own targets on intensive indicators (rates, means: 全市 ≥ 90% means each county ≥ 90%)."""
    if t.scope != Target.Scope.REGION:
        return t.scope_level is None or t.scope_level > region.level
    ind = t.indicator
    return (t.region_id == region.id and ind.level > region.level
            and (ind.unit == "%" or ind.rule in INTENSIVE_RULES))


def _fixed_baseline(t: Target) -> float | None:
    return float(t.baseline_value) if t.baseline_value is not None and t.scope == Target.Scope.REGION else None


def _covering(targets, region: Region) -> list[Target]:
    """The targets about the unit itself: its own, and class/level targets set at or above it."""
    own = [t for t in targets if t.region_id == region.id or (t.scope != Target.Scope.REGION
                                                             and t.region.contains(region))]
    if own:
        return own
    return [t for t in targets if t.region.parent_id == region.id]  # e.g. the province: its cities' targets


def key_targets(user: User, region: Region, period: Period, children: list[Region]) -> list[KeyTarget]:
    """Each target about the unit with its card (state at the unit) and, where it decomposes, a state per child."""
    children_qs = Region.objects.filter(pk__in=[c.pk for c in children])
    out = []
    for t in _covering(list(targets_for_region(user, region)), region):
        within = region if t.region.contains(region) else t.region
        if t.scope == Target.Scope.REGION:
            own = Region.objects.filter(pk=t.region_id)
            st, a, b = unit_states(t, period, own, fixed_baseline=_fixed_baseline(t)).get(
                t.region.code, (NO_DATA, None, None))
            # the unit's sentence from the figures just read (relative targets: their own one read)
            text = rule_for(t, period).judge(t.region, a, b).reason if t.kind != Target.Kind.RELATIVE else \
                unit_reasons(t, period, [t.region.code]).get(t.region.code, ("", ""))[1]
            card = Judged(st, text, {st: 1}, {st: t.region.code})
            per_child = {}
            if children and _decomposes(t, region):
                per_child = judge_groups(t, period, children_qs, children, fixed_baseline=_fixed_baseline(t))
            out.append(KeyTarget(t, card, per_child, a, b))
            continue
        units = target_units_qs(t, within)
        if children and _decomposes(t, region):
            per_child = judge_groups(t, period, units, children)
            card = combine(t, period, list(per_child.values())) if within == region else \
                judge_groups(t, period, units, [within])[within.code]
        else:
            per_child, card = {}, judge_groups(t, period, units, [within])[within.code]
        out.append(KeyTarget(t, card, per_child))
    out.sort(key=lambda k: (SEVERITY[k.card.state], k.target.deadline, k.target.id))
    return out


def _target_text(t: Target) -> str:
    cmp_s = dict(((">=", "≥"), (">", ">"), ("=", "="), ("<=", "≤"), ("<", "<")))[t.comparator]
    if t.kind == Target.Kind.GROWTH:
        return f"年均增长 {cmp_s} {float(t.value):.1f}%"
    if t.kind == Target.Kind.RELATIVE:
        return f"增速高于{t.benchmark.name if t.benchmark_id else '对标单位'}"
    return f"{cmp_s} {fmt(t.value, t.indicator.unit)}"


def card_dict(k: KeyTarget, period: Period, pending: dict[int, int] | None = None) -> dict:
    """A KPI card; `pending`: values not yet approved in the card's figure, by target id (cards_pending)."""
    t = k.target
    m = measure(t.indicator, period)
    n = (pending or {}).get(t.id, 0)
    return {"pending": n, "pending_text": fmt_unreviewed(n),
            "id": t.id, "title": str(t), "indicator": t.indicator.code, "indicator_name": t.indicator.name,
            "unit": t.indicator.unit, "region": t.region.name, "scope": t.get_scope_display(),
            "target": _target_text(t), "deadline": Period.parse(t.deadline).label,
            "value": fmt(k.a, t.indicator.unit) if k.a is not None and t.kind != Target.Kind.RELATIVE else None,
            "measured": m.label, "simulated": t.is_simulated, **k.card.as_dict()}


def cards_pending(keys: list[KeyTarget], period: Period) -> dict[int, int]:
    """For each card with a figure of one unit (a unit's own target): the values not yet approved that the
    figure includes, read from the rollups' counts (Σ over the periods it is measured on) in one query."""
    wanted = {}
    for k in keys:
        t = k.target
        if t.scope == Target.Scope.REGION and t.kind != Target.Kind.RELATIVE and k.a is not None:
            wanted[t.id] = (t.region_id, t.indicator_id, measure(t.indicator, period).periods)
    if not wanted:
        return {}
    q = Q()
    for rid, iid, pids in wanted.values():
        q |= Q(region_id=rid, indicator_id=iid, period__in=list(pids))
    counts: dict[tuple[int, int, str], int] = {
        (r, i, p): n for r, i, p, n in Rollup.objects.filter(q, pending__gt=0).values_list(
            "region_id", "indicator_id", "period", "pending")}
    return {tid: sum(counts.get((rid, iid, p), 0) for p in pids) for tid, (rid, iid, pids) in wanted.items()}


def _unreviewed(region: Region, period: Period) -> int:
    """Values under the unit for the screen's month, quarter and year not yet approved — counted up to a
    cap (a bounded index range count, so the province stays cheap); the screen says "含未审核数据"."""
    lo, hi = code_range(region.prefix)
    pids = [period.id, period.quarter().id, period.year_period().id]
    qs = (DataValue.objects.filter(period__in=pids, region__code__gte=lo, region__code__lte=hi)
          .exclude(state=DataValue.State.APPROVED).values("id")[:UNREVIEWED_CAP + 1])
    return qs.count()  # COUNT over a LIMITed subquery: no rows travel


def _period_end(period: Period) -> date:
    return min(period.end, timezone.localdate())


def task_lights(user: User, region: Region, period: Period) -> list[dict]:
    """Task lights per lead unit for the tasks concerning the unit (top-level tasks, as of the month's end)."""
    from bqw.plans.selectors import light_counts_by_lead, tasks_for_user

    rows = tasks_for_user(user, region=region, top_level=True, on=_period_end(period))
    out = [{"lead": name, "lights": lights, "total": sum(lights.values())}
           for name, lights in light_counts_by_lead(rows).items()]
    out.sort(key=lambda t: (-t["lights"]["red"], -t["lights"]["yellow"], -t["total"], t["lead"]))
    return out


def trend(user: User, region: Region, ind: Indicator, period: Period, key: KeyTarget | None) -> dict:
    """The indicator at the unit over time (months/quarters/years up to the screen's period), with the target
    line and the expected path of the target on it (baseline → target, linear; growth: compound)."""
    require_view(user, region)
    if ind.periodicity == "M":
        start = Period(period.year - 1, "M", 1)
        periods = _months(start, period)
    elif ind.periodicity == "Q":
        q = period.quarter()
        periods = [q.shift(-k) for k in range(7, -1, -1)]
    else:
        periods = [Period(y, "Y", 1) for y in range(2023, period.year + 1)]
    vals = dict(Rollup.objects.filter(region=region, indicator=ind, period__in=[p.id for p in periods])
                .values_list("period", "value"))
    out = {"indicator": ind.code, "name": ind.name, "unit": ind.unit, "periods": [p.id for p in periods],
           "labels": [p.label for p in periods], "values": [vals.get(p.id) for p in periods],
           "texts": [fmt(vals.get(p.id), ind.unit) for p in periods], "target": None, "expected": None}
    if key is not None and key.target.kind == Target.Kind.LEVEL and key.target.scope == Target.Scope.REGION:
        t = key.target
        v = float(t.value)
        out["target"] = {"value": v, "text": _target_text(t), "deadline": Period.parse(t.deadline).label}
        if key.b is not None and ind.temporal != Indicator.Temporal.FLOW:
            base, deadline = as_month(Period.parse(t.baseline_period)), as_month(Period.parse(t.deadline))
            total = base.months_between(deadline)
            out["expected"] = [None if total <= 0 else
                               round(key.b + (v - key.b) * min(max(base.months_between(as_month(p)) / total, 0), 1),
                                     4) for p in periods]
    return out


def _months(a: Period, b: Period) -> list[Period]:
    out, p = [], a
    while p.start <= b.start:
        out.append(p)
        p = p.shift(1)
    return out


@lru_cache(maxsize=64)
def _map_codes(region_code: str, mtime: float) -> frozenset[str]:
    path = maps.map_path(region_code)
    if path is None:
        return frozenset()
    return frozenset(f["properties"]["name"] for f in json.loads(path.read_text(encoding="utf-8"))["features"])


def map_info(region: Region, children: list[Region]) -> dict | None:
    """Where the unit's map is and which children it cannot draw (known gaps such as 深圳 光明区)."""
    path = maps.map_path(region.code)
    if path is None:
        return None
    codes = _map_codes(region.code, path.stat().st_mtime)
    if not codes & {c.code for c in children}:
        return None
    missing = [{"code": c.code, "name": c.name, "note": maps.KNOWN_GAPS.get(c.code, "地图数据中没有该单位的边界")}
               for c in children if c.code not in codes]
    return {"url": f"/cockpit/maps/{region.code}.json", "missing": missing}


def children_of(region: Region) -> list[Region]:
    return list(Region.objects.filter(parent=region, kind=Region.Kind.ADMINISTRATIVE).order_by("code"))


def choose_indicator(ind_code: str | None, grid: dict, keys: list[KeyTarget]) -> Indicator | None:
    codes_with_children = {c for row in grid["rows"] for c in row["values"]}
    if ind_code:
        return Indicator.objects.filter(code=ind_code).first()
    for k in keys:
        if k.target.indicator.code in codes_with_children:
            return k.target.indicator
    first = sorted(codes_with_children)[:1] or sorted(grid["total"])[:1]
    return Indicator.objects.filter(code=first[0]).first() if first else None


def cockpit(user: User, region: Region, period: Period, *, indicator: str | None = None,
            target: int | None = None, with_panels: bool = True) -> dict:
    """Everything one cockpit screen shows, as plain data (the JSON API returns it as is)."""
    require_view(user, region)
    children = children_of(region)
    grid = rollup_grid(user, region, period, native=True)
    keys = key_targets(user, region, period, children)
    ind = choose_indicator(indicator, grid, keys)
    catalog = {i.code: i for i in Indicator.objects.filter(code__in=set(grid["indicators"]) | (
        {ind.code} if ind else set()))}
    by_code = {row["code"]: row for row in grid["rows"]}
    decomposed = [k for k in keys if k.children]
    # the map and bars are coloured by one target: the one asked for, else the first on the chosen indicator
    chosen = (next((k for k in decomposed if k.target.id == target), None)
              or next((k for k in decomposed if ind and k.target.indicator_id == ind.id), None)
              or (decomposed[0] if decomposed else None))
    rows = []
    for c in children:
        vals = by_code.get(c.code, {}).get("values", {})
        cell = vals.get(ind.code) if ind else None
        lights = {str(k.target.id): k.children[c.code].as_dict() for k in decomposed if c.code in k.children}
        states = [k.children[c.code].state for k in decomposed if c.code in k.children]
        own = chosen.children.get(c.code) if chosen else None
        worst = own.state if own else NO_DATA
        rows.append({"code": c.code, "name": c.name, "level": c.level, "url": _drill_url(c),
                     "value": cell["value"] if cell else None,
                     "pending": cell["pending"] if cell else 0,
                     "pending_text": fmt_unreviewed(cell["pending"] if cell else 0),
                     "text": fmt(cell["value"] if cell else None, ind.unit if ind else ""),
                     "simulated": bool(cell and cell["simulated"]),
                     "status": worst, "light": _light(worst), "label": LABELS[worst],
                     "reason": own.reason if own else "", "lights": lights,
                     "cells": [k.children[c.code].as_dict() if c.code in k.children else None for k in decomposed],
                     "counts": {s: states.count(s) for s in LABELS if states.count(s)}})
    ranked = [r for r in rows if r["value"] is not None]
    down = ind is not None and ind.direction == Indicator.Direction.DOWN
    ranked.sort(key=lambda r: r["value"], reverse=not down)
    for n, r in enumerate(ranked, start=1):
        r["rank"] = n
    key_for_ind = next((k for k in keys if ind and k.target.indicator_id == ind.id
                        and k.target.scope == Target.Scope.REGION), None)
    total = grid["total"].get(ind.code) if ind else None
    unreviewed = _unreviewed(region, period)
    pending = cards_pending(keys, period)
    data = {
        "region": _region_dict(region),
        "ancestors": [{"code": a.code, "name": a.name, "url": _drill_url(a)}
                      for a in region_ancestors(region) if user.can_view(a)],
        "period": {"id": period.id, "label": period.label},
        "indicator": None if ind is None else {"code": ind.code, "name": ind.name, "unit": ind.unit,
                                               "direction": ind.direction, "total": total["value"] if total else None,
                                               "total_text": fmt(total["value"] if total else None, ind.unit),
                                               "total_pending": total["pending"] if total else 0,
                                               "total_pending_text": fmt_unreviewed(
                                                   total["pending"] if total else 0)},
        "indicators": [{"code": i.code, "name": i.name, "unit": i.unit} for i in sorted(
            catalog.values(), key=lambda i: i.code) if any(i.code in r["values"] for r in grid["rows"])],
        "cards": [card_dict(k, period, pending) for k in keys],
        "key_targets": [{"id": k.target.id, "title": str(k.target), "indicator": k.target.indicator.code,
                         "short": _short(k.target), "target": _target_text(k.target)} for k in decomposed],
        "status_target": None if chosen is None else {"id": chosen.target.id, "title": str(chosen.target),
                                                      "target": _target_text(chosen.target)},
        "children": rows,
        "top": ranked if len(ranked) <= 2 * TOP_N else ranked[:TOP_N],
        "bottom": [] if len(ranked) <= 2 * TOP_N else ranked[-TOP_N:],
        "trend": trend(user, region, ind, period, key_for_ind) if ind else None,
        "tasks": task_lights(user, region, period),
        "unreviewed": {"count": min(unreviewed, UNREVIEWED_CAP), "capped": unreviewed > UNREVIEWED_CAP,
                       "note": _unreviewed_note(unreviewed)},
        "simulated": any(r["simulated"] for r in rows) or any(k.target.is_simulated for k in keys),
        "map": map_info(region, children) if region.level <= 2 else None,
        "panels": panels.collect("COCKPIT", user, region, period) if with_panels else [],
    }
    return data


def _short(t: Target) -> str:
    """A column heading: the indicator, and for "every unit of a level" targets which level."""
    if t.scope == Target.Scope.LEVEL and t.scope_level:
        return f"{t.indicator.name}（各{Region.Level(t.scope_level).label[:1]}）"
    return t.indicator.name


def _unreviewed_note(n: int) -> str:
    if not n:
        return ""
    count = f"逾 {UNREVIEWED_CAP:,} 条" if n > UNREVIEWED_CAP else f"{n} 条"
    return f"本期数据含未审核值（{count}），数字可能变动"


def _drill_url(r: Region) -> str:
    return f"/cockpit/{r.code}/" if r.level <= 4 else f"/regions/{r.code}/"


def profile(user: User, region: Region, period: Period) -> dict:
    """A unit's profile (county, town, village): its targets and their status, values over time, tasks."""
    from bqw.indicators.status import region_statuses
    from bqw.plans.selectors import tasks_for_user

    require_view(user, region)
    statuses = [s for s in region_statuses(user, region, period) if s.units]  # not level targets of other levels
    statuses.sort(key=lambda s: (SEVERITY[s.state], s.target.deadline))
    own = Rollup.objects.filter(region=region, period=period.id).exclude(own__isnull=True)
    ind_ids = list(own.values_list("indicator_id", flat=True)) or list(
        Rollup.objects.filter(region=region, period__in=[period.quarter().id, period.year_period().id])
        .values_list("indicator_id", flat=True))
    indicators = list(Indicator.objects.filter(id__in=ind_ids).order_by("code"))
    months = _months(period.shift(-11), period)
    history = {}
    for ind_code, p, v, n in (Rollup.objects.filter(region=region, indicator__in=indicators,
                                                    period__in=[m.id for m in months])
                              .values_list("indicator__code", "period", "value", "pending")):
        history[(ind_code, p)] = (v, n)
    series = []
    for i in indicators:
        cells = [history.get((i.code, m.id), (None, 0)) for m in months]
        if any(v is not None for v, _ in cells):
            series.append({"code": i.code, "name": i.name, "unit": i.unit, "values": [v for v, _ in cells],
                           "texts": [fmt(v, i.unit) for v, _ in cells],
                           "cells": [{"text": fmt(v, i.unit), "pending": fmt_unreviewed(n)} for v, n in cells]})
    tasks = tasks_for_user(user, region=region, on=_period_end(period))[:50]
    return {"region": _region_dict(region), "period": {"id": period.id, "label": period.label},
            "statuses": statuses, "months": [m.label for m in months], "month_ids": [m.id for m in months],
            "series": series, "tasks": tasks,
            "unreviewed": _unreviewed_note(_unreviewed(region, period)),
            "panels": panels.collect("PROFILE", user, region, period)}

