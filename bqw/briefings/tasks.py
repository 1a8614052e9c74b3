"""The background job that writes a requested briefing (Django's task framework, database backend)."""

from __future__ import annotations

from django_tasks import task

from .services import briefing_generate


@task()
def generate_briefing(briefing_id: int) -> None:
    briefing_generate(briefing_id=briefing_id)
