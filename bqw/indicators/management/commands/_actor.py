"""The CLI has no logged-in user: `--user NAME` acts as that user, otherwise a system actor with superuser
rights whose writes are audited with actor None."""

from __future__ import annotations

from django.core.management.base import CommandError

from bqw.accounts.models import User


def cli_actor(username: str | None) -> User:
    if username:
        user = User.objects.select_related("view_scope", "capture_scope").filter(username=username).first()
        if user is None:
            raise CommandError(f"未找到用户 {username}")
        return user
    return User(username="system", is_superuser=True)  # unsaved: audit rows get actor None
