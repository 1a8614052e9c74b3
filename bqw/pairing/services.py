"""Writes on pairings, commitments, deliveries and co-built projects: each one transaction, permission-checked,
audited, and followed in the same transaction by the coverage/delivery indicator values they change
(`coverage.refresh`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from bqw.accounts.audit import audit_record, snapshot
from bqw.accounts.models import User
from bqw.accounts.scope import require_admin
from bqw.core.errors import ApplicationError, ForbiddenError
from bqw.core.evidence import evidence_attach, evidence_checked
from bqw.core.periods import Period, PeriodError
from bqw.orgs.models import Organization
from bqw.projects.models import STAGE_ORDER, Category, Project, Source, Stage
from bqw.projects.services import TRANSITIONS, ProjectSpec, project_create, project_transition, project_update
from bqw.regions.models import Region

from .access import can_report, is_admin_of
from .coverage import Touched, refresh
from .models import (
    Commitment,
    CommitmentKind,
    Delivery,
    DeliveryEvidence,
    Helper,
    Pairing,
    PairingProject,
    PairingStatus,
    PairingType,
)

PAIRING_FIELDS = ["id", "name", "kind", "helped_region_id", "helped_org_id", "region_id", "coordinator_id",
                  "start_on", "end_on", "status", "note", "is_simulated"]
MAX_AMOUNT = Decimal("1e15")


@dataclass(frozen=True)
class HelperSpec:
    """One helping side: an organization, or a region (county–county, town–town pairs)."""

    organization: Organization | None = None
    region: Region | None = None

    @property
    def key(self) -> tuple:
        return ("o", self.organization.pk) if self.organization else ("r", self.region.pk)


def _admin(actor: User, region: Region) -> None:
    require_admin(actor, region)


def _helped_region(helped_region: Region | None, helped_org: Organization | None) -> Region:
    if (helped_region is None) == (helped_org is None):
        raise ApplicationError("受帮扶对象须为一个地区或一个单位")
    return helped_region if helped_region is not None else helped_org.region


def _check_helpers(helpers: Sequence[HelperSpec], helped_region: Region | None,
                   helped_org: Organization | None) -> list[HelperSpec]:
    if not helpers:
        raise ApplicationError("结对须至少有一个帮扶单位")
    out, seen = [], set()
    for h in helpers:
        if (h.organization is None) == (h.region is None):
            raise ApplicationError("帮扶方须为一个单位或一个地区")
        if h.key in seen:
            raise ApplicationError(f"帮扶单位“{h.organization or h.region}”重复")
        if (h.region is not None and h.region == helped_region) or (
                h.organization is not None and h.organization == helped_org):
            raise ApplicationError("帮扶单位不能与受帮扶对象相同")
        seen.add(h.key)
        out.append(h)
    return out


def _amount(value: Any, field: str, *, positive: bool = False) -> Decimal:
    try:
        d = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ApplicationError(f"“{value}”不是数字", extra={"field": field}) from None
    if not d.is_finite() or abs(d) >= MAX_AMOUNT:
        raise ApplicationError(f"“{value}”超出允许范围", extra={"field": field})
    if d < 0 or (positive and d == 0):
        raise ApplicationError("数量须大于 0" if positive else "数量不能为负数", extra={"field": field})
    return d.quantize(Decimal("0.01"))


# ------------------------------------------------------------------ pairings


@transaction.atomic
def pairing_create(*, actor: User, kind: str, helpers: Sequence[HelperSpec], start_on: date,
                   helped_region: Region | None = None, helped_org: Organization | None = None,
                   end_on: date | None = None, status: str = PairingStatus.ACTIVE,
                   coordinator: Organization | None = None, name: str = "", note: str = "",
                   simulated: bool = False) -> Pairing:
    """A pairing of one helped unit with its helpers (several helpers make a 组团 group); its coverage values
    are written at once."""
    p = create_pairing(actor=actor, kind=kind, helpers=helpers, start_on=start_on, helped_region=helped_region,
                       helped_org=helped_org, end_on=end_on, status=status, coordinator=coordinator, name=name,
                       note=note, simulated=simulated)
    refresh(actor=actor, touched=Touched().pairing(p))
    return p


@transaction.atomic
def create_pairing(*, actor: User, kind: str, helpers: Sequence[HelperSpec], start_on: date,
                   helped_region: Region | None = None, helped_org: Organization | None = None,
                   end_on: date | None = None, status: str = PairingStatus.ACTIVE,
                   coordinator: Organization | None = None, name: str = "", note: str = "",
                   simulated: bool = False) -> Pairing:
    """pairing_create without the coverage refresh, for many rows at once (import, demo): the caller MUST call
    coverage.refresh with the pairings it created in the same transaction."""
    region = _helped_region(helped_region, helped_org)
    _admin(actor, region)
    if kind not in PairingType.values:
        raise ApplicationError(f"未知帮扶类型“{kind}”", extra={"field": "kind"})
    helpers = _check_helpers(helpers, helped_region, helped_org)
    p = Pairing(kind=kind, helped_region=helped_region, helped_org=helped_org, region=region, start_on=start_on,
                end_on=end_on, status=status, coordinator=coordinator, name=name.strip()[:200], note=note,
                is_simulated=simulated)
    _validate(p)
    p.save()
    Helper.objects.bulk_create([Helper(pairing=p, organization=h.organization, region=h.region, position=i)
                                for i, h in enumerate(helpers)])
    audit_record(actor=actor, action="pairing.create", obj=p, region=region,
                 after={**snapshot(p, PAIRING_FIELDS), "helpers": [list(h.key) for h in helpers]})
    return p


def _validate(p: Pairing) -> None:
    if p.end_on is not None and p.end_on < p.start_on:
        raise ApplicationError("结束日期不能早于开始日期", extra={"field": "end_on"})
    if p.status not in PairingStatus.values:
        raise ApplicationError(f"未知状态“{p.status}”", extra={"field": "status"})
    p.full_clean(exclude=["helped_region", "helped_org", "region", "coordinator"])


UPDATABLE = ("name", "start_on", "end_on", "status", "note", "coordinator")


@transaction.atomic
def pairing_update(*, actor: User, pairing: Pairing, **fields: Any) -> Pairing:
    """Change dates, status, name, note or coordinating office; coverage is recomputed for the old and new
    years."""
    _admin(actor, pairing.region)
    unknown = set(fields) - set(UPDATABLE)
    if unknown:
        raise ApplicationError(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    p = Pairing.objects.select_for_update().get(pk=pairing.pk)
    before = snapshot(p, PAIRING_FIELDS)
    old = Touched().pairing(p)
    for k, v in fields.items():
        setattr(p, k, v)
    _validate(p)
    p.save()
    audit_record(actor=actor, action="pairing.update", obj=p, region=p.region, before=before,
                 after=snapshot(p, PAIRING_FIELDS))
    touched = Touched().pairing(p)
    for vid, ys in old.villages.items():
        touched.villages[vid] |= ys
    for tid, ys in old.towns.items():
        touched.towns[tid] |= ys
    refresh(actor=actor, touched=touched)
    return p


@transaction.atomic
def helper_add(*, actor: User, pairing: Pairing, helper: HelperSpec) -> Helper:
    """Add a helper (a pairing with several helpers is a group)."""
    _admin(actor, pairing.region)
    existing = [HelperSpec(h.organization, h.region) for h in pairing.helpers.select_related("organization",
                                                                                             "region")]
    _check_helpers([*existing, helper], pairing.helped_region, pairing.helped_org)
    h = Helper.objects.create(pairing=pairing, organization=helper.organization, region=helper.region,
                              position=len(existing))
    audit_record(actor=actor, action="pairing.helper_add", obj=h, region=pairing.region,
                 after=snapshot(h, ["pairing_id", "organization_id", "region_id", "position"]))
    refresh(actor=actor, touched=Touched().pairing(pairing))  # an enterprise helper makes it an enterprise pair
    return h


# ------------------------------------------------------------------ commitments and deliveries


@transaction.atomic
def commitment_create(*, actor: User, pairing: Pairing, kind: str, amount: Any, start_on: date, due_on: date,
                      helper: Helper | None = None, note: str = "") -> Commitment:
    _admin(actor, pairing.region)
    if kind not in CommitmentKind.values:
        raise ApplicationError(f"未知承诺类型“{kind}”", extra={"field": "kind"})
    if helper is not None and helper.pairing_id != pairing.pk:
        raise ApplicationError("承诺方不是该结对的帮扶单位", extra={"field": "helper"})
    if due_on < start_on:
        raise ApplicationError("完成期限不能早于起始日期", extra={"field": "due_on"})
    c = Commitment(pairing=pairing, helper=helper, kind=kind, amount=_amount(amount, "amount", positive=True),
                   start_on=start_on, due_on=due_on, note=note.strip()[:200])
    c.full_clean(exclude=["pairing", "helper"])
    c.save()
    audit_record(actor=actor, action="pairing.commit", obj=c, region=pairing.region, after=snapshot(c))
    return c


def parse_delivery_period(text: str | Period) -> Period:
    """A delivery's period: a month (202406) or a quarter (2024Q2)."""
    try:
        p = text if isinstance(text, Period) else Period.parse(str(text).strip())
    except PeriodError as exc:
        raise ApplicationError(str(exc), extra={"field": "period"}) from None
    if p.kind not in ("M", "Q"):
        raise ApplicationError("到位期间应为月份（如 202406）或季度（如 2024Q2）", extra={"field": "period"})
    return p


