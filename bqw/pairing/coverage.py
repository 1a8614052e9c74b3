"""Coverage and delivery as ordinary indicators, recomputed from the pairing records at zero lag.

Every service that changes a pairing, a commitment's delivery or a co-built project calls `refresh(...)` in its
own transaction with the units it touched; the values go through
`indicators.services.datavalues_record_derived` (approved, audited, rolled up to every ancestor at once), so
targets on them ("行政村与企业年度结对率达到20%以上") get their status like any other target.

Indicators (quarterly; the coverage of a year is written in each of its quarters, so a pair added today counts
in the quarter the cockpit reads):
- pair_v_ent (village, 0/1): the village has at least one enterprise pair (万企兴万村, 商会, SOE, bank…) active
  in the year; every village of the city gets a 0 the first time a city-year is written, so the share's
  denominator is all the city's villages → pair_v_ent_share (share_where) 行政村与企业年度结对率;
- pair_t_group (town, 0/1): the town is helped by a 组团 group that year → pair_t_group_n (count_where);
- pair_funds (county, flow 元): funds delivered in the quarter to helped units inside the county;
- pair_proj_started / pair_proj_done (county, stock 个): co-built projects (projects of the project library linked
  to a pairing, not archived) started / completed by the quarter's end inside the county; a change made in the
  project library reaches them through `project_hooks`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from bqw.accounts.models import User
from bqw.core.periods import Period
from bqw.indicators.models import DataValue, Indicator
from bqw.indicators.services import datavalues_record_derived, indicator_ensure
from bqw.projects.models import Project
from bqw.regions.models import PREFIX_LENGTH, Region, code_range

from .models import ENTERPRISE_KINDS, CommitmentKind, Delivery, Helper, Pairing, PairingProject, PairingType

FIRST_YEAR = 2023  # the programme's first year: coverage and cumulative counts start here

PREFIX = "pair_"  # every pairing indicator's code starts with it (registered as computed in apps.py)
V_ENT, V_ENT_SHARE = "pair_v_ent", "pair_v_ent_share"
T_GROUP, T_GROUP_N = "pair_t_group", "pair_t_group_n"
FUNDS, PROJ_STARTED, PROJ_DONE = "pair_funds", "pair_proj_started", "pair_proj_done"

CATALOG = [  # code, fields
    (V_ENT, {"name": "与企业年度结对（1是0否）", "unit": "", "level": 5, "periodicity": "Q", "temporal": "stock",
             "min_value": 0, "max_value": 1, "integer": True,
             "description": "由结对帮扶台账自动计算：该村当年有企业（含国企、银行、商会）结对为1，否则为0"}),
    (T_GROUP, {"name": "组团帮扶覆盖（1是0否）", "unit": "", "level": 4, "periodicity": "Q", "temporal": "stock",
               "min_value": 0, "max_value": 1, "integer": True,
               "description": "由结对帮扶台账自动计算：该镇街当年有组团纵向帮扶为1"}),
    (FUNDS, {"name": "结对帮扶资金到位额", "unit": "元", "level": 3, "periodicity": "Q", "temporal": "flow",
             "min_value": 0, "description": "由结对帮扶台账自动计算：县域内受帮扶单位当期到位的帮扶资金"}),
    (PROJ_STARTED, {"name": "结对共建项目开工数（累计）", "unit": "个", "level": 3, "periodicity": "Q",
                    "temporal": "stock", "min_value": 0, "integer": True,
                    "description": "由结对帮扶台账自动计算：县域内截至期末已开工的共建/帮扶项目数"}),
    (PROJ_DONE, {"name": "结对共建项目完工数（累计）", "unit": "个", "level": 3, "periodicity": "Q",
                 "temporal": "stock", "min_value": 0, "integer": True,
                 "description": "由结对帮扶台账自动计算：县域内截至期末已完工的共建/帮扶项目数"}),
]
DERIVED = [
    (V_ENT_SHARE, V_ENT, "share_where", {"name": "行政村与企业年度结对率", "unit": "%"}),
    (T_GROUP_N, T_GROUP, "count_where", {"name": "组团帮扶覆盖镇街数", "unit": "个"}),
]


def ensure_indicators(actor: User) -> dict[str, Indicator]:
    """The pairing indicators (created once; later calls read them)."""
    codes = [c for c, _ in CATALOG] + [c for c, *_ in DERIVED]
    have = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    if len(have) == len(codes):
        return have
    from bqw.accounts.services import system_user

    system = system_user()  # the catalog is configuration: created by the audited system user
    for code, fields in CATALOG:
        if code not in have:
            have[code] = indicator_ensure(actor=system, code=code, **fields)
    for code, source, rule, fields in DERIVED:
        if code not in have:
            src = have[source]
            have[code] = indicator_ensure(actor=system, code=code, rule=rule, source=src, comparator=">=",
                                          threshold=1, level=src.level, periodicity="Q", temporal="stock",
                                          **fields)
    return have


# ------------------------------------------------------------------ which units a record touches


def _ancestor(region: Region, level: int) -> Region | None:
    """The unit of `level` containing `region` (itself when at that level), by code prefix."""
    if region.level < level:
        return None
    if region.level == level:
        return region
    code = region.code[:PREFIX_LENGTH[level]].ljust(12, "0")
    return Region.objects.filter(code=code).first()


def helped_region_of(p: Pairing) -> Region:
    return p.helped_region if p.helped_region_id else p.region


def is_enterprise_pair(p: Pairing, helpers: list[Helper] | None = None) -> bool:
    helpers = helpers if helpers is not None else list(p.helpers.select_related("organization"))
    if p.kind in (PairingType.ENTERPRISE_VILLAGE, PairingType.CHAMBER):
        return True
    return any(h.organization_id and h.organization.kind in ENTERPRISE_KINDS for h in helpers)


class Touched:
    """Units (and years) whose pairing indicators must be recomputed after a change."""

    def __init__(self) -> None:
        self.villages: dict[int, set[int]] = defaultdict(set)  # village id → years
        self.towns: dict[int, set[int]] = defaultdict(set)
        self.counties: set[int] = set()

    def pairing(self, p: Pairing, *, years: Iterable[int] | None = None) -> Touched:
        """Everything a pairing feeds (its helped unit's village/town coverage, its county's figures)."""
        region = helped_region_of(p)
        ys = set(years) if years is not None else set(_years(p.start_on, p.end_on))
        if region.level == 5 and p.helped_region_id:
            self.villages[region.id] |= ys
        if region.level == 4 and p.helped_region_id:
            self.towns[region.id] |= ys
        county = _ancestor(region, 3)
        if county is not None:
            self.counties.add(county.id)
        return self

    def project(self, project: Project) -> Touched:
        county = _ancestor(project.region, 3)
        if county is not None:
            self.counties.add(county.id)
        return self

    def __bool__(self) -> bool:
        return bool(self.villages or self.towns or self.counties)


def _today() -> date:
    return timezone.localdate()


def _years(start: date, end: date | None) -> range:
    last = _today().year
    first = max(start.year, FIRST_YEAR)
    stop = min(end.year, last) if end else last
    return range(first, stop + 1)


def _quarters_of(year: int) -> list[Period]:
    return [Period(year, "Q", k) for k in range(1, 5)]


def _quarters_to_now() -> list[Period]:
    out, q, now = [], Period(FIRST_YEAR, "Q", 1), Period.of_date(_today(), "Q")
    while q.start <= now.start:
        out.append(q)
        q = q.shift(1)
    return out


def _covering(region_ids: Iterable[int], kinds: Iterable[str] | None = None) -> list[Pairing]:
    qs = Pairing.objects.filter(helped_region_id__in=list(region_ids)).prefetch_related("helpers__organization")
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return list(qs)


# ------------------------------------------------------------------ recompute


def refresh(*, actor: User, touched: Touched) -> int:
    """Recompute and write every value the touched units' pairing indicators have; returns values written."""
    if not touched:
        return 0
    ind = ensure_indicators(actor)
    items: list[dict] = []
    if touched.villages:
        items += _village_items(ind[V_ENT], touched.villages)
    if touched.towns:
        items += _town_items(ind[T_GROUP], touched.towns)
    if touched.counties:
        items += _county_items(ind, touched.counties)
    datavalues_record_derived(actor=actor, items=items)
    return len(items)


