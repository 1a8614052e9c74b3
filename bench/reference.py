"""The DuckDB reference: the same results the platform serves, by hand-written queries over Parquet.

This is the near-limit of the machine for each read (a columnar engine scanning the raw values with
no maintained rollups), so the platform's timings are reported as a ratio to it. Rules follow the
workload's flat semantics (see bench.workload): above the reporting level a rule applies to the leaf
values of the units below; a county-level quarterly indicator shows the quarter containing the month.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bqw.core.periods import Period

from . import workload as w

_OP_SQL = "CASE i.op WHEN '>=' THEN b.value >= i.threshold WHEN '>' THEN b.value > i.threshold " \
          "WHEN '<=' THEN b.value <= i.threshold WHEN '<' THEN b.value < i.threshold " \
          "ELSE b.value = i.threshold END"


def rollup_sql(base: str, keys: list[str]) -> str:
    """Aggregate `base` (columns: keys…, indicator, value) per keys × indicator by each indicator's rule.

    One hash aggregate gives sum/avg/min/max per (keys, indicator); count_where/share_where join the
    rows of their source indicator with the threshold; ratio combines its numerator's and
    denominator's sums. Only indicators with rows in `base` (or whose sources have rows) appear.
    """
    k = ", ".join(keys)
    kb = ", ".join(f"b.{x}" for x in keys)

    def on(a: str) -> str:
        return " AND ".join(f"{a}.{x} = u.{x}" for x in keys)

    return f"""
WITH base AS ({base}),
agg AS (SELECT {k}, indicator, sum(value) AS s, avg(value) AS a, min(value) AS mn, max(value) AS mx
        FROM base GROUP BY ALL),
cond AS (SELECT {kb}, i.code AS indicator, count_if({_OP_SQL}) AS hits, count(*) AS n
         FROM base b JOIN ind i ON i.source = b.indicator GROUP BY ALL),
u AS (SELECT DISTINCT {k} FROM base)
SELECT {", ".join(f"u.{x}" for x in keys)}, i.code AS indicator,
       CASE i.rule WHEN 'sum' THEN a.s WHEN 'mean' THEN a.a WHEN 'min' THEN a.mn WHEN 'max' THEN a.mx
            WHEN 'ratio' THEN num.s / nullif(den.s, 0) * i.factor
            WHEN 'count_where' THEN c.hits
            WHEN 'share_where' THEN 100.0 * c.hits / nullif(c.n, 0) END AS value
