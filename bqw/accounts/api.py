"""API authentication: Bearer tokens (scripts, other systems) and the session, and the acting user of a request."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken, User


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        t = ApiToken.objects.select_related("user", "user__view_scope", "user__capture_scope").filter(
            digest=ApiToken.hash(token)).first()
        if t is None or not t.user.is_active:
            return None
        request.user = t.user
        return t.user


class SessionCookie(SessionAuth):
    """The session, with its CSRF check only for a logged-in session: a request without a valid session or token
    then gets 401 (who are you?), not 403 "CSRF check failed" — there is no session a forged request could ride."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


# Bearer first: ninja's SessionAuth rejects any unsafe request without a CSRF token before the next method is
# tried, so a token client (scripts, other systems) could never PUT/POST if the session came first.
AUTH = [BearerToken(), SessionCookie()]


def actor(request: HttpRequest) -> User:
    """The acting user of an authenticated API request."""
    return request.auth if isinstance(getattr(request, "auth", None), User) else request.user
