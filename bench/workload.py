"""The PSW workload: a deterministic province-scale data set over the real Guangdong hierarchy.

40 reported indicators (20 village-level monthly, 10 town-level monthly, 10 county-level quarterly;
rules sum/mean/min/max) plus 13 derived ones computed from them (ratio, count_where, share_where —
as in the indicators app, derived indicators are never reported), 36 months (2023-01 … 2025-12),
≈ 19.75M values at province scale; plus targets for every county and town and 5,000 tasks. Values
are drawn with numpy from generators keyed by (seed, indicator, period), so a value never depends on
chunking or on the scale: 江门's values in the `city` workload are exactly its values in `province`.

Rules use "flat" semantics above the reporting level: a city's `mean` is the mean over all its
villages, its `share_where` the share of all its villages that meet the threshold, its `ratio`
Σ numerator ÷ Σ denominator over them — the semantics the reference queries compute.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bqw.core.periods import Period, month_range

SEED = 20250520
VERSION = 2  # bump when the generated values change, so cached Parquet files are rebuilt
PROVINCE = "44"
SCALES = {"province": "44", "city": "4407"}  # city scale: 江门市
FIRST_MONTH, LAST_MONTH = "202301", "202512"
VILLAGE, TOWN, COUNTY = 5, 4, 3
MONTHLY, QUARTERLY = "M", "Q"  # the indicators app's periodicity codes
DERIVED_RULES = ("ratio", "count_where", "share_where")
N_TASKS = 5000


@dataclass(frozen=True)
class Indicator:
    """One catalogue entry; `gen` describes how the generator draws the unit's own values."""

    code: str
    name: str
    unit: str
    level: int
    periodicity: str
    rule: str  # sum | mean | min | max | ratio | count_where | share_where
    temporal: str = "stock"  # how months roll into quarters/years: "flow" sums, "stock" takes the last
    direction: str = "up"
    numerator: str | None = None  # ratio
    denominator: str | None = None
    factor: float = 1.0
    source: str | None = None  # count_where / share_where: the indicator tested
    op: str | None = None
    threshold: float | None = None
    gen: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def derived(self) -> bool:
        return self.rule in DERIVED_RULES

    @property
    def depends_on(self) -> tuple[str, ...]:
        return tuple(c for c in (self.numerator, self.denominator, self.source, self.gen.get("of")) if c)


def _u(lo, hi, g=0.0, noise=0.0, dec=2, cap=None, integer=False):
    return {"lo": lo, "hi": hi, "g": g, "noise": noise, "dec": dec, "cap": cap, "integer": integer}


