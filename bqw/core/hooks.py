"""Hooks between layers: a higher app contributes to a lower app's page by shipping a module of a known
name (e.g. `bqw/cockpit/region_panels.py`), found here in INSTALLED_APPS order — so the lower app never
imports the higher one (the same way `bqw.demo.scenario.demo_steps` finds each app's `demo.step`)."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import apps


def app_modules(name: str) -> list[ModuleType]:
    """Each installed bqw app's module `<app>.<name>`, in INSTALLED_APPS order (apps without one skipped)."""
    out = []
    for config in apps.get_app_configs():
        if not config.name.startswith("bqw."):
            continue
        if find_spec(f"{config.name}.{name}") is None:
            continue
        out.append(import_module(f"{config.name}.{name}"))
    return out
