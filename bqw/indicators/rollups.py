"""The rollup engine: every write keeps (unit, indicator, period) rows current up to the province.

Model (see docs/DESIGN.md): a Rollup row holds `own` (the unit's own reported value, derived in time from
its own months by the indicator's temporal rule), `agg` (the aggregate of its children's rows by the
indicator's rule), and `value = COALESCE(own, agg)`. Parts kept for upkeep: `n` (children with a value, or
units meeting/considered for count_where/share_where), `hits` (units meeting the threshold), `num`/`den`
(ratio parts).

- Time first, then space: a unit's quarter/year `own` comes from its own months (flow: sum, stock: last);
  every period is then aggregated over children independently (so "share of villages whose *annual* income
  ≥ 10万" is right).
- `sum/mean/min/max` aggregate the children's `value`; `count_where/share_where` sum `hits`/`n` from the
  source indicator's reporting level upward; `ratio` is computed at every unit from the numerator's and the
  denominator's rows of that same unit (Σ numerator ÷ Σ denominator × factor).
- A write touches one leaf and ≤ 4 ancestors: per ancestor one set-based INSERT … SELECT … GROUP BY …
  ON CONFLICT DO UPDATE over its children's rows (all affected indicators and periods at once).
  On PostgreSQL each ancestor's rows are locked (a no-op upsert) *before* its aggregate statement, so
  the aggregate's snapshot includes every concurrent writer that held the lock first — no lost updates
  under READ COMMITTED; locks are taken bottom-up in one order, so writers cannot deadlock.
- `rollup_rebuild` recomputes whole indicators / subtrees / years with a handful of set-based statements
  (used after bulk loads).

All SQL is portable between SQLite (≥ 3.35) and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import connection
from django.db.models import Q

from bqw.core.periods import Period
from bqw.regions.models import Region, code_range

from .models import DataValue, Indicator, Rollup

R = Rollup._meta.db_table
DV = DataValue._meta.db_table
IND = Indicator._meta.db_table
RG = Region._meta.db_table

COLS = "region_id, parent_id, level, indicator_id, period, value, own, agg, n, hits, num, den, simulated"
CONFLICT = "ON CONFLICT (region_id, indicator_id, period) DO UPDATE SET"
BASE = ("sum", "mean", "min", "max")
WHERE_RULES = ("count_where", "share_where")
TRUE, FALSE = "(1=1)", "(1=0)"


def _in(values: Sequence) -> str:
    return ",".join(["%s"] * len(values))


def _exec(sql: str, params: Sequence = ()) -> int:
    with connection.cursor() as cur:
        cur.execute(sql, list(params))
        return cur.rowcount


def _is_pg() -> bool:
    return connection.vendor == "postgresql"


# ------------------------------------------------------------------ statement builders

_AGG = ("CAST(CASE MAX(ind.rule) WHEN 'sum' THEN SUM(c.value) WHEN 'mean' THEN AVG(c.value) "
        "WHEN 'min' THEN MIN(c.value) WHEN 'max' THEN MAX(c.value) "
        "WHEN 'count_where' THEN SUM(c.hits) "
        "ELSE CASE WHEN SUM(c.n) > 0 THEN 100.0 * SUM(c.hits) / SUM(c.n) END END AS DOUBLE PRECISION)")
_N = "CASE WHEN MAX(ind.rule) IN ('count_where', 'share_where') THEN SUM(c.n) ELSE COUNT(c.value) END"
_SIM = f"CASE WHEN MAX(CASE WHEN c.simulated THEN 1 ELSE 0 END) = 1 THEN {TRUE} ELSE {FALSE} END"


def _aggregate(where: str, params: Sequence) -> int:
    """Recompute parents from their children's rows: one INSERT … SELECT … GROUP BY for all matches.

    `where` filters children `c`, their parent region `p` and the indicator `ind`."""
    sql = (f"INSERT INTO {R} ({COLS}) "
           f"SELECT c.parent_id, p.parent_id, p.level, c.indicator_id, c.period, {_AGG}, NULL, {_AGG}, {_N}, "
           f"COALESCE(SUM(c.hits), 0), NULL, NULL, {_SIM} "
           f"FROM {R} c JOIN {RG} p ON p.id = c.parent_id JOIN {IND} ind ON ind.id = c.indicator_id "
           f"WHERE {where} "
           f"GROUP BY c.parent_id, p.parent_id, p.level, c.indicator_id, c.period "
           f"{CONFLICT} agg = excluded.agg, n = excluded.n, hits = excluded.hits, "
           f"value = COALESCE({R}.own, excluded.agg), "
           f"simulated = CASE WHEN {R}.own IS NULL THEN excluded.simulated ELSE {R}.simulated END")
    return _exec(sql, params)


_HIT = ("CASE WHEN s.value IS NOT NULL AND ("
        "(ind.comparator = '>=' AND s.value >= ind.threshold) OR (ind.comparator = '>' AND s.value > ind.threshold) "
        "OR (ind.comparator = '=' AND s.value = ind.threshold) OR (ind.comparator = '<=' AND s.value <= ind.threshold) "
        "OR (ind.comparator = '<' AND s.value < ind.threshold)) THEN 1 ELSE 0 END")
_WHERE_VALUE = (f"CAST(CASE WHEN s.value IS NULL THEN NULL WHEN ind.rule = 'count_where' THEN {_HIT} "
                f"ELSE 100 * {_HIT} END AS DOUBLE PRECISION)")


def _where_leaves(where: str, params: Sequence) -> int:
    """count_where/share_where rows of units at the source indicator's reporting level."""
    sql = (f"INSERT INTO {R} ({COLS}) "
           f"SELECT s.region_id, s.parent_id, s.level, ind.id, s.period, {_WHERE_VALUE}, NULL, {_WHERE_VALUE}, "
           f"CASE WHEN s.value IS NULL THEN 0 ELSE 1 END, {_HIT}, NULL, NULL, s.simulated "
           f"FROM {IND} ind JOIN {IND} src ON src.id = ind.source_id "
           f"JOIN {R} s ON s.indicator_id = src.id AND s.level = src.level "
           f"WHERE ind.rule IN ('count_where', 'share_where') AND {where} "
           f"{CONFLICT} value = excluded.value, agg = excluded.agg, n = excluded.n, hits = excluded.hits, "
           f"simulated = excluded.simulated")
    return _exec(sql, params)