V, T, C, M, Q = VILLAGE, TOWN, COUNTY, MONTHLY, QUARTERLY
FLOW = "flow"
REPORTED: list[Indicator] = [
    # — village level, monthly (20 reported)
    Indicator("V01", "村集体经营性收入（累计）", "万元", V, M, "sum", gen=_u(1, 40, g=0.02, noise=0.05)),
    Indicator("V02", "农村居民人均可支配收入", "元", V, M, "mean", gen=_u(14000, 32000, g=0.005, noise=0.02, dec=0)),
    Indicator("V03", "自然村数", "个", V, M, "sum", gen=_u(1, 13, integer=True, dec=0)),
    Indicator("V04", "已完成生活污水治理自然村数", "个", V, M, "sum",
              gen={"of": "V03", "p_lo": 0.2, "p_hi": 0.9, "slope": 0.015}),
    Indicator("V05", "农户数", "户", V, M, "sum", gen=_u(80, 900, integer=True, dec=0)),
    Indicator("V06", "完成卫生户厕改造户数", "户", V, M, "sum",
              gen={"of": "V05", "p_lo": 0.5, "p_hi": 0.95, "slope": 0.01}),
    Indicator("V07", "常住人口", "人", V, M, "sum", gen=_u(300, 4000, g=-0.0005, noise=0.002, dec=0)),
    Indicator("V08", "人居环境整治评分", "分", V, M, "mean", gen=_u(60, 92, g=0.003, noise=0.03, dec=1, cap=100)),
    Indicator("V09", "网格员月巡查次数", "次", V, M, "min", temporal=FLOW, gen=_u(2, 30, noise=0.2, dec=0)),
    Indicator("V10", "单个在建项目最大投资额", "万元", V, M, "max", gen=_u(5, 800, g=0.01, noise=0.1)),
    Indicator("V11", "驻村工作队月到岗天数", "天", V, M, "mean", temporal=FLOW,
              gen=_u(12, 26, noise=0.1, dec=0, cap=31)),
    Indicator("V12", "村庄规划实施进度", "%", V, M, "mean", gen=_u(10, 60, g=0.02, noise=0.02, dec=1, cap=100)),
    Indicator("V13", "乡村旅游接待人次", "人次", V, M, "sum", temporal=FLOW, gen=_u(0, 5000, noise=0.3, dec=0)),
    Indicator("V14", "农村电商交易额", "万元", V, M, "sum", temporal=FLOW, gen=_u(0, 80, g=0.01, noise=0.2)),
    Indicator("V15", "新增就业人数", "人", V, M, "sum", temporal=FLOW, gen=_u(0, 20, noise=0.5, dec=0)),
    Indicator("V16", "硬化村道里程", "公里", V, M, "sum", gen=_u(2, 40, g=0.002, dec=1)),
    Indicator("V17", "村集体资产总额", "万元", V, M, "sum", gen=_u(50, 3000, g=0.004, noise=0.01)),
    Indicator("V18", "村民满意度", "%", V, M, "min", gen=_u(70, 99, noise=0.02, dec=1, cap=100)),
    Indicator("V19", "最大单笔集体经营合同金额", "万元", V, M, "max", gen=_u(1, 300, noise=0.2)),
    Indicator("V20", "集体经营性收入同比增速", "%", V, M, "mean", gen=_u(-5, 25, noise=0.3, dec=1)),
    # — town level, monthly (10 reported)
    Indicator("T01", "镇级一般公共预算收入（累计）", "万元", T, M, "sum", gen=_u(300, 30000, g=0.02, noise=0.05)),
    Indicator("T02", "镇域固定资产投资（累计）", "万元", T, M, "sum", gen=_u(2000, 90000, g=0.02, noise=0.08)),
    Indicator("T03", "镇域常住人口", "人", T, M, "sum", gen=_u(8000, 150000, noise=0.002, dec=0)),
    Indicator("T04", "镇域居民人均可支配收入", "元", T, M, "mean", gen=_u(18000, 52000, g=0.005, noise=0.02, dec=0)),
    Indicator("T05", "圩镇环境整治评分", "分", T, M, "mean", gen=_u(65, 95, g=0.002, noise=0.03, dec=1, cap=100)),
    Indicator("T06", "最大单体招商项目投资额", "万元", T, M, "max", gen=_u(100, 50000, noise=0.2)),
    Indicator("T07", "镇村干部到岗率", "%", T, M, "min", gen=_u(80, 100, noise=0.03, dec=1, cap=100)),
    Indicator("T08", "规上工业增加值", "万元", T, M, "sum", temporal=FLOW, gen=_u(0, 20000, g=0.005, noise=0.1)),
    Indicator("T09", "新增市场主体", "户", T, M, "sum", temporal=FLOW, gen=_u(5, 400, noise=0.3, dec=0)),
    Indicator("T10", "圩镇建成区面积", "公顷", T, M, "sum", gen=_u(50, 900, g=0.001, dec=1)),
    # — county level, quarterly (10 reported)
    Indicator("C01", "地区生产总值（累计）", "亿元", C, Q, "sum", gen=_u(50, 2000, g=0.06, noise=0.03)),
    Indicator("C02", "一般公共预算收入（累计）", "亿元", C, Q, "sum", gen=_u(3, 150, g=0.05, noise=0.05)),
    Indicator("C03", "常住人口", "万人", C, Q, "sum", gen=_u(15, 200, noise=0.002)),
    Indicator("C04", "固定资产投资（累计）", "亿元", C, Q, "sum", gen=_u(20, 900, g=0.05, noise=0.08)),
    Indicator("C05", "常住人口城镇化率", "%", C, Q, "mean", gen=_u(30, 90, g=0.004, noise=0.005, dec=1, cap=100)),
    Indicator("C06", "县域营商环境评分", "分", C, Q, "mean", gen=_u(65, 95, g=0.004, noise=0.02, dec=1, cap=100)),
    Indicator("C07", "重点项目最大投资额", "亿元", C, Q, "max", gen=_u(1, 120, noise=0.15)),
    Indicator("C08", "耕地保有量任务完成率", "%", C, Q, "min", gen=_u(92, 100, noise=0.01, dec=1, cap=100)),
    Indicator("C09", "社会消费品零售总额", "亿元", C, Q, "sum", temporal=FLOW, gen=_u(10, 600, noise=0.05)),
    Indicator("C10", "城乡居民收入比", "", C, Q, "mean", direction="down", gen=_u(1.3, 2.6, noise=0.01)),
]
# Derived indicators are computed from reported ones of the same level and never reported themselves.
DERIVED: list[Indicator] = [
    Indicator("D01", "集体经营性收入10万元以上村占比", "%", V, M, "share_where", source="V01", op=">=", threshold=10),
    Indicator("D02", "自然村生活污水治理率", "%", V, M, "ratio", numerator="V04", denominator="V03", factor=100),
    Indicator("D03", "农村卫生户厕普及率", "%", V, M, "ratio", numerator="V06", denominator="V05", factor=100),
    Indicator("D04", "集体经营性收入不足5万元村数", "个", V, M, "count_where", direction="down", source="V01",
              op="<", threshold=5),
    Indicator("D05", "人居环境评分90分以上村数", "个", V, M, "count_where", source="V08", op=">=", threshold=90),
    Indicator("D06", "人居环境达标村占比", "%", V, M, "share_where", source="V08", op=">=", threshold=80),
    Indicator("D07", "村庄规划实施过半村占比", "%", V, M, "share_where", source="V12", op=">=", threshold=50),
    Indicator("D08", "人均集体经营性收入", "元", V, M, "ratio", numerator="V01", denominator="V07", factor=10000),
    Indicator("D09", "镇域人均一般公共预算收入", "元", T, M, "ratio", numerator="T01", denominator="T03",
              factor=10000),
    Indicator("D10", "圩镇环境整治达标镇数", "个", T, M, "count_where", source="T05", op=">=", threshold=85),
    Indicator("D11", "投资超亿元镇占比", "%", T, M, "share_where", source="T02", op=">=", threshold=10000),
    Indicator("D12", "人均地区生产总值", "元", C, Q, "ratio", numerator="C01", denominator="C03", factor=10000),
    Indicator("D13", "营商环境达标县占比", "%", C, Q, "share_where", source="C06", op=">=", threshold=80),
]
INDICATORS = REPORTED + DERIVED
BY_CODE = {i.code: i for i in INDICATORS}
RULES = ("sum", "mean", "min", "max", "ratio", "count_where", "share_where")
OPS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less, "=": np.equal}


