"""Pairing pages: the list with filters (htmx) and a coverage table (map-ready JSON beside it), a pairing's page
with commitments, delivery lights and the delivery report form, a helper's page (its own pairings only), a
helped unit's page, export and import."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bqw.core.errors import ApplicationError, ForbiddenError, ImportRejected
from bqw.core.evidence import evidence_download as serve_evidence
from bqw.core.imports import rejection_context
from bqw.orgs.models import Organization
from bqw.regions.access import get_region_for_user
from bqw.regions.models import Region

from .access import (
    ADMIN,
    REPORT,
    can_report,
    get_commitment_for_user,
    get_helper_org_for_user,
    get_pairing_for_user,
    is_admin_of,
)
from .api import detail_out
from .imports import MAX_BYTES, export_workbook, pairing_import
from .models import CommitmentKind, DeliveryEvidence, PairingStatus, PairingType
from .selectors import (
    coverage_rows,
    coverage_summary,
    helped_pairings,
    helper_pairings,
    pairings_for_user,
    rows_with_lights,
)
from .services import commitment_create, delivery_report, pairing_project_create

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _on(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


def _year(request: HttpRequest) -> int:
    y = request.GET.get("year", "")
    return int(y) if y.isdigit() and 2000 <= int(y) <= 2100 else timezone.localdate().year


def _area(request: HttpRequest) -> Region | None:
    code = request.GET.get("region", "")
    return get_region_for_user(request.user, code) if code.isdigit() else None


def _home_region(request: HttpRequest) -> Region:
    return request.user.view_scope or Region.objects.filter(level=1).order_by("code").first()


def _filters(request: HttpRequest) -> dict:
    g = request.GET
    helper = g.get("helper", "")
    return {"kind": g.get("kind") if g.get("kind") in PairingType.values else None,
            "status": g.get("status") if g.get("status") in PairingStatus.values else None,
            "helper_kind": g.get("helper_kind") if g.get("helper_kind") in Organization.Kind.values else None,
            "helper": int(helper) if helper.isdigit() else None,
            "year": int(g["year"]) if g.get("year", "").isdigit() else None,
            "text": g.get("q", "").strip()[:50]}


@login_required
def index(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    f = _filters(request)
    on = _on(request)
    page = Paginator(pairings_for_user(request.user, region=area, **f), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = rows_with_lights(page.object_list, on)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status.light] = counts.get(r.status.light, 0) + 1
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {"rows": rows, "page": page, "query": query.urlencode(), "filters": f, "area": area, "on": on,
           "counts": counts,
           "kinds": PairingType.choices, "statuses": PairingStatus.choices,
           "helper_kinds": Organization.Kind.choices}
    if request.headers.get("HX-Request"):
        return render(request, "pairing/partials/pairing_table.html", ctx)
    base = area or _home_region(request)
    children = list(base.children.filter(kind=Region.Kind.ADMINISTRATIVE).order_by("code")) if base else []
    year = f["year"] or timezone.localdate().year
    ctx.update({"base": base, "year": year, "coverage": coverage_rows([base, *children], year) if base else [],
                "regions": children, "can_admin": base is not None and is_admin_of(request.user, base)})
    return render(request, "pairing/index.html", ctx)


@login_required
def coverage_json(request: HttpRequest) -> JsonResponse:
    """Map-ready data: the unit and each child with its coverage figures (names and codes for the map)."""
    region = _area(request) or _home_region(request)
    return JsonResponse(coverage_summary(request.user, region, _year(request)),
                        json_dumps_params={"ensure_ascii": False})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_pairing_for_user(request.user, pk)
    on = _on(request)
    ctx = {"p": p, "d": detail_out(p, on), "on": on, "helpers": list(p.helpers.select_related("organization",
                                                                                                "region")),
           "can_report": can_report(request.user, p), "can_admin": is_admin_of(request.user, p.region),
           "commitment_kinds": CommitmentKind.choices, "project_regions": _project_regions(p)}
    return render(request, "pairing/detail.html", ctx)


def _project_regions(p) -> list[Region]:
    """Where a co-built project may lie (the library takes counties and below): the pairing's region when it is
    a county or below, and its administrative children."""
    own = [p.region] if p.region.level >= Region.Level.COUNTY else []
    return own + list(p.region.children.filter(kind=Region.Kind.ADMINISTRATIVE).order_by("code"))


def _run(request: HttpRequest, fn, ok: str) -> None:
    try:
        fn()
        messages.success(request, ok)
    except ApplicationError as exc:
        if exc.status_code in (403, 404):
            raise
        messages.error(request, exc.message)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


@login_required
@require_POST
def deliver(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_commitment_for_user(request.user, pk, write=REPORT)
    _run(request, lambda: delivery_report(actor=request.user, commitment=c, period=request.POST.get("period", ""),
                                          amount=request.POST.get("amount", ""), note=request.POST.get("note", ""),
                                          files=request.FILES.getlist("evidence")), "到位情况已报送")
    return redirect(c.pairing.get_absolute_url())


@login_required
@require_POST
def commit(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_pairing_for_user(request.user, pk, write=ADMIN)

    def go():
        start, due = _date(request.POST.get("start_on")), _date(request.POST.get("due_on"))
        if start is None or due is None:
            raise ApplicationError("请填写起始日期和完成期限")
        commitment_create(actor=request.user, pairing=p, kind=request.POST.get("kind", ""),
                          amount=request.POST.get("amount", ""), start_on=start, due_on=due,
                          note=request.POST.get("note", ""))

    _run(request, go, "承诺已登记")
    return redirect(p.get_absolute_url())


@login_required
@require_POST
def add_project(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_pairing_for_user(request.user, pk, write=ADMIN)
    code = request.POST.get("region") or ""
    region = get_region_for_user(request.user, code) if code else None
    _run(request, lambda: pairing_project_create(actor=request.user, pairing=p, name=request.POST.get("name", ""),
                                                 region=region, started_on=_date(request.POST.get("started_on")),
                                                 completed_on=_date(request.POST.get("completed_on")),
                                                 investment=request.POST.get("investment") or None),
         "共建项目已登记，已进入项目库（来源：帮扶）")
    return redirect(p.get_absolute_url())


@login_required
def helper(request: HttpRequest, pk: int) -> HttpResponse:
    """A helper's page: only the pairings this organization takes part in."""
    org = get_helper_org_for_user(request.user, pk)
    on = _on(request)
    rows = rows_with_lights(helper_pairings(request.user, org), on)
    return render(request, "pairing/helper.html", {"org": org, "rows": rows, "on": on})


