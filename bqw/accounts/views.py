from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .scope import require_admin
from .selectors import audit_entries_visible_to


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    entries = audit_entries_visible_to(user=request.user, action=request.GET.get("action") or None)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit.html", {"page": page})
