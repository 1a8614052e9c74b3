"""Who may see and change pairings.

A pairing is visible to users whose view scope holds its region (where the helped unit lies) or one of its
helpers (a helper region, or a helper organization's region), and to users of its helper organizations.
Admins of that region create and change pairings, commitments and projects; helper-organization users and
capture-scope users of the region report deliveries. Outside → 404; visible but not allowed → 403.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from bqw.accounts.models import Role, User
from bqw.accounts.scope import NOT_FOUND, view_q
from bqw.core.errors import ForbiddenError, NotFoundError
from bqw.orgs.models import Organization

from .models import Commitment, Helper, Pairing

ADMIN, REPORT = "admin", "report"


def pairing_visible_q(user: User) -> Q:
    if user.is_superuser:
        return Q()
    q = view_q(user, "region")
    if user.view_scope_id:
        helpers = Helper.objects.filter(pairing=OuterRef("pk"))
        q |= Q(Exists(helpers.filter(view_q(user, "region")))) | Q(Exists(helpers.filter(
            view_q(user, "organization__region"))))
    if user.organization_id:
        q |= Q(Exists(Helper.objects.filter(pairing=OuterRef("pk"), organization_id=user.organization_id)))
    return q


def visible_pairings(user: User) -> QuerySet[Pairing]:
    return Pairing.objects.filter(pairing_visible_q(user))


def is_admin_of(user: User, region) -> bool:
    return user.is_superuser or (user.role == Role.ADMIN and user.can_view(region))


def is_helper_user(user: User, pairing: Pairing) -> bool:
    return (user.is_rw and user.organization_id is not None
            and pairing.helpers.filter(organization_id=user.organization_id).exists())


def can_report(user: User, pairing: Pairing) -> bool:
    return user.is_superuser or is_helper_user(user, pairing) or user.can_capture(pairing.region)


def get_pairing_for_user(user: User, pk: int | str, *, write: str | None = None) -> Pairing:
    """write=None reads; "report" needs a helper-organization user or capture scope; "admin" an admin of the
    pairing's region."""
    p = (visible_pairings(user).select_related("region", "helped_region", "helped_org", "coordinator")
         .filter(pk=_int(pk)).first())
    if p is None:
        raise NotFoundError(NOT_FOUND)
    if write == ADMIN and not is_admin_of(user, p.region):
        raise ForbiddenError("仅受帮扶单位所在地的指挥部管理员可以修改该结对")
    if write == REPORT and not can_report(user, p):
        raise ForbiddenError("仅帮扶单位或受帮扶地的填报人员可以报送到位情况")
    return p


def get_commitment_for_user(user: User, pk: int | str, *, write: str | None = None) -> Commitment:
    c = Commitment.objects.filter(pk=_int(pk)).only("id", "pairing_id").first()
    if c is None:
        raise NotFoundError(NOT_FOUND)
    pairing = get_pairing_for_user(user, c.pairing_id, write=write)
    c = Commitment.objects.select_related("helper__organization", "helper__region").get(pk=c.pk)
    c.pairing = pairing
    return c


def get_helper_org_for_user(user: User, pk: int | str) -> Organization:
    """A helper's (or helped organization's) page: the organization is in the view scope, is the user's own, or
    takes part in a pairing the user may see (a provincial university helping a city)."""
    org = Organization.objects.select_related("region").filter(pk=_int(pk)).first()
    if org is None:
        raise NotFoundError(NOT_FOUND)
    if user.is_superuser or user.organization_id == org.pk or user.can_view(org.region):
        return org
    if visible_pairings(user).filter(Q(helpers__organization=org) | Q(helped_org=org)).exists():
        return org
    raise NotFoundError(NOT_FOUND)


def _int(pk: int | str) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise NotFoundError(NOT_FOUND) from None
