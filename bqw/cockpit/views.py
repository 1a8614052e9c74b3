"""Cockpit pages: /cockpit/<code>/ (province, city, county, town), its Excel download, the map geometry,
and the viewers' home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from bqw.accounts.models import Role, User
from bqw.core.errors import NotFoundError

from . import maps
from .access import get_cockpit_region_for_user, get_period
from .export import cockpit_workbook
from .selectors import cockpit

PROVINCE = "440000000000"
CARDS, TASKS = 10, 12  # shown at once; the rest behind a 展开


def home_for(user: User) -> str | None:
    """Viewers (leaders) land on the cockpit of their view scope's top unit."""
    if getattr(user, "role", None) == Role.VIEWER and user.view_scope_id:
        return f"/cockpit/{user.view_scope.code}/"
    return None


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    scope = request.user.view_scope
    if scope is None:
        if not request.user.is_superuser:
            raise NotFoundError("您没有查看范围，请联系管理员")
        return redirect("cockpit-page", code=PROVINCE)
    return redirect("cockpit-page", code=scope.code)


def _target(request: HttpRequest) -> int | None:
    t = request.GET.get("target", "")
    return int(t) if t.isdigit() else None


def _screen(request: HttpRequest, code: str) -> tuple[object, dict]:
    region = get_cockpit_region_for_user(request.user, code)
    period = get_period(request.GET.get("period"))
    return region, cockpit(request.user, region, period, indicator=request.GET.get("indicator") or None,
                           target=_target(request))


@login_required
@require_GET
def page(request: HttpRequest, code: str) -> HttpResponse:
    region = get_cockpit_region_for_user(request.user, code)
    if region.level >= 5:
        return redirect(f"/regions/{region.code}/")
    _, data = _screen(request, code)
    colour = "value" if request.GET.get("color") == "value" else "status"
    big = request.GET.get("big") == "1"
    cards = data["cards"]
    ctx = {"region": region, "data": data, "colour": colour, "big": big, "cards": cards[:CARDS],
           "more_cards": cards[CARDS:], "tasks": data["tasks"][:TASKS], "more_tasks": data["tasks"][TASKS:],
           "query": request.GET.urlencode(), "refresh": 60 if big else 0}
    return render(request, "cockpit/page.html", ctx)


@login_required
@require_GET
def export(request: HttpRequest, code: str) -> HttpResponse:
    region, data = _screen(request, code)
    body = cockpit_workbook(data)
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"驾驶舱_{region.name}_{data['period']['label']}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote
    return quote(name)


@login_required
@require_GET
def map_geometry(request: HttpRequest, code: str) -> FileResponse:
    """Simplified boundaries (public geometry, from data/maps/); 404 for a unit without a map."""
    path = maps.map_path(code if len(code) == 12 and code.isdigit() else "")
    if path is None:
        raise NotFoundError("没有该单位的地图")
    response = FileResponse(open(path, "rb"), content_type="application/json")
    response["Cache-Control"] = "private, max-age=3600"
    return response
