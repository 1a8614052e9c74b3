"""A headquarters' own people pages: users of its region (list with filters, create, edit, reset password,
deactivate) and everyone's API tokens (create — shown once —, list, revoke). Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bqw.core.errors import ApplicationError
from bqw.orgs.models import Organization
from bqw.regions.picker import region_label, region_options, resolve_region

from .models import Role, User
from .scope import require_admin, scope_q
from .tokens import get_token_for_user, token_create, token_revoke, tokens_of
from .users import (
    get_user_for_admin,
    new_password,
    user_create,
    user_set_active,
    user_set_password,
    user_update,
    users_for_admin,
)

SHOWN_KEY = "accounts_new_token"

# The administration hub: apps add {"url", "title", "text"} in AppConfig.ready() (like core.views.MODULE_LINKS).
MANAGE_LINKS: list[dict[str, str]] = [
    {"url": "/orgs/", "title": "机构", "text": "指挥部、职能部门、镇街、村（居）委会、国企、银行等机构登记"},
    {"url": "/accounts/users/", "title": "用户", "text": "本地区的用户、角色、查看与填报范围，重置密码与停用"},
    {"url": "/accounts/tokens/", "title": "我的 API 令牌", "text": "创建、查看、撤销供其他系统调用的令牌"},
]


@login_required
def manage_index(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    return render(request, "accounts/manage.html", {"links": MANAGE_LINKS})


# ---------------------------------------------------------------- tokens (every user)

@login_required
def tokens_page(request: HttpRequest) -> HttpResponse:
    """My tokens; a new key is shown once, right after it is made (kept in the session for one display)."""
    error = None
    if request.method == "POST":
        try:
            _, key = token_create(actor=request.user, user=request.user, name=request.POST.get("name", ""),
                                  expires=request.POST.get("expires") or None)
        except ApplicationError as exc:
            error = exc.message
        else:
            request.session[SHOWN_KEY] = key
            return redirect("accounts-tokens")
    key = request.session.pop(SHOWN_KEY, None)
    return render(request, "accounts/tokens.html", {
        "tokens": tokens_of(actor=request.user, user=request.user), "new_key": key, "error": error,
        "owner": request.user})


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_token_for_user(request.user, pk)
    token_revoke(actor=request.user, token=token)
    messages.success(request, f"已撤销令牌“{token.name}”")
    if token.user_id != request.user.pk:
        return redirect("accounts-user", pk=token.user_id)
    return redirect("accounts-tokens")


# ---------------------------------------------------------------- users (admins)

def _orgs_for(user: User):
    qs = Organization.objects.select_related("region").order_by("region__code", "name")
    return qs if user.is_superuser else qs.filter(scope_q(user.view_scope, "region"))


def _get_org(actor: User, pk: str | None) -> Organization:
    org = _orgs_for(actor).filter(pk=int(pk)).first() if pk and str(pk).isdigit() else None
    if org is None:
        raise ApplicationError("请选择所属机构（须在您的管辖范围内）", extra={"field": "organization"})
    return org


def _user_fields(actor: User, data) -> dict:
    capture = data.get("capture_scope", "").strip()
    return {"organization": _get_org(actor, data.get("organization")), "role": data.get("role", ""),
            "view_scope": resolve_region(actor, data.get("view_scope", ""), field="查看范围"),
            "capture_scope": resolve_region(actor, capture, field="填报范围") if capture else None,
            "display_name": data.get("display_name", ""), "email": data.get("email", "")}


def _form_ctx(actor: User, **extra) -> dict:
    return {"orgs": _orgs_for(actor), "roles": Role.choices, "region_opts": region_options(actor), **extra}


@login_required
def users_page(request: HttpRequest) -> HttpResponse:
    """Users of my region with filters (unit, role, organization, name, active); htmx swaps the table."""
    require_admin(request.user)
    g = request.GET
    region = resolve_region(request.user, g["region"], field="地区") if g.get("region") else None
    active = {"1": True, "0": False}.get(g.get("active", ""))
    users = users_for_admin(request.user, region=region, role=g.get("role") or None,
                            organization_id=int(g["org"]) if g.get("org", "").isdigit() else None,
                            q=g.get("q", "").strip(), active=active)
    ctx = _form_ctx(request.user, users=users[:500], total=users.count(), filters=g)
    if request.headers.get("HX-Request"):
        return render(request, "accounts/partials/user_table.html", ctx)
    return render(request, "accounts/users.html", ctx)


@login_required
def user_new(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    error, data = None, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            password = data.get("password") or new_password()
            user = user_create(actor=request.user, username=data.get("username", ""), password=password,
                               **_user_fields(request.user, data))
        except ApplicationError as exc:
            if exc.status_code in (403, 404):
                raise
            error = exc.message
        else:
            if not data.get("password"):
                messages.success(request, f"已创建用户 {user.username}，初始密码：{password}（只显示这一次）")
            else:
                messages.success(request, f"已创建用户 {user.username}")
            return redirect("accounts-user", pk=user.pk)
    if not data:  # a new user defaults to a reporter seeing the admin's own region, never to an admin
        mine = request.user.view_scope
        data = {"role": Role.REPORTER, "view_scope": region_label(mine) if mine else ""}
    return render(request, "accounts/user_form.html", _form_ctx(request.user, data=data, error=error, obj=None))


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a user's role, organization and scopes; reset the password; deactivate; revoke their tokens."""
    obj = get_user_for_admin(request.user, pk)
    error = None
    if request.method == "POST":
        op = request.POST.get("op", "update")
        try:
            if op == "password":
                password = request.POST.get("password") or new_password()
                user_set_password(actor=request.user, user=obj, password=password)
                messages.success(request, f"已重置 {obj.username} 的密码：{password}（只显示这一次）")
            elif op in ("deactivate", "activate"):
                user_set_active(actor=request.user, user=obj, active=op == "activate")
                messages.success(request, f"已{'启用' if op == 'activate' else '停用'} {obj.username}")
            else:
                user_update(actor=request.user, user=obj, **_user_fields(request.user, request.POST))
                messages.success(request, f"已保存 {obj.username}")
        except ApplicationError as exc:
            if exc.status_code in (403, 404):
                raise
            error = exc.message
        else:
            return redirect("accounts-user", pk=obj.pk)
    data = request.POST if error else {
        "username": obj.username, "display_name": obj.first_name, "email": obj.email,
        "organization": str(obj.organization_id or ""), "role": obj.role,
        "view_scope": region_label(obj.view_scope) if obj.view_scope else "",
        "capture_scope": region_label(obj.capture_scope) if obj.capture_scope else ""}
    return render(request, "accounts/user_form.html", _form_ctx(
        request.user, data=data, error=error, obj=obj, tokens=tokens_of(actor=request.user, user=obj)))


