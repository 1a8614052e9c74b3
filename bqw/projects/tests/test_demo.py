"""The demo step: 鹤山's 60 亿元 projects (≈209亿元) via 25 招商小组, 新会's library meeting its 500亿元 target,
leaders for the 7 counties and 鹤山's towns, the 2023 责任书; idempotent; `bqw projects list --json` on it."""

import json
from io import StringIO

from django.core.management import call_command

from bqw.demo.scenario import build_organizations, demo_steps
from bqw.indicators.models import Rollup
from bqw.indicators.status import evaluate
from bqw.projects import demo
from bqw.projects.models import Assignment, InvestmentTeam, Leader, Letter, Project


def test_demo_step_builds_the_libraries(persona):
    assert demo.step in demo_steps()
    orgs = build_organizations()
    demo.step(orgs)
    count = Project.objects.count()
    demo.step(orgs)  # idempotent
    assert Project.objects.count() == count
    out = StringIO()
    call_command("projects", "list", "--region", "440784", "--json", stdout=out)
    s = json.loads(out.getvalue())
    assert s["count_major"] >= 60 and 205 <= s["planned_yi"] <= 215
    assert s["sources"]["promotion"] == {"label": "招商引资", "count": 60, "count_major": 60, "planned_yi": 209.0}
    assert all(v["count"] for k, v in s["lights"].items()), s["lights"]  # every light occurs
    assert InvestmentTeam.objects.filter(region__code="440784000000").count() == 25
    assert Project.objects.filter(name="隆基硅能源项目", region__name="址山镇", stage="building").exists()
    ytd = Rollup.objects.get(indicator__code="project_count_major", region__code="440784000000", period="2023Q3")
    assert ytd.value == 20  # (60 projects over January—September: the quarter's share)
    counties = Assignment.objects.filter(leader__region__code="440700000000", region__level=3)
    assert counties.count() == 7
    assert Assignment.objects.filter(region__parent__code="440784000000").count() == 10
    assert Leader.objects.filter(name="陈少荣", command_posts__role="commander").exists()
    assert Letter.objects.filter(year=2023).count() == 7
    xh_target = Letter.objects.get(year=2023, region__code="440705000000").targets.get(
        indicator__code="project_investment_planned", deadline="2023")
    assert evaluate(xh_target, "202312").state == "achieved"