@transaction.atomic
def delivery_report(*, actor: User, commitment: Commitment, period: str | Period, amount: Any, note: str = "",
                    files: Sequence[UploadedFile] = (), simulated: bool = False) -> Delivery:
    """A helper (or the helped unit's reporter) reports what arrived in a period, with evidence; delivered funds
    reach the county's indicator at once."""
    d = create_delivery(actor=actor, commitment=commitment, period=period, amount=amount, note=note, files=files,
                        simulated=simulated)
    if commitment.kind == CommitmentKind.FUNDS:
        refresh(actor=actor, touched=Touched().pairing(commitment.pairing, years=()))
    return d


@transaction.atomic
def create_delivery(*, actor: User, commitment: Commitment, period: str | Period, amount: Any, note: str = "",
                    files: Sequence[UploadedFile] = (), simulated: bool = False) -> Delivery:
    """delivery_report without the indicator refresh (demo, bulk): the caller MUST call coverage.refresh."""
    pairing = commitment.pairing
    if not can_report(actor, pairing):
        raise ForbiddenError("仅帮扶单位或受帮扶地的填报人员可以报送到位情况")
    p = parse_delivery_period(period)
    checked = evidence_checked(files)
    d = Delivery(commitment=commitment, period=p.id, amount=_amount(amount, "amount"), note=(note or "").strip(),
                 reported_by=actor if actor.pk else None, is_simulated=simulated)
    d.full_clean(exclude=["commitment", "reported_by"])
    d.save()
    names = evidence_attach(checked, partial(DeliveryEvidence, delivery=d))
    audit_record(actor=actor, action="pairing.deliver", obj=d, region=pairing.region,
                 after={**snapshot(d, ["commitment_id", "period", "amount", "note"]),
                        "evidence": names})
    return d


