"""Pairing coverage on the cockpit and the unit profile (found by the cockpit through core.hooks)."""

from __future__ import annotations

from bqw.accounts.models import User
from bqw.core.periods import Period
from bqw.regions.models import Region

from .selectors import coverage_summary


def pairing_panel(user: User, region: Region, period: Period) -> dict | None:
    s = coverage_summary(user, region, period.year)
    v, p = s["village_enterprise_pairing"], s["co_built_projects"]
    if not (v["villages_paired"] or p["total"] or s["pairings_by_type"]):
        return None
    return {"key": "pairing", "title": f"结对帮扶（{period.year}年）", "link": f"/pairing/?region={region.code}",
            "columns": ["村企结对率", "已结对村", "组团帮扶覆盖镇", "到位资金", "共建项目（开工/完成/总数）"],
            "rows": [[v["rate_text"], f"{v['villages_paired']}/{v['villages']}", s["group_towns"],
                      s["funds_delivered_text"], f"{p['started']}/{p['completed']}/{p['total']}"]]}


COCKPIT = [pairing_panel]
PROFILE = [pairing_panel]
