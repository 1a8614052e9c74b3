"""The briefing's section on projects (found by briefings through core.hooks; briefings is never imported here)."""

from __future__ import annotations

from datetime import date

from bqw.accounts.models import User
from bqw.core.periods import Period
from bqw.core.status import Light
from bqw.indicators.status import fmt
from bqw.regions.models import Region

from .selectors import project_rows, projects_for_user, summarize

MAX_ROWS = 30


def sections(user: User, region: Region, period: Period, on: date) -> list[dict]:
    rows = project_rows(projects_for_user(user, region=region), on=on)
    if not rows:
        return []
    s = summarize(rows)
    behind = [r for r in rows if r.status.light in (Light.RED, Light.YELLOW)]
    behind.sort(key=lambda r: (r.status.light != Light.RED, -r.project.planned_investment))
    planned, completed = fmt(float(s["planned_investment"]), "元"), fmt(float(s["completed_investment"]), "元")
    red, yellow = s["lights"]["red"]["count"], s["lights"]["yellow"]["count"]
    paragraphs = [f"项目库共有项目{s['count']}个（其中亿元以上{s['count_major']}个），计划总投资{planned}，"
                  f"已完成投资{completed}；滞后预警{len(behind)}个（红灯{red}个、黄灯{yellow}个）。"]
    table = {"columns": ["项目", "所在地", "阶段", "计划总投资", "灯色", "原因"],
             "rows": [[r.project.name, r.project.region.name, r.project.get_stage_display(),
                       fmt(float(r.project.planned_investment), "元"), r.status.colour, r.status.reason]
                      for r in behind[:MAX_ROWS]]}
    return [{"title": "重大项目推进情况", "paragraphs": paragraphs, "table": table if behind else None}]
