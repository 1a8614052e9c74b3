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
- A write touches one leaf and ≤ 4 ancestors, recounted per ancestor with one set-based INSERT … SELECT …
  GROUP BY … ON CONFLICT DO UPDATE over its children's rows (all affected indicators and periods at once).
  On PostgreSQL each ancestor's rows are locked (an upsert that creates missing rows and only locks the
  others) *before* its aggregate statement, so the aggregate's snapshot includes every concurrent writer that held
  the lock first — no lost updates under READ COMMITTED; locks are taken bottom-up in one order, so writers
  cannot deadlock. (Delta upkeep — the additive rules passing (new − old) to every ancestor in one UPDATE —
  is kept behind `DELTAS_ON_POSTGRESQL`, off: measured slower, see there.)
- `rollup_rebuild` recomputes whole indicators / subtrees / years with a handful of set-based statements
  (used after bulk loads).

All SQL is portable between SQLite (≥ 3.35) and PostgreSQL.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Q

from bqw.core.comparators import sql_holds
from bqw.core.periods import Period
from bqw.regions.models import Region, code_range

from .models import DataValue, Indicator, Rollup

# table names, as the SQL below reads them
ROLLUPS = Rollup._meta.db_table
DATAVALUES = DataValue._meta.db_table
INDICATORS = Indicator._meta.db_table
REGIONS = Region._meta.db_table

COLS = ("region_id, parent_id, level, indicator_id, period, value, own, agg, n, hits, num, den, simulated, "
        "pending, pending_agg")
CONFLICT = "ON CONFLICT (region_id, indicator_id, period) DO UPDATE SET"
BASE = ("sum", "mean", "min", "max")
WHERE_RULES = ("count_where", "share_where")
TRUE, FALSE = "(1=1)", "(1=0)"
APPROVED = DataValue.State.APPROVED.value


def _in(values: Sequence) -> str:
    return ",".join(["%s"] * len(values))


def _exec(sql: str, params: Sequence = ()) -> int:
    with connection.cursor() as cur:
        _execute(cur, sql, params)
        return cur.rowcount


def _rows(sql: str, params: Sequence = ()) -> list[tuple]:
    with connection.cursor() as cur:
        _execute(cur, sql, params)
        return cur.fetchall()


def _execute(cur, sql: str, params: Sequence) -> None:
    """Run one upkeep statement with its numbers written into the SQL when they are all plain.

    A form's statements carry thousands of parameters (a row of 5–9 per ancestor row); the driver's
    client-side binding re-parses such a statement in Python on every call (psycopg's query split: ≈ 15 ms
    for the delta UPDATE of one form, more than the database needs to run it). Ids, counts, floats,
    booleans and period ids cannot carry SQL, so they are inlined; anything else is bound as before."""
    if not _is_pg():  # sqlite3 binds in C
        cur.execute(sql, list(params))
        return
    parts = sql.split("%s")
    literals = [_literal(v) for v in params] if len(parts) == len(params) + 1 and "%" not in sql.replace("%s", "") \
        else [None]
    if None in literals:
        cur.execute(sql, list(params))
        return
    out = [parts[0]]
    for lit, part in zip(literals, parts[1:], strict=True):
        out += [lit, part]
    cur.execute("".join(out))


_PLAIN = re.compile(r"[0-9A-Za-z_]+")


def _literal(v: object) -> str | None:
    """SQL text of a value that cannot carry SQL (None, bool, int, finite float/Decimal, a period id), else None."""
    t = type(v)
    if t is int:
        return str(v)
    if t is str:
        return f"'{v}'" if _PLAIN.fullmatch(v) else None
    if t is float:
        return repr(v) if math.isfinite(v) else None
    if v is None:
        return "NULL"
    if t is bool:
        return "TRUE" if v else "FALSE"
    if t is Decimal:
        return str(v) if v.is_finite() else None
    return None


def _is_pg() -> bool:
    return connection.vendor == "postgresql"


# ------------------------------------------------------------------ statement builders

# A row's weight in a `mean`: the number of reporting units it stands for (n of an aggregated row, 1 for a
# unit's own figure), so a parent's mean is Σ(value × n) ÷ Σ n over the leaf units — the mean of all its
# villages, not the mean of its towns' means.
_MEAN_WEIGHT = "(CASE WHEN c.value IS NULL THEN 0 WHEN c.n > 0 THEN c.n ELSE 1 END)"
_AGGREGATE = ("CAST(CASE MAX(ind.rule) WHEN 'sum' THEN SUM(c.value) "
        f"WHEN 'mean' THEN SUM(c.value * {_MEAN_WEIGHT}) / NULLIF(SUM({_MEAN_WEIGHT}), 0) "
        "WHEN 'min' THEN MIN(c.value) WHEN 'max' THEN MAX(c.value) "
        "WHEN 'count_where' THEN SUM(c.hits) "
        "ELSE CASE WHEN SUM(c.n) > 0 THEN 100.0 * SUM(c.hits) / SUM(c.n) END END AS DOUBLE PRECISION)")
