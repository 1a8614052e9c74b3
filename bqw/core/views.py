"""The home page (工作台): each role's to-dos as cards, and the module links the role can use.

Core imports no app: apps register their links and cards here in AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

# Apps add their entry pages here in AppConfig.ready(): {"url", "title", "text"} and optionally
# "nav" (the short word in the top nav), "roles" (the roles that may use it; absent = everyone),
# "capture": True (only users with a capture scope), "order" (nav position, default 50).
MODULE_LINKS: list[dict[str, Any]] = []

# Apps add the 工作台 cards of their module here: fn(user) -> a card {"title", "items": [{"label", "count",
# "url", "light" (optional, a core.status.Light value)}], "order" (optional)} or None when it has nothing
# for this user. A card is computed only for the users it concerns, so each fn returns early.
HOME_CARDS: list[Callable[[Any], dict | None]] = []


def link_visible(link: dict[str, Any], user: Any) -> bool:
    """Whether the role can use a module link (a superuser can use every one)."""
    if user.is_superuser:
        return True
    roles = link.get("roles")
    if roles and user.role not in roles:
        return False
    return not (link.get("capture") and not user.capture_scope_id)


def links_for(user: Any) -> list[dict[str, Any]]:
    """The module links the user can use, in nav order."""
    return sorted((lk for lk in MODULE_LINKS if link_visible(lk, user)), key=lambda lk: lk.get("order", 50))


def register_link(link: dict[str, Any]) -> None:
    """Add a module link once (ready() may run twice in tests)."""
    if not any(lk["url"] == link["url"] for lk in MODULE_LINKS):
        MODULE_LINKS.append(link)


def register_card(fn: Callable[[Any], dict | None]) -> None:
    """Add a 工作台 card provider once."""
    key = (fn.__module__, fn.__qualname__)
    if not any((f.__module__, f.__qualname__) == key for f in HOME_CARDS):
        HOME_CARDS.append(fn)


def cards_for(user: Any) -> list[dict]:
    """The user's 工作台 cards, in order."""
    cards = [c for c in (fn(user) for fn in HOME_CARDS) if c]
    return sorted(cards, key=lambda c: c.get("order", 50))


def nav_links(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the nav entries of the modules the user can use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_modules": []}
    return {"nav_modules": [lk for lk in links_for(user) if lk.get("nav")]}

# Apps may claim a user's home page (e.g. the cockpit for viewers): callables user → URL or None, first wins.
HOME_PAGES: list[Callable[[object], str | None]] = []



@login_required
def home(request: HttpRequest) -> HttpResponse:
    if "workbench" not in request.GET:
        for page in HOME_PAGES:
            url = page(request.user)
            if url:
                return redirect(url)
    return render(request, "core/home.html", {"modules": links_for(request.user), "cards": cards_for(request.user)})
