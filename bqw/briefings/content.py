"""What a briefing says, read through the platform's own selectors for one region and period.

The result is a plain JSON-able dict (stored as the briefing's snapshot), so the Word and Excel documents, the
preview page and a later audit all show the same numbers. Apps above the briefing's inputs may add sections:
any installed app with a `briefing_sections` module exposing `sections(user, region, period, on)` returning a
list of `{"title", "paragraphs": [...], "table": {"columns": [...], "rows": [[...]]}}` dicts is included.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.utils import timezone

from bqw.accounts.models import User
from bqw.core.hooks import app_modules
from bqw.core.periods import Period
from bqw.core.status import Light
from bqw.indicators.status import LABELS, LIGHTS, region_statuses
from bqw.plans.selectors import lead_unit_stats, tasks_for_user
from bqw.plans.supervision import briefing_tasks
from bqw.regions.models import Region

LIGHT_ORDER = [Light.RED, Light.YELLOW, Light.BLUE, Light.GREEN, Light.GREY]
TARGET_WORDS = {str(LIGHTS[s]): LABELS[s] for s in LIGHTS}  # red → 滞后, … as the targets page says
MAX_LAGGING = 8  # lagging units named per target; the rest are counted


def as_of(period: Period, today: date | None = None) -> date:
    """The day a briefing of `period` looks at: the period's last day, or today while the period runs."""
    today = today or timezone.localdate()
    return min(period.end, today)


def _targets(user: User, region: Region, period: Period) -> dict:
    statuses = region_statuses(user, region, period)
    counts = Counter(str(s.status.light) for s in statuses)
    rows = []
    for s in statuses:
        light = str(s.status.light)
        if light not in (Light.RED, Light.YELLOW):
            continue
        lagging = [e.region.name for e in s.units if str(e.status.light) in (Light.RED, Light.YELLOW)]
        rows.append({
            "title": str(s.target), "indicator": s.target.indicator.name, "light": light,
            "label": s.status.label, "reason": s.reason, "scope": s.target.region.name,
            "lagging": lagging[:MAX_LAGGING], "lagging_more": max(0, len(lagging) - MAX_LAGGING),
        })
    rows.sort(key=lambda r: (LIGHT_ORDER.index(r["light"]), r["indicator"]))
    return {"total": len(statuses), "counts": {lt.value: counts.get(lt.value, 0) for lt in LIGHT_ORDER},
            "rows": rows}


def _tasks(user: User, region: Region, on: date) -> dict:
    rows = tasks_for_user(user, region=region, on=on)
    counts = Counter(r.status.light for r in rows)
    leads = [{"organization": s.organization, "tasks": s.tasks, "done": s.done, "overdue": s.overdue,
              "on_time_rate": s.on_time_rate, "lights": dict(s.light_cells)} for s in lead_unit_stats(rows, on=on)]
    overdue = [{"content": r.task.content, "leads": "、".join(link.organization.name for link in r.leads),
                "deadline": r.task.deadline_text, "reason": r.status.reason}
               for r in rows if r.status.light == Light.RED]
    ids = {r.task.id for r in rows}
    listed = {t.id for t in briefing_tasks(on=on).filter(id__in=ids)}  # scoped: only this region's tasks
    escalated = [{"content": r.task.content, "leads": "、".join(link.organization.name for link in r.leads),
                  "deadline": r.task.deadline_text, "reason": r.status.reason}
                 for r in rows if r.task.id in listed]
    return {"total": len(rows), "counts": {lt.value: counts.get(lt.value, 0) for lt in LIGHT_ORDER},
            "leads": leads, "overdue": overdue, "escalated": escalated}


def extra_sections(user: User, region: Region, period: Period, on: date) -> list[dict]:
    """Sections other apps contribute (projects, pairing, assessment), found without importing them by name."""
    out: list[dict] = []
    for module in app_modules("briefing_sections"):
        out.extend(module.sections(user, region, period, on))
    return out


def collect(user: User, region: Region, period: Period, *, today: date | None = None) -> dict:
    """Every number of the briefing, scoped to what `user` may see inside `region`."""
    on = as_of(period, today)
    return {
        "region": {"code": region.code, "name": region.name, "full_name": region.full_name or region.name},
        "period": period.id, "period_label": period.label, "as_of": on.isoformat(),
        "targets": _targets(user, region, period),
        "tasks": _tasks(user, region, on),
        "sections": extra_sections(user, region, period, on),
    }
