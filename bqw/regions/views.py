from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bqw.core.errors import NotFoundError

from .access import get_region_for_user
from .models import Region
from .selectors import LEVEL_KEYS, classes_by_region, region_ancestors, region_children, region_stats


@login_required
def browse(request: HttpRequest) -> HttpResponse:
    scope = request.user.view_scope
    if scope is None:
        if not request.user.is_superuser:
            raise NotFoundError("您没有查看范围，请联系管理员")
        return redirect("regions-detail", code="440000000000")
    return redirect("regions-detail", code=scope.code)


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    region = get_region_for_user(request.user, code)
    children = region_children(user=request.user, region=region)
    classes = classes_by_region([region, *children])
    for c in children:
        c.class_list = classes.get(c.id, [])
    ancestors = [a for a in region_ancestors(region) if request.user.can_view(a)]
    ctx = {"region": region, "children": children, "ancestors": ancestors, "stats": region_stats(region),
           "classes": classes.get(region.id, []),
           "count_levels": [(LEVEL_KEYS[lv], Region.Level(lv).label) for lv in range(region.level + 2, 6)]}
    template = "regions/partials/children.html" if request.headers.get("HX-Request") else "regions/detail.html"
    return render(request, template, ctx)
