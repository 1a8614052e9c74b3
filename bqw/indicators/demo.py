"""江门 demo step: the indicators and targets of the 江门 / 鹤山 / 新会 articles, and deterministic simulated
values (2023-01 → the current month) for every 江门 village, town and county, marked simulated.

Facts and numbers come from data/demo_targets.json (a copy of the matching entries of the gold list of
quantitative statements); the simulation is seeded by unit code, so every run writes the same values.
Some units and targets are made to lag so that every status appears."""

from __future__ import annotations

import json
import math
import random
from itertools import chain
from pathlib import Path

from django.utils import timezone

from bqw.accounts.services import system_user
from bqw.core.periods import Period, month_range
from bqw.regions.models import Region

from .models import Indicator, Target
from .services import datavalues_bulk_load, indicator_ensure, target_ensure

JM, HS, XH, GD = "440700000000", "440784000000", "440705000000", "440000000000"
START = Period.parse("202301")
OPEN_TOWN = "440784001"  # 鹤山市沙坪街道: the demo reporter's town, its current month left to enter
DATA = Path(__file__).parent / "data" / "demo_targets.json"
ONLY_COUNTIES: tuple[str, ...] | None = None  # tests simulate fewer villages (e.g. ("440784",)) to stay fast

# code, name, unit, level, periodicity, temporal, extra
INDICATORS: list[tuple] = [
    # villages
    ("v_income", "村级集体经营性收入", "元", 5, "M", "flow", {"min_value": 0}),
    ("v_trees", "植树数量", "株", 5, "M", "flow", {"integer": True, "min_value": 0}),
    ("v_nat", "自然村数", "个", 5, "Q", "stock", {"integer": True, "min_value": 0}),
    ("v_sewage", "已完成生活污水治理的自然村数", "个", 5, "Q", "stock", {"integer": True, "min_value": 0}),
    ("v_sewage_new", "新增完成生活污水治理的自然村数", "个", 5, "Q", "flow", {"integer": True, "min_value": 0}),
    ("v_garbage", "生活垃圾收运处置体系覆盖的自然村数", "个", 5, "Q", "stock", {"integer": True, "min_value": 0}),
    ("v_toilet", "整村厕所改造提升已完成（1是0否）", "", 5, "Q", "stock", {"min_value": 0, "max_value": 1}),
    ("v_paired", "与企业年度结对（1是0否）", "", 5, "Q", "stock", {"min_value": 0, "max_value": 1}),
    ("v_livable", "达到美丽宜居村标准（1是0否）", "", 5, "Q", "stock", {"min_value": 0, "max_value": 1}),
    # towns
    ("t_gdp", "镇街地区生产总值", "元", 4, "Q", "flow", {"min_value": 0}),
    ("t_fiscal", "镇街财政收入", "元", 4, "Q", "flow", {"min_value": 0}),
    # counties
    ("gdp", "地区生产总值", "元", 3, "Q", "flow", {"min_value": 0}),
    ("rural_income", "农村居民人均可支配收入", "元", 3, "M", "flow", {"rule": "mean", "min_value": 0}),
    ("rank_industry100", "全国工业百强县排名", "名", 3, "Y", "stock", {"direction": "down", "rule": "min"}),
    ("rank_county100", "全国百强县排名", "名", 3, "Y", "stock", {"direction": "down", "rule": "min"}),
    ("rank_district", "全国高质量发展百强区排名", "名", 3, "Y", "stock", {"direction": "down", "rule": "min"}),
    ("strong_towns", "全国千强镇数量", "个", 3, "Y", "stock", {}),
    ("industrial_towns", "工业中心镇数量", "个", 3, "Y", "stock", {}),
    ("demo_villages", "“百千万工程”示范村数量", "个", 3, "Y", "stock", {}),
    ("hitech", "高新技术企业数", "家", 3, "Y", "stock", {}),
    ("little_giants", "国家专精特新“小巨人”企业数", "家", 3, "Y", "stock", {}),
    ("big_firms", "产值超10亿元企业数", "家", 3, "Y", "stock", {}),
    ("citrus_area", "新会柑种植面积", "亩", 3, "Y", "stock", {}),
    ("livable_demo", "美丽宜居示范村数", "个", 3, "Y", "stock", {}),
    ("feature_villages", "特色示范村数", "个", 3, "Y", "stock", {}),
    # city
    ("new_industries", "加快发展的新兴产业数量", "个", 2, "Y", "stock", {}),
    ("agri_parks", "省级以上现代农业产业园数量", "个", 2, "Y", "stock", {}),
    ("six_output", "六大特色优势产业产值", "元", 2, "Y", "flow", {}),
    ("tour_routes", "旅游精品线路数量", "条", 2, "M", "stock", {}),
    ("rv_belts", "乡村振兴示范带数量", "条", 2, "M", "stock", {}),
    ("town_projects", "开工建设美丽圩镇项目数", "个", 2, "M", "stock", {}),
    ("school_projects", "完成学校新（改、扩）建项目数", "个", 2, "M", "stock", {}),
    ("school_places", "新增公办基础教育学位", "个", 2, "M", "stock", {}),
    ("xhpj_rate", "省“薪火培基”培训合格率", "%", 2, "M", "stock", {"min_value": 0, "max_value": 100}),
    ("clinic_rate", "达到基本标准的基层医疗机构占比", "%", 2, "M", "stock", {"min_value": 0, "max_value": 100}),
    ("doctors_down", "到基层服务的执业医师人数", "人", 2, "M", "stock", {}),
    ("elderly_homes", "特殊困难老年人家庭适老化改造户数", "户", 2, "M", "stock", {}),
    ("canteens", "有效运营的长者饭堂（含助餐服务点）数", "家", 2, "M", "stock", {}),
    ("doctor_sign", "老年人家庭医生签约服务率", "%", 2, "M", "stock", {"min_value": 0, "max_value": 100}),
    ("safe_village", "平安乡村建设合格率", "%", 2, "M", "stock", {"min_value": 0, "max_value": 100}),
    ("soe_projects", "市属国资国企帮扶建设项目数", "个", 2, "M", "stock", {}),
    ("uni_projects", "首批校地共建项目落地数", "个", 2, "M", "stock", {}),
    ("grain_yield", "粮食单季亩产", "公斤/亩", 2, "Y", "stock", {}),
]
# code, name, unit, rule, parts
DERIVED: list[tuple] = [
    ("sewage_rate", "自然村生活污水治理率", "%", "ratio", {"numerator": "v_sewage", "denominator": "v_nat"}),
    ("garbage_rate", "乡村生活垃圾收运处置体系自然村覆盖率", "%", "ratio",
     {"numerator": "v_garbage", "denominator": "v_nat"}),
    ("toilet_share", "行政村整村厕所改造提升完成比例", "%", "share_where", {"source": "v_toilet", "threshold": 1}),
    ("paired_share", "行政村与企业年度结对率", "%", "share_where", {"source": "v_paired", "threshold": 1}),
    ("livable_share", "达到美丽宜居村标准的村居比例", "%", "share_where", {"source": "v_livable", "threshold": 1}),
    ("towns_gdp100", "GDP超百亿元镇街数量", "个", "count_where", {"source": "t_gdp", "threshold": 10_000_000_000}),
    ("towns_gdp50", "GDP超50亿元镇街数量", "个", "count_where", {"source": "t_gdp", "threshold": 5_000_000_000}),
    ("towns_fiscal5_share", "财政收入超5亿元的镇街占比", "%", "share_where",
     {"source": "t_fiscal", "threshold": 500_000_000}),
    ("counties_gdp1000", "迈入千亿经济强县行列的县（市、区）数", "个", "count_where",
     {"source": "gdp", "threshold": 100_000_000_000}),
]

