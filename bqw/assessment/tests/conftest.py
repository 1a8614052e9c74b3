from __future__ import annotations

import pytest

from bqw.accounts.services import system_user
from bqw.assessment.services import scheme_items_set, scheme_save
from bqw.indicators.services import datavalues_bulk_load, indicator_ensure
from bqw.regions.models import Region
from bqw.regions.services import region_class_set

JM = "440700000000"
COUNTIES = {"440703": ("蓬江区", "创先类"), "440704": ("江海区", "进位类"), "440705": ("新会区", "创先类"),
            "440781": ("台山市", "进位类"), "440783": ("开平市", "进位类"), "440784": ("鹤山市", "创先类"),
            "440785": ("恩平市", "进位类")}
# (gdp growth %, sewage rate %) per county: Q2 and Q3 2026
VALUES = {
    "2026Q2": {"440703": (6.0, 90), "440704": (5.0, 80), "440705": (6.5, 85), "440781": (4.0, 70),
               "440783": (5.5, 75), "440784": (7.0, 88), "440785": (3.0, 60)},
    "2026Q3": {"440703": (5.8, 91), "440704": (4.0, 82), "440705": (6.0, 95), "440781": (4.5, 72),
               "440783": (6.0, 79), "440784": (7.5, 89), "440785": (3.5, 65)},
}


def load(values: dict) -> None:
    rows = []
    for period, by in values.items():
        for code, (g, s) in by.items():
            rows += [(code, "t_growth", period, g), (code, "t_sewage", period, s)]
    datavalues_bulk_load(rows, actor=system_user(), upsert=True)


@pytest.fixture
def county_scheme(db, persona):
    """江门's 7 counties in two classes (test data) on two quarterly county indicators."""
    admin = persona("jm_admin")
    for code, ind, unit in (("t_growth", "测试GDP增速", "%"), ("t_sewage", "测试污水治理率", "%")):
        indicator_ensure(actor=system_user(), code=code, name=ind, unit=unit, level=3, periodicity="Q",
                         temporal="stock", rule="mean")
    for prefix, (_, cls) in COUNTIES.items():
        region_class_set(actor=admin, region=Region.objects.get(code=prefix.ljust(12, "0")), scheme="测试县域分类",
                         year=2026, value=cls)
    load(VALUES)
    scheme = scheme_save(actor=admin, name="测试县域赛马", region=Region.objects.get(code=JM), level=3,
                         class_scheme="测试县域分类", class_year=2026, period="2026Q3", runs=200)
    scheme_items_set(actor=admin, scheme=scheme, items=[
        {"indicator": "t_growth", "weight": 0.6}, {"indicator": "t_sewage", "weight": 0.4}])
    return scheme