FROM u CROSS JOIN ind i
LEFT JOIN agg a ON {on("a")} AND a.indicator = i.code
LEFT JOIN agg num ON {on("num")} AND num.indicator = i.numerator
LEFT JOIN agg den ON {on("den")} AND den.indicator = i.denominator
LEFT JOIN cond c ON {on("c")} AND c.indicator = i.code
WHERE a.indicator IS NOT NULL OR num.indicator IS NOT NULL OR c.indicator IS NOT NULL
ORDER BY ALL"""


def reference_sql(spec: dict, ind: w.Indicator, month: str) -> tuple:
    """The state CASE of one COCKPIT_TARGETS entry (DuckDB placeholders), with its measures: the platform's
    rule (`indicators.status.Rule.state_sql`) on an unsaved target, so only the values differ in origin."""
    from bqw.indicators.models import Indicator, Target
    from bqw.indicators.status import rule_for

    model = Indicator(code=ind.code, unit=ind.unit, periodicity=ind.periodicity, temporal=ind.temporal, rule=ind.rule,
                      direction=ind.direction)
    t = Target(indicator=model, scope=spec["scope"], kind=spec.get("kind", "level"), comparator=spec["comparator"],
               value=spec["value"], baseline_period=spec["baseline_period"], deadline=spec["deadline"],
               baseline_value=spec.get("baseline_value"), scope_level=spec.get("scope_level"))
    fixed = float(spec["baseline_value"]) if spec.get("baseline_value") is not None else None
    rule = rule_for(t, Period.parse(month), fixed_baseline=fixed)
    case, params = rule.state_sql()
    return case.replace("%s", "?"), params, rule.m, rule.mb, fixed


def _measured_sql(ind: w.Indicator, unit_len: int, parent_prefix: str, periods: tuple[str, ...],
                  full: int) -> tuple[str, list]:
    """Each unit's measured value (u = code prefix of the unit) from the raw leaves: a ratio as Σ numerator ÷
    Σ denominator × factor, otherwise the unit's own values (year-to-date annualised when `full`)."""
    marks = ", ".join("?" for _ in periods)
    if ind.rule == "ratio":
        expr = (f"sum(value) FILTER (WHERE indicator = '{ind.numerator}') / "
                f"nullif(sum(value) FILTER (WHERE indicator = '{ind.denominator}'), 0) * {ind.factor}")
        return (f"SELECT substr(region, 1, {unit_len}) AS u, {expr} AS x FROM vals "
                f"WHERE starts_with(region, ?) AND period IN ({marks}) "
                f"AND indicator IN ('{ind.numerator}', '{ind.denominator}') GROUP BY ALL", [parent_prefix, *periods])
    agg = f"sum(value) * {full} / count(value)" if full else "sum(value)"
    return (f"SELECT substr(region, 1, {unit_len}) AS u, {agg} AS x FROM vals "
            f"WHERE starts_with(region, ?) AND period IN ({marks}) AND indicator = ? GROUP BY ALL",
            [parent_prefix, *periods, ind.code])