_UNITS = f"CASE WHEN MAX(ind.rule) IN ('count_where', 'share_where') THEN SUM(c.n) ELSE SUM({_MEAN_WEIGHT}) END"
_ANY_SIMULATED = f"CASE WHEN MAX(CASE WHEN c.simulated THEN 1 ELSE 0 END) = 1 THEN {TRUE} ELSE {FALSE} END"
# Overlays never add into an administrative parent: a special zone (kind zone) and a quasi unit (林场, 监狱…)
# sit inside a county's code range but are not part of its administrative count — adding them would count
# their villages twice (zones) or add units the official figures leave out (quasi). They keep their own
# rollups (their own children do add into them). Tested on the child's region row (a primary-key lookup).
def _counted(parent_is_admin: str) -> str:
    return f"(cr.kind = 'admin' OR NOT ({parent_is_admin}))"


_COUNTED = _counted("p.kind = 'admin'")


def _aggregate(where: str, params: Sequence) -> int:
    """Recompute parents from their children's rows: one INSERT … SELECT … GROUP BY for all matches.

    `where` filters children `c`, their parent region `p` and the indicator `ind`."""
    return _exec(_aggregate_sql(
        "c.parent_id, p.parent_id, p.level, c.indicator_id, c.period",
        f"{ROLLUPS} c JOIN {REGIONS} p ON p.id = c.parent_id JOIN {REGIONS} cr ON cr.id = c.region_id "
        f"JOIN {INDICATORS} ind ON ind.id = c.indicator_id", f"{where} AND {_COUNTED}"), params)


def _aggregate_parents(group: list[tuple[Region, set[int], set[str]]]) -> int:
    """`_aggregate` for these parents' (indicator, period) rows, read on the (parent, period, indicator) index.

    SQLite: lists of parents, indicators and periods, the indicator hidden ("+ 0") so that it stays on that index.
    PostgreSQL: with such lists its planner either took the (indicator, period, level) index for a month without
    statistics yet (every unit's rows of the indicator) or, with the indicator hidden, read every indicator's rows
    of a town's villages (≈ 2,300 pages, 7 ms of a single write). So there the exact keys are joined from arrays,
    each an equality lookup on the parent's index; the parent's fields travel with the key, which keeps the join
    short enough to plan in under a millisecond (≈ 2.3 ms with the parent joined)."""
    if not _is_pg():
        ids = sorted({i for _, iids, _ in group for i in iids})
        pids = sorted({p for _, _, ps in group for p in ps})
        return _aggregate(f"c.parent_id IN ({_in(group)}) AND (c.indicator_id + 0) IN ({_in(ids)}) "
                          f"AND c.period IN ({_in(pids)})", [*[a.id for a, _, _ in group], *ids, *pids])
    admin = Region.Kind.ADMINISTRATIVE
    keys = sorted((a.id, a.parent_id, a.level, a.kind == admin, i, p) for a, iids, pids in group
                  for i in iids for p in pids)
    if not keys:
        return 0
    return _exec(_aggregate_sql(
        "k.region_id, k.parent_id, k.level, k.indicator_id, k.period",
        "unnest(%s::bigint[], %s::bigint[], %s::smallint[], %s::boolean[], %s::bigint[], %s::text[]) "
        "AS k(region_id, parent_id, level, admin, indicator_id, period) "
        f"JOIN {ROLLUPS} c ON c.parent_id = k.region_id AND c.indicator_id = k.indicator_id AND c.period = k.period "
        f"JOIN {REGIONS} cr ON cr.id = c.region_id JOIN {INDICATORS} ind ON ind.id = k.indicator_id",
        _counted("k.admin")), [list(col) for col in zip(*keys, strict=True)])


def _aggregate_sql(key: str, source: str, where: str) -> str:
    """The aggregate statement: `key` names the parent row (unit, its parent, level, indicator, period), `source`
    holds the children `c`, the child's region `cr` and the indicator `ind`."""
    return (f"INSERT INTO {ROLLUPS} ({COLS}) "
            f"SELECT {key}, {_AGGREGATE}, NULL, {_AGGREGATE}, {_UNITS}, "
            f"COALESCE(SUM(c.hits), 0), NULL, NULL, {_ANY_SIMULATED}, SUM(c.pending), SUM(c.pending) "
            f"FROM {source} WHERE {where} GROUP BY {key} "
            f"{CONFLICT} agg = excluded.agg, n = excluded.n, hits = excluded.hits, "
            f"value = COALESCE({ROLLUPS}.own, excluded.agg), pending_agg = excluded.pending_agg, "
            f"pending = CASE WHEN {ROLLUPS}.own IS NULL THEN excluded.pending_agg ELSE {ROLLUPS}.pending END, "
            f"simulated = CASE WHEN {ROLLUPS}.own IS NULL THEN excluded.simulated ELSE {ROLLUPS}.simulated END")


_HIT = f"CASE WHEN s.value IS NOT NULL AND {sql_holds('s.value', 'ind.comparator', 'ind.threshold')} THEN 1 ELSE 0 END"
_PENDING_S = "CASE WHEN s.value IS NULL THEN 0 ELSE s.pending END"
_WHERE_VALUE = (f"CAST(CASE WHEN s.value IS NULL THEN NULL WHEN ind.rule = 'count_where' THEN {_HIT} "
                f"ELSE 100 * {_HIT} END AS DOUBLE PRECISION)")


