"""A small hand-made catalog over real 鹤山 villages: 沙坪街道 A, B, C and 龙口镇 D, E."""

from __future__ import annotations

import pytest

from bqw.accounts.services import system_user
from bqw.indicators.services import indicator_ensure
from bqw.regions.models import Region


@pytest.fixture
def tree(db):
    sp = Region.objects.get(code="440784001000")
    lk = Region.objects.get(code="440784101000")
    a, b, c = list(Region.objects.filter(parent=sp, level=5).order_by("code")[:3])
    d, e = list(Region.objects.filter(parent=lk, level=5).order_by("code")[:2])
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "沙坪": sp, "龙口": lk,
            "鹤山": sp.parent, "江门": sp.parent.parent, "广东": sp.parent.parent.parent}


@pytest.fixture
def catalog(db):
    def mk(code, name, unit="", **kw):
        return indicator_ensure(actor=system_user(), code=code, name=name, unit=unit, **kw)

    inc = mk("t_inc", "村集体经营性收入", "万元", temporal="flow")
    avg = mk("t_avg", "平均值指标", "个", rule="mean")
    mn = mk("t_min", "最小值指标", "个", rule="min")
    mx = mk("t_max", "最大值指标", "个", rule="max")
    treated = mk("t_treated", "已治理自然村数", "个")
    total = mk("t_total", "自然村数", "个")
    rate = mk("t_rate", "自然村生活污水治理率", "%", rule="ratio", numerator=treated, denominator=total, factor=100)
    cnt = mk("t_cnt", "收入达100万元的村数", "个", rule="count_where", source=inc, comparator=">=", threshold=100)
    share = mk("t_share", "收入达100万元的村占比", "%", rule="share_where", source=inc, comparator=">=",
               threshold=100)
    q = mk("t_q", "季度指标", "亿元", level=3, periodicity="Q", temporal="flow")
    return {i.code: i for i in (inc, avg, mn, mx, treated, total, rate, cnt, share, q)}
