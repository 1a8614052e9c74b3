"""The one rule for a project's light at a date (pages, API, CLI, supervision pass, 责任书, leader pages).

green   投产 (label 已投产), or on track (正常推进)
red     a milestone passed without being reached, or the planned completion date passed before 竣工 (严重滞后)
yellow  investment completed behind the plan for the time elapsed, or no progress report for N days (滞后)
blue    a milestone falls due within N days (临近节点)
grey    谋划/签约/储备 with nothing yet expected (未开工)
Every light carries its Chinese reason.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from bqw.core.status import Light, Status
from bqw.indicators.status import fmt

from .models import Project, Stage

ACTIVE = (Stage.PREP, Stage.BUILDING, Stage.COMPLETED)  # stages that owe regular progress reports
EARLY = (Stage.IDEA, Stage.SIGNED, Stage.RESERVE)


def _conf(key: str) -> int:
    return settings.BQW_PROJECTS[key]


def _d(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def expected_investment(project: Project, on: date) -> Decimal | None:
    """Investment the project should have completed by `on` at an even pace from start to planned completion."""
    start = project.started_on or project.planned_start_on
    end = project.planned_end_on
    if project.stage != Stage.BUILDING or not start or not end or end <= start or on <= start:
        return None
    frac = min(Decimal(1), Decimal((on - start).days) / Decimal((end - start).days))
    return (project.planned_investment * frac).quantize(Decimal("0.01"))


def project_light(project: Project, on: date | None = None) -> Status:
    """The light of a project at `on` (today by default). Reads project.milestones (prefetch them for many)."""
    on = on or timezone.localdate()
    if project.stage == Stage.PRODUCING:
        when = f"于{_d(project.producing_on)}" if project.producing_on else ""
        return Status(Light.GREEN, "已投产", f"已{when}投产")
    milestones = sorted(project.milestones.all(), key=lambda m: m.planned_on)
    late = [m for m in milestones if m.actual_on is None and m.planned_on < on]
    if late:
        m = late[0]
        return Status(Light.RED, "严重滞后", f"节点“{m.name}”计划于{_d(m.planned_on)}完成，已逾期"
                                           f"{(on - m.planned_on).days}天（当前阶段：{project.get_stage_display()}）")
    if project.planned_end_on and project.planned_end_on < on and project.stage_index < 5:
        return Status(Light.RED, "严重滞后", f"计划于{_d(project.planned_end_on)}竣工，已逾期"
                                           f"{(on - project.planned_end_on).days}天，仍处于"
                                           f"{project.get_stage_display()}阶段")
    expected = expected_investment(project, on)
    if expected:
        tol = Decimal(100 - _conf("INVESTMENT_TOLERANCE")) / 100
        done = project.completed_investment
        if done < expected * tol:
            plan = project.planned_investment
            return Status(Light.YELLOW, "滞后",
                          f"投资进度滞后：按时间进度应完成约{fmt(expected, '元')}（{expected / plan * 100:.0f}%），"
                          f"实际完成{fmt(done, '元')}（{done / plan * 100:.0f}%）")
    if project.stage in ACTIVE:
        days = _conf("REPORT_DAYS")
        since = project.last_report_on or project.started_on or project.intro_on
        if (on - since).days > days:
            last = f"最近报送：{_d(project.last_report_on)}" if project.last_report_on else "入库以来未报送"
            return Status(Light.YELLOW, "滞后", f"已{(on - since).days}天未报送进展（超过{days}天；{last}）")
    soon = [m for m in milestones if m.actual_on is None and 0 <= (m.planned_on - on).days <= _conf("BLUE_DAYS")]
    if soon:
        m = soon[0]
        return Status(Light.BLUE, "临近节点", f"节点“{m.name}”将于{_d(m.planned_on)}到期"
                                            f"（还剩{(m.planned_on - on).days}天）")
    if project.stage in EARLY:
        return Status(Light.GREY, "未开工", f"处于{project.get_stage_display()}阶段，尚未开工")
    if expected:
        plan = project.planned_investment
        return Status(Light.GREEN, "正常推进", f"投资进度正常：应完成约{expected / plan * 100:.0f}%，"
                                             f"实际{project.completed_investment / plan * 100:.0f}%")
    return Status(Light.GREEN, "正常推进", f"{project.get_stage_display()}阶段，按期推进")


LIGHT_ORDER = [Light.RED, Light.YELLOW, Light.BLUE, Light.GREY, Light.GREEN]
