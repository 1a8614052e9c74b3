"""The background job that writes a requested briefing (Django's task framework, database backend)."""

from __future__ import annotations

import logging
import time

from django.db import OperationalError
from django_tasks import task

from bqw.accounts.models import User
from bqw.core.errors import ApplicationError

from .models import Briefing
from .services import briefing_generate

log = logging.getLogger(__name__)
ATTEMPTS = 3
RETRY_DELAY = 2.0  # seconds, times the attempt number
TRANSIENT = (OperationalError, OSError)  # a locked database, a full or busy disk: worth another try


@task()
def generate_briefing(briefing_id: int) -> None:
    """Runs as the admin who asked for the briefing: it shows what they may see. A transient failure is retried
    (ATTEMPTS in all); a business error, or the last failure, stays on the briefing (state 生成失败 with the
    reason, shown on its page) and fails the job."""
    requester = Briefing.objects.values_list("requested_by", flat=True).get(pk=briefing_id)
    actor = User.objects.select_related("view_scope", "capture_scope").get(pk=requester)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            briefing_generate(actor=actor, briefing_id=briefing_id)
            return
        except ApplicationError:
            raise
        except TRANSIENT:
            if attempt == ATTEMPTS:
                raise
            log.warning("briefing %s: attempt %s failed, retrying", briefing_id, attempt, exc_info=True)
            time.sleep(RETRY_DELAY * attempt)