def _where_leaves(where: str, params: Sequence) -> int:
    """count_where/share_where rows of units at the source indicator's reporting level."""
    sql = (f"INSERT INTO {ROLLUPS} ({COLS}) "
           f"SELECT s.region_id, s.parent_id, s.level, ind.id, s.period, {_WHERE_VALUE}, NULL, {_WHERE_VALUE}, "
           f"CASE WHEN s.value IS NULL THEN 0 ELSE 1 END, {_HIT}, NULL, NULL, s.simulated, {_PENDING_S}, {_PENDING_S} "
           f"FROM {INDICATORS} ind JOIN {INDICATORS} src ON src.id = ind.source_id "
           f"JOIN {ROLLUPS} s ON s.indicator_id = src.id AND s.level = src.level "
           f"WHERE ind.rule IN ('count_where', 'share_where') AND {where} "
           f"{CONFLICT} value = excluded.value, agg = excluded.agg, n = excluded.n, hits = excluded.hits, "
           f"simulated = excluded.simulated, pending = excluded.pending, pending_agg = excluded.pending_agg")
    return _exec(sql, params)


_RATIO = ("CAST(CASE WHEN d.value IS NULL OR d.value = 0 OR nu.value IS NULL THEN NULL "
          "ELSE nu.value / d.value * CAST(ind.factor AS DOUBLE PRECISION) END AS DOUBLE PRECISION)")

# a ratio without a value includes nothing
_PENDING_R = f"(CASE WHEN {_RATIO} IS NULL THEN 0 ELSE d.pending + COALESCE(nu.pending, 0) END)"


def _ratios(where: str, params: Sequence) -> int:
    """ratio rows at every matching unit from the same unit's numerator and denominator rows."""
    sql = (f"INSERT INTO {ROLLUPS} ({COLS}) "
           f"SELECT d.region_id, d.parent_id, d.level, ind.id, d.period, {_RATIO}, NULL, {_RATIO}, 0, 0, "
           f"nu.value, d.value, CASE WHEN d.simulated OR COALESCE(nu.simulated, d.simulated) "
           f"THEN {TRUE} ELSE {FALSE} END, {_PENDING_R}, {_PENDING_R} "
           f"FROM {INDICATORS} ind JOIN {ROLLUPS} d ON d.indicator_id = ind.denominator_id "
           f"LEFT JOIN {ROLLUPS} nu ON nu.indicator_id = ind.numerator_id AND nu.region_id = d.region_id "
           f"AND nu.period = d.period "
           f"WHERE ind.rule = 'ratio' AND {where} "
           f"{CONFLICT} value = excluded.value, agg = excluded.agg, num = excluded.num, den = excluded.den, "
           f"simulated = excluded.simulated, pending = excluded.pending, pending_agg = excluded.pending_agg")
    return _exec(sql, params)


# ------------------------------------------------------------------ incremental upkeep on a write


def _own_values(indicator: Indicator, rows: list[tuple[str, Decimal, bool, bool]], targets: list[Period]
                ) -> list[tuple[str, float | None, bool, int]]:
    """The unit's own value for each period from its reported rows (period, value, simulated, approved) of that
    year (temporal rule): (period, value, simulated, number of the values used that are not yet approved)."""
    by_period = {p: (v, s, a) for p, v, s, a in rows}
    out = []
    for t in targets:
        if t.kind == indicator.periodicity:
            v, s, a = by_period.get(t.id, (None, False, True))
            out.append((t.id, None if v is None else float(v), bool(s), 0 if v is None or a else 1))
            continue
        native = t.months() if indicator.periodicity == "M" else [q for q in _quarters(t)]
        got = [(p.id, by_period[p.id]) for p in native if p.id in by_period]
        if not got:
            out.append((t.id, None, False, 0))
        elif indicator.temporal == Indicator.Temporal.FLOW:
            out.append((t.id, float(sum(v for _, (v, _, _) in got)), any(s for _, (_, s, _) in got),
                        sum(1 for _, (_, _, a) in got if not a)))
        else:
            _, (v, s, a) = max(got)
            out.append((t.id, float(v), bool(s), 0 if a else 1))
    return out


def _quarters(year: Period) -> list[Period]:
    return [Period(year.year, "Q", q) for q in range(1, 5)]


def ancestors_of(region: Region) -> list[Region]:
    """Parent, grandparent … province (one query by code prefixes, plus the parent if it skips a level)."""
    from bqw.regions.selectors import region_ancestors

    return list(reversed(region_ancestors(region)))


def _chains(regions: Iterable[Region]) -> dict[int, list[Region]]:
    """Parent, grandparent … province of each unit along the parent links (the links the rollup rows'
    parent_id follow; the same units as ancestors_of): walked in memory where the units come with their
    ancestors loaded (the API loads them so), else read in one query for all of them."""
    out, missing = {}, []
    for r in regions:
        chain = _walk(r, lazy=False)
        if chain is None:
            missing.append(r.id)
        else:
            out[r.id] = chain
    if missing:  # 4 links reach the province from a village
        for r in Region.objects.filter(id__in=missing).select_related("parent__parent__parent__parent"):
            out[r.id] = _walk(r, lazy=True)
    return out


def _walk(region: Region, *, lazy: bool) -> list[Region] | None:
    chain, r = [], region
    while r.parent_id is not None:
        if not lazy and not Region.parent.is_cached(r):
            return None
        r = r.parent
        chain.append(r)
    return chain


