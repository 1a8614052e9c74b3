"""The demo step and `bqw status --region 440784 --period 202406 --json` (villages of 鹤山 only, to stay fast)."""

from __future__ import annotations

import io
import json

from django.core.management import call_command

from bqw.indicators import demo
from bqw.indicators.models import DataValue, Target


def test_demo_targets_and_status_command(db, monkeypatch):
    monkeypatch.setattr(demo, "ONLY_COUNTIES", ("440784",))
    result = demo.step({})
    assert result["targets"] >= 40 and Target.objects.filter(is_simulated=True).count() >= 40
    assert not DataValue.objects.filter(is_simulated=False).exists()
    sewage = Target.objects.get(indicator__code="sewage_rate", region__code="440700000000")
    assert (sewage.comparator, sewage.value, sewage.deadline) == (">=", 90, "2024")
    income = Target.objects.get(indicator__code="v_income", region__code="440784000000")
    assert (income.scope, income.scope_level, income.value, income.deadline) == ("level", 5, 4000000, "2025")
    gdp = {t.deadline: t.value for t in Target.objects.filter(indicator__code="gdp", kind="level")}
    assert gdp["2025"] == 130_000_000_000 and gdp["2033"] == 330_000_000_000
    out = io.StringIO()
    call_command("status", region="440784", period="202406", json=True, stdout=out)
    data = json.loads(out.getvalue())
    assert data["name"] == "江门市鹤山市" and data["period"] == "202406"
    states = {t["status"] for t in data["targets"]}
    assert {"on_track", "at_risk", "off_track", "no_data", "achieved"} <= states
    assert all(t["reason"] and t["light"] in ("green", "blue", "yellow", "red", "grey") for t in data["targets"])
    assert any("鹤山" in t["title"] and "400万" in t["quote"] for t in data["targets"])