def months() -> list[Period]:
    return month_range(Period.parse(FIRST_MONTH), Period.parse(LAST_MONTH))


def quarters() -> list[Period]:
    return sorted({m.quarter() for m in months()})


@dataclass
class Hierarchy:
    """The administrative units of one scope, sorted by code, as numpy arrays per level."""

    prefix: str
    codes: dict[int, np.ndarray]  # level -> codes (str)
    rows: list[dict]  # every admin unit in scope (code, name, level, parent)

    def count(self, level: int) -> int:
        return len(self.codes[level])


def load_hierarchy(scale: str = "province") -> Hierarchy:
    """Read data/divisions/44.csv.gz (admin kind only), restricted to the scale's prefix."""
    from bqw.regions.divisions import data_file, read

    prefix = SCALES[scale]
    rows = [r for r in read(data_file(PROVINCE)) if r["kind"] == "admin" and r["code"].startswith(prefix)]
    rows.sort(key=lambda r: r["code"])
    codes = {lv: np.array([r["code"] for r in rows if int(r["level"]) == lv]) for lv in (1, 2, 3, 4, 5)}
    return Hierarchy(prefix, codes, [{k: r[k] for k in ("code", "name", "level", "parent")} for r in rows])


def _province_codes() -> dict[int, np.ndarray]:
    global _PROVINCE_CODES
    if _PROVINCE_CODES is None:
        _PROVINCE_CODES = load_hierarchy("province").codes
    return _PROVINCE_CODES