# ------------------------------------------------------------------ co-built projects (projects of the library)


def _responsible(pairing: Pairing) -> Organization:
    """The library's 责任单位 of a co-built project: the pairing's first helping organization, else its
    coordinator."""
    h = pairing.helpers.filter(organization__isnull=False).select_related("organization").first()
    if h is not None:
        return h.organization
    if pairing.coordinator_id:
        return pairing.coordinator
    raise ApplicationError("该结对没有帮扶单位或牵头协调单位，无法确定项目的责任单位")


@transaction.atomic
def pairing_project_create(*, actor: User, pairing: Pairing, name: str, region: Region | None = None,
                           started_on: date | None = None, completed_on: date | None = None,
                           investment: Any = None, intro_on: date | None = None,
                           simulated: bool = False) -> Project:
    """A co-built project of a pairing, entered in the project library (source and category 帮扶) and linked to
    the pairing; the county's started/completed counts change at once."""
    pr = create_pairing_project(actor=actor, pairing=pairing, name=name, region=region, started_on=started_on,
                                completed_on=completed_on, investment=investment, intro_on=intro_on,
                                simulated=simulated)
    refresh(actor=actor, touched=Touched().project(pr))
    return pr


@transaction.atomic
def create_pairing_project(*, actor: User, pairing: Pairing, name: str, region: Region | None = None,
                           started_on: date | None = None, completed_on: date | None = None,
                           investment: Any = None, intro_on: date | None = None,
                           simulated: bool = False) -> Project:
    """pairing_project_create without the pairing indicator refresh (demo, bulk): the caller MUST call
    coverage.refresh. The project starts at 前期, 在建 (with a start) or 竣工 (with a completion); intro_on (入库)
    defaults to the start, else the pairing's start."""
    _admin(actor, pairing.region)
    region = region or pairing.region
    if not is_admin_of(actor, region):
        raise ForbiddenError("项目所在地不在您的管理范围内")
    if not (name or "").strip():
        raise ApplicationError("项目名称不能为空", extra={"field": "name"})
    if completed_on and not started_on:
        raise ApplicationError("完工的项目须有开工日期", extra={"field": "started_on"})
    if completed_on and started_on and completed_on < started_on:
        raise ApplicationError("完工日期不能早于开工日期", extra={"field": "completed_on"})
    stage = Stage.COMPLETED if completed_on else Stage.BUILDING if started_on else Stage.PREP
    planned = Decimal(0) if investment in (None, "") else _amount(investment, "investment")
    spec = ProjectSpec(name=name.strip()[:200], region=region, planned_investment=planned,
                       responsible=_responsible(pairing), intro_on=intro_on or started_on or pairing.start_on,
                       category=Category.ASSISTANCE, source=Source.ASSISTANCE, stage=stage, started_on=started_on,
                       completed_on=completed_on, simulated=simulated, note=f"结对共建项目：{pairing}")
    pr = project_create(actor=actor, spec=spec, reason="结对共建项目入库")
    link = PairingProject.objects.create(pairing=pairing, project=pr)
    audit_record(actor=actor, action="pairing.project_link", obj=link, region=region,
                 after={"pairing": pairing.pk, "project": pr.pk})
    return pr