# gold entry → (indicator, region, scope extras, simulated performance for own-value indicators)
# performance: share of the planned path achieved (≥ 1 on track/achieved, 0.95 at risk, 0.8 off track, None no data)
TARGETS: dict[int, tuple] = {
    3: ("new_industries", JM, {}, 1.1), 5: ("towns_gdp100", JM, {}, None), 6: ("towns_gdp50", JM, {}, None),
    8: ("agri_parks", JM, {}, 1.0), 9: ("six_output", JM, {}, 0.9), 11: ("tour_routes", JM, {}, 1.1),
    12: ("toilet_share", JM, {}, None), 13: ("garbage_rate", JM, {}, None), 14: ("v_sewage_new", JM, {}, None),
    15: ("sewage_rate", JM, {}, None), 16: ("rv_belts", JM, {}, 1.0), 17: ("town_projects", JM, {}, 0.96),
    18: ("v_trees", JM, {"scope": "level", "scope_level": 3}, None),
    19: ("v_trees", JM, {"scope": "level", "scope_level": 4}, None),
    20: ("v_trees", JM, {"scope": "level", "scope_level": 5}, None),
    21: ("school_projects", JM, {}, 1.0), 22: ("school_places", JM, {}, 0.8), 26: ("xhpj_rate", JM, {}, 1.05),
    28: ("clinic_rate", JM, {}, 0.97), 30: ("doctors_down", JM, {}, 1.2), 33: ("elderly_homes", JM, {}, 0.85),
    34: ("canteens", JM, {}, 1.1), 36: ("doctor_sign", JM, {}, 0.92), 37: ("safe_village", JM, {}, 1.0),
    39: ("paired_share", JM, {}, None), 40: ("soe_projects", JM, {}, 0.7), 42: ("uni_projects", JM, {}, None),
    59: ("rank_industry100", HS, {}, 0.97), 71: ("strong_towns", HS, {}, None),
    72: ("industrial_towns", HS, {}, 0.6), 78: ("demo_villages", HS, {}, 1.1),
    79: ("v_income", HS, {"scope": "level", "scope_level": 5}, None), 84: ("rank_county100", HS, {}, 1.3),
    90: ("counties_gdp1000", JM, {}, None), 93: ("grain_yield", JM, {}, 1.0),
    152: ("gdp", XH, {}, None), 153: ("gdp", XH, {}, None), 157: ("rank_district", XH, {}, 0.9),
    158: ("towns_fiscal5_share", XH, {}, None), 160: ("gdp", XH, {"kind": "growth"}, None),
    161: ("gdp", XH, {}, None), 168: ("hitech", XH, {}, 1.02), 170: ("little_giants", XH, {}, 0.75),
    171: ("big_firms", XH, {}, 1.1), 179: ("citrus_area", XH, {}, 1.0), 180: ("livable_share", XH, {}, None),
    181: ("livable_demo", XH, {}, 0.9), 183: ("feature_villages", XH, {}, 1.0),
}
DEFAULT_DEADLINE = {"鹤山": "2025", "打造": "2027", "新会": "2027"}
STAGE = {2023: "2023", 2024: "2025", 2025: "2025", 2026: "2027", 2027: "2027"}
RELATIVE = {"title": "全市农村居民人均可支配收入增速高于全省平均水平",
            "quote": "推动全市农村居民人均可支配收入增速高于全省平均水平",
            "document": "《聚焦重点突破难点 锚定目标真抓实干 全力打造“百千万工程”江门样板》"}


