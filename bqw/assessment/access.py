"""Object access: schemes and publications are visible within the view scope of their region (404 outside);
changing them is for 指挥部 admins of that region (403 for everyone else who can see them)."""

from __future__ import annotations

from bqw.accounts.models import Role, User
from bqw.accounts.scope import NOT_FOUND, view_q
from bqw.core.errors import ForbiddenError, NotFoundError

from .models import Publication, Scheme

ADMIN_ONLY = "仅本级指挥部管理员可以管理考核方案"


def _int(pk: int | str) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise NotFoundError(NOT_FOUND) from None


def is_admin_of(user: User, scheme: Scheme) -> bool:
    return user.is_superuser or (user.role == Role.ADMIN and user.can_view(scheme.region))


def get_scheme_for_user(user: User, pk: int | str, *, write: bool = False) -> Scheme:
    scheme = Scheme.objects.filter(view_q(user, "region"), pk=_int(pk)).select_related("region").first()
    if scheme is None:
        raise NotFoundError(NOT_FOUND)
    if write and not is_admin_of(user, scheme):
        raise ForbiddenError(ADMIN_ONLY)
    return scheme


def get_scheme_by_name(user: User, name: str) -> Scheme:
    scheme = Scheme.objects.filter(view_q(user, "region"), name=name).select_related("region").first()
    if scheme is None:
        raise NotFoundError(f"未找到考核方案：{name}")
    return scheme


def get_publication_for_user(user: User, pk: int | str) -> Publication:
    pub = (Publication.objects.filter(view_q(user, "scheme__region"), pk=_int(pk))
           .select_related("scheme", "scheme__region", "published_by").first())
    if pub is None:
        raise NotFoundError(NOT_FOUND)
    return pub
