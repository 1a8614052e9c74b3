"""Login throttling: after repeated wrong passwords a username (and, separately, a client address) is locked for a
while, whichever login page or client is used.

Enforced inside authentication itself (`LockoutBackend`, the authentication backend: a locked account
cannot authenticate even with the right password) and counted from Django's `user_login_failed` signal, so the
platform login, the admin login and any future login path share it. Tests that log in with `client.login()` or
`force_login()` are unaffected unless they fail on purpose. Counters live in the database (`LoginFailure`), so
every gunicorn worker and every server sharing the database counts the same failures, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.http import HttpRequest
from django.utils import timezone

from .models import LoginFailure

MAX_FAILURES = getattr(settings, "BQW_LOGIN_MAX_FAILURES", 5)  # per username
MAX_FAILURES_PER_ADDRESS = getattr(settings, "BQW_LOGIN_MAX_FAILURES_PER_ADDRESS", 30)
LOCKOUT_SECONDS = getattr(settings, "BQW_LOGIN_LOCKOUT_SECONDS", 15 * 60)


def lockout_message() -> str:
    return f"登录失败次数过多，账户已暂时锁定，请 {LOCKOUT_SECONDS // 60} 分钟后再试，或联系管理员。"


def _key(kind: str, value: str) -> str:
    return kind + ":" + hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _address(request: HttpRequest | None) -> str:
    return (request.META.get("REMOTE_ADDR") or "") if request is not None else ""


def _cutoff() -> datetime:
    return timezone.now() - timedelta(seconds=LOCKOUT_SECONDS)


def is_locked(username: str | None, request: HttpRequest | None = None) -> bool:
    """Whether this username (or this client address) has failed too often recently (one query)."""
    keys = {}
    if username:
        keys[_key("user", username)] = MAX_FAILURES
    if address := _address(request):
        keys[_key("addr", address)] = MAX_FAILURES_PER_ADDRESS
    if not keys:
        return False
    return any(failures >= keys[key] for key, failures in LoginFailure.objects.filter(
        key__in=keys, last_at__gte=_cutoff()).values_list("key", "failures"))


def _bump(key: str) -> None:
    """One more failure, atomically in the database (concurrent workers add up); a count older than the lockout
    starts again at 1, and the lock lasts LOCKOUT_SECONDS after the last failure."""
    now = timezone.now()
    fresh = Case(When(last_at__lt=_cutoff(), then=Value(1)), default=F("failures") + 1)
    if LoginFailure.objects.filter(key=key).update(failures=fresh, last_at=now):
        return
    try:
        with transaction.atomic():
            LoginFailure.objects.create(key=key, failures=1, last_at=now)
    except IntegrityError:  # another worker created it in between
        LoginFailure.objects.filter(key=key).update(failures=F("failures") + 1, last_at=now)


def record_failure(username: str | None, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        LoginFailure.objects.filter(last_at__lt=_cutoff()).delete()  # expired counts (index on last_at)
        if username:
            _bump(_key("user", username))
        if address := _address(request):
            _bump(_key("addr", address))


def reset(username: str | None) -> None:
    """A successful login clears the username's count (not the address's: one good account must not unlock
    guessing at others from the same place)."""
    if username:
        LoginFailure.objects.filter(key=_key("user", username)).delete()


class LockoutBackend(ModelBackend):
    """Django's ModelBackend that refuses while the username or address is locked (PermissionDenied: even the
    right password does not log in)."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs):
        if is_locked(username or kwargs.get(get_user_model().USERNAME_FIELD), request):
            raise PermissionDenied(lockout_message())
        return super().authenticate(request, username=username, password=password, **kwargs)


def on_login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    record_failure(credentials.get("username"), request)


def on_logged_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    reset(user.get_username())
