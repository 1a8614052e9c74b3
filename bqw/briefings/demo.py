"""Demo: a monthly briefing for 江门市 and one for 鹤山市 (the last complete month), written by the system."""

from __future__ import annotations

from django.utils import timezone

from bqw.accounts.services import system_user
from bqw.core.periods import Period
from bqw.regions.models import Region

from .models import Briefing
from .services import briefing_generate, briefing_request

REGIONS = ("440700000000", "440784000000")  # 江门市, 鹤山市


def step(orgs: dict) -> None:
    period = Period.of_date(timezone.localdate()).shift(-1)
    actor = system_user()
    for code in REGIONS:
        region = Region.objects.get(code=code)
        if Briefing.objects.filter(region=region, period=period.id).exclude(state=Briefing.State.REVOKED).exists():
            continue
        b = briefing_request(actor=actor, region=region, period=period.id, background=False)
        briefing_generate(actor=actor, briefing_id=b.pk)
