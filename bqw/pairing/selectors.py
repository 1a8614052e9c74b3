"""Reads: pairings the user may see (filtered), a helper's and a helped unit's pairings, and the coverage
summary of a unit (read from the indicators' rollups, so it says what targets and the cockpit see)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from bqw.accounts.models import User
from bqw.core.periods import Period
from bqw.core.status import Status
from bqw.indicators.models import Rollup
from bqw.indicators.status import fmt
from bqw.orgs.models import Organization
from bqw.regions.models import Region, code_range

from . import coverage as cov
from .access import visible_pairings
from .lights import pairing_light
from .models import Commitment, Delivery, Helper, Pairing, PairingProject, PairingType


@dataclass
class PairingRow:
    pairing: Pairing
    status: Status

    @property
    def helpers(self) -> list[Helper]:
        return list(self.pairing.helpers.all())


def _with_details(qs: QuerySet[Pairing]) -> QuerySet[Pairing]:
    return qs.select_related("region", "helped_region", "helped_org", "coordinator").prefetch_related(
        Prefetch("helpers", queryset=Helper.objects.select_related("organization__region", "region")),
        Prefetch("commitments", queryset=Commitment.objects.prefetch_related(
            Prefetch("deliveries", queryset=Delivery.objects.order_by("period", "id")))),
    )


def pairings_for_user(user: User, *, kind: str | None = None, status: str | None = None,
                      region: Region | None = None, helper: int | None = None, year: int | None = None,
                      helper_kind: str | None = None, text: str = "") -> QuerySet[Pairing]:
    """Visible pairings, filtered by type, status, the helped unit's area, a helper organization, the year they
    are active in, the helpers' organization kind, or a name fragment."""
    qs = visible_pairings(user)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if region is not None:
        lo, hi = code_range(region.prefix)
        qs = qs.filter(region__code__gte=lo, region__code__lte=hi)
    if helper:
        qs = qs.filter(helpers__organization_id=helper)
    if helper_kind:
        qs = qs.filter(helpers__organization__kind=helper_kind)
    if year:
        qs = qs.filter(start_on__lte=date(year, 12, 31)).filter(
            Q(end_on__isnull=True) | Q(end_on__gte=date(year, 1, 1))).exclude(status__in=["cancelled", "planned"])
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(helped_region__name__icontains=text)
                       | Q(helped_org__name__icontains=text) | Q(helpers__organization__name__icontains=text)
                       | Q(helpers__region__name__icontains=text))
    return _with_details(qs.distinct()).order_by("region__code", "kind", "id")


def rows_with_lights(pairings, on: date | None = None) -> list[PairingRow]:
    return [PairingRow(p, pairing_light(p, on)) for p in pairings]


def helper_pairings(user: User, org: Organization) -> QuerySet[Pairing]:
    """A helper's page: only the pairings this organization helps in (and the user may see)."""
    return pairings_for_user(user, helper=org.pk)


def helped_pairings(user: User, *, region: Region | None = None, org: Organization | None = None
                    ) -> QuerySet[Pairing]:
    """A helped unit's page: the pairings helping this region (exactly) or this organization."""
    qs = visible_pairings(user)
    qs = qs.filter(helped_org=org) if org is not None else qs.filter(helped_region=region)
    return _with_details(qs).order_by("kind", "id")


# ------------------------------------------------------------------ coverage summary


def year_periods(year: int) -> tuple[str, str]:
    """(stock period, flow period) read for a year: its last quarter (or the current one), and the year."""
    today = timezone.localdate()
    stock = f"{year}Q4" if year < today.year else Period.of_date(today, "Q").id
    return stock, str(year)


def _rollups(codes: list[str], regions: list[Region], periods: list[str]) -> dict[tuple[str, int, str], Rollup]:
    rows = Rollup.objects.filter(indicator__code__in=codes, region__in=regions, period__in=periods).select_related(
        "indicator")
    return {(r.indicator.code, r.region_id, r.period): r for r in rows}