# Which upkeep a write takes. SQLite runs one writer at a time and re-aggregates an ancestor's few children
# faster than it applies deltas (their reads, lock rows and UPDATE cost ≈ 1.5× the recount per form, measured
# at city scale). On PostgreSQL the recount won too (docs/SCALING.md, "After the write-path pass"): it locks
# each level's rows just before aggregating them, the city's and the province's last, while the deltas lock
# every ancestor row, the province's included, at the start of the pass and hold them to COMMIT — month-end
# burst at city scale on 2 cores 26.8–30.5 forms/s against 23.8–25.7, rollup row-lock waits 59–61 % of backend
# samples against 74 % (three alternations); at province scale 17/s (recount) against 16.1/s (deltas) earlier.
# The delta path stays, checked against a full rebuild by the property test, for a server where it pays.
DELTAS_ON_POSTGRESQL = False


def refresh_after_writes(writes: Sequence[tuple[Region, Indicator, Period]], *,
                         chains: dict[int, list[Region]] | None = None) -> None:
    """Bring every rollup the written values feed up to date in ONE pass, in the caller's transaction.

    A unit's whole form (20 indicators) or an import of thousands of rows costs what one write costs: the written
    units' own rows are rewritten in one statement, then every ancestor is recounted from its children, level by
    level, bottom-up (`_refresh_by_recount`; on PostgreSQL each level's rows locked just before its aggregate,
    the city's and the province's last, which every form of a city shares), then the ratios at every touched
    unit from its numerator's and denominator's rows. With `DELTAS_ON_POSTGRESQL` (off, see there) PostgreSQL
    passes (new − old) of the additive rules (sum, mean's Σ and n, count_where/share_where's hits and n, the
    unapproved count) to every ancestor in ONE lock statement and ONE UPDATE instead, recounting only what is
    not additive (min/max, ancestors above a unit's own value, a share whose source is reported above the written
    unit, a total that stops being simulated); an import across levels always recounts."""
    if not writes:
        return
    by_ri: dict[tuple[int, int], tuple[Region, Indicator, set[Period]]] = {}
    for region, indicator, period in writes:
        by_ri.setdefault((region.id, indicator.id), (region, indicator, set()))[2].update(
            indicator.periods_of(period))
    regions = {r.id: r for r, _, _ in by_ri.values()}
    indicators = {i.id: i for _, i, _ in by_ri.values()}
    chains = {**_chains(r for rid, r in regions.items() if rid not in (chains or {})), **(chains or {})}
    ratios, wheres = _dependents_of(list(indicators.values()))
    nested = any(a.id in regions for rid in regions for a in chains[rid])
    deltas_pass = _is_pg() and DELTAS_ON_POSTGRESQL and not nested
    # the rows whose change is passed up as a delta: each written unit's own rows and its share rows
    leaf_keys: dict[tuple[int, int, str], Indicator | Dependent] = {}
    for (rid, iid), (region, indicator, periods) in by_ri.items() if deltas_pass else ():
        for p in periods:
            leaf_keys[(rid, iid, p.id)] = indicator
            for d in wheres:
                if d.source_id == iid and d.source_level == region.level:
                    leaf_keys[(rid, d.id, p.id)] = d
    old = _states(list(leaf_keys), lock=True) if deltas_pass else {}
    _own_rows_of(by_ri)
    need, leaf_need = _needs(by_ri, chains, wheres)
    _share_leaves([v for k, v in leaf_need.items() if k in regions])
    if not deltas_pass:
        return _refresh_by_recount(by_ri, regions, chains, ratios, need, leaf_need)
    new = _states(list(leaf_keys), lock=False)
    pids_all = sorted({p.id for _, _, ps in by_ri.values() for p in ps})
    if ratios:  # the written units' ratios before the hot city and province rows are locked
        _ratio_rows(ratios, sorted(regions), pids_all)

    # deltas per ancestor row; what cannot be passed as a delta is recounted
    deltas: dict[tuple[int, int, str], list] = {}
    recount: dict[int, tuple[Region, set[int], set[str]]] = {}
    above: dict[tuple[int, int, str], list[Region]] = {}  # (ancestor, indicator, period) -> ancestors above it
    for key, ind in leaf_keys.items():
        rid, iid, pid = key
        region = regions[rid]
        if ind.rule in ("min", "max"):
            continue  # recounted below (need)
        o, n = _contribution(ind.rule, old.get(key)), _contribution(ind.rule, new.get(key))
        change = [n[0] - o[0], n[1] - o[1], n[2] - o[2], n[3] - o[3], n[4]]
        if o[4] and not n[4]:  # no longer simulated: whether the total still is depends on the other units
            for a in chains[rid]:
                _add(recount, a, iid, pid)
        if not any(change):
            continue
        child = region
        for i, a in enumerate(chains[rid]):
            if not (child.kind == Region.Kind.ADMINISTRATIVE or a.kind != Region.Kind.ADMINISTRATIVE):
                break  # zones and quasi units do not add into their administrative parent
            d = deltas.setdefault((a.id, iid, pid), [ind.rule, 0.0, 0, 0, 0, False])
            for j in range(4):
                d[j + 1] += change[j]
            d[5] = d[5] or change[4]
            above.setdefault((a.id, iid, pid), chains[rid][i + 1:])
            child = a
    for (rid, iid), (region, indicator, periods) in by_ri.items():
        # min/max; shares whose source is reported above the written unit: above the source's level
        rest = {iid} if indicator.rule in ("min", "max") else set()
        above_source = [d for d in wheres if d.source_id == iid and d.source_level < region.level]
        for a in chains[rid]:
            ids = rest | {d.id for d in above_source if d.source_level > a.level}
            if ids:
                e = recount.setdefault(a.id, (a, set(), set()))
                e[1].update(ids), e[2].update(p.id for p in periods)
    units = {a.id: a for a, _, _ in need.values()}
    keys = {(units[rid], iid, pid) for rid, iid, pid in deltas}
    if _is_pg():
        keys |= {(a, i, p) for a, iids, pids in recount.values() for i in iids for p in pids}
    _create_or_lock(keys)
    for rid, iid, pid in _apply_deltas(deltas):  # a unit with its own value: its ancestors are recounted
        for a in above[(rid, iid, pid)]:
            _add(recount, a, iid, pid)
    _recount(recount, {k: v for k, v in leaf_need.items() if k not in regions}, lock=False)
    if ratios:
        _ratio_rows(ratios, sorted(need), pids_all)


