"""Pages: the project library with filters (htmx), a project with its lifecycle and reports, 招商 teams with
their funnel, leaders' pages, 责任书 with their standing and a plain .docx download."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bqw.accounts.scope import view_q
from bqw.core.errors import ApplicationError
from bqw.core.evidence import evidence_download as serve_evidence
from bqw.core.status import Light
from bqw.regions.models import Region

from .access import (
    get_leader_for_user,
    get_letter_for_user,
    get_project_for_user,
    get_team_for_user,
)
from .imports import export_workbook
from .letters import letter_document
from .lights import project_light
from .models import Category, Leader, Letter, ProjectEvidence, Source, Stage
from .selectors import (
    leader_page,
    letter_standing,
    project_rows,
    projects_for_user,
    summarize,
    team_funnel,
    teams_for_user,
)
from .services import project_report_submit, project_transition

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _on(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


def _filters(request: HttpRequest) -> dict:
    g = request.GET
    region = None
    if g.get("region", "").isdigit():
        region = Region.objects.filter(code=g["region"].ljust(12, "0")).first()
        if region is not None and not request.user.can_view(region):
            region = None
    return {"region": region, "stage": g.get("stage") if g.get("stage") in Stage.values else None,
            "category": g.get("category") if g.get("category") in Category.values else None,
            "source": g.get("source") if g.get("source") in Source.values else None,
            "major": g.get("major") == "1", "light": g.get("light") if g.get("light") in Light.values else None}


def _rows(request: HttpRequest, f: dict, on: date):
    qs = projects_for_user(request.user, region=f["region"], stage=f["stage"], category=f["category"],
                           source=f["source"], major=f["major"])
    return project_rows(qs, on=on, light=f["light"])


def _attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


@login_required
def library(request: HttpRequest) -> HttpResponse:
    on, f = _on(request), _filters(request)
    rows = _rows(request, f, on)
    scope = request.user.view_scope
    regions = Region.objects.filter(parent=scope, level__lte=4).order_by("code") if scope else Region.objects.none()
    ctx = {"rows": rows, "summary": summarize(rows), "filters": f, "on": on, "stages": Stage.choices,
           "categories": Category.choices, "sources": Source.choices, "lights": Light.choices, "regions": regions}
    if request.headers.get("HX-Request"):
        return render(request, "projects/partials/table.html", ctx)
    return render(request, "projects/library.html", ctx)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    on = _on(request)
    rows = _rows(request, _filters(request), on)
    return _attachment(export_workbook(rows), f"项目库{on:%Y%m%d}.xlsx", XLSX)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_project_for_user(request.user, pk)
    on = _on(request)
    from .services import TRANSITIONS

    can_write = request.user.can_capture(p.region)
    ctx = {"p": p, "status": project_light(p, on), "on": on, "history": p.stage_changes.select_related("actor"),
           "investments": p.investments.all(), "reports": p.reports.prefetch_related("evidence"),
           "notices": p.notices.all(), "assignments": p.assignments.select_related("leader"),
           "next_stages": [(s, Stage(s).label) for s in TRANSITIONS[p.stage]] if can_write else [],
           "can_write": can_write and not p.archived}
    return render(request, "projects/detail.html", ctx)


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_project_for_user(request.user, pk, write=True)
    try:
        on = date.fromisoformat(request.POST.get("on", "")) if request.POST.get("on") else None
    except ValueError:
        raise ApplicationError("日期格式应为 YYYY-MM-DD") from None
    project_transition(actor=request.user, project=p, to=request.POST.get("to", ""), on=on,
                       reason=request.POST.get("reason", ""))
    messages.success(request, f"项目已转入“{p.get_stage_display()}”阶段")
    return redirect(p.get_absolute_url())


@login_required
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_project_for_user(request.user, pk, write=True)
    raw = (request.POST.get("investment") or "").strip()
    investment = None
    if raw:
        from bqw.core.imports import parse_decimal

        try:
            investment = parse_decimal(raw) * 10_000
        except ValueError as exc:
            raise ApplicationError(f"当月完成投资：{exc}") from None
    project_report_submit(actor=request.user, project=p, text=request.POST.get("text", ""),
                          files=request.FILES.getlist("evidence"), investment=investment)
    messages.success(request, "进展已报送")
    return redirect(p.get_absolute_url())


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    return serve_evidence(request.user, ProjectEvidence, pk, owner="report__project_id", check=get_project_for_user)


@login_required
def teams(request: HttpRequest) -> HttpResponse:
    rows = [(t, team_funnel(t)) for t in teams_for_user(request.user).prefetch_related("members")]
    return render(request, "projects/teams.html", {"rows": rows})


@login_required
def team(request: HttpRequest, pk: int) -> HttpResponse:
    t = get_team_for_user(request.user, pk)
    leads = t.leads.select_related("region", "project").order_by("-found_on")
    return render(request, "projects/team.html", {"team": t, "funnel": team_funnel(t), "leads": leads})


@login_required
def leaders(request: HttpRequest) -> HttpResponse:
    rows = (Leader.objects.filter(view_q(request.user, "region")).select_related("region", "organization")
            .order_by("region__code", "rank", "id"))
    return render(request, "projects/leaders.html", {"rows": rows[:500]})


@login_required
def leader(request: HttpRequest, pk: int) -> HttpResponse:
    ld = get_leader_for_user(request.user, pk)
    on = _on(request)
    return render(request, "projects/leader.html", {"page": leader_page(request.user, ld, on=on), "on": on})


@login_required
def letters(request: HttpRequest) -> HttpResponse:
    on = _on(request)
    rows = [letter_standing(x, on=on) for x in Letter.objects.filter(view_q(request.user, "region"))
            .select_related("region", "issuer")]
    return render(request, "projects/letters.html", {"rows": rows, "on": on})


@login_required
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    lt = get_letter_for_user(request.user, pk)
    on = _on(request)
    return render(request, "projects/letter.html", {"s": letter_standing(lt, on=on), "on": on})


@login_required
def letter_docx(request: HttpRequest, pk: int) -> HttpResponse:
    lt = get_letter_for_user(request.user, pk)
    return _attachment(letter_document(letter_standing(lt, on=_on(request))), f"{lt.title}.docx", DOCX)