_RATIO = ("CAST(CASE WHEN d.value IS NULL OR d.value = 0 OR nu.value IS NULL THEN NULL "
          "ELSE nu.value / d.value * CAST(ind.factor AS DOUBLE PRECISION) END AS DOUBLE PRECISION)")


def _ratios(where: str, params: Sequence) -> int:
    """ratio rows at every matching unit from the same unit's numerator and denominator rows."""
    sql = (f"INSERT INTO {R} ({COLS}) "
           f"SELECT d.region_id, d.parent_id, d.level, ind.id, d.period, {_RATIO}, NULL, {_RATIO}, 0, 0, "
           f"nu.value, d.value, CASE WHEN d.simulated OR COALESCE(nu.simulated, d.simulated) "
           f"THEN {TRUE} ELSE {FALSE} END "
           f"FROM {IND} ind JOIN {R} d ON d.indicator_id = ind.denominator_id "
           f"LEFT JOIN {R} nu ON nu.indicator_id = ind.numerator_id AND nu.region_id = d.region_id "
           f"AND nu.period = d.period "
           f"WHERE ind.rule = 'ratio' AND {where} "
           f"{CONFLICT} value = excluded.value, agg = excluded.agg, num = excluded.num, den = excluded.den, "
           f"simulated = excluded.simulated")
    return _exec(sql, params)


