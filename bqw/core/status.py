"""The one light vocabulary for targets, tasks and projects: a colour and a Chinese reason."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Light(models.TextChoices):
    GREEN = "green", "绿灯"
    BLUE = "blue", "蓝灯"
    YELLOW = "yellow", "黄灯"
    RED = "red", "红灯"
    GREY = "grey", "灰灯"


@dataclass(frozen=True)
class Status:
    """A computed light with the sentence that explains it; rendered by core/partials/light.html."""

    light: str
    label: str
    reason: str

    def as_dict(self) -> dict:
        return {"light": self.light, "label": self.label, "reason": self.reason}