_PROVINCE_CODES: dict[int, np.ndarray] | None = None


def _rng(*key: int) -> np.random.Generator:
    return np.random.default_rng([SEED, *key])


def _ind_no(code: str) -> int:
    return {"V": 0, "T": 100, "C": 200}[code[0]] + int(code[1:])


def _order() -> list[Indicator]:
    """Indicators in dependency order (sources, numerators and denominators first)."""
    done: list[Indicator] = []
    seen: set[str] = set()

    def visit(ind: Indicator) -> None:
        if ind.code in seen:
            return
        for dep in ind.depends_on:
            visit(BY_CODE[dep])
        seen.add(ind.code)
        done.append(ind)

    for ind in INDICATORS:
        visit(ind)
    return done


def _values(level: int, t: int, n: int) -> dict[str, np.ndarray]:
    """Every indicator of `level` for time step t (month index, or quarter index), for all n province units."""
    out: dict[str, np.ndarray] = {}
    for ind in _order():
        if ind.level != level or ind.derived:
            continue
        no, g = _ind_no(ind.code), ind.gen
        if "of" in g:  # a count that is a growing share of another count (numerator of a ratio)
            p0 = _rng(no, 0).uniform(g["p_lo"], g["p_hi"], n)
            v = np.floor(out[g["of"]] * np.clip(p0 + g["slope"] * t, 0, 1))
        else:
            base = _rng(no, 0).uniform(g["lo"], g["hi"], n)
            if g["integer"]:
                base = np.floor(base)
            v = base * (1 + g["g"] * t)
            if g["noise"]:
                v = v * (1 + g["noise"] * _rng(no, 1 + t).standard_normal(n))
            v = np.clip(v, 0, g["cap"]) if g["cap"] else np.maximum(v, 0)
            v = np.round(v, g["dec"])
        out[ind.code] = v
    return out


@dataclass
class Chunk:
    """One period's values for one level: codes (n,), indicators (k,), values (k, n)."""

    period: str
    level: int
    codes: np.ndarray
    indicators: list[str]
    values: np.ndarray

    def __len__(self) -> int:
        return self.values.size


def chunks(scale: str = "province") -> Iterator[Chunk]:
    """Stream the workload month by month (county quarters after each quarter's last month)."""
    pc = _province_codes()
    prefix = SCALES[scale]
    masks = {lv: np.char.startswith(pc[lv], prefix) for lv in (VILLAGE, TOWN, COUNTY)}
    for t, month in enumerate(months()):
        for level in (VILLAGE, TOWN):
            vals = _values(level, t, len(pc[level]))
            codes = [i.code for i in REPORTED if i.level == level]
            yield Chunk(month.id, level, pc[level][masks[level]], codes,
                        np.stack([vals[c][masks[level]] for c in codes]))
        if month.index % 3 == 0:
            q = t // 3
            vals = _values(COUNTY, q, len(pc[COUNTY]))
            codes = [i.code for i in REPORTED if i.level == COUNTY]
            yield Chunk(month.quarter().id, COUNTY, pc[COUNTY][masks[COUNTY]], codes,
                        np.stack([vals[c][masks[COUNTY]] for c in codes]))


