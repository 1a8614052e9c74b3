from __future__ import annotations

from bqw.accounts.models import User
from bqw.accounts.scope import NOT_FOUND, require_admin, require_view
from bqw.core.errors import NotFoundError

from .models import Briefing


def get_briefing_for_user(user: User, pk: int, *, write: bool = False) -> Briefing:
    """404 outside the view scope, 403 for a reader who is not an admin of the region when writing."""
    b = Briefing.objects.select_related("region", "requested_by").filter(pk=pk).first()
    if b is None:
        raise NotFoundError(NOT_FOUND)
    require_view(user, b.region)
    if write:
        require_admin(user, b.region)
    return b
