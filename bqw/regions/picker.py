"""Pick a unit by name (never by typing a 12-digit code): a datalist of full names within the user's view scope,
searched with htmx for large scopes, and the server-side resolution of what was picked."""

from __future__ import annotations

from django.db.models import Q

from bqw.accounts.models import User
from bqw.accounts.scope import NOT_FOUND
from bqw.core.errors import ApplicationError, NotFoundError
from bqw.regions.selectors import visible_regions

from .models import Region

PREFILL_MAX = 400  # a county's units fit; a province admin's 26,000 are searched as they type


def region_label(region: Region) -> str:
    """The name offices write: 江门市鹤山市沙坪街道 (the province as 广东省)."""
    return region.full_name or region.name


def region_options(user: User, q: str = "", *, max_level: int | None = None, limit: int = PREFILL_MAX
                   ) -> list[Region]:
    """Units in the user's view scope, matching `q` by name when given, shallowest first."""
    qs = visible_regions(user).only("id", "code", "name", "full_name", "level")
    if max_level is not None:
        qs = qs.filter(level__lte=max_level)
    q = (q or "").strip().removeprefix("广东省")
    if q:
        qs = qs.filter(Q(full_name__contains=q) | Q(name__contains=q))
    return list(qs.order_by("level", "code")[:limit])


def resolve_region(user: User, text: str, *, field: str = "地区", not_found: bool = False) -> Region:
    """The unit a picker sent (a full name, a unique short name, or — from scripts — a code) within the user's
    view scope; a Chinese error naming the field otherwise (a form shows it; the API, with not_found=True,
    answers 404 as for any object outside the view scope)."""
    s = (text or "").strip().replace(" ", "")
    if not s:
        raise ApplicationError(f"请选择{field}")
    qs = visible_regions(user)
    if s.isdigit():
        hits = list(qs.filter(code=s.ljust(12, "0") if len(s) < 12 else s)[:2])
    else:
        name = s.removeprefix("广东省") or s
        hits = list(qs.filter(full_name=name)[:2]) or list(qs.filter(name=name)[:3])
        if not hits and name == "广东省":
            hits = list(qs.filter(level=1)[:1])
    if not hits:
        cls = NotFoundError if not_found else ApplicationError
        raise cls(f"{field}：未找到“{text}”，或不在您的管辖范围内", extra={"field": field})
    if len(hits) > 1:
        raise ApplicationError(f"{field}：“{text}”有多个同名单位，请从列表中选择全称", extra={"field": field})
    return hits[0]


def api_region(user: User, text: str, *, field: str = "地区") -> Region:
    """resolve_region for the API: a unit outside the view scope is 404 like any other object."""
    return resolve_region(user, text, field=field, not_found=True)


__all__ = ["NOT_FOUND", "region_label", "region_options", "resolve_region"]
