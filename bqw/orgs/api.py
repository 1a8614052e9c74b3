"""/api/v1/orgs (issue 11): a headquarters' organization register."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status

from bqw.accounts.api import actor
from bqw.accounts.scope import require_admin
from bqw.core.api_errors import with_errors
from bqw.regions.picker import api_region

from .access import get_organization_for_user, visible_organizations
from .models import Organization
from .services import organization_create, organization_update

router = Router(tags=["组织机构"])


class OrgOut(Schema):
    id: int
    name: str
    kind: str
    region: str
    parent_id: int | None


class OrgIn(Schema):
    name: str
    kind: str = Organization.Kind.AGENCY
    region: str
    parent_id: int | None = None


def _out(o: Organization) -> dict:
    return {"id": o.pk, "name": o.name, "kind": o.kind, "region": o.region.code, "parent_id": o.parent_id}


def _fields(request: HttpRequest, body: OrgIn) -> dict:
    me = actor(request)
    parent = get_organization_for_user(me, body.parent_id) if body.parent_id else None
    return {"name": body.name, "kind": body.kind, "region": api_region(me, body.region, field="所在地区"),
            "parent": parent}


@router.get("/", response=with_errors({200: list[OrgOut]}), summary="查看范围内的机构（可按地区、名称筛选）")
def orgs_list(request: HttpRequest, region: str | None = None, q: str = ""):
    qs = visible_organizations(actor(request))
    if region:
        r = api_region(actor(request), region)
        qs = qs.filter(region__code__startswith=r.prefix)
    if q:
        qs = qs.filter(name__contains=q)
    return [_out(o) for o in qs.order_by("region__code", "name")[:2000]]


@router.post("/", response=with_errors({201: OrgOut}), summary="新建机构（同一地区不重名，重名 409）")
def orgs_create(request: HttpRequest, body: OrgIn):
    require_admin(actor(request))
    return Status(201, _out(organization_create(actor=actor(request), **_fields(request, body))))


@router.patch("/{org_id}", response=with_errors({200: OrgOut}), summary="修改机构")
def orgs_update(request: HttpRequest, org_id: int, body: OrgIn):
    org = get_organization_for_user(actor(request), org_id, write=True)
    return _out(organization_update(actor=actor(request), org=org, **_fields(request, body)))
