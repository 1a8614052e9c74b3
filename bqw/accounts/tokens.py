"""API tokens: each user makes, names, lists and revokes their own; admins revoke those of users in their scope.

Only the SHA-256 of a key is stored (the key is shown once); a revoked or expired token authenticates nobody.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from bqw.core.errors import ApplicationError, ForbiddenError, NotFoundError

from .audit import audit_record
from .models import ApiToken, Role, User
from .scope import NOT_FOUND

# last_used is written at most this often per token, so a busy integration does not write on every request
LAST_USED_GRANULARITY = timedelta(minutes=1)


def parse_expiry(text: str | date | None) -> datetime | None:
    """'2027-01-31' (end of that day, local time) or a date; empty → never expires."""
    if text in (None, ""):
        return None
    if isinstance(text, datetime):
        return text
    if not isinstance(text, date):
        try:
            text = date.fromisoformat(str(text).strip())
        except ValueError:
            raise ApplicationError(f"到期日期格式应为 YYYY-MM-DD：{text}") from None
    return timezone.make_aware(datetime.combine(text, time(23, 59, 59)))


def can_manage_user(actor: User, user: User) -> bool:
    """An admin manages users whose view scope lies inside the admin's own view scope (a superuser: all)."""
    if actor.is_superuser:
        return True
    return (actor.role == Role.ADMIN and user.view_scope_id is not None and not user.is_superuser
            and actor.can_view(user.view_scope))


def _check_owner_or_admin(actor: User, user: User) -> None:
    if actor.pk == user.pk:
        return
    if not (actor.is_superuser or (actor.view_scope_id and user.view_scope_id and actor.can_view(user.view_scope))):
        raise NotFoundError(NOT_FOUND)
    if not can_manage_user(actor, user):
        raise ForbiddenError("仅指挥部管理员可以管理他人的令牌")


@transaction.atomic
def token_create(*, actor: User, user: User, name: str, expires: str | date | datetime | None = None
                 ) -> tuple[ApiToken, str]:
    """A new token for `user` (oneself, or by an admin of the user's scope); returns (token, key): the key is
    never stored and cannot be shown again."""
    _check_owner_or_admin(actor, user)
    name = (name or "").strip()
    if not name:
        raise ApplicationError("请填写令牌用途（名称）")
    if len(name) > 60:
        raise ApplicationError("令牌用途不能超过60个字")
    when = parse_expiry(expires) if not isinstance(expires, datetime) else expires
    if when is not None and when <= timezone.now():
        raise ApplicationError("到期时间必须晚于现在")
    if not user.is_active:
        raise ApplicationError(f"用户 {user.username} 已停用，不能创建令牌")
    key = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, name=name, digest=ApiToken.hash(key), prefix=key[:10],
                                    expires=when)
    audit_record(actor=actor, action="apitoken.create", obj=token, region=user.view_scope,
                 after={"user": user.username, "name": name, "expires": when})
    return token, key


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one token (its owner, or an admin of the owner's scope); revoking twice is harmless."""
    _check_owner_or_admin(actor, token.user)
    if token.revoked is None:
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
        audit_record(actor=actor, action="apitoken.revoke", obj=token, region=token.user.view_scope,
                     after={"user": token.user.username, "name": token.name})
    return token


def tokens_of(*, actor: User, user: User) -> QuerySet[ApiToken]:
    """A user's tokens, newest first, for the user or an admin of the user's scope."""
    _check_owner_or_admin(actor, user)
    return ApiToken.objects.filter(user=user).order_by("-created", "-id")


def get_token_for_user(actor: User, pk: int | str) -> ApiToken:
    """404 unless the token is the actor's own or belongs to a user in the actor's view scope."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError(NOT_FOUND) from None
    token = ApiToken.objects.select_related("user", "user__view_scope").filter(pk=pk).first()
    if token is None:
        raise NotFoundError(NOT_FOUND)
    _check_owner_or_admin(actor, token.user)
    return token


def authenticate_key(key: str) -> User | None:
    """The active user of a usable token, or None (unknown, revoked, expired, user deactivated)."""
    # get(), not filter().first(): on every API request, and first()'s ORDER BY costs Django ≈ 0.3 ms to compile
    try:
        t = ApiToken.objects.select_related("user", "user__view_scope", "user__capture_scope").get(
            digest=ApiToken.hash(key))
    except ApiToken.DoesNotExist:
        return None
    now = timezone.now()
    if not t.is_usable(now) or not t.user.is_active:
        return None
    if t.last_used is None or now - t.last_used > LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=t.pk).update(last_used=now)
    return t.user
