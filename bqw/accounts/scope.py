"""Region scope checks: every selector and service calls these before touching rows."""

from __future__ import annotations

from django.db.models import Q

from bqw.core.errors import ForbiddenError, NotFoundError

from .models import Role, Unit, User

NOT_FOUND = "对象不存在或不在您的查看范围内"


def scope_q(scope: Unit | None, field: str = "region") -> Q:
    """A filter keeping rows whose `field` region lies in the subtree of `scope`."""
    if scope is None:
        return Q(pk__in=[])
    lo, hi = scope.subtree_codes()
    return Q(**{f"{field}__code__gte": lo, f"{field}__code__lte": hi})


def view_q(user: User, field: str = "region") -> Q:
    return Q() if user.is_superuser else scope_q(user.view_scope, field)


def capture_q(user: User, field: str = "region") -> Q:
    if user.is_superuser:
        return Q()
    return scope_q(user.capture_scope if user.is_rw else None, field)


def require_view(user: User, region: Unit) -> None:
    if not user.can_view(region):
        raise NotFoundError(NOT_FOUND)


def require_capture(user: User, region: Unit) -> None:
    """404 outside the view scope, 403 where the user may look but not write."""
    require_view(user, region)
    if not user.can_capture(region):
        raise ForbiddenError(f"您没有{region.full_name or region.name}的填报权限")


def require_admin(user: User, region: Unit | None = None) -> None:
    """Configuration writes (classes, zones, users) are for 指挥部管理员 within their view scope."""
    if region is not None:
        require_view(user, region)
    if not (user.is_superuser or user.role == Role.ADMIN):
        raise ForbiddenError("仅指挥部管理员可以执行此操作")