def _create_or_lock(keys: set[tuple[Region, int, str]]) -> None:
    """Create the missing rows the deltas go to, and on PostgreSQL lock the stored ones (see `_lock_many`),
    in ONE statement, bottom-up in one sorted order (unit level, unit, indicator, period): every writer takes
    its ancestors' locks in the same order, so none can deadlock."""
    if not keys:
        return
    rows, params = [], []
    for a, iid, pid in sorted(keys, key=lambda k: (-k[0].level, k[0].id, k[1], k[2])):
        rows.append("(%s, %s, %s, %s, %s, NULL, NULL, NULL, 0, 0, NULL, NULL, FALSE, 0, 0)")
        params += [a.id, a.parent_id, a.level, iid, pid]
    _exec(f"INSERT INTO {ROLLUPS} ({COLS}) VALUES {', '.join(rows)} {CONFLICT} n = {ROLLUPS}.n WHERE FALSE", params)


def _add(acc: dict[int, tuple[Region, set[int], set[str]]], a: Region, iid: int, pid: str) -> None:
    e = acc.setdefault(a.id, (a, set(), set()))
    e[1].add(iid), e[2].add(pid)


def _contribution(rule: str, st: tuple | None) -> tuple[float, int, int, int, bool]:
    """What a row adds into its parent: (Σ value — × weight for a mean —, weight n, hits, unapproved, simulated).
    The weight is the number of units the value stands for (`_MEAN_WEIGHT`; share rows: their own n)."""
    if st is None:
        return 0.0, 0, 0, 0, False
    value, n, hits, pending, simulated = st
    if rule in WHERE_RULES:
        return 0.0, n, hits, pending, bool(simulated)
    w = 0 if value is None else (n if n > 0 else 1)
    s = 0.0 if value is None else (value * w if rule == "mean" else value)
    return s, w, 0, pending, bool(simulated)


def _states(keys: list[tuple[int, int, str]], *, lock: bool) -> dict[tuple[int, int, str], tuple]:
    """(value, n, hits, pending, simulated) of the rows at `keys`; `lock`: FOR UPDATE on PostgreSQL (a unit's
    own rows: concurrent writers of the same unit's quarter or year take turns)."""
    if not keys:
        return {}
    rids, iids, pids = sorted({k[0] for k in keys}), sorted({k[1] for k in keys}), sorted({k[2] for k in keys})
    sql = (f"SELECT region_id, indicator_id, period, value, n, hits, pending, simulated FROM {ROLLUPS} "
           f"WHERE region_id IN ({_in(rids)}) AND indicator_id IN ({_in(iids)}) "
           f"AND {_period_unindexed(ROLLUPS)} IN ({_in(pids)})")  # the unique key, not the month's rows of every unit
    if lock and _is_pg():
        sql += " ORDER BY region_id, indicator_id, period FOR UPDATE"
    wanted = set(keys)
    with connection.cursor() as cur:
        _execute(cur, sql, [*rids, *iids, *pids])
        return {(r[0], r[1], r[2]): tuple(r[3:]) for r in cur.fetchall() if (r[0], r[1], r[2]) in wanted}


_DELTA_AGG = {
    "sum": "CASE WHEN {r}.n + d.dw > 0 THEN COALESCE({r}.agg, 0) + d.ds END",
    "mean": "CASE WHEN {r}.n + d.dw > 0 THEN (COALESCE({r}.agg, 0) * {r}.n + d.ds) / ({r}.n + d.dw) END",
    "count_where": "CAST({r}.hits + d.dh AS DOUBLE PRECISION)",
    "share_where": "CASE WHEN {r}.n + d.dw > 0 THEN 100.0 * ({r}.hits + d.dh) / ({r}.n + d.dw) END",
}


