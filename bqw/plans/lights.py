"""The one rule for a task's light at a date, used by pages, API, CLI, ledger and the supervision pass.

red     逾期      not done and past its due date
blue    即将到期  its due date (or the end of the current cycle, or its next milestone) is within N days (default 7)
yellow  滞后      a milestone has passed undone, or progress lags the time elapsed by more than the tolerance
grey    未开始    not started yet (and nothing is expected of it yet)
green   已办结    done (办结)
green   正常推进  on track
Every light carries its status word (Status.label) and a Chinese reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.conf import settings
from django.utils import timezone

from bqw.core.periods import HALF, ONGOING, RECURRING, Period
from bqw.core.status import Light, Status

from .models import Milestone, Task, TaskState


def _conf(key: str) -> int:
    return settings.BQW_PLANS[key]


DONE, ON_TRACK, DUE_SOON, BEHIND, OVERDUE, NOT_STARTED = "已办结", "正常推进", "即将到期", "滞后", "逾期", "未开始"
WORD_LIGHTS = {DONE: Light.GREEN, ON_TRACK: Light.GREEN, DUE_SOON: Light.BLUE, BEHIND: Light.YELLOW,
               OVERDUE: Light.RED, NOT_STARTED: Light.GREY}


_WORD_LIGHT_VALUES = {word: light.value for word, light in WORD_LIGHTS.items()}  # no enum lookup per task


def _status(word: str, reason: str) -> Status:
    return Status(_WORD_LIGHT_VALUES[word], word, reason)


def _d(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def cycle_start(task: Task, on: date) -> date:
    """Start of the current cycle of a recurring task (每月 / 每季度 / 每半年 / 每年)."""
    if task.every == HALF:
        return date(on.year, 1, 1) if on.month <= 6 else date(on.year, 7, 1)
    return Period.of_date(on, task.every or "M").start


def expected_progress(task: Task, on: date) -> int | None:
    """Percent the task should have reached by `on` if worked at an even pace from start to due date."""
    if task.deadline_kind != "due" or task.due_on is None:
        return None
    start = task.start_on or task.plan.start_on
    if task.due_on <= start:
        return 100 if on >= task.due_on else 0
    frac = (on - start).days / (task.due_on - start).days
    return max(0, min(100, round(frac * 100)))


def light_settings() -> tuple[int, int]:
    """(blue days, behind tolerance) from settings: read once when computing many lights."""
    return _conf("BLUE_DAYS"), _conf("BEHIND_TOLERANCE")


def task_light(task: Task, on: date | None = None, *, blue_days: int | None = None, tolerance: int | None = None,
               milestones: Sequence[Milestone] | None = None) -> Status:
    """The light of `task` at date `on` (today by default) with the sentence that explains it.

    Reads task.plan, and task.milestones unless `milestones` (in due-date order) are given (selectors.task_rows
    passes them, fetched for a whole board at once).
    """
    on = on or timezone.localdate()
    blue_days = _conf("BLUE_DAYS") if blue_days is None else blue_days
    due = task.due_at(on)
    p = task.progress

    if task.state == TaskState.DONE:
        if task.deadline_kind == "due" and due and task.done_on and task.done_on > due:
            return _status(DONE, f"已于{_d(task.done_on)}办结（逾期{(task.done_on - due).days}天办结）")
        return _status(DONE, f"已于{_d(task.done_on)}办结，按期完成" if task.done_on else "已办结")

    if task.deadline_kind == RECURRING and due:
        start = cycle_start(task, on)
        if task.last_report_on and task.last_report_on >= start:
            return _status(ON_TRACK, f"本期（截至{_d(due)}）已于{_d(task.last_report_on)}报送进展")
        left = (due - on).days
        if left <= blue_days:
            return _status(DUE_SOON, f"本期将于{_d(due)}到期（还剩{left}天），尚未报送进展")
    elif due is not None:
        if due < on:
            return _status(OVERDUE, f"已逾期{(on - due).days}天（完成时限：{task.deadline_text}，"
                                      f"到期日{_d(due)}），当前进度{p}%")
        left = (due - on).days
        if left <= blue_days:
            return _status(DUE_SOON, f"将于{_d(due)}到期（还剩{left}天），当前进度{p}%")

    milestones = list(task.milestones.all()) if milestones is None else milestones
    missed = [m for m in milestones if not m.done and m.due_on < on]
    if missed:
        m = missed[0]
        return _status(BEHIND, f"节点“{m.name}”应于{_d(m.due_on)}完成，至今未完成")

    tol = _conf("BEHIND_TOLERANCE") if tolerance is None else tolerance
    expected = expected_progress(task, on)
    if expected is not None and p + tol < expected:
        return _status(BEHIND, f"进度滞后：按时间进度应完成约{expected}%，实际{p}%")

    upcoming = [m for m in milestones if not m.done and 0 <= (m.due_on - on).days <= blue_days]
    if upcoming:
        m = upcoming[0]
        return _status(DUE_SOON, f"节点“{m.name}”将于{_d(m.due_on)}到期（还剩{(m.due_on - on).days}天）")

    start = task.start_on or task.plan.start_on
    if on < start:
        return _status(NOT_STARTED, f"尚未开始（计划于{_d(start)}开始）")
    if task.state == TaskState.NOT_STARTED and p == 0:
        return _status(NOT_STARTED, "尚未开始，未报送进展")

    if task.deadline_kind == ONGOING:
        return _status(ON_TRACK, f"长期坚持，持续推进（进度{p}%）")
    if expected is not None:
        return _status(ON_TRACK, f"进度正常：按时间进度应完成约{expected}%，实际{p}%")
    return _status(ON_TRACK, f"按期推进（进度{p}%）")


LIGHT_ORDER = [Light.RED, Light.YELLOW, Light.BLUE, Light.GREY, Light.GREEN]