def _rng(*key: object) -> random.Random:
    return random.Random("|".join(map(str, key)))


def build_catalog() -> dict[str, Indicator]:
    out = {}
    for code, name, unit, level, periodicity, temporal, extra in INDICATORS:
        out[code] = indicator_ensure(actor=system_user(), code=code, name=name, unit=unit, level=level,
                                     periodicity=periodicity, temporal=temporal, **extra)
    for code, name, unit, rule, parts in DERIVED:
        src = out[parts.get("source") or parts["numerator"]]
        kw = {"rule": rule, "level": src.level, "periodicity": src.periodicity, "temporal": src.temporal}
        if rule == "ratio":
            kw |= {"numerator": out[parts["numerator"]], "denominator": out[parts["denominator"]], "factor": 100}
        else:
            kw |= {"source": src, "comparator": ">=", "threshold": parts["threshold"]}
        out[code] = indicator_ensure(actor=system_user(), code=code, name=name, unit=unit, **kw)
    return out


# ------------------------------------------------------------------ simulation


def _quarters(last_month: Period) -> list[Period]:
    qs, q = [], Period(START.year, "Q", 1)
    while q.end <= last_month.end:
        qs.append(q)
        q = q.shift(1)
    return qs


def _village_rows(villages: list[Region], months: list[Period], quarters: list[Period]):
    for v in villages:
        r = _rng("village", v.code)
        heshan = v.code.startswith("440784")
        base = r.uniform(1.4e6, 3.6e6) if heshan else math.exp(r.uniform(math.log(2e5), math.log(4e6)))
        growth = r.uniform(0.0, 0.5) if heshan else r.uniform(-0.05, 0.25)
        trees = r.uniform(55, 230)
        for m in months:
            years = (m.year - START.year) + (m.index - 1) / 12
            season = 1 + 0.15 * math.sin(m.index / 12 * 2 * math.pi)
            yield v.code, "v_income", m.id, round(base * (1 + growth) ** years / 12 * season)
            yield v.code, "v_trees", m.id, round(trees / 12 * (2.2 if m.index in (2, 3) else 0.76))
        nat = r.randint(2, 12)
        sew0, sew_step = r.uniform(0.55, 0.85), r.uniform(0.0, 0.025)
        gar0, gar_step = r.uniform(0.85, 1.0), r.uniform(0.0, 0.02)
        toilet_at = r.randint(-6, 14)  # quarter index of completion (0 = 2023Q1)
        livable_at = r.randint(-2, 18)
        paired = r.random()
        done_before = None
        for k, q in enumerate(quarters):
            done = min(nat, round(nat * (sew0 + sew_step * k)))
            yield v.code, "v_nat", q.id, nat
            yield v.code, "v_sewage", q.id, done
            yield v.code, "v_sewage_new", q.id, 0 if done_before is None else max(done - done_before, 0)
            done_before = done
            yield v.code, "v_garbage", q.id, min(nat, round(nat * (gar0 + gar_step * k)))
            yield v.code, "v_toilet", q.id, int(k >= toilet_at)
            yield v.code, "v_livable", q.id, int(k >= livable_at)
            yield v.code, "v_paired", q.id, int(paired < 0.08 + 0.012 * k)


