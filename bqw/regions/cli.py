"""Command-line helpers for commands that name a unit (indicators' export and status, …)."""

from __future__ import annotations

from django.core.management.base import CommandError

from bqw.accounts.models import User
from bqw.core.errors import ApplicationError
from bqw.core.periods import Period, PeriodError

from .access import get_region_for_user
from .models import Region


def cli_unit_and_period(actor: User, code: str, period: str) -> tuple[Region, Period]:
    """The unit (through the actor's view scope) and period named on a command line, or a CommandError."""
    try:
        return get_region_for_user(actor, code), Period.parse(period)
    except ApplicationError as exc:
        raise CommandError(f"区划代码 {code}：{exc.message}") from exc
    except PeriodError as exc:
        raise CommandError(str(exc)) from exc
