"""People administered by a headquarters: create, edit, reset password, deactivate — inside the admin's scope.

The rule everywhere: capture scope ⊆ view scope ⊆ the granting admin's own view scope; the user's organization
lies in the admin's scope too. Users outside the admin's view scope are 404, as if they did not exist.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from bqw.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from bqw.orgs.models import Organization
from bqw.regions.models import Region

from .audit import audit_record, snapshot
from .models import Role, User
from .scope import NOT_FOUND, require_admin, scope_q
from .tokens import can_manage_user

USER_FIELDS = ["username", "first_name", "email", "organization_id", "role", "view_scope_id", "capture_scope_id",
               "is_active"]


def _check_scopes(actor: User, organization: Organization, role: str, view_scope: Region,
                  capture_scope: Region | None) -> None:
    require_admin(actor, view_scope)
    require_admin(actor, organization.region)
    if capture_scope is not None:
        require_admin(actor, capture_scope)
        if not view_scope.contains(capture_scope):
            raise ApplicationError("填报范围必须在查看范围之内")
    if role not in Role.values:
        raise ApplicationError(f"未知角色：{role}")
    if role != Role.VIEWER and capture_scope is None:
        raise ApplicationError(f"{Role(role).label}须指定填报范围")
    if not actor.is_superuser and actor.view_scope is not None and view_scope.level < actor.view_scope.level:
        raise ForbiddenError("不能授予超出本人范围的查看范围")


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError("密码不符合要求：" + "；".join(exc.messages)) from None


def new_password() -> str:
    """A password to hand over once (reset, CLI without --password)."""
    return "Bqw@" + secrets.token_urlsafe(9)


@transaction.atomic
def user_create(*, actor: User, username: str, password: str, organization: Organization, role: str,
                view_scope: Region, capture_scope: Region | None, display_name: str = "", email: str = "") -> User:
    """A new user; the username must be free (409 otherwise: an admin never takes over someone's account)."""
    username = (username or "").strip()
    if not username:
        raise ApplicationError("请填写用户名")
    _check_scopes(actor, organization, role, view_scope, capture_scope)
    if User.objects.filter(username=username).exists():
        raise ConflictError(f"用户名 {username} 已被使用")
    user = User(username=username, first_name=display_name.strip()[:150], email=email.strip(),
                organization=organization, role=role, view_scope=view_scope, capture_scope=capture_scope)
    _check_password(password, user)
    user.set_password(password)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ApplicationError("；".join(exc.messages)) from None
    user.save()
    audit_record(actor=actor, action="user.create", obj=user, region=view_scope, after=snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, organization: Organization, role: str, view_scope: Region,
                capture_scope: Region | None, display_name: str = "", email: str = "") -> User:
    _manageable(actor, user)
    _check_scopes(actor, organization, role, view_scope, capture_scope)
    if user.pk == actor.pk and role != actor.role:
        raise ApplicationError("不能修改自己的角色")
    before = snapshot(user, USER_FIELDS)
    user.organization, user.role, user.view_scope, user.capture_scope = organization, role, view_scope, capture_scope
    user.first_name, user.email = display_name.strip()[:150], email.strip()
    user.save()
    audit_record(actor=actor, action="user.update", obj=user, region=view_scope, before=before,
                 after=snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> User:
    """Password reset by an admin of the user's scope (the user then changes it)."""
    _manageable(actor, user)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="user.password_reset", obj=user, region=user.view_scope)
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivate (or reactivate) a user; a deactivated user can neither log in nor use a token."""
    _manageable(actor, user)
    if user.pk == actor.pk and not active:
        raise ApplicationError("不能停用自己的账号")
    before = snapshot(user, USER_FIELDS)
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="user.activate" if active else "user.deactivate", obj=user,
                 region=user.view_scope, before=before, after=snapshot(user, USER_FIELDS))
    return user


def _manageable(actor: User, user: User) -> None:
    if not (actor.is_superuser or (user.view_scope_id and actor.can_view(user.view_scope))):
        raise NotFoundError(NOT_FOUND)
    if not can_manage_user(actor, user):
        raise ForbiddenError("仅指挥部管理员可以管理用户")


def users_for_admin(actor: User, *, region: Region | None = None, role: str | None = None,
                    organization_id: int | None = None, q: str = "", active: bool | None = None
                    ) -> QuerySet[User]:
    """Users whose view scope lies in the admin's view scope (and in `region` when given), with filters."""
    require_admin(actor, region)
    qs = User.objects.filter(is_superuser=False).select_related("organization", "view_scope", "capture_scope")
    if not actor.is_superuser:
        qs = qs.filter(scope_q(actor.view_scope, "view_scope"))
    if region is not None:
        qs = qs.filter(scope_q(region, "view_scope"))
    if role:
        qs = qs.filter(role=role)
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(organization__name__icontains=q))
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("view_scope__code", "username")


def get_user_for_admin(actor: User, pk: int | str) -> User:
    """404 outside the admin's view scope; 403 for a non-admin inside it."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError(NOT_FOUND) from None
    user = User.objects.select_related("organization", "view_scope", "capture_scope").filter(pk=pk).first()
    if user is None or user.is_superuser:
        raise NotFoundError(NOT_FOUND)
    _manageable(actor, user)
    return user
