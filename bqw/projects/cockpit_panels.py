"""The project library's panel on the cockpit and the unit profile (found by the cockpit through core.hooks)."""

from __future__ import annotations

from django.utils import timezone

from bqw.accounts.models import User
from bqw.core.periods import Period
from bqw.indicators.status import fmt
from bqw.regions.models import Region

from .selectors import project_rows, projects_for_user, summarize


def projects_panel(user: User, region: Region, period: Period) -> dict | None:
    rows = project_rows(projects_for_user(user, region=region), on=min(period.end, timezone.localdate()))
    if not rows:
        return None
    s = summarize(rows)
    return {"key": "projects", "title": "项目库", "link": f"/projects/?region={region.code}",
            "columns": ["项目数", "亿元以上", "计划总投资", "已完成投资", *[v["label"] for v in s["lights"].values()]],
            "rows": [[s["count"], s["count_major"], fmt(float(s["planned_investment"]), "元"),
                      fmt(float(s["completed_investment"]), "元"), *[v["count"] for v in s["lights"].values()]]]}


COCKPIT = [projects_panel]
PROFILE = [projects_panel]
