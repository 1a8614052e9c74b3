"""Reads of values and rollups, always within the acting user's view scope."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Q, QuerySet

from bqw.accounts.models import Role, User
from bqw.accounts.scope import capture_q, require_view
from bqw.core.periods import Period
from bqw.regions.models import Region, code_range

from .models import COMPUTED_PREFIXES, DataValue, Indicator, Rollup


def rollup_grid(user: User, parent_region: Region, period: str | Period,
                indicators: Iterable[Indicator | str] | None = None, *, native: bool = False) -> dict:
    """The cockpit read: the unit itself and every child unit × every indicator at one period, in ONE query
    on the (parent, period, indicator) index. Returns {"region", "period", "indicators", "total": {code: cell},
    "rows": [{"code", "name", "level", "values": {indicator code: cell}}]}, cell = {"value", "simulated",
    "pending"} (values not yet approved that the value includes).

    `native=True` (a month): every indicator at its own periodicity's period containing the month — monthly
    ones at the month, quarterly ones at its quarter, yearly ones at its year — so one grid shows them all."""
    require_view(user, parent_region)
    p = period if isinstance(period, Period) else Period.parse(period)
    pid = p.id
    where = Q(parent_id=parent_region.id) | Q(region_id=parent_region.id)
    code_of: dict[int, str] | None = None
    if native and p.kind == "M":
        # each periodicity's indicator ids, not a join condition on the indicator: with a join PostgreSQL,
        # once it has statistics, estimated 3 of 53 indicators and looped over them reading every period of
        # each (≈ 95 ms instead of ≈ 5 ms for a city grid). The same catalogue read maps the codes: with the
        # indicator joined only for its code, PostgreSQL still looped the grid's rows over every indicator
        # (a city grid 5.3 → 4.1 ms without it).
        by_kind: dict[str, list[int]] = {"M": [], "Q": [], "Y": []}
        code_of = {}
        for iid, code, kind in Indicator.objects.values_list("id", "code", "periodicity"):
            by_kind.setdefault(kind, []).append(iid)
            code_of[iid] = code
        qs = Rollup.objects.filter(where, period__in=[pid, p.quarter().id, p.year_period().id]).filter(
            Q(period=pid, indicator_id__in=by_kind["M"]) | Q(period=p.quarter().id, indicator_id__in=by_kind["Q"])
            | Q(period=p.year_period().id, indicator_id__in=by_kind["Y"]))
    else:
        qs = Rollup.objects.filter(where, period=pid)
    if indicators is not None:
        codes = {i.code if isinstance(i, Indicator) else i for i in indicators}
        qs = (qs.filter(indicator__code__in=codes) if code_of is None
              else qs.filter(indicator_id__in=[i for i, c in code_of.items() if c in codes]))
    rows: dict[str, dict] = {}
    total: dict[str, dict] = {}
    seen: set[str] = set()
    for code, name, level, ind, value, sim, pending in qs.values_list(
            "region__code", "region__name", "region__level", "indicator__code" if code_of is None else "indicator_id",
            "value", "simulated", "pending"):
        if code_of is not None:
            ind = code_of[ind]
        seen.add(ind)
        cell = {"value": value, "simulated": sim, "pending": pending}
        if code == parent_region.code:
            total[ind] = cell
            continue
        rows.setdefault(code, {"code": code, "name": name, "level": level, "values": {}})["values"][ind] = cell
    return {"region": parent_region.code, "period": pid, "indicators": sorted(seen), "total": total,
            "rows": [rows[c] for c in sorted(rows)]}


def rollup_series(user: User, region: Region, indicator: Indicator, periods: Iterable[str | Period],
                  levels: Iterable[int] | None = None) -> list[tuple[str, int, str, float | None]]:
    """Drill-down: one indicator over many periods for the units inside `region` (at `levels`, default all
    below it) — [(code, level, period, value)] ordered by code and period, one query on the rollups'
    (region, indicator, period) key."""
    require_view(user, region)
    lo, hi = code_range(region.prefix)
    pids = [p.id if isinstance(p, Period) else Period.parse(p).id for p in periods]
    units = Region.objects.filter(code__gte=lo, code__lte=hi, level__gt=region.level)
    if levels is not None:
        units = units.filter(level__in=list(levels))
    return list(Rollup.objects.filter(region__in=units.values("id"), indicator=indicator, period__in=pids)
                .order_by("region__code", "period")
                .values_list("region__code", "region__level", "period", "value"))


def rollup_values(user: User, region: Region, period: str | Period) -> dict[str, dict]:
    """Every indicator's maintained value for one unit and period: {code: {"value", "simulated", "own",
    "pending"}} (pending: values not yet approved that the value includes)."""
    require_view(user, region)
    pid = period.id if isinstance(period, Period) else Period.parse(period).id
    return {ind: {"value": v, "own": own is not None, "simulated": sim, "pending": pending}
            for ind, v, own, sim, pending in Rollup.objects.filter(region=region, period=pid).values_list(
                "indicator__code", "value", "own", "simulated", "pending")}


def indicators_due(region: Region, period: Period) -> list[Indicator]:
    """Reported (non-derived) indicators due from this unit's level for the period's kind: monthly ones every
    month, quarterly ones in a quarter's last month, yearly ones in December (or for the matching period)."""
    kinds = {"M": ["M"], "Q": ["Q"], "Y": ["Y"]}[period.kind]
    if period.kind == "M":
        if period.index % 3 == 0:
            kinds.append("Q")
        if period.index == 12:
            kinds.append("Y")
    qs = Indicator.objects.filter(level=region.level, periodicity__in=kinds, rule__in=Indicator.BASE_RULES)
    for prefix in COMPUTED_PREFIXES:  # computed from other apps' records: never on a form
        qs = qs.exclude(code__startswith=prefix)
    return list(qs.order_by("code"))