def _lock_rows(region: Region, indicator_ids: Sequence[int], periods: Sequence[str]) -> None:
    """Create-or-lock an ancestor's rows before aggregating into them (PostgreSQL concurrency, see above)."""
    if not _is_pg():
        return  # SQLite writers are serialised by the database lock
    rows, params = [], []
    for i in sorted(indicator_ids):
        for p in sorted(periods):
            rows.append("(%s, %s, %s, %s, %s, NULL, NULL, NULL, 0, 0, NULL, NULL, FALSE)")
            params += [region.id, region.parent_id, region.level, i, p]
    _exec(f"INSERT INTO {R} ({COLS}) VALUES {', '.join(rows)} {CONFLICT} n = {R}.n", params)


# ------------------------------------------------------------------ incremental upkeep on a write


def _own_values(indicator: Indicator, rows: list[tuple[str, Decimal, bool]], targets: list[Period]
                ) -> list[tuple[str, float | None, bool]]:
    """The unit's own value for each period from its reported rows of that year (temporal rule)."""
    by_period = {p: (v, s) for p, v, s in rows}
    out = []
    for t in targets:
        if t.kind == indicator.periodicity:
            v, s = by_period.get(t.id, (None, False))
            out.append((t.id, None if v is None else float(v), bool(s)))
            continue
        native = t.months() if indicator.periodicity == "M" else [q for q in _quarters(t)]
        got = [(p.id, by_period[p.id]) for p in native if p.id in by_period]
        if not got:
            out.append((t.id, None, False))
        elif indicator.temporal == Indicator.Temporal.FLOW:
            out.append((t.id, float(sum(v for _, (v, _) in got)), any(s for _, (_, s) in got)))
        else:
            _, (v, s) = max(got)
            out.append((t.id, float(v), bool(s)))
    return out


def _quarters(year: Period) -> list[Period]:
    return [Period(year.year, "Q", q) for q in range(1, 5)]


def ancestors_of(region: Region) -> list[Region]:
    """Parent, grandparent … province (one query by code prefixes, plus the parent if it skips a level)."""
    from bqw.regions.selectors import region_ancestors

    return list(reversed(region_ancestors(region)))


def _dependents(indicator: Indicator) -> tuple[list[Indicator], list[Indicator]]:
    deps = list(Indicator.objects.filter(rule__in=["ratio", *WHERE_RULES]).filter(
        _dep_q({indicator.id})).select_related("source"))
    return [d for d in deps if d.rule == "ratio"], [d for d in deps if d.rule in WHERE_RULES]


def refresh_after_write(region: Region, indicator: Indicator, period: Period, *,
                        chain: list[Region] | None = None) -> None:
    """Bring every rollup the value (region, indicator, period) feeds up to date, in the caller's transaction.

    Leaf: 1 read of the unit's rows of that year + 1 upsert; then per ancestor (≤ 4) one lock and one
    aggregate statement over its children; then dependent ratio/share indicators, set-based."""
    periods = indicator.periods_of(period)
    pids = [p.id for p in periods]
    year = str(period.year)
    rows = list(DataValue.objects.filter(region_id=region.id, indicator_id=indicator.id, period__gte=year,
                                         period__lt=str(period.year + 1)).values_list("period", "value",
                                                                                      "is_simulated"))
    own = _own_values(indicator, rows, periods)
    values, params = [], []
    for pid, v, s in own:
        values.append("(%s, %s, %s, %s, %s, %s, %s, NULL, 0, 0, NULL, NULL, %s)")
        params += [region.id, region.parent_id, region.level, indicator.id, pid, v, v, s]
    _exec(f"INSERT INTO {R} ({COLS}) VALUES {', '.join(values)} {CONFLICT} own = excluded.own, "
          f"value = COALESCE(excluded.own, {R}.agg), "
          f"simulated = CASE WHEN excluded.own IS NULL THEN {R}.simulated ELSE excluded.simulated END", params)
    chain = ancestors_of(region) if chain is None else chain
    ratios, wheres = _dependents(indicator)
    units = [region, *chain]

    def share_leaf(unit: Region) -> None:
        here = [d.id for d in wheres if d.source.level == unit.level]
        if here:
            _where_leaves(f"ind.id IN ({_in(here)}) AND s.region_id = %s AND s.period IN ({_in(pids)})",
                          [*here, unit.id, *pids])

    share_leaf(region)
    for a in chain:
        ids = [indicator.id, *[d.id for d in wheres if d.source.level > a.level]]
        _lock_rows(a, ids, pids)
        _aggregate(f"c.parent_id = %s AND c.indicator_id IN ({_in(ids)}) AND c.period IN ({_in(pids)})",
                   [a.id, *ids, *pids])
        share_leaf(a)
    if ratios:
        rids = [d.id for d in ratios]
        _ratios(f"ind.id IN ({_in(rids)}) AND d.region_id IN ({_in(units)}) AND d.period IN ({_in(pids)})",
                [*rids, *[u.id for u in units], *pids])