def _link(project: Project) -> PairingProject:
    link = PairingProject.objects.select_related("pairing__region").filter(project_id=project.pk).first()
    if link is None:
        raise ApplicationError("该项目不是结对共建项目")
    return link


@transaction.atomic
def pairing_project_update(*, actor: User, project: Project, **fields: Any) -> Project:
    """Record a co-built project's start or completion (its stage moves along the library's lifecycle), or
    rename it / change its investment. The pairing indicators follow through `project_hooks`."""
    pairing = _link(project).pairing
    _admin(actor, pairing.region)
    allowed = {"name", "started_on", "completed_on", "investment"}
    if set(fields) - allowed:
        raise ApplicationError(f"不能修改的字段：{'、'.join(sorted(set(fields) - allowed))}")
    pr = Project.objects.select_for_update().get(pk=project.pk)
    changes = {}
    if "name" in fields:
        changes["name"] = (fields["name"] or "").strip()[:200]
    if "investment" in fields:
        changes["planned_investment"] = (Decimal(0) if fields["investment"] in (None, "")
                                         else _amount(fields["investment"], "investment"))
    if changes:
        pr = project_update(actor=actor, project=pr, **changes)
    started, completed = fields.get("started_on"), fields.get("completed_on")
    if started and pr.started_on and started != pr.started_on:
        raise ApplicationError(f"项目已于{pr.started_on:%Y年%-m月%-d日}开工，开工日期不能更改",
                               extra={"field": "started_on"})
    if started and not pr.started_on:
        while pr.stage_index < STAGE_ORDER.index(Stage.BUILDING):  # 谋划/储备/前期 → … → 在建, dated at the start
            pr = project_transition(actor=actor, project=pr, to=TRANSITIONS[pr.stage][-1], on=started,
                                    reason="结对共建项目开工")
    if completed and not pr.completed_on:
        if not pr.started_on:
            raise ApplicationError("完工的项目须有开工日期", extra={"field": "started_on"})
        if completed < pr.started_on:
            raise ApplicationError("完工日期不能早于开工日期", extra={"field": "completed_on"})
        pr = project_transition(actor=actor, project=pr, to=Stage.COMPLETED, on=completed, reason="结对共建项目完工")
    return pr
