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
