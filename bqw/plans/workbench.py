"""This module's 工作台 cards (registered in apps.py into core.views.HOME_CARDS): a lead unit's tasks by light,
督办单 awaiting its reply and tasks due within 7 days; an admin's red and yellow tasks."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.utils import timezone

from bqw.accounts.models import Role, User
from bqw.core.status import Light

from .access import visible_tasks
from .models import SupervisionKind, SupervisionNotice, TaskState
from .selectors import my_tasks, tasks_for_user

LIGHT_WORDS = {Light.RED.value: "红灯任务", Light.YELLOW.value: "黄灯任务", Light.BLUE.value: "蓝灯任务（临近到期）",
               Light.GREEN.value: "绿灯任务", Light.GREY.value: "未开始/无时限"}


def lead_unit_card(user: User) -> dict | None:
    """The tasks the user's organization leads: by light, 督办单 awaiting reply, due within 7 days."""
    if user.organization_id is None or user.role == Role.VIEWER:
        return None
    rows = my_tasks(user)
    waiting = SupervisionNotice.objects.filter(kind=SupervisionKind.NOTICE, organization_id=user.organization_id,
                                               replied_on__isnull=True).count()
    if not rows and not waiting:
        return None
    today = timezone.localdate()
    soon = sum(1 for r in rows if r.task.state != TaskState.DONE and r.task.due_on
               and today <= r.task.due_on <= today + timedelta(days=7))
    lights = Counter(r.status.light for r in rows)
    items = [{"label": LIGHT_WORDS[lt.value], "count": lights[lt.value], "url": f"/plans/my/?light={lt.value}",
              "light": lt.value} for lt in (Light.RED, Light.YELLOW, Light.BLUE) if lights[lt.value]]
    items += [{"label": "督办单待回复", "count": waiting, "url": "/plans/my/"},
              {"label": "7 天内到期", "count": soon, "url": "/plans/my/"},
              {"label": "本单位牵头任务合计", "count": len(rows), "url": "/plans/my/"}]
    return {"key": "lead", "title": f"牵头任务（{user.organization}）", "items": items, "order": 15}


def admin_tasks_card(user: User) -> dict | None:
    """Red and yellow tasks in the admin's scope."""
    if not (user.is_superuser or user.role == Role.ADMIN):
        return None
    if not visible_tasks(user).exists():
        return None
    lights = Counter(r.status.light for r in tasks_for_user(user, top_level=True))
    items = [{"label": LIGHT_WORDS[lt.value], "count": lights[lt.value], "url": "/plans/",
              "light": lt.value} for lt in (Light.RED, Light.YELLOW)]
    return {"key": "admin-tasks", "title": "任务督办", "items": items, "order": 35}
