"""The background job that writes a requested briefing (Django's task framework, database backend)."""

from __future__ import annotations

from django_tasks import task

from bqw.accounts.models import User

from .models import Briefing
from .services import briefing_generate


@task()
def generate_briefing(briefing_id: int) -> None:
    """Runs as the admin who asked for the briefing: it shows what they may see."""
    requester = Briefing.objects.values_list("requested_by", flat=True).get(pk=briefing_id)
    actor = User.objects.select_related("view_scope", "capture_scope").get(pk=requester)
    briefing_generate(actor=actor, briefing_id=briefing_id)
