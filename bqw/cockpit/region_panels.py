"""The unit profile's sections on the regions page (/regions/<code>/) for counties, towns and villages:
targets and their status, values over time, tasks concerning the unit, later apps' panels. Found by
`bqw.regions.views.region_panels` (regions never imports the cockpit)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from bqw.regions.models import Region

from .access import get_period
from .selectors import profile


def profile_panel(request: HttpRequest, region: Region) -> str | None:
    if region.level < 3:
        return None
    period = get_period(request.GET.get("period"))
    ctx = profile(request.user, region, period)
    ctx["cockpit_url"] = f"/cockpit/{region.code}/" if region.level <= 4 else None
    return render_to_string("cockpit/partials/profile.html", ctx, request=request)


PANELS = [profile_panel]
