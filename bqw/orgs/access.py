"""Organizations are seen by users whose view scope holds their region; changed by admins of that region."""

from __future__ import annotations

from django.db.models import QuerySet

from bqw.accounts.models import User
from bqw.accounts.scope import NOT_FOUND, require_admin, view_q
from bqw.core.errors import NotFoundError

from .models import Organization


def visible_organizations(user: User) -> QuerySet[Organization]:
    qs = Organization.objects.select_related("region", "parent")
    return qs if user.is_superuser else qs.filter(view_q(user, "region"))


def get_organization_for_user(user: User, pk: int | str, *, write: bool = False) -> Organization:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError(NOT_FOUND) from None
    org = visible_organizations(user).filter(pk=pk).first()
    if org is None:
        raise NotFoundError(NOT_FOUND)
    if write:
        require_admin(user, org.region)
    return org
