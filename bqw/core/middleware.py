"""The one way a page shows an ApplicationError.

Views do not catch service errors: ApplicationErrorMiddleware turns one into the error page with its status
(404 outside the view scope, 403 read-only, 400 / 409 / 422 a business rule; a rejected import lists its rows),
or into the same card as a fragment for an htmx request. The only other way is for a view that re-renders its
own form or row with the reason beside the field (htmx partials, the entry form): it runs the service inside
`inline_errors()`. (The API's JSON rendering is the handler in bqw/api.py.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .errors import ApplicationError

SCOPE_STATUSES = (403, 404)  # not the user's to see or change: never shown inside a form


class ApplicationErrorMiddleware:
    """Pages: a service's ApplicationError becomes the matching error page (404, 403, 409 …), never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, ApplicationError):
            return None
        return render_application_error(request, exc)


def render_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """The error page (for htmx, the error card alone) with the error's status and a way back."""
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    ctx = {"message": exc.message, "status": exc.status_code, "back": back, "errors": getattr(exc, "errors", [])}
    template = "core/partials/error.html" if request.headers.get("HX-Request") else "core/error.html"
    return render(request, template, ctx, status=exc.status_code)


@dataclass
class InlineError:
    """What `inline_errors` caught: false until a business error happened."""

    error: ApplicationError | None = None

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def message(self) -> str:
        return self.error.message if self.error else ""

    @property
    def extra(self) -> dict:
        return self.error.extra if self.error else {}


@contextmanager
def inline_errors(*, scope_too: bool = False) -> Iterator[InlineError]:
    """Run a service whose business-rule error the view shows beside its form field or in its row:

        with inline_errors() as failed:
            item = services.draft_item_update(actor=request.user, item=item, **fields)
            return _row(request, item)
        return render(request, "…/item_edit.html", {"error": failed.message})

    A 403 / 404 still goes to ApplicationErrorMiddleware, unless `scope_too` (a choice inside a form the user
    may already change, e.g. a plan outside their scope picked in a select)."""
    caught = InlineError()
    try:
        yield caught
    except ApplicationError as exc:
        if exc.status_code in SCOPE_STATUSES and not scope_too:
            raise
        caught.error = exc
