"""The one light vocabulary for targets, tasks and projects: a colour, the status word and a Chinese reason.

`Status.label` is always the status word an office uses (targets: 已达成 / 正常推进 / 有风险 / 滞后 / 无数据;
tasks: 已办结 / 正常推进 / 即将到期 / 滞后 / 逾期 / 未开始); the colour's name is `Light(light).label`
(`Status.colour`). Pages render a status with core/partials/light.html, workbooks colour a cell with
`light_fill` (LIGHT_FILLS); each app computes its own rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models


class Light(models.TextChoices):
    GREEN = "green", "绿灯"
    BLUE = "blue", "蓝灯"
    YELLOW = "yellow", "黄灯"
    RED = "red", "红灯"
    GREY = "grey", "灰灯"


# The one Excel fill per light (the pale office colours of Excel's conditional formats); every workbook that
# colours a cell by light, or marks a bad cell (red), uses these.
LIGHT_FILLS = {"green": "C6EFCE", "blue": "BDD7EE", "yellow": "FFEB9C", "red": "FFC7CE", "grey": "D9D9D9"}


def light_fill(light: str) -> Any:
    """The openpyxl fill of a light (openpyxl imported only by the code that writes workbooks)."""
    from openpyxl.styles import PatternFill

    return PatternFill("solid", fgColor=LIGHT_FILLS[Light(light).value])


@dataclass(frozen=True, slots=True)
class Status:
    """A computed light with its status word and the sentence that explains it."""

    light: str
    label: str
    reason: str

    @property
    def colour(self) -> str:
        """The colour's name: 绿灯 / 蓝灯 / 黄灯 / 红灯 / 灰灯."""
        return Light(self.light).label

    def as_dict(self) -> dict:
        return {"light": str(self.light), "colour": self.colour, "label": self.label, "reason": self.reason}