def _apply_deltas(deltas: dict[tuple[int, int, str], list]) -> list[tuple[int, int, str]]:
    """ONE UPDATE adding each ancestor row's delta (rows exist: `_lock_many` created them). The aggregate is
    recomputed from the row's own parts (Σ = mean × n for a mean); `value` follows unless the unit has its own.
    Returns the rows that have their own value (what is above them is recounted)."""
    if not deltas:
        return []
    rows, params = [], []
    for (rid, iid, pid), (rule, ds, dw, dh, dp, sim) in sorted(deltas.items()):
        rows.append("(%s, %s, %s, %s, %s, %s, %s, %s, %s)")
        params += [rid, iid, pid, rule, float(ds), dw, dh, dp, 1 if sim else 0]
    r = ROLLUPS
    agg = "CASE d.rule " + " ".join(f"WHEN '{k}' THEN {v.format(r=r)}" for k, v in _DELTA_AGG.items()) + " END"
    sql = (f"WITH d (region_id, indicator_id, period, rule, ds, dw, dh, dp, sim) AS (VALUES {', '.join(rows)}) "
           f"UPDATE {r} SET n = {r}.n + d.dw, hits = {r}.hits + d.dh, pending_agg = {r}.pending_agg + d.dp, "
           f"pending = CASE WHEN {r}.own IS NULL THEN {r}.pending_agg + d.dp ELSE {r}.pending END, "
           f"agg = CAST({agg} AS DOUBLE PRECISION), "
           f"value = CASE WHEN {r}.own IS NULL THEN CAST({agg} AS DOUBLE PRECISION) ELSE {r}.own END, "
           f"simulated = CASE WHEN {r}.own IS NULL AND d.sim = 1 THEN {TRUE} ELSE {r}.simulated END "
           f"FROM d WHERE {r}.region_id = d.region_id AND {r}.indicator_id = d.indicator_id "
           f"AND {r}.period = d.period RETURNING {r}.region_id, {r}.indicator_id, {r}.period, {r}.own")
    with connection.cursor() as cur:
        _execute(cur, sql, params)
        return [(rid, iid, pid) for rid, iid, pid, own in cur.fetchall() if own is not None]


def _own_rows_of(by_ri: dict[tuple[int, int], tuple[Region, Indicator, set[Period]]]) -> None:
    """The written units' own rows (time first: quarter/year from the unit's own months): 1 read, 1 upsert."""
    regions = {r.id for r, _, _ in by_ri.values()}
    indicators = {i.id for _, i, _ in by_ri.values()}
    years = sorted({p.year for _, _, ps in by_ri.values() for p in ps})
    stored: dict[tuple[int, int], list] = {}
    for rid, iid, per, v, sim, state in DataValue.objects.filter(
            region_id__in=list(regions), indicator_id__in=list(indicators), period__gte=str(years[0]),
            period__lt=str(years[-1] + 1)).values_list("region_id", "indicator_id", "period", "value",
                                                       "is_simulated", "state"):
        if (rid, iid) in by_ri:
            stored.setdefault((rid, iid), []).append((per, v, sim, state == APPROVED))
    values, params = [], []
    for (rid, iid), (region, indicator, periods) in sorted(by_ri.items()):
        for pid, v, sim, pending in _own_values(indicator, stored.get((rid, iid), []),
                                                sorted(periods, key=lambda p: p.id)):
            values.append("(%s, %s, %s, %s, %s, %s, %s, NULL, 0, 0, NULL, NULL, %s, %s, 0)")
            params += [region.id, region.parent_id, region.level, indicator.id, pid, v, v, sim, pending]
    width = 9  # parameters per row; chunks keep a statement under SQLite's 32,766 variables
    for start in range(0, len(values), OWN_ROWS_PER_STATEMENT):
        chunk = values[start:start + OWN_ROWS_PER_STATEMENT]
        _exec(f"INSERT INTO {ROLLUPS} ({COLS}) VALUES {', '.join(chunk)} {CONFLICT} own = excluded.own, "
              f"value = COALESCE(excluded.own, {ROLLUPS}.agg), "
              f"pending = CASE WHEN excluded.own IS NULL THEN {ROLLUPS}.pending_agg ELSE excluded.pending END, "
              f"simulated = CASE WHEN excluded.own IS NULL THEN {ROLLUPS}.simulated ELSE excluded.simulated END",
              params[start * width:(start + len(chunk)) * width])


OWN_ROWS_PER_STATEMENT = 2000


Needs = dict[int, tuple[Region, set[int], set[str]]]  # unit id -> (unit, indicator ids, period ids)


def _needs(by_ri, chains: dict[int, list[Region]], wheres: list[Dependent]) -> tuple[Needs, Needs]:
    """What each ancestor's rows need (the written indicators and the shares computed from them) and where
    share rows are computed from a source row of the same unit (`leaf_need`)."""
    need: Needs = {}
    leaf_need: Needs = {}
    for (_, iid), (region, _, periods) in by_ri.items():
        pids = {p.id for p in periods}
        dep_where = [d for d in wheres if d.source_id == iid]
        here = {d.id for d in dep_where if d.source_level == region.level}
        if here:
            e = leaf_need.setdefault(region.id, (region, set(), set()))
            e[1].update(here), e[2].update(pids)
        for a in chains[region.id]:
            e = need.setdefault(a.id, (a, set(), set()))
            e[1].add(iid)
            e[1].update(d.id for d in dep_where if d.source_level > a.level)
            e[2].update(pids)
            here = {d.id for d in dep_where if d.source_level == a.level}
            if here:
                e = leaf_need.setdefault(a.id, (a, set(), set()))
                e[1].update(here), e[2].update(pids)
    return need, leaf_need