def _village_items(indicator: Indicator, villages: dict[int, set[int]]) -> list[dict]:
    regions = Region.objects.in_bulk(list(villages))
    pairs = defaultdict(list)
    for p in _covering(villages):
        pairs[p.helped_region_id].append(p)
    items, city_years = [], defaultdict(set)
    for vid, years in villages.items():
        v = regions[vid]
        for y in years:
            hit = any(p.active_in(y) and is_enterprise_pair(p, list(p.helpers.all())) for p in pairs[vid])
            for q in _quarters_of(y):
                items.append({"region": v, "indicator": indicator, "period": q.id, "value": int(hit)})
            city_years[v.code[:4]].add(y)
    return _zeros_for_city_villages(indicator, city_years, set(villages)) + items


def _zeros_for_city_villages(indicator: Indicator, city_years: dict[str, set[int]], skip: set[int]) -> list[dict]:
    """A 0 for every village of the city that has no value yet in those quarters: the share's denominator is
    all villages, not only the paired ones."""
    out = []
    for prefix, years in city_years.items():
        lo, hi = code_range(prefix)
        villages = list(Region.objects.filter(code__gte=lo, code__lte=hi, level=5, kind=Region.Kind.ADMINISTRATIVE)
                        .exclude(id__in=skip))
        periods = [q.id for y in sorted(years) for q in _quarters_of(y)]
        have = set(DataValue.objects.filter(indicator=indicator, period__in=periods, region__code__gte=lo,
                                            region__code__lte=hi).values_list("region_id", "period"))
        for v in villages:
            for pid in periods:
                if (v.id, pid) not in have:
                    out.append({"region": v, "indicator": indicator, "period": pid, "value": 0})
    return out


