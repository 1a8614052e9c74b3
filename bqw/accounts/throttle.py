"""Login throttling: after repeated wrong passwords a username (and, separately, a client address) is locked for a
while, whichever login page or client is used.

Enforced inside authentication itself (`LockoutBackend`, the authentication backend: a locked account
cannot authenticate even with the right password) and counted from Django's `user_login_failed` signal, so the
platform login, the admin login and any future login path share it. Tests that log in with `client.login()` or
`force_login()` are unaffected unless they fail on purpose. Counters live in Django's cache (per process with the
default local-memory cache; set a shared cache such as Redis or the database cache when running several workers).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

MAX_FAILURES = getattr(settings, "BQW_LOGIN_MAX_FAILURES", 5)  # per username
MAX_FAILURES_PER_ADDRESS = getattr(settings, "BQW_LOGIN_MAX_FAILURES_PER_ADDRESS", 30)
LOCKOUT_SECONDS = getattr(settings, "BQW_LOGIN_LOCKOUT_SECONDS", 15 * 60)


def lockout_message() -> str:
    return f"登录失败次数过多，账户已暂时锁定，请 {LOCKOUT_SECONDS // 60} 分钟后再试，或联系管理员。"


def _key(kind: str, value: str) -> str:
    return "bqw-login-fail:" + kind + ":" + hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _address(request: HttpRequest | None) -> str:
    return (request.META.get("REMOTE_ADDR") or "") if request is not None else ""


def is_locked(username: str | None, request: HttpRequest | None = None) -> bool:
    """Whether this username (or this client address) has failed too often recently."""
    if username and cache.get(_key("user", username), 0) >= MAX_FAILURES:
        return True
    address = _address(request)
    return bool(address) and cache.get(_key("addr", address), 0) >= MAX_FAILURES_PER_ADDRESS


def _bump(key: str) -> None:
    if cache.add(key, 1, LOCKOUT_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired in between
        cache.set(key, 1, LOCKOUT_SECONDS)
    cache.touch(key, LOCKOUT_SECONDS)  # the lock lasts LOCKOUT_SECONDS after the last failure


def record_failure(username: str | None, request: HttpRequest | None = None) -> None:
    if username:
        _bump(_key("user", username))
    if address := _address(request):
        _bump(_key("addr", address))


def reset(username: str | None) -> None:
    """A successful login clears the username's count (not the address's: one good account must not unlock
    guessing at others from the same place)."""
    if username:
        cache.delete(_key("user", username))


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
