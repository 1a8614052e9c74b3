"""Set-based target status: every unit's state of a target computed in ONE SQL statement over the rollups
(per indicator and level), grouped by the child unit the cockpit shows — not unit by unit in Python.

The decision is `bqw.indicators.status.Rule` — the one rule evaluate() also uses — rendered as SQL by
`Rule.state_sql` (every per-target constant computed once in Python); the per-unit parts are the measured
value `a` and the baseline `b` read from the rollups. Relative targets ("增速高于全省平均水平")
already read all their units in one query and are delegated to `status._relative`. Reasons are written only
for the units shown (a child that is itself the judged unit, or the worst unit of a child).
`tests/test_statuses.py` checks states unit by unit, and light, label and reason per 江门 county and town,
against `status.evaluate()` on the demo.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from bqw.core.periods import Period
from bqw.indicators.models import Rollup, Target
from bqw.indicators.status import (
    AT_RISK,
    LABELS,
    LIGHTS,
    NO_DATA,
    OFF_TRACK,
    ORDER,
    Rule,
    _relative,
    rule_for,
    summary_state,
)
from bqw.regions.models import Region, RegionQuerySet


@dataclass
class Judged:
    """The state of a target over the units of one group (a child unit of the cockpit)."""

    state: str
    reason: str
    counts: dict[str, int]
    first: dict[str, str] = field(default_factory=dict)  # state → the first unit code (by code) in it
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # unit code → (name, reason) already written

    def as_dict(self) -> dict:
        return {"status": self.state, "label": LABELS[self.state], "light": str(LIGHTS[self.state]),
                "reason": self.reason, "units": sum(self.counts.values()), "counts": dict(self.counts)}


def _units_sql(units: RegionQuerySet) -> tuple[str, list]:
    sql, params = units.order_by().values_list("id", "code").query.sql_with_params()
    return sql, list(params)


def _values_cte(target: Target, rule: Rule, units: RegionQuerySet, *, sparse: bool = False) -> tuple[str, list]:
    """`WITH units, ab, v`: v = (id, code, a, b) for every unit judged. The units are materialised once; the
    measured and baseline periods are read in ONE pass over the rollups (the unit's key drives the lookup).
    `sparse`: v holds only the units with a rollup row, read from the (indicator, period) index — the rows
    that exist, not a probe per unit (a city-scale province has figures for one city's villages of 26,000);
    the caller counts the others as 无数据 from the units' totals."""
    rollup = Rollup._meta.db_table
    usql, uparams = _units_sql(units)
    m, mb = rule.m, rule.mb
    need_b = rule.fixed_baseline is None
    periods = list(dict.fromkeys([*m.periods, *(mb.periods if need_b else ())]))

    def marks(ps) -> str:
        return ", ".join("%s" for _ in ps)

    cols = [f"SUM(CASE WHEN r.period IN ({marks(m.periods)}) THEN r.value END) AS sa",
            f"COUNT(CASE WHEN r.period IN ({marks(m.periods)}) THEN r.value END) AS na"]
    params = [*uparams, *m.periods, *m.periods]
    if need_b:
        cols += [f"SUM(CASE WHEN r.period IN ({marks(mb.periods)}) THEN r.value END) AS sb",
                 f"COUNT(CASE WHEN r.period IN ({marks(mb.periods)}) THEN r.value END) AS nb"]
        params += [*mb.periods, *mb.periods]
    rollup_cols = ", ".join(cols)
    if sparse:
        region = Region._meta.db_table
        ab = (f"ab AS (SELECT r.region_id AS id, g.code AS code, {rollup_cols} FROM {rollup} r "
              f"JOIN {region} g ON g.id = r.region_id "
              f"WHERE r.indicator_id = %s AND r.period IN ({marks(periods)}) AND r.value IS NOT NULL "
              # unary + keeps SQLite on the (indicator, period, level) index instead of a probe per unit
              f"AND +r.region_id IN (SELECT id FROM units) GROUP BY r.region_id, g.code)")
    else:
        # the units drive: each probes the rollups' (region, indicator, period) key, and the LEFT JOIN keeps
        # that order on SQLite and PostgreSQL alike (left to itself SQLite skip-scanned the key over every
        # region, or joined a second pass without an index); units without a figure get a = NULL (无数据)
        ab = (f"ab AS (SELECT units.id, units.code, {rollup_cols} FROM units LEFT JOIN {rollup} r "
              f"ON r.region_id = units.id AND r.indicator_id = %s AND r.period IN ({marks(periods)}) "
              f"AND r.value IS NOT NULL "
              f"GROUP BY units.id, units.code)")
    params += [target.indicator_id, *periods]

    def measured(s: str, n: str, full: int) -> str:
        return f"(CASE WHEN ab.{n} > 0 THEN ab.{s} * {full} / ab.{n} END)" if full else \
            f"(CASE WHEN ab.{n} > 0 THEN ab.{s} END)"

    a_expr = measured("sa", "na", m.full)
    b_expr = measured("sb", "nb", mb.full) if need_b else "%s"
    v = f"v AS (SELECT ab.id, ab.code, {a_expr} AS a, {b_expr} AS b FROM ab)"
    if not need_b:
        params.append(rule.fixed_baseline)
    return f"WITH units (id, code) AS MATERIALIZED ({usql}), {ab}, {v}", params


def _f(x) -> float | None:
    return None if x is None else float(x)


def unit_states(target: Target, period: Period | str, units: RegionQuerySet, *,
                fixed_baseline: float | None = None) -> dict[str, tuple[str, float | None, float | None]]:
    """{unit code: (state, a, b)} for every unit of `units`, in one statement (relative targets: one read)."""
    rule = rule_for(target, period, fixed_baseline=fixed_baseline)
    if target.kind == Target.Kind.RELATIVE:
        return {e.region.code: (e.state, e.actual, None) for e in _relative(target, list(units), rule.tp)}
    cte, params = _values_cte(target, rule, units)
    case, cparams = rule.state_sql()
    with connection.cursor() as c:
        c.execute(f"{cte} SELECT code, {case}, a, b FROM v", [*params, *cparams])
        # floats whatever the driver returns (PostgreSQL gives numeric for the bound baseline)
        return {code: (st, _f(a), _f(b)) for code, st, a, b in c.fetchall()}


def state_counts(target: Target, period: Period | str, units: RegionQuerySet, group_len: int, *,
                 fixed_baseline: float | None = None) -> dict[str, tuple[dict[str, int], dict[str, str]]]:
    """{group prefix: ({state: n}, {state: first unit code})} — one GROUP BY over the unit states."""
    tp = period if isinstance(period, Period) else Period.parse(period)
    out: dict[str, tuple[dict[str, int], dict[str, str]]] = defaultdict(lambda: ({}, {}))
    if target.kind == Target.Kind.RELATIVE:
        for code, (st, _, _) in sorted(unit_states(target, tp, units).items()):
            counts, first = out[code[:group_len]]
            counts[st] = counts.get(st, 0) + 1
            first.setdefault(st, code)
        return dict(out)
    rule = rule_for(target, tp, fixed_baseline=fixed_baseline)
    cte, params = _values_cte(target, rule, units, sparse=True)
    case, cparams = rule.state_sql()
    n = int(group_len)
    # the states of the units with figures, and every group's number of units (the rest are 无数据)
    sql = (f"{cte}, s AS (SELECT code, {case} AS st FROM v) "
           f"SELECT SUBSTR(code, 1, {n}) AS g, st, COUNT(*), MIN(code) FROM s GROUP BY g, st "
           f"UNION ALL SELECT SUBSTR(code, 1, {n}) AS g, NULL, COUNT(*), MIN(code) FROM units GROUP BY g")
    totals: dict[str, tuple[int, str]] = {}
    with connection.cursor() as c:
        c.execute(sql, [*params, *cparams])
        for g, st, k, first_code in c.fetchall():
            if st is None:
                totals[g] = (k, first_code)
            else:
                out[g][0][st] = k
                out[g][1][st] = first_code
    for g, (total, first_code) in totals.items():
        counts, first = out[g]
        missing = total - sum(counts.values())
        if missing:
            counts[NO_DATA] = counts.get(NO_DATA, 0) + missing
            # the first unit without a figure is only named when it is the group's one unit
            first[NO_DATA] = min(first.get(NO_DATA, first_code), first_code) if not counts.keys() - {NO_DATA} \
                else first.get(NO_DATA, first_code)
    return dict(out)


def judge_groups(target: Target, period: Period | str, units: RegionQuerySet, groups: list[Region], *,
                 fixed_baseline: float | None = None) -> dict[str, Judged]:
    """The target's state within each group (child unit): its units' counts summarised like
    `status.summarize`; the reason of the worst unit is written for the groups behind."""
    tp = period if isinstance(period, Period) else Period.parse(period)
    by_prefix = {g.prefix: g for g in groups}
    lens = {len(p) for p in by_prefix} or {0}
    group_len = max(lens)
    counts = state_counts(target, tp, units, group_len, fixed_baseline=fixed_baseline)
    worst_codes: dict[str, str] = {}
    out: dict[str, Judged] = {}
    for prefix, g in by_prefix.items():
        c, first = counts.get(prefix.ljust(group_len, "0")[:group_len], ({}, {}))
        if not c:
            out[g.code] = Judged(NO_DATA, "范围内没有单位", {})
            continue
        n = sum(c.values())
        if n == 1:
            state = next(iter(c))
            out[g.code] = Judged(state, "", c, first)
            worst_codes[g.code] = first[state]
            continue
        state, reason = summary_state(c)
        out[g.code] = Judged(state, reason, c, first)
        worst = next((s for s in ORDER if c.get(s)), None)
        if worst in (OFF_TRACK, AT_RISK):
            worst_codes[g.code] = first[worst]
    texts = unit_reasons(target, tp, list(worst_codes.values()), fixed_baseline=fixed_baseline)
    for gcode, ucode in worst_codes.items():
        j = out[gcode]
        name, text = texts[ucode]
        j.texts[ucode] = (name, text)
        j.reason = text if sum(j.counts.values()) == 1 else f"{j.reason}。如{name}：{text}"
    return out


def unit_reasons(target: Target, period: Period, codes: list[str], *,
                 fixed_baseline: float | None = None) -> dict[str, tuple[str, str]]:
    """{code: (name, reason)} for the few units a screen names (one read for all of them)."""
    if not codes:
        return {}
    units = Region.objects.filter(code__in=codes)
    names = {r.code: r for r in units}
    if target.kind == Target.Kind.RELATIVE:
        tp = rule_for(target, period).tp
        return {e.region.code: (e.region.name, e.reason) for e in _relative(target, list(units), tp)}
    detail = unit_states(target, period, units, fixed_baseline=fixed_baseline)
    rule = rule_for(target, period, fixed_baseline=fixed_baseline)
    return {code: (names[code].name, rule.judge(names[code], a, b).reason) for code, (_, a, b) in detail.items()}


def combine(target: Target, period: Period, parts: list[Judged], *, fixed_baseline: float | None = None) -> Judged:
    """The state over the union of groups from their counts (the unit's card from its children's states:
    no second pass over the units), with the worst unit's reason like `status.summarize`."""
    counts: dict[str, int] = defaultdict(int)
    first: dict[str, str] = {}
    known = {code: text for j in parts for code, text in j.texts.items()}

    def reason(code: str) -> tuple[str, str]:  # the groups' worst units are written already
        return known[code] if code in known else \
            unit_reasons(target, period, [code], fixed_baseline=fixed_baseline)[code]

    for j in parts:
        for st, n in j.counts.items():
            counts[st] += n
        for st, code in j.first.items():
            if st not in first or code < first[st]:
                first[st] = code
    if not counts:
        return Judged(NO_DATA, "范围内没有单位", {})
    if sum(counts.values()) == 1:
        state = next(iter(counts))
        name, text = reason(first[state])
        return Judged(state, text, dict(counts), first)
    state, summary = summary_state(counts)
    worst = next((s for s in ORDER if counts.get(s)), None)
    if worst in (OFF_TRACK, AT_RISK):
        name, text = reason(first[worst])
        summary += f"。如{name}：{text}"
    return Judged(state, summary, dict(counts), first)