def expected_count(h: Hierarchy) -> int:
    n_ind = {lv: sum(1 for i in REPORTED if i.level == lv) for lv in (VILLAGE, TOWN, COUNTY)}
    return (h.count(VILLAGE) * n_ind[VILLAGE] * len(months()) + h.count(TOWN) * n_ind[TOWN] * len(months())
            + h.count(COUNTY) * n_ind[COUNTY] * len(quarters()))


def targets(h: Hierarchy) -> list[dict]:
    """One target per own-level indicator for every town and county: reach baseline × (1+g) by 2025-12.

    g is drawn so that some units are ahead, some on track and some behind.
    """
    out = []
    pc = _province_codes()
    for level, first, last, deadline in ((TOWN, 0, 35, "202512"), (COUNTY, 0, 11, "2025Q4")):
        base = _values(level, first, len(pc[level]))
        end = _values(level, last, len(pc[level]))
        mask = np.char.startswith(pc[level], h.prefix)
        for ind in INDICATORS:
            if ind.level != level or ind.derived:
                continue
            rng = _rng(_ind_no(ind.code), 9999)
            stretch = rng.uniform(-0.1, 0.25, len(pc[level]))
            b, e = base[ind.code], end[ind.code]
            goal = np.round(b + (e - b) * (1 + stretch) if ind.direction == "up" else e * (1 - stretch), 2)
            comparator = ">=" if ind.direction == "up" else "<="
            for code, bv, gv in zip(pc[level][mask], b[mask], goal[mask], strict=True):
                out.append({"region": str(code), "indicator": ind.code, "comparator": comparator,
                            "value": float(gv), "baseline": float(bv),
                            "baseline_period": first_period(ind), "deadline": deadline, "stage": "初见成效"})
    return out


# The cockpit benchmarks' key targets, set at the province (bench.platform creates them; bench.reference
# evaluates the same rules over the raw values). "level" targets judge every unit of that level; the
# "region" one is the province's own rate, judged for each child too.
COCKPIT_TARGETS: list[dict] = [
    {"indicator": "V12", "scope": "level", "scope_level": VILLAGE, "comparator": ">=", "value": 80,
     "baseline_period": "202301", "deadline": "2026"},
    {"indicator": "V08", "scope": "level", "scope_level": VILLAGE, "comparator": ">=", "value": 90,
     "baseline_period": "202301", "deadline": "2026"},
    {"indicator": "T05", "scope": "level", "scope_level": TOWN, "comparator": ">=", "value": 90,
     "baseline_period": "202301", "deadline": "2026"},
    {"indicator": "C05", "scope": "level", "scope_level": COUNTY, "comparator": ">=", "value": 75,
     "baseline_period": "2023Q1", "deadline": "2026"},
    {"indicator": "C10", "scope": "level", "scope_level": COUNTY, "comparator": "<=", "value": 1.8,
     "baseline_period": "2023Q1", "deadline": "2026"},
    {"indicator": "C01", "scope": "level", "scope_level": COUNTY, "kind": "growth", "comparator": ">=", "value": 6,
     "baseline_period": "2023Q1", "deadline": "2026"},
    {"indicator": "D02", "scope": "region", "comparator": ">=", "value": 90, "baseline_value": 50,
     "baseline_period": "202301", "deadline": "2026"},
]
COCKPIT_INDICATOR = "D02"  # the indicator of the children's values in the benchmarked cockpit JSON


def first_period(ind: Indicator) -> str:
    return FIRST_MONTH if ind.periodicity == MONTHLY else quarters()[0].id


TASK_VERBS = ["推进", "完成", "落实", "开展", "建成", "整治", "提升", "培育"]
TASK_OBJECTS = ["生活污水治理", "卫生户厕改造", "村庄规划编制", "圩镇环境整治", "产业园区建设", "集体经济发展",
                "农房风貌管控", "高标准农田建设", "驻镇帮镇扶村", "乡村旅游示范点"]


