"""/api/v1/cockpit/{code}?period=P: one call per cockpit screen."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from bqw.accounts.api import actor

from .access import get_cockpit_region_for_user, get_period
from .selectors import cockpit

router = Router(tags=["驾驶舱"])


@router.get("/{code}", summary="驾驶舱：下级单位（每个关键目标一盏灯）、目标卡片、趋势、排名、任务灯")
def cockpit_get(request: HttpRequest, code: str, period: str | None = None, indicator: str | None = None,
                target: int | None = None):
    """`indicator`: the indicator of the values, ranks and trend; `target`: the key target the children's
    `light` (map colour) follows. Every child also has a light for each key target in `lights`."""
    user = actor(request)
    region = get_cockpit_region_for_user(user, code)
    return cockpit(user, region, get_period(period), indicator=indicator, target=target)
