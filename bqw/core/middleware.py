from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import ApplicationError


class ApplicationErrorMiddleware:
    """Pages: a service's ApplicationError becomes the matching error page (404, 403, 409 …)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, ApplicationError):
            return None
        return render(request, "core/error.html", {"message": exc.message, "status": exc.status_code},
                      status=exc.status_code)
