"""Who may see and change projects, teams, leaders and letters.

A project (team, letter, leader) is visible when its region lies in the user's view scope; a project also to the
users of its responsible organization, and a leader's page to the leader's own login. Outside → 404; visible
but not writable → 403.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from bqw.accounts.models import User
from bqw.accounts.scope import NOT_FOUND, require_capture, view_q
from bqw.core.errors import NotFoundError

from .models import InvestmentTeam, Leader, Letter, Project


def _int(pk: int | str) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise NotFoundError(NOT_FOUND) from None


def visible_projects(user: User) -> QuerySet[Project]:
    q = view_q(user, "region")
    if not user.is_superuser and user.organization_id:
        q |= Q(responsible_id=user.organization_id)
    return Project.objects.filter(q)


def get_project_for_user(user: User, pk: int | str, *, write: bool = False) -> Project:
    p = (visible_projects(user).select_related("region", "responsible", "leader").prefetch_related("milestones")
         .filter(pk=_int(pk)).first())
    if p is None:
        raise NotFoundError(NOT_FOUND)
    if write:
        require_capture(user, p.region)
    return p


def get_team_for_user(user: User, pk: int | str) -> InvestmentTeam:
    team = InvestmentTeam.objects.filter(view_q(user, "region")).select_related("region", "head").filter(
        pk=_int(pk)).first()
    if team is None:
        raise NotFoundError(NOT_FOUND)
    return team


def get_leader_for_user(user: User, pk: int | str) -> Leader:
    """A leader's page: for users who see the leader's region, and for the leader's own login."""
    q = view_q(user, "region") | Q(user_id=user.pk)
    leader = Leader.objects.filter(q).select_related("region", "organization").filter(pk=_int(pk)).first()
    if leader is None:
        raise NotFoundError(NOT_FOUND)
    return leader


def get_letter_for_user(user: User, pk: int | str) -> Letter:
    letter = Letter.objects.filter(view_q(user, "region")).select_related("region", "issuer").filter(
        pk=_int(pk)).first()
    if letter is None:
        raise NotFoundError(NOT_FOUND)
    return letter