COUNTY_GDP = {"440703": 1150e8, "440704": 560e8, "440705": 1010e8, "440781": 520e8, "440783": 420e8,
              "440784": 460e8, "440785": 210e8}


def _area_rows(towns: list[Region], counties: list[Region], months: list[Period], quarters: list[Period]):
    for t in towns:
        r = _rng("town", t.code)
        gdp = math.exp(r.uniform(math.log(1.5e9), math.log(1.6e10)))
        g = r.uniform(0.02, 0.09)
        fiscal = gdp * r.uniform(0.03, 0.09)
        for q in quarters:
            f = (1 + g) ** (q.year - START.year) / 4
            yield t.code, "t_gdp", q.id, round(gdp * f)
            yield t.code, "t_fiscal", q.id, round(fiscal * f)
    for c in counties:
        r = _rng("county", c.code)
        gdp = COUNTY_GDP.get(c.code[:6], 300e8)
        g = 0.065 if c.code == XH else r.uniform(0.03, 0.08)
        income, gi = r.uniform(24000, 32000), (0.072 if c.code == HS else r.uniform(0.055, 0.08))
        for q in quarters:
            yield c.code, "gdp", q.id, round(gdp * (1 + g) ** (q.year - START.year) / 4)
        for m in months:
            yield c.code, "rural_income", m.id, round(income * (1 + gi) ** (m.year - START.year) / 12, 2)
    for m in months:  # the province's own figure: the benchmark of the relative target
        yield GD, "rural_income", m.id, round(23500 * 1.062 ** (m.year - START.year) / 12, 2)


def _planned(value: float, comparator: str, unit: str, down: bool) -> float:
    """A baseline a plausible distance from the target (for own-value indicators)."""
    if down:
        return round(value * 1.25)
    if unit == "%":
        return max(value - 15, 0)
    return round(value * 0.7, 2)


def _own_rows(specs: list[dict], indicators: dict[str, Indicator], now: Period):
    """Own values of city/county indicators following the path baseline → target × performance."""
    last_year = now.year if now.index == 12 else now.year - 1
    for s in specs:
        ind, perf = indicators[s["indicator"]], s["perf"]
        if perf is None or ind.level > 3 or s["indicator"] in ("gdp", "rural_income"):
            continue
        b, v = s["baseline"], s["value"]
        base, deadline = Period.parse("202212"), Period(int(s["deadline"]), "M", 12)
        total = base.months_between(deadline)
        points = ([Period(y, "M", 12) for y in range(START.year, last_year + 1)] if ind.periodicity == "Y"
                  else month_range(START, now))
        for p in points:
            frac = min(base.months_between(p) / total, 1.0)
            x = b + (v - b) * min(perf * frac, 1.15 if perf > 1 else perf)
            x = round(x, 1) if ind.unit == "%" else (round(x) if abs(v) < 1e6 else round(x, -4))
            yield s["region"], s["indicator"], (str(p.year) if ind.periodicity == "Y" else p.id), x