def tasks(h: Hierarchy, n: int = N_TASKS) -> list[dict]:
    """n tasks led by counties and towns of the scope, with deadlines in 2024–2026 and progress."""
    rng = _rng(7777)
    units = np.concatenate([h.codes[COUNTY], h.codes[TOWN]])
    lead = rng.integers(0, len(units), n)
    verb, obj = rng.integers(0, len(TASK_VERBS), n), rng.integers(0, len(TASK_OBJECTS), n)
    deadline_month = rng.integers(0, 36, n)  # 2024-01 … 2026-12
    progress = np.round(np.clip(rng.beta(2, 1.5, n) * 110, 0, 100), 0)
    start = Period.parse("202401")
    return [{"code": f"T{k + 1:05d}", "title": f"{TASK_VERBS[verb[k]]}{TASK_OBJECTS[obj[k]]}（第{k + 1}项）",
             "lead_region": str(units[lead[k]]), "deadline": start.shift(int(deadline_month[k])).end.isoformat(),
             "progress": float(progress[k])} for k in range(n)]


# — Parquet export ————————————————————————————————————————————————————————————————————————

def export(scale: str, out_dir: Path, *, force: bool = False) -> dict[str, Path]:
    """Write values/regions/indicators/targets/tasks Parquet files for the scale (cached by VERSION)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / f"psw-{scale}-{name}.parquet"
             for name in ("values", "regions", "indicators", "targets", "tasks")}
    stamp = f"{VERSION}:{SEED}"
    if not force and all(p.exists() for p in paths.values()):
        meta = pq.read_schema(paths["values"]).metadata or {}
        if meta.get(b"psw") == stamp.encode():
            return paths
    h = load_hierarchy(scale)
    pq.write_table(pa.Table.from_pylist(h.rows), paths["regions"])
    ind_rows = [{k: getattr(i, k) for k in ("code", "name", "unit", "level", "periodicity", "rule", "temporal",
                                            "direction", "numerator", "denominator", "factor", "source", "op",
                                            "threshold")} for i in INDICATORS]
    pq.write_table(pa.Table.from_pylist(ind_rows), paths["indicators"])
    pq.write_table(pa.Table.from_pylist(targets(h)), paths["targets"])
    pq.write_table(pa.Table.from_pylist(tasks(h)), paths["tasks"])

    schema = pa.schema([("region", pa.string()), ("level", pa.int8()), ("indicator", pa.string()),
                        ("period", pa.string()), ("value", pa.float64())], metadata={"psw": stamp})
    tmp = paths["values"].with_suffix(".tmp")
    with pq.ParquetWriter(tmp, schema, compression="zstd") as w:
        for c in chunks(scale):
            w.write_table(chunk_table(c, schema), row_group_size=131072)
    tmp.replace(paths["values"])
    return paths


def chunk_table(c: Chunk, schema=None):
    """A chunk as an Arrow table in long form (indicator-major, then region code)."""
    import pyarrow as pa

    k, n = c.values.shape
    region = pa.DictionaryArray.from_arrays(pa.array(np.tile(np.arange(n, dtype=np.int32), k)),
                                            pa.array(c.codes.astype(object)))
    indicator = pa.DictionaryArray.from_arrays(pa.array(np.repeat(np.arange(k, dtype=np.int32), n)),
                                               pa.array(c.indicators))
    cols = [region.cast(pa.string()), pa.array(np.full(k * n, c.level, dtype=np.int8)),
            indicator.cast(pa.string()), pa.array([c.period] * (k * n), pa.string()),
            pa.array(c.values.reshape(-1))]
    return pa.Table.from_arrays(cols, schema=schema) if schema else pa.Table.from_arrays(
        cols, names=["region", "level", "indicator", "period", "value"])
