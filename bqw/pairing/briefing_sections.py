"""The briefing's section on pairing assistance (found by briefings through core.hooks)."""

from __future__ import annotations

from datetime import date

from bqw.accounts.models import User
from bqw.core.periods import Period
from bqw.core.status import Light
from bqw.regions.models import Region

from .selectors import pairings_for_user, rows_with_lights

MAX_ROWS = 30


def sections(user: User, region: Region, period: Period, on: date) -> list[dict]:
    rows = rows_with_lights(pairings_for_user(user, region=region, year=on.year), on)
    if not rows:
        return []
    behind = [r for r in rows if r.status.light in (Light.RED, Light.YELLOW)]
    paragraphs = [f"本年度在帮的结对帮扶{len(rows)}对，承诺到位滞后{len(behind)}对"
                  f"（红灯{sum(1 for r in behind if r.status.light == Light.RED)}对）。"]
    table = {"columns": ["结对", "类型", "灯色", "原因"],
             "rows": [[str(r.pairing), r.pairing.get_kind_display(), r.status.colour, r.status.reason]
                      for r in behind[:MAX_ROWS]]}
    return [{"title": "结对帮扶到位情况", "paragraphs": paragraphs, "table": table if behind else None}]