@dataclass
class Reference:
    """A DuckDB connection over one scale's Parquet files."""

    paths: dict[str, Path]
    threads: int | None = None
    _all_units: bool = False

    def __post_init__(self) -> None:
        import duckdb

        self.con = duckdb.connect()
        if self.threads:
            self.con.execute(f"SET threads = {int(self.threads)}")
        self.values = str(self.paths["values"]).replace("'", "''")
        self.con.execute(f"CREATE VIEW vals AS SELECT * FROM read_parquet('{self.values}')")
        self.con.execute(f"CREATE TABLE ind AS SELECT * FROM read_parquet('{self.paths['indicators']}')")

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    # (a)/(b) cockpit: every unit one level down × every indicator, at one month
    def cockpit(self, parent_prefix: str, child_len: int, month: str) -> list[tuple]:
        quarter = Period.parse(month).quarter().id
        base = ("SELECT substr(region, 1, ?) AS unit, indicator, value FROM vals "
                "WHERE period IN (?, ?) AND starts_with(region, ?)")
        return self.query(rollup_sql(base, ["unit"]), [child_len, month, quarter, parent_prefix])

    # cockpit JSON: each key target's unit states counted per child (the same rule as cockpit.statuses,
    # applied to values aggregated here from the raw leaves), and the chosen indicator per child
    def cockpit_lights(self, parent_prefix: str, child_len: int, month: str) -> list[tuple]:
        """[(child prefix, target index, state, units)] for w.COCKPIT_TARGETS (a province-scope "region"
        target only when the parent is the province), plus [(child prefix, "value", None, v)]."""
        if not self._all_units:  # every administrative unit of the province: the platform judges them all,
            import pyarrow as pa  # with or without values (a city-scale run has values for 江门 only)

            rows = [{"code": r["code"], "level": int(r["level"])} for r in w.load_hierarchy("province").rows]
            self.con.register("all_units", pa.Table.from_pylist(rows))
            self._all_units = True
        out: list[tuple] = []
        for k, spec in enumerate(w.COCKPIT_TARGETS):
            ind = w.BY_CODE[spec["indicator"]]
            if spec["scope"] == "region":
                if parent_prefix != w.PROVINCE:
                    continue
                level, unit_len = 2, 4  # the province's own rate, judged for each city
            else:
                level, unit_len = spec["scope_level"], {3: 6, 4: 9, 5: 12}[spec["scope_level"]]
            case, params, m, mb, fixed = reference_sql(spec, ind, month)

            a_sql, a_params = _measured_sql(ind, unit_len, parent_prefix, m.periods, m.full)
            b_sql, b_params = ("SELECT NULL AS u, NULL AS x WHERE false", []) if fixed is not None \
                else _measured_sql(ind, unit_len, parent_prefix, mb.periods, mb.full)
            sql = (f"WITH units AS (SELECT substr(code, 1, {unit_len}) AS u FROM all_units "
                   f"WHERE level = {level} AND starts_with(code, ?)), "
                   f"ma AS ({a_sql}), mb AS ({b_sql}), "
                   f"v AS (SELECT units.u, ma.x AS a, {'?' if fixed is not None else 'mb.x'} AS b FROM units "
                   f"LEFT JOIN ma ON ma.u = units.u LEFT JOIN mb ON mb.u = units.u) "
                   f"SELECT substr(u, 1, {child_len}) AS g, {case} AS st, count(*) FROM v GROUP BY ALL")
            rows = self.query(sql, [parent_prefix, *a_params, *b_params,
                                    *([fixed] if fixed is not None else []), *params])
            out += [(g, k, st, n) for g, st, n in rows]
        base = ("SELECT substr(region, 1, ?) AS unit, indicator, value FROM vals "
                "WHERE period IN (?, ?) AND starts_with(region, ?)")
        quarter = Period.parse(month).quarter().id
        out += [(u, "value", None, v) for u, i, v in self.query(rollup_sql(base, ["unit"]),
                                                                [child_len, month, quarter, parent_prefix])
                if i == w.COCKPIT_INDICATOR]
        return out

    # (c) drill-down: one county's towns and villages × one indicator × 36 months, each by the rule
    def drilldown(self, county_prefix: str, indicator: str) -> list[tuple]:
        ind = w.BY_CODE[indicator]
        codes = [indicator, *ind.depends_on] if not ind.derived else list(ind.depends_on)
        marks = ", ".join("?" for _ in codes)
        out = []
        for unit in ("substr(region, 1, 9) || '000'", "region"):  # towns, then villages
            base = (f"SELECT {unit} AS unit, period, indicator, value FROM vals "
                    f"WHERE level = {w.VILLAGE} AND starts_with(region, ?) AND indicator IN ({marks})")
            out += self.query(f"SELECT * FROM ({rollup_sql(base, ['unit', 'period'])}) WHERE indicator = ?",
                              [county_prefix, *codes, indicator])
        return out

    # (d) recount for the burst check: values and distinct villages of one month
    def recount(self, month: str) -> tuple[int, int]:
        return self.query("SELECT count(*), count(DISTINCT region) FROM vals WHERE level = 5 AND period = ?",
                          [month])[0]

    # bulk load: every value into a DuckDB table (the columnar engine's ingest rate)
    def bulk_load(self) -> int:
        self.con.execute("CREATE OR REPLACE TEMP TABLE loaded AS SELECT * FROM vals")
        n = self.query("SELECT count(*) FROM loaded")[0][0]
        self.con.execute("DROP TABLE loaded")
        return n

    # rollup rebuild: every unit above the villages × indicator × month, by each indicator's rule
    def rollups(self) -> int:
        """All monthly aggregates of every province/city/county/town (what the platform's full rebuild
        keeps, months only); returns the number of values aggregated, for a values/s rate."""
        for n, level in ((2, 1), (4, 2), (6, 3), (9, 4)):
            base = (f"SELECT substr(region, 1, {n}) AS unit, period, indicator, value FROM vals "
                    f"WHERE level > {level}")
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE rolled_{level} AS {rollup_sql(base, ['unit', 'period'])}")
        for level in (1, 2, 3, 4):
            self.con.execute(f"DROP TABLE rolled_{level}")
        return self.query("SELECT count(*) FROM vals")[0][0]