def entry_period(indicator: Indicator, period: Period) -> Period:
    """The period an indicator is entered for when the form is opened at a month."""
    if indicator.periodicity == "Q" and period.kind == "M":
        return period.quarter()
    if indicator.periodicity == "Y":
        return period.year_period()
    return period


def entry_rows(user: User, region: Region, period: Period) -> list[dict]:
    """The entry form: every due indicator with the current value (if any) — one values query."""
    from bqw.core.numbers import fmt

    indicators = indicators_due(region, period)
    periods = {i.id: entry_period(i, period) for i in indicators}
    previous = {i.id: periods[i.id].shift(-1).id for i in indicators}
    stored = {(dv.indicator_id, dv.period): dv for dv in DataValue.objects.filter(
        region=region, indicator__in=indicators,
        period__in={p.id for p in periods.values()} | set(previous.values())).select_related("indicator")}
    rows = []
    for i in indicators:
        p, before = periods[i.id], stored.get((i.id, previous[i.id]))
        rows.append({"indicator": i, "period": p.id, "period_label": p.label, "value": stored.get((i.id, p.id)),
                     "previous": fmt(before.value, i.unit, yes_no=i.yes_no) if before else "—",
                     "previous_label": p.shift(-1).label})
    return rows


def review_queue(user: User) -> QuerySet[DataValue]:
    """Submitted values a reviewer may decide on (within the capture scope)."""
    if not (user.is_superuser or user.role in (Role.REVIEWER, Role.ADMIN)):
        return DataValue.objects.none()
    return (DataValue.objects.filter(capture_q(user), state=DataValue.State.SUBMITTED)
            .select_related("region", "indicator").order_by("period", "region__code", "indicator__code"))


def returned_values(user: User) -> QuerySet[DataValue]:
    """Values sent back to the user's units, with the reviewer's reason."""
    return (DataValue.objects.filter(capture_q(user), state=DataValue.State.RETURNED)
            .select_related("region", "indicator").order_by("-period", "region__code"))


# ------------------------------------------------------------------ 工作台 and the period that is due

DONE_STATES = (DataValue.State.SUBMITTED, DataValue.State.APPROVED)


def capture_units(user: User, *, limit: int = 500) -> list[Region]:
    """The administrative units a user may enter values for (a town reporter: the town and its villages)."""
    if user.capture_scope_id is None:
        return []
    return list(Region.objects.within(user.capture_scope).administrative().order_by("code")[:limit])