def coverage_rows(regions: list[Region], year: int) -> list[dict]:
    """Per unit: village–enterprise pairing rate (paired/valued villages), towns covered by a group, funds
    delivered, co-built projects started/completed — the same numbers the indicators hold."""
    stock, flow = year_periods(year)
    got = _rollups([cov.V_ENT_SHARE, cov.T_GROUP_N, cov.FUNDS, cov.PROJ_STARTED, cov.PROJ_DONE], regions,
                   [stock, flow])
    out = []
    for r in regions:
        share = got.get((cov.V_ENT_SHARE, r.id, stock))

        def val(code: str, p: str = stock, rid: int = r.id) -> float | None:
            row = got.get((code, rid, p))
            return row.value if row is not None else None

        out.append({
            "code": r.code, "name": r.name, "level": r.level,
            "village_enterprise_rate": round(share.value, 2) if share and share.value is not None else None,
            "villages_paired": share.hits if share else 0, "villages_counted": share.n if share else 0,
            "group_towns": int(val(cov.T_GROUP_N) or 0),
            "funds_delivered": val(cov.FUNDS, flow) or 0, "funds_text": fmt(val(cov.FUNDS, flow) or 0, "元"),
            "projects_started": int(val(cov.PROJ_STARTED) or 0),
            "projects_completed": int(val(cov.PROJ_DONE) or 0),
        })
    return out


def coverage_summary(user: User, region: Region, year: int | None = None) -> dict:
    """What `bqw pairing coverage` and /api/v1/pairings/coverage report for a unit and a year."""
    year = year or timezone.localdate().year
    children = list(region.children.filter(kind=Region.Kind.ADMINISTRATIVE).order_by("code"))
    rows = coverage_rows([region, *children], year)
    own, per_child = rows[0], rows[1:]
    active = pairings_for_user(user, region=region, year=year)
    by_kind = dict(active.order_by().values_list("kind").annotate(n=Count("id", distinct=True)))
    county_pairs = [
        {"id": p.pk, "helpers": [h.name for h in p.helpers.all()], "helped": p.helped_name,
         "start_on": p.start_on.isoformat(), "status": p.get_status_display(), "simulated": p.is_simulated}
        for p in pairings_for_user(user, region=region, kind=PairingType.COUNTY)]
    lo, hi = code_range(region.prefix)
    projects = PairingProject.objects.filter(pairing__in=visible_pairings(user), project__region__code__gte=lo,
                                             project__region__code__lte=hi, project__archived=False).exclude(
        pairing__status="cancelled")
    end = date(year, 12, 31)
    proj_by_kind = {}
    rows_p = list(projects.values_list("pairing__kind", "project__started_on", "project__completed_on"))
    for kind, label in PairingType.choices:
        mine = [r for r in rows_p if r[0] == kind]
        if mine:
            proj_by_kind[label] = {"total": len(mine), "started": sum(1 for r in mine if r[1] and r[1] <= end),
                                   "completed": sum(1 for r in mine if r[2] and r[2] <= end)}
    rate = own["village_enterprise_rate"]
    return {
        "region": {"code": region.code, "name": region.name}, "year": year,
        "village_enterprise_pairing": {
            "rate": rate, "rate_text": fmt(rate, "%") if rate is not None else "无数据",
            "villages_paired": own["villages_paired"], "villages": own["villages_counted"],
            "indicator": cov.V_ENT_SHARE},
        "group_towns": own["group_towns"],
        "funds_delivered": own["funds_delivered"], "funds_delivered_text": fmt(own["funds_delivered"], "元"),
        "co_built_projects": {"started": own["projects_started"], "completed": own["projects_completed"],
                              "total": len(rows_p), "by_type": proj_by_kind},
        "pairings_by_type": {PairingType(k).label: n for k, n in sorted(by_kind.items())},
        "county_pairs": county_pairs,
        "children": per_child,
    }
