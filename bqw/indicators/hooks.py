"""Hooks higher apps register into (indicators never imports them)."""

from __future__ import annotations

from collections.abc import Callable

ReturnHook = Callable[..., None]
RETURN_HOOKS: list[ReturnHook] = []
"""Called in the writer's transaction each time a reviewer returns (or reopens) reported values, as
fn(actor=..., returns=[(value, reporter user id or None), ...], reason=...). plans registers the one that tells
the reporter (inbox, group robot, e-mail) in its AppConfig.ready(), so indicators never imports plans."""


def register_return_hook(fn: ReturnHook) -> None:
    if fn not in RETURN_HOOKS:
        RETURN_HOOKS.append(fn)
