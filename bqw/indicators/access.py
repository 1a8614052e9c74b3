"""Lookups that check scope first: 404 outside the view scope, 403 where the user may read but not write."""

from __future__ import annotations

from collections.abc import Iterable

from bqw.accounts.models import User
from bqw.accounts.scope import NOT_FOUND, require_capture, require_view
from bqw.core.errors import NotFoundError
from bqw.core.periods import Period, PeriodError
from bqw.regions.access import get_region_for_user
from bqw.regions.models import Region

from .models import DataValue, Indicator, Target


def get_indicator(code: str) -> Indicator:
    ind = Indicator.objects.filter(code=code).select_related("numerator", "denominator", "source").first()
    if ind is None:
        raise NotFoundError(f"未知指标：{code}")
    return ind


def get_indicators(codes: Iterable[str]) -> dict[str, Indicator]:
    """Several indicators by code in one query (a whole entry form); an unknown code is get_indicator's 404.
    Without their numerator/denominator/source (checking and saving values does not need them)."""
    codes = list(dict.fromkeys(codes))
    found = {i.code: i for i in Indicator.objects.filter(code__in=codes).order_by()}
    for code in codes:
        if code not in found:
            raise NotFoundError(f"未知指标：{code}")
    return found


def get_period(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise NotFoundError(str(exc))


def get_datavalue_for_user(user: User, region_code: str, indicator_code: str, period: str, *,
                           write: bool = False) -> DataValue:
    region = get_region_for_user(user, region_code)
    dv = (DataValue.objects.select_related("region", "indicator")
          .filter(region=region, indicator__code=indicator_code, period=period).first())
    if dv is None:
        raise NotFoundError(NOT_FOUND)
    if write:
        require_capture(user, region)
    return dv


def get_datavalue_by_id_for_user(user: User, pk: int, *, write: bool = False) -> DataValue:
    dv = DataValue.objects.select_related("region", "indicator").filter(pk=pk).first()
    if dv is None:
        raise NotFoundError(NOT_FOUND)
    require_view(user, dv.region)
    if write:
        require_capture(user, dv.region)
    return dv


def get_target_for_user(user: User, pk: int) -> Target:
    t = Target.objects.select_related("indicator", "region", "benchmark").filter(pk=pk).first()
    if t is None:
        raise NotFoundError(NOT_FOUND)
    require_view(user, t.region) if t.scope == Target.Scope.REGION else _require_overlap(user, t.region)
    return t


def _require_overlap(user: User, region: Region) -> None:
    """Class/level targets under a parent are visible when the user sees the parent or a part of it."""
    if user.is_superuser or user.can_view(region) or (user.view_scope and region.contains(user.view_scope)):
        return
    raise NotFoundError(NOT_FOUND)
