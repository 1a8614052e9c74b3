from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# Apps add their entry pages here in AppConfig.ready(): {"url", "title", "text"}.
MODULE_LINKS: list[dict[str, str]] = []


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"modules": MODULE_LINKS})
