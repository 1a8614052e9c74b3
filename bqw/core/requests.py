"""Every request gets an id: it is in the response header, in the log line of an unexpected error, and on the
Chinese 500 page, so an office can quote it and we can find the traceback."""

from __future__ import annotations

import logging
import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

log = logging.getLogger("bqw.errors")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.id = uuid.uuid4().hex[:12]
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> None:
        from .errors import ApplicationError

        if isinstance(exc, ApplicationError):  # a business rule answered by ApplicationErrorMiddleware, not a crash
            return None
        log.error("未处理的异常 request_id=%s %s %s", getattr(request, "id", "-"), request.method, request.path,
                  exc_info=exc)
        return None  # Django then answers with handler500


def server_error(request: HttpRequest) -> HttpResponse:
    """The Chinese 500 page with the request id (handler500)."""
    return render(request, "500.html", {"request_id": getattr(request, "id", "")}, status=500)
