"""The 江门 demo: the articles' county pairs, 8 universities with 75 projects, about 20% village pairing."""

from __future__ import annotations

import json

from django.core.management import call_command

from bqw.indicators.models import Target
from bqw.indicators.status import evaluate
from bqw.pairing import demo
from bqw.pairing.models import Pairing, PairingProject
from bqw.projects.models import Project


def test_demo_step_and_coverage_command(db, capsys):
    counts = demo.step({})
    assert counts["county"] == 3 and counts["university_projects"] == 75
    pairs = {(tuple(sorted(h.name for h in p.helpers.all())), p.helped_name)
             for p in Pairing.objects.filter(kind="county")}
    assert pairs == {(("江海区", "蓬江区"), "恩平市"), (("新会区",), "台山市"), (("鹤山市",), "开平市")}
    assert not Pairing.objects.filter(kind="county", is_simulated=True).exists()
    assert Pairing.objects.filter(kind="ent_village", is_simulated=True).count() > 200
    assert PairingProject.objects.count() == 75
    # the 75 co-built projects are projects of the one library, source 帮扶, marked simulated
    cobuilt = Project.objects.filter(pairing_link__isnull=False)
    assert cobuilt.filter(source="assistance", category="assistance", simulated=True).count() == 75
    assert demo.step({})["skipped"]  # idempotent
    call_command("pairing", "coverage", "--region", "4407", "--json")
    out = capsys.readouterr().out
    s = json.loads(out[out.index("{"):])
    assert 20 <= s["village_enterprise_pairing"]["rate"] <= 22
    assert len(s["county_pairs"]) == 3 and s["co_built_projects"]["total"] == 75
    target = Target.objects.get(indicator__code="pair_v_ent_share")
    assert evaluate(target, "2024").state == "achieved"
