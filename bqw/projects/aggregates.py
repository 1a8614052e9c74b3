"""Project aggregates as ordinary indicators, written at zero lag in the same transaction as the project change.

Every figure is a monthly flow (months add up to quarters and years) kept at the county level (the county the
project lies in: towns', villages' and a county's zones' projects count for their county), then rolled up to the
city and the province by the indicators engine. So "1—9月引进亿元以上项目60个" is the year-to-date sum of
`project_count_major`, and a Target on any of them gets its status like every other target.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from bqw.accounts.models import User
from bqw.core.periods import Period
from bqw.indicators.models import DataValue, Indicator
from bqw.indicators.services import datavalues_record_derived, indicator_ensure
from bqw.regions.models import Region

from .models import YI, Investment, Project

COUNT_ALL = "project_count"
COUNT_MAJOR = "project_count_major"
COUNT_STARTED = "project_count_started"
COUNT_PRODUCING = "project_count_producing"
PLANNED = "project_investment_planned"
COMPLETED = "project_investment_completed"

INDICATORS = [  # code, name, unit, integer
    (COUNT_ALL, "新入库（引进）项目数", "个", True),
    (COUNT_MAJOR, "引进亿元以上项目数", "个", True),
    (COUNT_STARTED, "新开工项目数", "个", True),
    (COUNT_PRODUCING, "新投产项目数", "个", True),
    (PLANNED, "新入库项目计划总投资", "元", False),
    (COMPLETED, "项目完成投资", "元", False),
]

Key = tuple[int, str]  # (county region id, month id)


def indicators_ensure(*, actor: User) -> dict[str, Indicator]:
    """The six project indicators (county level, monthly, flow, summed up the hierarchy); idempotent."""
    out = {}
    for code, name, unit, integer in INDICATORS:
        ind = Indicator.objects.filter(code=code).first()
        if ind is None:
            ind = indicator_ensure(actor=actor, code=code, name=name, unit=unit, level=Region.Level.COUNTY,
                                   periodicity=Indicator.Periodicity.MONTHLY, temporal=Indicator.Temporal.FLOW,
                                   rule=Indicator.Rule.SUM, integer=integer, min_value=0,
                                   description="由项目库自动计算，无需填报")
        out[code] = ind
    return out


def county_of(region: Region) -> Region:
    """The county-level unit a project counts for (its own region if it is a county or a city's zone)."""
    if region.level <= Region.Level.COUNTY:
        return region
    return Region.objects.get(code=region.code[:6].ljust(12, "0"))


def _month(d: date | None) -> str | None:
    return Period.of_date(d, "M").id if d else None


def project_keys(project: Project) -> set[Key]:
    """The (county, month) figures a project's current state contributes to (before and after a change)."""
    county = county_of(project.region)
    months = {_month(project.intro_on), _month(project.started_on), _month(project.producing_on)}
    if project.pk:
        months |= set(Investment.objects.filter(project=project).values_list("period", flat=True))
    return {(county.pk, m) for m in months if m}


def _in(county: Region) -> Q:
    from bqw.accounts.scope import scope_q

    return scope_q(county, "region")


def _zero_fill(keys: set[Key], counties: dict[int, Region], inds: dict[str, Indicator]) -> list[dict]:
    """Zeros for the elapsed months of each touched county-year that have no figure yet: a month without a new
    project is 0, not "no data", so year-to-date sums and their annualisation in target statuses are right."""
    today = timezone.localdate()
    wanted: set[Key] = set()
    for cid, month in keys:
        year = int(month[:4])
        last = 12 if year < today.year else today.month if year == today.year else 0
        wanted |= {(cid, f"{year}{m:02d}") for m in range(1, last + 1)}
    wanted -= keys
    if not wanted:
        return []
    have = set(DataValue.objects.filter(indicator=inds[COUNT_ALL], region_id__in={k[0] for k in wanted},
                                        period__in={k[1] for k in wanted}).values_list("region_id", "period"))
    return [{"region": counties[cid], "indicator": ind, "period": month, "value": 0}
            for cid, month in sorted(wanted - have) for ind in inds.values()]


_batch: ContextVar[set[Key] | None] = ContextVar("projects_aggregate_batch", default=None)


@contextmanager
def batch(*, actor: User) -> Iterator[None]:
    """Collect the figures many project writes touch (an import, the demo) and write them once on leaving, still
    inside the caller's transaction: one derived write and one rollup pass instead of one per project."""
    if _batch.get() is not None:  # already batching: the outer batch writes
        yield
        return
    token = _batch.set(set())
    try:
        yield
        keys = _batch.get()
    finally:
        _batch.reset(token)
    refresh(actor=actor, keys=keys)


def refresh(*, actor: User, keys: Iterable[Key]) -> int:
    """Recompute the six figures of each (county, month) from the project records and write them as derived
    values (approved, audited, rolled up to every ancestor in this transaction). Inside `batch()` the keys are
    only collected."""
    keys = set(keys)
    pending = _batch.get()
    if pending is not None:
        pending |= keys
        return 0
    if not keys:
        return 0
    inds = indicators_ensure(actor=actor)
    counties = {r.pk: r for r in Region.objects.filter(pk__in={k[0] for k in keys})}
    items = _zero_fill(keys, counties, inds)
    for cid, month in sorted(keys):
        county = counties[cid]
        p = Period.parse(month)
        live = Project.objects.filter(_in(county), archived=False)
        intro = live.filter(intro_on__gte=p.start, intro_on__lte=p.end)
        figures = {
            COUNT_ALL: intro.count(),
            COUNT_MAJOR: intro.filter(planned_investment__gte=YI).count(),
            COUNT_STARTED: live.filter(started_on__gte=p.start, started_on__lte=p.end).count(),
            COUNT_PRODUCING: live.filter(producing_on__gte=p.start, producing_on__lte=p.end).count(),
            PLANNED: intro.aggregate(s=Sum("planned_investment"))["s"] or Decimal(0),
            COMPLETED: Investment.objects.filter(project__in=live, period=month).aggregate(s=Sum("amount"))["s"]
            or Decimal(0),
        }
        items += [{"region": county, "indicator": inds[code], "period": month, "value": v}
                  for code, v in figures.items()]
    datavalues_record_derived(actor=actor, items=items)
    return len(items)
