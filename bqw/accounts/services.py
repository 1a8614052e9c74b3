from __future__ import annotations

from django.db import models, transaction

from bqw.core.errors import ApplicationError

from .audit import audit_record, snapshot
from .models import ApiToken, Role, Unit, User
from .scope import require_admin

USER_FIELDS = ["username", "first_name", "email", "organization_id", "role", "view_scope_id", "capture_scope_id",
               "is_active"]


@transaction.atomic
def user_ensure(*, actor: User, username: str, password: str, organization: models.Model, role: str,
                view_scope: Unit, capture_scope: Unit | None, display_name: str = "", email: str = "") -> User:
    """Create or update a user; scopes must lie within the acting admin's view scope."""
    require_admin(actor, view_scope)
    if capture_scope is not None:
        require_admin(actor, capture_scope)
    if capture_scope is not None and not view_scope.contains(capture_scope):
        raise ApplicationError("填报范围必须在查看范围之内")
    if role not in Role.values:
        raise ApplicationError(f"未知角色：{role}")
    user = User.objects.filter(username=username).first()
    before = snapshot(user, USER_FIELDS)
    if user is None:
        user = User(username=username)
    user.first_name = display_name
    if email:
        user.email = email
    user.organization = organization
    user.role = role
    user.view_scope = view_scope
    user.capture_scope = capture_scope
    user.set_password(password)
    user.save()
    audit_record(actor=actor, action="user.create" if before is None else "user.update", obj=user,
                 region=view_scope, before=before, after=snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def api_token_create(*, actor: User, user: User, name: str = "api") -> str:
    """Returns the key once; only its digest is stored."""
    if actor.pk != user.pk:
        require_admin(actor, user.view_scope)
    key = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, name=name, digest=ApiToken.hash(key))
    audit_record(actor=actor, action="apitoken.create", obj=token, region=user.view_scope,
                 after={"user": user.username, "name": name})
    return key


SYSTEM_USERNAME = "system"


def system_user() -> User:
    """The actor for command-line and scheduled work: a superuser that cannot log in, so audit rows say 系统."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_superuser": True, "is_active": True, "first_name": "系统"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def command_actor(username: str | None) -> User:
    """`--user NAME` on a command, or the system user."""
    if not username:
        return system_user()
    user = User.objects.select_related("view_scope", "capture_scope").filter(username=username).first()
    if user is None:
        raise ApplicationError(f"用户 {username} 不存在")
    return user
