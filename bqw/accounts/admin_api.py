"""/api/v1/users and /api/v1/tokens (issue 11): the same creates and edits as the pages, same services."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from bqw.accounts.api import actor
from bqw.core.api_errors import with_errors
from bqw.core.errors import ApplicationError
from bqw.orgs.access import get_organization_for_user
from bqw.regions.picker import api_region

from .models import ApiToken, User
from .tokens import get_token_for_user, token_create, token_revoke, tokens_of
from .users import get_user_for_admin, user_create, user_set_active, user_set_password, user_update, users_for_admin

users_router = Router(tags=["用户与令牌"])
tokens_router = Router(tags=["用户与令牌"])


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    organization: str | None
    role: str
    view_scope: str | None
    capture_scope: str | None
    is_active: bool


class UserIn(Schema):
    username: str
    password: str
    organization_id: int
    role: str
    view_scope: str
    capture_scope: str | None = None
    display_name: str = ""
    email: str = ""


class UserPatch(Schema):
    organization_id: int
    role: str
    view_scope: str
    capture_scope: str | None = None
    display_name: str = ""
    email: str = ""


class PasswordIn(Schema):
    password: str


class ActiveIn(Schema):
    active: bool


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created: datetime
    expires: datetime | None
    last_used: datetime | None
    revoked: datetime | None
    state: str


class TokenIn(Schema):
    name: str
    expires: date | None = None


class TokenCreated(TokenOut):
    key: str


def _user(u: User) -> dict:
    return {"id": u.pk, "username": u.username, "display_name": u.first_name,
            "organization": u.organization.name if u.organization else None, "role": u.role,
            "view_scope": u.view_scope.code if u.view_scope else None,
            "capture_scope": u.capture_scope.code if u.capture_scope else None, "is_active": u.is_active}


def _token(t: ApiToken) -> dict:
    return {"id": t.pk, "name": t.name, "prefix": t.prefix, "created": t.created, "expires": t.expires,
            "last_used": t.last_used, "revoked": t.revoked, "state": t.state_label}


def _fields(request: HttpRequest, body: UserIn | UserPatch) -> dict:
    me = actor(request)
    return {"organization": get_organization_for_user(me, body.organization_id),
            "role": body.role, "view_scope": api_region(me, body.view_scope, field="查看范围"),
            "capture_scope": api_region(me, body.capture_scope, field="填报范围") if body.capture_scope else None,
            "display_name": body.display_name, "email": body.email}


@users_router.get("/", response=with_errors({200: list[UserOut]}), summary="本管理员范围内的用户（可按角色筛选）")
def users_list(request: HttpRequest, role: str | None = None, q: str = ""):
    return [_user(u) for u in users_for_admin(actor(request), role=role, q=q)[:1000]]


@users_router.post("/", response=with_errors({201: UserOut}), summary="新建用户（填报范围⊆查看范围⊆管理员范围）")
def users_create(request: HttpRequest, body: UserIn):
    u = user_create(actor=actor(request), username=body.username, password=body.password, **_fields(request, body))
    return Status(201, _user(u))


@users_router.patch("/{user_id}", response=with_errors({200: UserOut}), summary="修改用户的机构、角色与范围")
def users_update(request: HttpRequest, user_id: int, body: UserPatch):
    u = user_update(actor=actor(request), user=get_user_for_admin(actor(request), user_id), **_fields(request, body))
    return _user(u)


@users_router.post("/{user_id}/password", response=with_errors({200: UserOut}), summary="重置密码")
def users_password(request: HttpRequest, user_id: int, body: PasswordIn):
    u = user_set_password(actor=actor(request), user=get_user_for_admin(actor(request), user_id),
                          password=body.password)
    return _user(u)


@users_router.post("/{user_id}/active", response=with_errors({200: UserOut}), summary="停用或启用用户")
def users_active(request: HttpRequest, user_id: int, body: ActiveIn):
    u = user_set_active(actor=actor(request), user=get_user_for_admin(actor(request), user_id), active=body.active)
    return _user(u)


@tokens_router.get("/", response=with_errors({200: list[TokenOut]}), summary="我的 API 令牌")
def tokens_list(request: HttpRequest):
    me = actor(request)
    return [_token(t) for t in tokens_of(actor=me, user=me)]


@tokens_router.post("/", response=with_errors({201: TokenCreated}), summary="新建令牌（明文只返回这一次）")
def tokens_create(request: HttpRequest, body: TokenIn):
    me = actor(request)
    if not body.name.strip():
        raise ApplicationError("请填写令牌用途（名称）")
    t, key = token_create(actor=me, user=me, name=body.name, expires=body.expires)
    return Status(201, {**_token(t), "key": key})


@tokens_router.delete("/{token_id}", response=with_errors({200: TokenOut}),
                      summary="撤销令牌（本人的，或管理员范围内用户的）")
def tokens_revoke(request: HttpRequest, token_id: int):
    return _token(token_revoke(actor=actor(request), token=get_token_for_user(actor(request), token_id)))