@login_required
def helped_region(request: HttpRequest, code: str) -> HttpResponse:
    region = get_region_for_user(request.user, code)
    on = _on(request)
    rows = rows_with_lights(helped_pairings(request.user, region=region), on)
    return render(request, "pairing/helped.html", {"unit": region, "rows": rows, "on": on,
                                                   "coverage": coverage_rows([region], timezone.localdate().year)[0]})


@login_required
def helped_org(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_helper_org_for_user(request.user, pk)
    on = _on(request)
    rows = rows_with_lights(helped_pairings(request.user, org=org), on)
    return render(request, "pairing/helped.html", {"unit": org, "rows": rows, "on": on})


@login_required
def export(request: HttpRequest) -> HttpResponse:
    rows = rows_with_lights(pairings_for_user(request.user, region=_area(request), **_filters(request)),
                            _on(request))
    resp = HttpResponse(export_workbook(rows, title="结对帮扶台账"), content_type=XLSX)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('结对帮扶台账.xlsx')}"
    return resp


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    """Upload a pairing list: checked in full; written only if every row is good (or only checked)."""
    region = _home_region(request)
    if region is None or not is_admin_of(request.user, region):
        raise ForbiddenError("仅指挥部管理员可以导入结对台账")
    ctx: dict = {"region": region}
    if request.method == "POST":
        f = request.FILES.get("file")
        if f is None or f.size > MAX_BYTES:
            messages.error(request, "请选择不超过 5 MB 的 xlsx / csv 文件")
            return redirect("pairing-import")
        data, dry = f.read(), request.POST.get("dry_run") == "1"
        try:
            result = pairing_import(actor=request.user, region=region, data=data, filename=f.name, dry_run=dry)
        except ImportRejected as exc:
            ctx.update(rejection_context(exc, data, f.name))
            return render(request, "pairing/import.html", ctx, status=422)
        if result.applied:
            messages.success(request, f"已导入 {result.created} 个结对、{result.commitments} 项承诺")
            return redirect("pairing-index")
        ctx["result"] = result
    return render(request, "pairing/import.html", ctx)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    return serve_evidence(request.user, DeliveryEvidence, pk, owner="delivery__commitment__pairing_id",
                          check=get_pairing_for_user)
