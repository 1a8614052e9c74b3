"""A headquarters' register of organizations (bureaus, town offices, village committees, SOEs, banks …)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bqw.accounts.scope import require_admin, scope_q
from bqw.core.errors import ApplicationError
from bqw.regions.picker import region_label, region_options, resolve_region

from .access import get_organization_for_user, visible_organizations
from .models import Organization
from .services import organization_create, organization_update


def _fields(request: HttpRequest) -> dict:
    d = request.POST
    region = resolve_region(request.user, d.get("region", ""), field="所在地区")
    parent = get_organization_for_user(request.user, d["parent"]) if d.get("parent", "").isdigit() else None
    return {"name": d.get("name", ""), "kind": d.get("kind", ""), "region": region, "parent": parent}


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Organizations of my region (filter by unit, kind, name) and the form for a new one."""
    require_admin(request.user)
    error = None
    if request.method == "POST":
        try:
            org = organization_create(actor=request.user, **_fields(request))
        except ApplicationError as exc:
            if exc.status_code in (403, 404):
                raise
            error = exc.message
        else:
            messages.success(request, f"已新建机构“{org.name}”")
            return redirect("orgs-index")
    g = request.GET
    orgs = visible_organizations(request.user)
    if g.get("f_region"):
        orgs = orgs.filter(scope_q(resolve_region(request.user, g["f_region"], field="地区"), "region"))
    if g.get("kind"):
        orgs = orgs.filter(kind=g["kind"])
    if g.get("q"):
        orgs = orgs.filter(name__contains=g["q"].strip())
    mine = request.user.view_scope
    data = request.POST if error else {"region": region_label(mine) if mine else ""}
    ctx = {"orgs": orgs.order_by("region__code", "kind", "name")[:500], "total": orgs.count(), "filters": g,
           "kinds": Organization.Kind.choices, "region_opts": region_options(request.user), "error": error,
           "data": data, "parents": visible_organizations(request.user).exclude(kind="village")[:300]}
    if request.headers.get("HX-Request"):
        return render(request, "orgs/partials/org_table.html", ctx)
    return render(request, "orgs/index.html", ctx)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_organization_for_user(request.user, pk, write=True)
    error = None
    if request.method == "POST":
        try:
            organization_update(actor=request.user, org=org, **_fields(request))
        except ApplicationError as exc:
            if exc.status_code in (403, 404):
                raise
            error = exc.message
        else:
            messages.success(request, "已保存")
            return redirect("orgs-index")
    data = request.POST if error else {"name": org.name, "kind": org.kind, "region": region_label(org.region),
                                       "parent": str(org.parent_id or "")}
    return render(request, "orgs/detail.html", {
        "org": org, "error": error, "data": data, "kinds": Organization.Kind.choices,
        "region_opts": region_options(request.user),
        "parents": visible_organizations(request.user).exclude(kind="village").exclude(pk=org.pk)[:300],
        "users": org.users.filter(is_active=True).order_by("username")})
