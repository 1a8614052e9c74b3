"""Generate, follow, preview, download and revoke briefings."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bqw.core.errors import ApplicationError, NotFoundError
from bqw.core.periods import Period
from bqw.regions.models import Region

from .access import get_briefing_for_user
from .content import LIGHT_ORDER, TARGET_WORDS
from .models import Briefing
from .selectors import briefing_regions, briefings_for_user
from .services import briefing_request, briefing_revoke
from .writer import TASK_WORDS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _default_period() -> str:
    from django.utils import timezone

    return Period.of_date(timezone.localdate()).shift(-1).id  # last month: the one offices brief on


@login_required
def index(request: HttpRequest) -> HttpResponse:
    form = {"region": request.POST.get("region", ""), "period": request.POST.get("period", _default_period())}
    error = None
    if request.method == "POST":
        region = Region.objects.filter(code=form["region"]).first()
        if region is None:
            raise NotFoundError("请选择要通报的地区")
        try:
            b = briefing_request(actor=request.user, region=region, period=form["period"])
        except ApplicationError as exc:
            if exc.status_code != 400 and exc.status_code != 409:
                raise
            error = exc.message
        else:
            messages.success(request, f"已开始生成{b.year}年第{b.number}期通报")
            return redirect("briefings-detail", pk=b.pk)
    return render(request, "briefings/index.html", {
        "briefings": briefings_for_user(request.user)[:100], "regions": briefing_regions(request.user),
        "form": form, "error": error, "can_issue": request.user.is_superuser or request.user.role == "admin"})


def _context(b: Briefing) -> dict:
    snap = b.snapshot or {}
    counts = lambda block, words: [(words[k], k, (snap.get(block) or {}).get("counts", {}).get(k, 0))  # noqa: E731
                                   for k in LIGHT_ORDER]
    return {"b": b, "snap": snap, "target_counts": counts("targets", TARGET_WORDS),
            "task_counts": counts("tasks", TASK_WORDS),
            "running": b.state in (Briefing.State.QUEUED, Briefing.State.RUNNING)}


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    b = get_briefing_for_user(request.user, pk)
    return render(request, "briefings/detail.html", _context(b))


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    b = get_briefing_for_user(request.user, pk)
    response = render(request, "briefings/partials/progress.html", _context(b))
    if b.state == Briefing.State.DONE and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # show the preview and downloads once it is written
    return response


@login_required
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    b = get_briefing_for_user(request.user, pk)
    data = b.docx if fmt == "docx" else b.xlsx
    if b.state != Briefing.State.DONE or not data:
        raise Http404("通报尚未生成")
    name = f"{b.region.name}{b.year}年第{b.number}期通报.{fmt}"
    response = HttpResponse(bytes(data), content_type=DOCX if fmt == "docx" else XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    b = get_briefing_for_user(request.user, pk, write=True)
    briefing_revoke(actor=request.user, briefing=b, reason=request.POST.get("reason", ""))
    messages.success(request, f"已撤销{b.year}年第{b.number}期通报，该期号可重新使用")
    return redirect("briefings-detail", pk=b.pk)
