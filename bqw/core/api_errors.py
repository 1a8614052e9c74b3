"""The documented error responses of the API (issue 11): every create/edit endpoint lists them in its OpenAPI
`responses` so clients know the shapes — ApplicationError's {"message", "extra"} (400/403/404/409, and 422 for
an import with row errors) and ninja's validation {"detail"} (422)."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    """400 bad input · 401 no or bad token · 403 may read but not change · 404 absent or outside the view scope ·
    409 conflict (duplicate, stale version) · 422 invalid body (`detail`) or rejected import rows (`extra.errors`)."""

    message: str = ""
    extra: dict[str, Any] = {}
    detail: Any = None


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def with_errors(ok: dict[int, Any]) -> dict[int, Any]:
    """A response map: the success shapes plus every documented error."""
    return {**ok, **ERRORS}
