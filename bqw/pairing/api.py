"""/api/v1/pairings: pairings with their delivery lights, a helper's pairings, coverage, creation and delivery
reports (multipart, with evidence)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from bqw.accounts.api import actor
from bqw.core.errors import ApplicationError, NotFoundError
from bqw.core.periods import Period
from bqw.indicators.status import fmt
from bqw.orgs.models import Organization
from bqw.regions.access import get_region_for_user

from .access import REPORT, get_commitment_for_user, get_helper_org_for_user, get_pairing_for_user
from .lights import commitment_light, pairing_light
from .models import Delivery, Pairing, PairingStatus, PairingType
from .selectors import coverage_summary, helper_pairings, pairings_for_user, rows_with_lights
from .services import HelperSpec, delivery_report, pairing_create

router = Router(tags=["结对帮扶"])


class StatusOut(Schema):
    light: str
    label: str
    reason: str


class HelperOut(Schema):
    name: str
    organization: int | None
    region: str | None
    kind: str


class PairingOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    helpers: list[HelperOut]
    helped: str
    helped_region: str | None
    helped_org: int | None
    region: str
    coordinator: str | None
    start_on: date
    end_on: date | None
    status: str
    status_label: str
    simulated: bool
    light: StatusOut


class DeliveryOut(Schema):
    id: int
    period: str
    period_label: str
    amount: Decimal
    amount_text: str
    note: str
    evidence: list[dict]


class CommitmentOut(Schema):
    id: int
    kind: str
    kind_label: str
    unit: str
    amount: Decimal
    helper: str | None
    start_on: date
    due_on: date
    delivered: Decimal
    amount_text: str
    delivered_text: str
    light: StatusOut
    deliveries: list[DeliveryOut]


class ProjectOut(Schema):
    """A co-built project: a project of the project library (source 帮扶); `id` is its library id."""

    id: int
    name: str
    region: str
    region_name: str
    simulated: bool
    started_on: date | None
    completed_on: date | None
    investment: Decimal | None
    stage: str
    stage_label: str
    url: str


class PairingDetailOut(PairingOut):
    commitments: list[CommitmentOut]
    projects: list[ProjectOut]


class HelperIn(Schema):
    organization: int | None = None
    region: str | None = None


class PairingIn(Schema):
    kind: PairingType
    helpers: list[HelperIn]
    helped_region: str | None = None
    helped_org: int | None = None
    start_on: date
    end_on: date | None = None
    status: PairingStatus = PairingStatus.ACTIVE
    name: str = ""
    note: str = ""


class DeliveryIn(Schema):
    period: str
    amount: Decimal
    note: str = ""


def _helper_out(h) -> dict:
    return {"name": h.name, "organization": h.organization_id, "region": h.region.code if h.region_id else None,
            "kind": h.organization.get_kind_display() if h.organization_id else h.region.get_level_display()}


def pairing_out(p: Pairing, status) -> dict:
    return {"id": p.pk, "name": str(p), "kind": p.kind, "kind_label": p.get_kind_display(),
            "helpers": [_helper_out(h) for h in p.helpers.all()], "helped": p.helped_name,
            "helped_region": p.helped_region.code if p.helped_region_id else None, "helped_org": p.helped_org_id,
            "region": p.region.code, "coordinator": p.coordinator.name if p.coordinator_id else None,
            "start_on": p.start_on, "end_on": p.end_on, "status": p.status, "status_label": p.get_status_display(),
            "simulated": p.is_simulated, "light": status.as_dict()}


def _delivery_out(d: Delivery, unit: str = "") -> dict:
    return {"id": d.pk, "period": d.period, "period_label": Period.parse(d.period).label, "amount": d.amount,
            "amount_text": fmt(d.amount, unit or d.commitment.unit), "note": d.note,
            "evidence": [{"id": e.pk, "name": e.name, "size": e.size, "url": f"/pairing/evidence/{e.pk}/"}
                         for e in d.evidence.all()]}


def detail_out(p: Pairing, on: date | None = None) -> dict:
    commitments = []
    for c in p.commitments.select_related("helper__organization", "helper__region").prefetch_related(
            "deliveries__evidence"):
        ds = list(c.deliveries.all())
        delivered = sum((d.amount for d in ds), Decimal(0))
        commitments.append({
            "id": c.pk, "kind": c.kind, "kind_label": c.get_kind_display(), "unit": c.unit, "amount": c.amount,
            "helper": c.helper.name if c.helper_id else None, "start_on": c.start_on, "due_on": c.due_on,
            "delivered": delivered, "amount_text": fmt(c.amount, c.unit), "delivered_text": fmt(delivered, c.unit),
            "light": commitment_light(c, on, deliveries=ds).as_dict(),
            "deliveries": [_delivery_out(d, c.unit) for d in ds]})
    projects = [{"id": x.pk, "name": x.name, "region": x.region.code, "region_name": x.region.name,
                 "started_on": x.started_on, "completed_on": x.completed_on, "investment": x.planned_investment,
                 "investment_text": fmt(x.planned_investment, "元"), "stage": x.stage,
                 "stage_label": x.get_stage_display(), "url": x.get_absolute_url(), "simulated": x.simulated}
                for x in p.projects.select_related("region").order_by("pairing_link__id")]
    return {**pairing_out(p, pairing_light(p, on)), "commitments": commitments, "projects": projects}


@router.get("/", response=list[PairingOut], summary="可查看的结对（可按类型、状态、地区、帮扶单位、年度筛选）")
def pairing_list(request: HttpRequest, kind: PairingType | None = None, status: PairingStatus | None = None,
                 region: str | None = None, helper: int | None = None, year: int | None = None,
                 q: str = "", on: date | None = None):
    user = actor(request)
    area = get_region_for_user(user, region) if region else None
    qs = pairings_for_user(user, kind=kind.value if kind else None, status=status.value if status else None,
                           region=area, helper=helper, year=year, text=q)
    return [pairing_out(r.pairing, r.status) for r in rows_with_lights(qs, on)]


@router.get("/coverage", response=dict, summary="结对覆盖与到位（含下级单位，可用于地图）")
def coverage(request: HttpRequest, region: str, year: int | None = None):
    user = actor(request)
    return coverage_summary(user, get_region_for_user(user, region), year or timezone.localdate().year)


@router.get("/helpers/{org_id}", response=dict, summary="帮扶单位的全部结对（仅本单位参与的结对）")
def helper_detail(request: HttpRequest, org_id: int, on: date | None = None):
    user = actor(request)
    org = get_helper_org_for_user(user, org_id)
    rows = rows_with_lights(helper_pairings(user, org), on)
    return {"id": org.pk, "name": org.name, "kind": org.get_kind_display(), "region": org.region.code,
            "pairings": [pairing_out(r.pairing, r.status) for r in rows]}


@router.post("/", response={201: PairingDetailOut}, summary="新建结对（受帮扶地指挥部管理员）")
def pairing_create_post(request: HttpRequest, data: PairingIn):
    user = actor(request)
    specs = []
    for h in data.helpers:
        if h.organization is not None:
            org = Organization.objects.filter(pk=h.organization).first()
            if org is None:
                raise NotFoundError(f"帮扶单位 {h.organization} 不存在")
            specs.append(HelperSpec(organization=org))
        elif h.region:
            specs.append(HelperSpec(region=get_region_for_user(user, h.region)))
        else:
            raise ApplicationError("帮扶方须指定单位（organization）或地区（region）")
    helped_region = get_region_for_user(user, data.helped_region) if data.helped_region else None
    helped_org = None
    if data.helped_org is not None:
        helped_org = Organization.objects.select_related("region").filter(pk=data.helped_org).first()
        if helped_org is None:
            raise NotFoundError(f"受帮扶单位 {data.helped_org} 不存在")
    p = pairing_create(actor=user, kind=data.kind.value, helpers=specs, start_on=data.start_on, end_on=data.end_on,
                       helped_region=helped_region, helped_org=helped_org, status=data.status.value,
                       name=data.name, note=data.note)
    return Status(201, detail_out(get_pairing_for_user(user, p.pk)))


@router.get("/{pairing_id}", response=PairingDetailOut, summary="结对详情：承诺、到位、灯色及原因、共建项目")
def pairing_detail(request: HttpRequest, pairing_id: int, on: date | None = None):
    return detail_out(get_pairing_for_user(actor(request), pairing_id), on)


@router.post("/commitments/{commitment_id}/deliveries", response={201: DeliveryOut},
             summary="报送到位情况（帮扶单位或受帮扶地填报人员，可附佐证材料）")
def delivery_create(request: HttpRequest, commitment_id: int, data: Form[DeliveryIn],
                    evidence: File[list[UploadedFile]] = None):
    user = actor(request)
    c = get_commitment_for_user(user, commitment_id, write=REPORT)
    d = delivery_report(actor=user, commitment=c, period=data.period, amount=data.amount, note=data.note,
                        files=evidence or [])
    return Status(201, _delivery_out(d))
