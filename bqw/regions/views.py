from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bqw.accounts.models import Role
from bqw.accounts.scope import require_admin
from bqw.core.errors import ImportRejected, NotFoundError
from bqw.core.hooks import app_modules
from bqw.core.imports import rejection_context

from .access import get_region_for_user
from .forms import ClassImportForm
from .models import Region
from .selectors import (
    LEVEL_KEYS,
    classes_by_region,
    four_eyes_rules,
    region_ancestors,
    region_children,
    region_stats,
)
from .services import region_classes_import, region_four_eyes_set


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
    stats = region_stats(region)
    below = [(Region.Level(lv).label, stats["levels"][LEVEL_KEYS[lv]]) for lv in range(region.level + 1, 6)]
    ctx = {"region": region, "children": children, "ancestors": ancestors, "stats": stats, "below": below,
           "classes": classes.get(region.id, []),
           "count_levels": [(LEVEL_KEYS[lv], Region.Level(lv).label) for lv in range(region.level + 2, 6)],
           "four_eyes_rule": four_eyes_rules([region]).get(region.pk),
           "can_set_four_eyes": request.user.is_superuser or (request.user.role == Role.ADMIN
                                                              and request.user.can_capture(region))}
    if not request.headers.get("HX-Request"):
        ctx["panels"] = region_panels(request, region)
    template = "regions/partials/children.html" if request.headers.get("HX-Request") else "regions/detail.html"
    return render(request, template, ctx)


@login_required
@require_POST
def four_eyes(request: HttpRequest, code: str) -> HttpResponse:
    """Turn 双人审核 on or off for this unit and its subtree (admins)."""
    region = get_region_for_user(request.user, code, write=True)
    region = region_four_eyes_set(actor=request.user, region=region, enabled=request.POST.get("enabled") == "1")
    messages.success(request, f"已{'开启' if region.four_eyes else '关闭'}{region.name}的双人审核")
    return redirect("regions-detail", code=region.code)


def region_panels(request: HttpRequest, region: Region) -> list[str]:
    """HTML sections higher apps add to the unit page (their `region_panels.PANELS`: callables
    (request, region) → HTML or None), so the unit profile grows without regions importing them."""
    out = []
    for module in app_modules("region_panels"):
        for panel in getattr(module, "PANELS", []):
            html = panel(request, region)
            if html:
                out.append(html)
    return out


@login_required
def classes_import(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    form = ClassImportForm(request.POST or None, request.FILES or None)
    ctx: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            done = region_classes_import(actor=request.user, data=data, filename=upload.name,
                                         scheme=form.cleaned_data["scheme"] or None, year=form.cleaned_data["year"])
        except ImportRejected as exc:
            ctx.update(rejection_context(exc, data, upload.name))
            return render(request, "regions/classes_import.html", ctx, status=422)
        messages.success(request, f"已导入 {len(done)} 条分类")
        return redirect("regions-classes-import")
    return render(request, "regions/classes_import.html", ctx)


@login_required
def pick(request: HttpRequest) -> HttpResponse:
    """htmx: the <option>s of a unit picker for what the user typed (see regions/partials/region_input.html)."""
    from .picker import region_options

    field = request.GET.get("field", "")
    q = request.GET.get(field, "") if field else request.GET.get("q", "")
    return render(request, "regions/partials/region_options.html", {"options": region_options(request.user, q,
                                                                                              limit=50)})