# ------------------------------------------------------------------ set-based rebuild


def _qkey(col: str) -> str:
    return (f"SUBSTR({col}, 1, 4) || 'Q' || "
            f"CAST((CAST(SUBSTR({col}, 5, 2) AS INTEGER) + 2) / 3 AS VARCHAR(1))")


def _ykey(col: str) -> str:
    return f"SUBSTR({col}, 1, 4)"


def _own_rows(flt: str, params: list) -> None:
    """Own rows: the reported periods as they are, then quarters/years derived by each temporal rule."""
    _exec(f"INSERT INTO {R} ({COLS}) SELECT dv.region_id, rg.parent_id, rg.level, dv.indicator_id, dv.period, "
          f"dv.value, dv.value, NULL, 0, 0, NULL, NULL, dv.is_simulated "
          f"FROM {DV} dv JOIN {RG} rg ON rg.id = dv.region_id JOIN {IND} ind ON ind.id = dv.indicator_id "
          f"WHERE ind.rule IN ('sum', 'mean', 'min', 'max') AND {flt}", params)
    for native, key in (("M", _qkey("dv.period")), ("M", _ykey("dv.period")), ("Q", _ykey("dv.period"))):
        base = (f"FROM {DV} dv JOIN {RG} rg ON rg.id = dv.region_id JOIN {IND} ind ON ind.id = dv.indicator_id "
                f"WHERE ind.rule IN ('sum', 'mean', 'min', 'max') AND ind.periodicity = '{native}' AND {flt}")
        sim = f"CASE WHEN MAX(CASE WHEN dv.is_simulated THEN 1 ELSE 0 END) = 1 THEN {TRUE} ELSE {FALSE} END"
        _exec(f"INSERT INTO {R} ({COLS}) SELECT dv.region_id, rg.parent_id, rg.level, dv.indicator_id, {key}, "
              f"SUM(dv.value), SUM(dv.value), NULL, 0, 0, NULL, NULL, {sim} {base} AND ind.temporal = 'flow' "
              f"GROUP BY dv.region_id, rg.parent_id, rg.level, dv.indicator_id, {key}", params)
        _exec(f"INSERT INTO {R} ({COLS}) SELECT dv.region_id, rg.parent_id, rg.level, dv.indicator_id, last.pk, "
              f"dv.value, dv.value, NULL, 0, 0, NULL, NULL, dv.is_simulated "
              f"FROM (SELECT dv.region_id AS rid, dv.indicator_id AS iid, {key} AS pk, MAX(dv.period) AS mp "
              f"{base} AND ind.temporal = 'stock' GROUP BY dv.region_id, dv.indicator_id, {key}) last "
              f"JOIN {DV} dv ON dv.region_id = last.rid AND dv.indicator_id = last.iid AND dv.period = last.mp "
              f"JOIN {RG} rg ON rg.id = dv.region_id", params)


def with_dependents(indicators: Iterable[Indicator]) -> list[Indicator]:
    """The given indicators plus the ratio/share indicators computed from them."""
    ids = {i.id for i in indicators}
    extra = Indicator.objects.filter(_dep_q(ids)).exclude(id__in=ids)
    return [*Indicator.objects.filter(id__in=ids), *extra]


def _dep_q(ids: set[int]) -> Q:
    return Q(numerator_id__in=ids) | Q(denominator_id__in=ids) | Q(source_id__in=ids)