def _refresh_by_recount(by_ri, regions: dict[int, Region], chains, ratios: list[Dependent], need: Needs,
                        leaf_need: Needs) -> None:
    """Every ancestor recomputed from its children, level by level, bottom-up: the upkeep of every write unless
    DELTAS_ON_POSTGRESQL, and always for an import whose units lie above one another (a delta would count a
    unit's own change twice)."""
    pids_all = sorted({p.id for _, _, ps in by_ri.values() for p in ps})
    units = sorted({*regions, *need})
    if ratios and _is_pg():
        # the written units' own ratios before any ancestor row is locked (PostgreSQL: concurrent forms meet on
        # the city and province rows); an ancestor's only after its recount below
        leaves = [u for u in sorted(regions) if u not in need]
        _ratio_rows(ratios, leaves, pids_all)
        units = [u for u in units if u in need]
    _recount(need, {k: v for k, v in leaf_need.items() if k not in regions}, lock=True)
    if ratios:
        _ratio_rows(ratios, units, pids_all)


def _recount(need: Needs, leaf_need: Needs, *, lock: bool) -> None:
    """Ancestors bottom-up: (lock, then) aggregate from the children, one statement each per level, and the
    share rows computed at that level."""
    levels = sorted({a.level for a, _, _ in [*need.values(), *leaf_need.values()]}, reverse=True)
    for level in levels:
        group = sorted((v for v in need.values() if v[0].level == level), key=lambda v: v[0].id)
        if group:
            if lock:
                _lock_many(group)
            _aggregate_parents(group)
        _share_leaves([v for v in leaf_need.values() if v[0].level == level])


def _period_unindexed(alias: str) -> str:
    """A few units' rows of a new month: on PostgreSQL, with no statistics for the month yet, the planner reads
    the whole province's rows of (indicator, period) through that index and filters the units out (≈ 3,000 rows
    per indicator at province scale); hiding the period from it leaves the unique key (unit, indicator, …)."""
    return f"({alias}.period || '')"


def _ratio_rows(ratios: list[Dependent], units: list[int], pids: list[str]) -> None:
    if not units:
        return
    rids = [d.id for d in ratios]
    _ratios(f"ind.id IN ({_in(rids)}) AND d.region_id IN ({_in(units)}) AND {_period_unindexed('d')} IN ({_in(pids)})",
            [*rids, *units, *pids])


def _share_leaves(items: list[tuple[Region, set[int], set[str]]]) -> None:
    """count_where/share_where rows of units at their source's reporting level."""
    if not items:
        return
    ids = sorted({i for _, iids, _ in items for i in iids})
    pids = sorted({p for _, _, ps in items for p in ps})
    units = sorted(u.id for u, _, _ in items)
    _where_leaves(f"ind.id IN ({_in(ids)}) AND s.region_id IN ({_in(units)}) "
                  f"AND {_period_unindexed('s')} IN ({_in(pids)})",
                  [*ids, *units, *pids])


def _lock_many(group: list[tuple[Region, set[int], set[str]]]) -> None:
    """Create-or-lock the ancestors' rows before aggregating into them (PostgreSQL; see the module doc),
    in one statement and one sorted order (unit, indicator, period) so concurrent writers cannot deadlock.

    `DO UPDATE … WHERE FALSE` locks a stored row without writing a new version of it: the city and province
    rows are locked by every form, and a version per lock would bloat them during a month-end burst."""
    if not _is_pg():
        return  # SQLite writers are serialised by the database lock
    rows, params = [], []
    for a, iids, pids in group:
        for i in sorted(iids):
            for p in sorted(pids):
                rows.append("(%s, %s, %s, %s, %s, NULL, NULL, NULL, 0, 0, NULL, NULL, FALSE, 0, 0)")
                params += [a.id, a.parent_id, a.level, i, p]
    _exec(f"INSERT INTO {ROLLUPS} ({COLS}) VALUES {', '.join(rows)} {CONFLICT} n = {ROLLUPS}.n WHERE FALSE", params)


@dataclass(frozen=True)
class Dependent:
    """A ratio or share indicator computed from a written one: what the upkeep needs of it."""

    id: int
    rule: str
    source_id: int | None
    source_level: int | None  # the reporting level of a share's source indicator


def _dependents_of(indicators: list[Indicator]) -> tuple[list[Dependent], list[Dependent]]:
    """(ratios, shares) computed from these indicators: one plain statement, as every value write asks."""
    ids, rules = sorted({i.id for i in indicators}), ["ratio", *WHERE_RULES]
    deps = [Dependent(*row) for row in _rows(
        f"SELECT d.id, d.rule, d.source_id, s.level FROM {INDICATORS} d LEFT JOIN {INDICATORS} s ON s.id = d.source_id "
        f"WHERE d.rule IN ({_in(rules)}) AND (d.numerator_id IN ({_in(ids)}) OR d.denominator_id IN ({_in(ids)}) "
        f"OR d.source_id IN ({_in(ids)}))", [*rules, *ids, *ids, *ids])]
    return [d for d in deps if d.rule == "ratio"], [d for d in deps if d.rule in WHERE_RULES]


# ------------------------------------------------------------------ set-based rebuild


def _quarter_of(col: str) -> str:
    return (f"SUBSTR({col}, 1, 4) || 'Q' || "
            f"CAST((CAST(SUBSTR({col}, 5, 2) AS INTEGER) + 2) / 3 AS VARCHAR(1))")


