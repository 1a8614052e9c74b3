"""The CLI has no logged-in user: `--user NAME` acts as that user, otherwise the audited system user."""

from __future__ import annotations

from django.core.management.base import CommandError

from bqw.accounts.models import User
from bqw.accounts.services import command_actor
from bqw.core.errors import ApplicationError


def cli_actor(username: str | None) -> User:
    try:
        return command_actor(username)
    except ApplicationError as exc:
        raise CommandError(exc.message) from exc


def cli_unit_and_period(actor: User, code: str, period: str):
    """The unit (through the actor's view scope) and period named on a command line, or a CommandError."""
    from bqw.core.periods import Period, PeriodError
    from bqw.regions.access import get_region_for_user

    try:
        return get_region_for_user(actor, code), Period.parse(period)
    except ApplicationError as exc:
        raise CommandError(f"区划代码 {code}：{exc.message}") from exc
    except PeriodError as exc:
        raise CommandError(str(exc)) from exc