def _town_items(indicator: Indicator, towns: dict[int, set[int]]) -> list[dict]:
    regions = Region.objects.in_bulk(list(towns))
    pairs = defaultdict(list)
    for p in _covering(towns, [PairingType.GROUP]):
        pairs[p.helped_region_id].append(p)
    items = []
    for tid, years in towns.items():
        for y in years:
            hit = any(p.active_in(y) for p in pairs[tid])
            items += [{"region": regions[tid], "indicator": indicator, "period": q.id, "value": int(hit)}
                      for q in _quarters_of(y)]
    return items


def _in_county_q(county: Region, field: str) -> Q:
    lo, hi = code_range(county.prefix)
    return Q(**{f"{field}__code__gte": lo, f"{field}__code__lte": hi})


def _county_items(ind: dict[str, Indicator], counties: set[int]) -> list[dict]:
    quarters = _quarters_to_now()
    items = []
    for county in Region.objects.filter(id__in=counties):
        funds: dict[str, Decimal] = defaultdict(Decimal)
        deliveries = Delivery.objects.filter(_in_county_q(county, "commitment__pairing__region"),
                                             commitment__kind=CommitmentKind.FUNDS).exclude(
            commitment__pairing__status="cancelled")
        for period, amount in deliveries.values_list("period", "amount"):
            funds[Period.parse(period).quarter().id if len(period) > 4 else f"{period}Q4"] += amount
        projects = list(PairingProject.objects.filter(_in_county_q(county, "project__region"),
                                                      project__archived=False)
                        .exclude(pairing__status="cancelled").values_list("project__started_on",
                                                                          "project__completed_on"))
        for q in quarters:
            end = q.end
            items.append({"region": county, "indicator": ind[FUNDS], "period": q.id, "value": funds.get(q.id, 0)})
            items.append({"region": county, "indicator": ind[PROJ_STARTED], "period": q.id,
                          "value": sum(1 for s, _ in projects if s and s <= end)})
            items.append({"region": county, "indicator": ind[PROJ_DONE], "period": q.id,
                          "value": sum(1 for _, c in projects if c and c <= end)})
    return items