def _year_of(col: str) -> str:
    return f"SUBSTR({col}, 1, 4)"


_PENDING_DV = "CASE WHEN dv.state = 'approved' THEN 0 ELSE 1 END"


def _own_rows(flt: str, params: list) -> None:
    """Own rows: the reported periods as they are, then quarters/years derived by each temporal rule."""
    _exec(f"INSERT INTO {ROLLUPS} ({COLS}) SELECT dv.region_id, rg.parent_id, rg.level, dv.indicator_id, dv.period, "
          f"dv.value, dv.value, NULL, 0, 0, NULL, NULL, dv.is_simulated, {_PENDING_DV}, 0 "
          f"FROM {DATAVALUES} dv JOIN {REGIONS} rg ON rg.id = dv.region_id "
          f"JOIN {INDICATORS} ind ON ind.id = dv.indicator_id "
          f"WHERE ind.rule IN ('sum', 'mean', 'min', 'max') AND {flt} "
          f"ORDER BY dv.region_id, dv.indicator_id, dv.period", params)  # key order: see datavalues_bulk_load
    for native, key in (("M", _quarter_of("dv.period")), ("M", _year_of("dv.period")), ("Q", _year_of("dv.period"))):
        base = (f"FROM {DATAVALUES} dv JOIN {REGIONS} rg ON rg.id = dv.region_id "
                f"JOIN {INDICATORS} ind ON ind.id = dv.indicator_id "
                f"WHERE ind.rule IN ('sum', 'mean', 'min', 'max') AND ind.periodicity = '{native}' AND {flt}")
        sim = f"CASE WHEN MAX(CASE WHEN dv.is_simulated THEN 1 ELSE 0 END) = 1 THEN {TRUE} ELSE {FALSE} END"
        _exec(f"INSERT INTO {ROLLUPS} ({COLS}) SELECT dv.region_id, rg.parent_id, rg.level, dv.indicator_id, {key}, "
              f"SUM(dv.value), SUM(dv.value), NULL, 0, 0, NULL, NULL, {sim}, SUM({_PENDING_DV}), 0 "
              f"{base} AND ind.temporal = 'flow' "
              f"GROUP BY dv.region_id, rg.parent_id, rg.level, dv.indicator_id, {key}", params)
        _exec(f"INSERT INTO {ROLLUPS} ({COLS}) SELECT dv.region_id, rg.parent_id, rg.level, dv.indicator_id, last.pk, "
              f"dv.value, dv.value, NULL, 0, 0, NULL, NULL, dv.is_simulated, {_PENDING_DV}, 0 "
              f"FROM (SELECT dv.region_id AS rid, dv.indicator_id AS iid, {key} AS pk, MAX(dv.period) AS mp "
              f"{base} AND ind.temporal = 'stock' GROUP BY dv.region_id, dv.indicator_id, {key}) last "
              f"JOIN {DATAVALUES} dv ON dv.region_id = last.rid AND dv.indicator_id = last.iid AND dv.period = last.mp "
              f"JOIN {REGIONS} rg ON rg.id = dv.region_id", params)


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

    full = indicator is None and province and not years
    if full:  # everything: empty the table and drop its secondary indexes, rebuilt once at the end
        return _rebuild_all(lambda: _rebuild_steps(inds, ids, years, region, province, flt, skip_delete=True))
    return _rebuild_steps(inds, ids, years, region, province, flt)


_SECONDARY = [ix for ix in Rollup._meta.indexes]


def _rebuild_all(steps) -> int:
    """A full rebuild as a bulk load: TRUNCATE, insert with only the unique key, then build the two secondary
    indexes in one pass each (about 3× faster than maintaining them row by row; all in the caller's
    transaction — on PostgreSQL readers of the rollups wait for it, as they would for the TRUNCATE)."""
    if _is_pg():
        _exec(f"TRUNCATE {ROLLUPS}")
        _exec("SET LOCAL work_mem = '256MB'")
    else:
        _exec(f"DELETE FROM {ROLLUPS}")  # no WHERE: SQLite's truncate optimisation
    for ix in _SECONDARY:
        _exec(f"DROP INDEX IF EXISTS {ix.name}")
    written = steps()
    for ix in _SECONDARY:
        cols = ", ".join(Rollup._meta.get_field(f).column for f in ix.fields)
        _exec(f"CREATE INDEX {ix.name} ON {ROLLUPS} ({cols})")
    return written


def _rebuild_steps(inds, ids, years, region, province, flt, *, skip_delete: bool = False) -> int:
    written = 0
    # 1. delete what will be recomputed
    where, params = flt("indicator_id", "period", None)
    if skip_delete:
        pass
    elif not province:
        lo, hi = code_range(region.prefix)
        where += f" AND region_id IN (SELECT id FROM {REGIONS} WHERE code BETWEEN %s AND %s)"
        params += [lo, hi]
    if not skip_delete:
        _exec(f"DELETE FROM {ROLLUPS} WHERE {where}", params)
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
            where += f" AND s.region_id IN (SELECT id FROM {REGIONS} WHERE code BETWEEN %s AND %s)"
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
            where += f" AND d.region_id IN (SELECT id FROM {REGIONS} WHERE code BETWEEN %s AND %s)"
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
