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


@dataclass
class Reference:
    """A DuckDB connection over one scale's Parquet files."""

    paths: dict[str, Path]
    threads: int | None = None

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

