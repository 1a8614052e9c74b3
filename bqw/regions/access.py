from __future__ import annotations

from bqw.accounts.models import User
from bqw.accounts.scope import NOT_FOUND, require_admin, require_view
from bqw.core.errors import NotFoundError

from .models import Region


def get_region_for_user(user: User, code: str, *, write: bool = False) -> Region:
    """404 when unknown or outside the view scope; 403 when `write` and the user is not an admin."""
    code = str(code)
    if code.isdigit() and len(code) < 12:
        code = code.ljust(12, "0")
    # with its ancestors up to the province (4 links), so a write's rollup upkeep needs no query to find them
    try:  # get(), not filter().first() (see accounts.tokens.authenticate_key)
        region = Region.objects.select_related("parent__parent__parent__parent").get(code=code)
    except Region.DoesNotExist:
        raise NotFoundError(NOT_FOUND) from None
    require_view(user, region)
    if write:
        require_admin(user, region)
    return region