def step(orgs=None) -> dict:
    """Indicators, ≥ 40 targets and simulated values for 江门 (idempotent, deterministic)."""
    if not Region.objects.filter(code=JM).exists():
        return {}
    indicators = build_catalog()
    now = Period.of_date(timezone.localdate())
    months = month_range(START, now)
    quarters = _quarters(now)
    specs = []
    for entry in json.loads(DATA.read_text(encoding="utf-8")):
        code, region, extra, perf = TARGETS[entry["gold"]]
        deadline = str(entry["deadline"] or next(y for k, y in DEFAULT_DEADLINE.items() if k in entry["document"]))
        deadline = deadline[:4]
        ind = indicators[code]
        value = float(entry["value"])
        down = entry["comparator"] in ("<=", "<")
        spec = {"indicator": code, "region": region, "value": value, "deadline": deadline, "perf": perf,
                "comparator": entry["comparator"], "entry": entry, "extra": extra}
        if perf is not None:
            spec["baseline"] = _planned(value, entry["comparator"], ind.unit, down)
        specs.append(spec)
    regions = {r.code: r for r in Region.objects.filter(code__in=[JM, HS, XH, GD])}
    jm = regions[JM]
    lo, hi = jm.code[:4].ljust(12, "0"), jm.code[:4].ljust(12, "9")
    units = Region.objects.filter(code__gte=lo, code__lte=hi, kind=Region.Kind.ADMINISTRATIVE)
    villages = list(units.filter(level=5).order_by("code"))
    if ONLY_COUNTIES:
        villages = [v for v in villages if v.code[:6] in ONLY_COUNTIES]
    towns = list(units.filter(level=4).order_by("code"))
    counties = list(units.filter(level=3).order_by("code"))

    closing = {q.id for q in quarters if q.end == now.end}  # a quarter's last month reports the quarter too

    def rows():
        for row in chain(_village_rows(villages, months[:-1], quarters), _area_rows(towns, counties, months, quarters)):
            if not (row[2] in closing and row[0].startswith(OPEN_TOWN)):  # 沙坪街道 reports its quarter now
                yield row
        yield from _own_rows(specs, indicators, now)

    def reported_this_month():
        # the month being reported: villages' figures submitted and awaiting review, 沙坪街道's still due (its
        # reporter's 工作台 and form open on them)
        for row in _village_rows(villages, [now], []):
            if not row[0].startswith(OPEN_TOWN):
                yield row

    loaded = datavalues_bulk_load(rows(), actor=system_user(), simulated=True, upsert=True)
    loaded += datavalues_bulk_load(reported_this_month(), actor=system_user(), simulated=True, upsert=True,
                                   state="submitted")
    targets = []
    for s in specs:
        e = s["entry"]
        year = int(s["deadline"])
        kw = dict(s["extra"])
        if s["perf"] is not None:
            kw |= {"baseline_value": s["baseline"], "baseline_period": "202212"}
        else:
            kw |= {"baseline_period": "202312" if year > 2023 else "202301"}
        if kw.get("kind") == "growth":
            kw["baseline_period"] = "2023"
        targets.append(target_ensure(
            actor=system_user(), indicator=indicators[s["indicator"]], region=regions[s["region"]],
            deadline=s["deadline"], value=s["value"], title=f"{e['subject']}{e['indicator']}",
            comparator=e["comparator"] if e["comparator"] != "approx" else "=", stage=STAGE.get(year, "2032"),
            source_document=e["document"], source_quote=e["quote"], is_simulated=True, **kw))
    targets.append(target_ensure(
        actor=system_user(), indicator=indicators["rural_income"], region=jm, deadline="2025", value=0, kind="relative",
        comparator=">", benchmark=regions[GD], title=RELATIVE["title"], stage="2025",
        source_document=RELATIVE["document"], source_quote=RELATIVE["quote"], is_simulated=True))
    return {"values": loaded, "targets": len(targets), "indicators": len(indicators),
            "simulated_targets": Target.objects.filter(is_simulated=True).count()}
