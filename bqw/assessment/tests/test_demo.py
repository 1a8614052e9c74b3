"""The demo step on the indicators demo (鹤山's villages only, to stay fast): the county 赛马 by class, two town
擂台赛, published snapshots for the last quarter, idempotent; `bqw rank --json` lists the 7 counties."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command

from bqw.assessment import demo
from bqw.assessment.models import ExternalRanking, Publication, Scheme
from bqw.demo.scenario import demo_steps
from bqw.indicators import demo as indicators_demo


def test_demo_schemes_publications_and_rank_command(db, monkeypatch):
    assert demo.step in demo_steps()
    monkeypatch.setattr(indicators_demo, "ONLY_COUNTIES", ("440784",))
    indicators_demo.step({})
    out = demo.step({})
    quarter = demo.last_quarter().id
    assert out == {"schemes": 3, "published": 3, "period": quarter}
    assert demo.step({})["published"] == 0  # idempotent
    assert Scheme.objects.filter(is_simulated=True).count() == 3
    assert Publication.objects.filter(period=quarter).count() == 3
    assert ExternalRanking.objects.get(list_name="全国镇域经济500强").rank == 344

    buf = StringIO()
    call_command("rank", scheme=demo.COUNTY_SCHEME, period=quarter, json=True, runs=200, stdout=buf)
    data = json.loads(buf.getvalue())
    assert {u["name"] for u in data["units"]} == {"蓬江区", "江海区", "新会区", "台山市", "开平市", "鹤山市", "恩平市"}
    for u in data["units"]:
        assert u["class"] == demo.COUNTY_TRACKS[u["code"][:6]]
        assert u["score"] is not None and u["rank"] >= 1 and u["interval"][0] <= u["rank"] <= u["interval"][1]
        assert "rank_change" in u
    assert {u["rank"] for u in data["units"] if u["class"] == "创先类"} == {1, 2, 3}
    assert any(u["rank_change"] is not None for u in data["units"])
    towns = Publication.objects.get(scheme__name=demo.TOWN_SCHEMES[demo.HS], period=quarter).result
    assert sum(len(g["units"]) for g in towns["groups"]) == 10
    gonghe = next(c for g in towns["groups"] for c in g["units"] if c["name"] == "共和镇")
    assert any(a["kind"] == "manual" and "模拟" in a["reason"] for a in gonghe["adjustments"])
