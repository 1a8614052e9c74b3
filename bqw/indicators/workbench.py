"""This module's 工作台 cards (registered in apps.py into core.views.HOME_CARDS): the reporter's 本期应报/已报 and
returned values, the reviewer's queue per unit, the admin's red and yellow targets and units not yet reported."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count

from bqw.accounts.models import Role, User
from bqw.core.status import Light
from bqw.regions.models import Region

from .models import DataValue
from .selectors import capture_units, due_period, indicators_due, reporting_progress, returned_values, review_queue
from .status import region_statuses

ENTRY, REVIEW, TARGETS = "/indicators/entry/", "/indicators/review/", "/indicators/targets/"


def reporter_card(user: User) -> dict | None:
    """本期应报/已报 and 被退回 for anyone who enters values (reporters; reviewers and admins who capture)."""
    if not (user.is_superuser or user.role == Role.REPORTER) or user.capture_scope_id is None:
        return None
    period = due_period(user)
    expected, done = reporting_progress(capture_units(user), period)
    returned = returned_values(user).count()
    drafts = DataValue.objects.filter(region_id__in=[u.id for u in capture_units(user)],
                                      state=DataValue.State.DRAFT).count()
    items = [
        {"label": f"{period.label} 应报", "count": expected, "url": f"{ENTRY}?period={period.id}"},
        {"label": f"{period.label} 已报", "count": done, "url": f"{ENTRY}?period={period.id}"},
        {"label": "未报", "count": max(expected - done, 0), "url": f"{ENTRY}?period={period.id}",
         "light": Light.YELLOW.value if expected > done else Light.GREEN.value},
        {"label": "被退回，待修改", "count": returned, "url": ENTRY,
         "light": Light.RED.value if returned else Light.GREEN.value},
    ]
    if drafts:
        items.append({"label": "草稿未提交", "count": drafts, "url": ENTRY})
    return {"key": "reporter", "title": "数据填报", "items": items, "order": 10}


def reviewer_card(user: User) -> dict | None:
    """待审核 per unit (the unit the value belongs to), the largest queues first."""
    if not (user.is_superuser or user.role in (Role.REVIEWER, Role.ADMIN)):
        return None
    per_unit = (review_queue(user).order_by().values("region__code", "region__name")
                .annotate(n=Count("id")).order_by("-n", "region__code"))
    rows = list(per_unit[:8])
    total = review_queue(user).count()
    items = [{"label": "待审核合计", "count": total, "url": REVIEW}]
    items += [{"label": r["region__name"], "count": r["n"], "url": f"{REVIEW}?region={r['region__code']}"}
              for r in rows]
    return {"key": "reviewer", "title": "数据审核", "items": items if total else [], "order": 20,
            "empty": "暂无待审核数据"}


def admin_card(user: User) -> dict | None:
    """Red and yellow targets in the admin's scope, and units that have not reported for the due month."""
    if not (user.is_superuser or user.role == Role.ADMIN):
        return None
    scope = user.view_scope or Region.objects.filter(level=Region.Level.PROVINCE).first()
    if scope is None:
        return None
    from django.utils import timezone

    from bqw.core.periods import Period

    period = Period.of_date(timezone.localdate()).shift(-1)
    lights = Counter(s.status.light for s in region_statuses(user, scope, period))
    levels = [lv for lv in (Region.Level.TOWN, Region.Level.VILLAGE) if indicators_due(Region(level=lv), period)]
    reported = DataValue.objects.filter(period=period.id).values("region_id")
    missing = (Region.objects.within(scope).administrative().filter(level__in=levels)
               .exclude(id__in=reported).count()) if levels else 0
    items = [
        {"label": "红灯目标", "count": lights.get(Light.RED.value, 0), "url": f"{TARGETS}?light=red",
         "light": Light.RED.value},
        {"label": "黄灯目标", "count": lights.get(Light.YELLOW.value, 0), "url": f"{TARGETS}?light=yellow",
         "light": Light.YELLOW.value},
        {"label": f"{period.label} 未报数单位", "count": missing, "url": f"{TARGETS}?region={scope.code}"},
    ]
    return {"key": "admin", "title": f"目标与报数（{scope.name}）", "items": items, "order": 30}
