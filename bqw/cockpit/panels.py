"""Panels later apps add to the cockpit and the unit profile, without the cockpit importing them.

An app ships `<app>/cockpit_panels.py` with `COCKPIT` and/or `PROFILE`: lists of callables
`(user, region, period) -> dict | None`, the dict being {"key", "title", "columns": [...], "rows": [[...]],
"note"?: str, "link"?: url}. The cockpit finds these modules in INSTALLED_APPS order
(`bqw.core.hooks.app_modules`), renders each panel as a table (with its Excel sheet) and puts it in the JSON.
A failing panel never breaks the screen: it shows as "暂不可用" with the error logged.
"""

from __future__ import annotations

import logging

from bqw.accounts.models import User
from bqw.core.hooks import app_modules
from bqw.core.periods import Period
from bqw.regions.models import Region

log = logging.getLogger(__name__)


def collect(kind: str, user: User, region: Region, period: Period) -> list[dict]:
    """Every registered panel of `kind` ("COCKPIT" or "PROFILE") for this screen."""
    out = []
    for module in app_modules("cockpit_panels"):
        for fn in getattr(module, kind, []):
            try:
                panel = fn(user, region, period)
            except Exception:  # a later app's bug must not take the cockpit down
                log.exception("cockpit panel %s.%s failed", module.__name__, getattr(fn, "__name__", fn))
                panel = {"key": getattr(fn, "__name__", "panel"), "title": "面板暂不可用", "columns": [],
                         "rows": [], "note": "该面板暂不可用（已记录错误）"}
            if panel:
                panel.setdefault("columns", [])
                panel.setdefault("rows", [])
                out.append(panel)
    return out