def reporting_progress(units: list[Region], period: Period) -> tuple[int, int]:
    """(values due, values submitted or approved) from these units for the month's form (each due
    indicator at its own entry period) — one values query."""
    due_by_level = {lv: indicators_due(Region(level=lv), period) for lv in {u.level for u in units}}
    expected = sum(len(due_by_level[u.level]) for u in units)
    if not expected:
        return 0, 0
    inds = {i.id: i for lst in due_by_level.values() for i in lst}
    wanted = {(u.id, i.id, entry_period(i, period).id) for u in units for i in due_by_level[u.level]}
    rows = DataValue.objects.filter(region_id__in=[u.id for u in units], indicator_id__in=list(inds),
                                    period__in={w[2] for w in wanted}, state__in=DONE_STATES)
    done = sum(1 for key in rows.values_list("region_id", "indicator_id", "period") if key in wanted)
    return expected, done


def values_recount(user: User, region: Region, period: str | Period, *, level: int) -> tuple[int, int]:
    """The month-end recount (报送核数): (values stored, units with a value) for one period among the units of
    `level` within `region`. Exact, from the values themselves: the (period, region) index gives the period's
    values grouped by unit, and only each unit — not each value — is looked up for its level and code."""
    require_view(user, region)
    pid = period.id if isinstance(period, Period) else Period.parse(period).id
    lo, hi = code_range(region.prefix)
    sql = (f"SELECT COALESCE(SUM(g.n), 0), COUNT(*) FROM (SELECT region_id, COUNT(*) AS n "
           f"FROM {DataValue._meta.db_table} WHERE period = %s GROUP BY region_id) g "
           f"JOIN {Region._meta.db_table} r ON r.id = g.region_id "
           f"WHERE r.level = %s AND r.code >= %s AND r.code <= %s")
    with connection.cursor() as c:
        c.execute(sql, [pid, level, lo, hi])
        values, units = c.fetchone()
    return int(values), int(units)


def due_period(user: User, *, today=None) -> Period:
    """The month a reporter's form opens on: last month while any value due from the user's units is not yet
    submitted, else the current month (the reporting window never reaches beyond it)."""
    from django.utils import timezone

    current = Period.of_date(today or timezone.localdate())
    last = current.shift(-1)
    units = capture_units(user)
    if units:
        expected, done = reporting_progress(units, last)
        if expected and done < expected:
            return last
    return current


def review_rows(user: User, *, region: Region | None = None, limit: int = 300) -> list[dict]:
    """The review queue (inside `region` when given) with what a reviewer weighs beside each value: the
    previous period's value, 环比 and 同比 change, and the outlier flag against the unit's history — two
    queries for the whole page. Rows are grouped by unit (ordered by unit code)."""
    from bqw.core.numbers import fmt, fmt_change

    from .services import outlier_histories, outlier_reason

    qs = review_queue(user)
    if region is not None:
        lo, hi = code_range(region.prefix)
        qs = qs.filter(region__code__gte=lo, region__code__lte=hi)
    values = list(qs.order_by("region__code", "period", "indicator__code")[:limit])
    keys = [(dv.region_id, dv.indicator_id, dv.get_period()) for dv in values]
    history = outlier_histories(keys)
    yoy = {(dv.region_id, dv.indicator_id): _same_period_last_year(dv.get_period()).id for dv in values}
    last_year = {(r, i, p): v for r, i, p, v in DataValue.objects.filter(
        region_id__in={k[0] for k in yoy}, indicator_id__in={k[1] for k in yoy},
        period__in=set(yoy.values())).values_list("region_id", "indicator_id", "period", "value")}
    rows = []
    for dv, (rid, iid, p) in zip(values, keys, strict=True):
        ind = dv.indicator
        prev = history.get((rid, iid, p.shift(-1).id))
        ly = last_year.get((rid, iid, yoy[(rid, iid)]))
        rows.append({"value": dv, "period": p, "shown": fmt(dv.value, ind.unit, yes_no=ind.yes_no),
                     "previous": fmt(prev, ind.unit, yes_no=ind.yes_no) if prev is not None else "—",
                     "mom": "—" if ind.yes_no else fmt_change(dv.value, prev, ind.unit),
                     "yoy": "—" if ind.yes_no else fmt_change(dv.value, ly, ind.unit),
                     "outlier": outlier_reason(ind, dv.region, p, dv.value, history=history)})
    return rows


def _same_period_last_year(p: Period) -> Period:
    return p.shift({"M": -12, "Q": -4, "Y": -1}[p.kind])
