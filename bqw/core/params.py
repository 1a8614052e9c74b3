"""The one way views read integers from a query string or a form, so `?action=99999999999999999999`,
`version=abc` or `level=²` is treated as absent (or refused), never a 500 from int() or the database."""

from __future__ import annotations

import re

from .errors import ApplicationError

DB_INT_MAX = 2**31 - 1  # the smallest integer column (IntegerField) on both databases
_INT_RE = re.compile(r"[+-]?[0-9]{1,18}")


def int_param(value: object, *, default: int | None = None, minimum: int = 0, maximum: int = DB_INT_MAX,
              strict: bool = False, label: str = "参数") -> int | None:
    """`value` as an int when it is a plain ASCII integer within [minimum, maximum]; otherwise `default`
    (or, with `strict`, an ApplicationError 400 naming `label`)."""
    text = str(value).strip() if value is not None else ""
    if _INT_RE.fullmatch(text):
        n = int(text)
        if minimum <= n <= maximum:
            return n
    if strict and text:
        raise ApplicationError(f"{label}应为 {minimum}—{maximum} 之间的整数，收到“{text[:20]}”")
    return default


def safe_next(request, fallback: str) -> str:
    """Where to go after an action: the posted (or queried) `next` only when it stays on this site
    (no open redirect to another host or scheme), else `fallback` (a URL or a URL name for redirect())."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback
