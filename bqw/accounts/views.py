from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bqw.core.errors import ApplicationError

from .audit_text import audit_changes, audit_sentence
from .scope import require_admin
from .selectors import audit_entries_visible_to


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    g = request.GET
    f = {k: (g.get(k) or "").strip() for k in ("action", "person", "obj", "since", "until")}
    dates = {}
    for k in ("since", "until"):
        try:
            dates[k] = date.fromisoformat(f[k]) if f[k] else None
        except ValueError:
            raise ApplicationError(f"日期“{f[k]}”应写成 2026-11-30 这样的格式")
    entries = audit_entries_visible_to(user=request.user, action=f["action"] or None, person=f["person"] or None,
                                       obj=f["obj"] or None, **dates)
    page = Paginator(entries, 50).get_page(g.get("page"))
    rows = [{"entry": e, "sentence": audit_sentence(e), "changes": audit_changes(e)} for e in page]
    query = urlencode({k: v for k, v in f.items() if v})
    return render(request, "accounts/audit.html", {"page": page, "rows": rows, "filters": f, "query": query})
