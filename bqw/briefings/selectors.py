from __future__ import annotations

from django.db.models import QuerySet

from bqw.accounts.models import User
from bqw.accounts.scope import view_q
from bqw.regions.models import Region
from bqw.regions.selectors import visible_regions

from .models import Briefing


def briefings_for_user(user: User) -> QuerySet[Briefing]:
    return (Briefing.objects.filter(view_q(user)).select_related("region", "requested_by")
            .defer("docx", "xlsx", "snapshot").order_by("-created_at"))


def briefing_regions(user: User) -> list[Region]:
    """Units a user may brief on: the top of the view scope and everything under it down to the counties."""
    return list(visible_regions(user).filter(level__lte=3).administrative().order_by("code"))
