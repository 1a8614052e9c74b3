"""Who may open which cockpit: any unit in the user's view scope (404 outside); the cockpit is read-only."""

from __future__ import annotations

from bqw.accounts.models import User
from bqw.core.errors import ApplicationError
from bqw.core.periods import Period, PeriodError
from bqw.regions.access import get_region_for_user
from bqw.regions.models import Region

from .selectors import parse_period


def get_cockpit_region_for_user(user: User, code: str) -> Region:
    """The unit of a cockpit screen: 404 unknown or outside the view scope."""
    return get_region_for_user(user, code)


def get_period(text: str | None) -> Period:
    """The screen's month; a clear 400 for a period that is not one."""
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise ApplicationError(str(exc)) from exc