def rollup_rebuild(indicator: Indicator | Iterable[Indicator] | None = None, region: Region | None = None,
                   periods: Iterable[str | Period] | None = None) -> int:
    """Recompute rollups set-based (after COPY/bulk_create, or to repair): for all or some indicators
    (their ratio/share dependents included), the subtree of `region` (default: everything; its ancestors are
    then refreshed too) and the years of `periods` (default: all). Returns the number of rows written.

    Call inside a transaction for an all-or-nothing rebuild. Cost: ~ a dozen statements, each linear in the
    rows touched; no per-unit work in Python."""
    if indicator is None:
        inds = list(Indicator.objects.all())
    else:
        inds = with_dependents([indicator] if isinstance(indicator, Indicator) else list(indicator))
    if not inds:
        return 0
    ids = [i.id for i in inds]
    years = sorted({(Period.parse(p) if not isinstance(p, Period) else p).year for p in periods}) if periods else []
    province = region is None or region.parent_id is None

    def flt(ind_col: str, period_col: str, region_code_col: str | None) -> tuple[str, list]:
        parts, params = [f"{ind_col} IN ({_in(ids)})"], list(ids)
        if years:
            parts.append(f"SUBSTR({period_col}, 1, 4) IN ({_in(years)})")
            params += [str(y) for y in years]
        if not province and region_code_col:
            lo, hi = code_range(region.prefix)
            parts.append(f"{region_code_col} BETWEEN %s AND %s")
            params += [lo, hi]
        return " AND ".join(parts), params

    written = 0
    # 1. delete what will be recomputed
    where, params = flt("indicator_id", "period", None)
    if not province:
        lo, hi = code_range(region.prefix)
        where += f" AND region_id IN (SELECT id FROM {RG} WHERE code BETWEEN %s AND %s)"
        params += [lo, hi]
    _exec(f"DELETE FROM {R} WHERE {where}", params)
    # 2. own rows (reported, then derived in time)
    where, params = flt("dv.indicator_id", "dv.period", "rg.code")
    _own_rows(where, params)
    # 3. base rules, bottom-up by parent level
    lowest = region.level if not province else 1
    for level in range(4, lowest - 1, -1):
        where, params = flt("c.indicator_id", "c.period", "p.code")
        written += _aggregate(f"p.level = %s AND ind.rule IN ('sum', 'mean', 'min', 'max') AND {where}",
                              [level, *params])
    # 4. count_where / share_where: leaves at the source level, then upward
    if any(i.rule in WHERE_RULES for i in inds):
        where, params = flt("ind.id", "s.period", None)
        if not province:
            lo, hi = code_range(region.prefix)
            where += f" AND s.region_id IN (SELECT id FROM {RG} WHERE code BETWEEN %s AND %s)"
            params += [lo, hi]
        written += _where_leaves(where, params)
        for level in range(4, lowest - 1, -1):
            where, params = flt("c.indicator_id", "c.period", "p.code")
            written += _aggregate(f"p.level = %s AND ind.rule IN ('count_where', 'share_where') AND {where}",
                                  [level, *params])
    # 5. ratios at every unit
    if any(i.rule == "ratio" for i in inds):
        where, params = flt("ind.id", "d.period", None)
        if not province:
            lo, hi = code_range(region.prefix)
            where += f" AND d.region_id IN (SELECT id FROM {RG} WHERE code BETWEEN %s AND %s)"
            params += [lo, hi]
        written += _ratios(where, params)
    # 6. a subtree rebuild refreshes its ancestors from their children, all periods of the years at once
    if not province:
        chain = ancestors_of(region)
        for a in chain:
            where, params = flt("c.indicator_id", "c.period", None)
            written += _aggregate(f"c.parent_id = %s AND ind.rule <> 'ratio' AND {where}", [a.id, *params])
        ratio_ids = [i.id for i in inds if i.rule == "ratio"]
        if ratio_ids and chain:
            where, params = flt("ind.id", "d.period", None)
            written += _ratios(f"d.region_id IN ({_in(chain)}) AND {where}", [*[a.id for a in chain], *params])
    return written
