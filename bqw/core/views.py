from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

# Apps add their entry pages here in AppConfig.ready(): {"url", "title", "text"}.
MODULE_LINKS: list[dict[str, str]] = []
# Apps may claim a user's home page (e.g. the cockpit for viewers): callables user → URL or None, first wins.
HOME_PAGES: list[Callable[[object], str | None]] = []


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if "workbench" not in request.GET:
        for page in HOME_PAGES:
            url = page(request.user)
            if url:
                return redirect(url)
    return render(request, "core/home.html", {"modules": MODULE_LINKS})
