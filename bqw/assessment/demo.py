"""江门 demo step: a class-differentiated 赛马 of the 7 counties, 擂台赛 of the towns of 鹤山市 and 新会区,
published snapshots for the last complete quarter, and the external ranking the 鹤山 article reports.

Runs on the indicators demo's values (bqw/indicators/demo.py: county GDP and rural income, town GDP and
fiscal revenue, and the village figures rolled up to towns and counties). The county track classes are
invented for the demo (only 鹤山市 is on the provincial 典型县 list, as 创先类) and the scheme names say so;
the manual bonus is simulated. Idempotent: schemes and items are re-set, publications made once."""

from __future__ import annotations

from django.utils import timezone

from bqw.accounts.services import command_actor
from bqw.core.periods import Period
from bqw.indicators.models import Indicator, Target
from bqw.regions.models import Region
from bqw.regions.services import region_class_set

from .models import Adjustment, ExternalRanking, Publication, Scheme
from .services import adjustment_add, external_ranking_record, publication_create, scheme_items_set, scheme_save

JM, HS, XH = "440700000000", "440784000000", "440705000000"
TRACKS = "县域赛道（演示）"
COUNTY_TRACKS = {"440703": "创先类", "440705": "创先类", "440784": "创先类",
                 "440704": "进位类", "440781": "进位类", "440783": "进位类", "440785": "进位类"}
COUNTY_SCHEME = "江门市县域分类赛马（演示）"
TOWN_SCHEMES = {HS: "鹤山市镇街擂台赛（演示）", XH: "新会区镇街擂台赛（演示）"}
SEED_SOURCE = "《发展县域经济,奋力再造一个工业新鹤山》，江门新闻 JMA13 版，2023-11-16"


def last_quarter() -> Period:
    return Period.of_date(timezone.localdate(), "Q").shift(-1)


def county_items() -> list[dict]:
    sewage = Target.objects.filter(indicator__code="sewage_rate", region__code=JM).order_by("deadline").first()
    return [
        {"indicator": "gdp", "weight": 25},
        {"indicator": "rural_income", "weight": 20},
        {"indicator": "v_income", "weight": 15},
        {"indicator": "sewage_rate", "weight": 15, "normalisation": "target", "target": sewage and sewage.pk,
         "target_value": None if sewage else 90},
        {"indicator": "garbage_rate", "weight": 10, "normalisation": "goalpost", "goal_lo": 80, "goal_hi": 100},
        {"indicator": "toilet_share", "weight": 15},
    ]


def town_items() -> list[dict]:
    return [
        {"indicator": "t_gdp", "weight": 30},
        {"indicator": "t_fiscal", "weight": 20},
        {"indicator": "v_income", "weight": 20},
        {"indicator": "sewage_rate", "weight": 10, "normalisation": "goalpost", "goal_lo": 50, "goal_hi": 100},
        {"indicator": "livable_share", "weight": 10},
        {"indicator": "paired_share", "weight": 10, "normalisation": "rank"},
    ]


def step(orgs: dict | None = None) -> dict:
    """Schemes, a simulated bonus, publications for the last quarter, one external ranking (idempotent)."""
    codes = {c["indicator"] for c in county_items() + town_items()}
    if not Region.objects.filter(code=JM).exists() or Indicator.objects.filter(code__in=codes).count() < len(codes):
        return {}
    actor = command_actor(None)
    year = timezone.localdate().year
    regions = {r.code: r for r in Region.objects.filter(code__in=[JM, HS, XH])}
    for prefix, track in COUNTY_TRACKS.items():
        region_class_set(actor=actor, region=Region.objects.get(code=prefix.ljust(12, "0")), scheme=TRACKS,
                         year=year, value=track)
    quarter = last_quarter()
    schemes = []
    county = Scheme.objects.filter(name=COUNTY_SCHEME).first()
    schemes.append(scheme_save(
        actor=actor, scheme=county, name=COUNTY_SCHEME, region=regions[JM], level=3, class_scheme=TRACKS,
        class_year=year, period=quarter.id, is_simulated=True,
        description="按县域赛道分类赛马：创先类、进位类各自排名（赛道划分为演示设定）。"))
    scheme_items_set(actor=actor, scheme=schemes[0], items=county_items())
    for code, name in TOWN_SCHEMES.items():
        existing = Scheme.objects.filter(name=name).first()
        s = scheme_save(actor=actor, scheme=existing, name=name, region=regions[code], level=4, period=quarter.id,
                        aggregation="geo" if code == XH else "arith", is_simulated=True,
                        description="镇街擂台赛：同台比拼、比学赶超（指标与权重为演示设定）。")
        scheme_items_set(actor=actor, scheme=s, items=town_items())
        schemes.append(s)
    heshan_towns = schemes[1]
    gonghe = Region.objects.filter(code="440784106000").first()
    if gonghe and not Adjustment.objects.filter(scheme=heshan_towns, period=quarter.id).exists():
        adjustment_add(actor=actor, scheme=heshan_towns, region=gonghe, period=quarter.id, points=2,
                       reason="获评省级样板中心镇创建先进（模拟）")
    published = 0
    for s in schemes:
        if not Publication.objects.filter(scheme=s, period=quarter.id).exists():
            publication_create(actor=actor, scheme=s, period=quarter, is_simulated=True)
            published += 1
    if gonghe and not ExternalRanking.objects.filter(region=gonghe, list_name="全国镇域经济500强").exists():
        external_ranking_record(actor=actor, region=gonghe, list_name="全国镇域经济500强", year=2023, rank=344,
                                note="据2023年11月报道", source=SEED_SOURCE)
    return {"schemes": len(schemes), "published": published, "period": quarter.id}
