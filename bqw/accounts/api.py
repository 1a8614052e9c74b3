"""API authentication: Bearer tokens (scripts, other systems) and the session, and the acting user of a request."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from .models import User
from .tokens import authenticate_key


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        # A request that presents a Bearer token stands or falls by it: an unknown, revoked or expired token is
        # 401 here, never passed on to SessionAuth (whose CSRF check would answer 403 on unsafe methods).
        user = authenticate_key(token)
        if user is None:
            raise AuthenticationError(401, "令牌无效、已撤销或已过期")
        request.user = user
        return user


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
