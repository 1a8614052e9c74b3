from __future__ import annotations

from django.db import transaction

from bqw.accounts.audit import audit_record, snapshot
from bqw.accounts.models import User
from bqw.accounts.scope import require_admin
from bqw.regions.models import Region

from .models import Organization


@transaction.atomic
def organization_ensure(*, actor: User, name: str, region: Region, kind: str = Organization.Kind.AGENCY,
                        parent: Organization | None = None) -> Organization:
    """Get or create an organization by (region, name); setup and demo act as the system user."""
    require_admin(actor, region)
    org = Organization.objects.filter(region=region, name=name).first()
    if org is not None:
        return org
    org = Organization(name=name, region=region, kind=kind, parent=parent)
    org.full_clean()
    org.save()
    audit_record(actor=actor, action="organization.create", obj=org, region=region, after=snapshot(org))
    return org


# ---------------------------------------------------------------- a headquarters' own registry (issue 11)

ORG_FIELDS = ["name", "kind", "region_id", "parent_id"]


def _check_org(actor: User, name: str, kind: str, region: Region, parent: Organization | None,
               obj: Organization | None = None) -> str:
    from bqw.core.errors import ApplicationError, ConflictError

    require_admin(actor, region)
    name = (name or "").strip()
    if not name:
        raise ApplicationError("请填写机构名称")
    if len(name) > 120:
        raise ApplicationError("机构名称不能超过120个字")
    if kind not in Organization.Kind.values:
        raise ApplicationError(f"未知机构类型：{kind}")
    if parent is not None:
        require_admin(actor, parent.region)
        if obj is not None and (parent.pk == obj.pk):
            raise ApplicationError("上级机构不能是自己")
    dup = Organization.objects.filter(region=region, name=name)
    if obj is not None:
        dup = dup.exclude(pk=obj.pk)
    if dup.exists():
        raise ConflictError(f"{region.name}已有机构：{name}")
    return name


@transaction.atomic
def organization_create(*, actor: User, name: str, kind: str, region: Region,
                        parent: Organization | None = None) -> Organization:
    """A new organization (bureau, headquarters, town office …) in the admin's region; 409 on a duplicate name."""
    name = _check_org(actor, name, kind, region, parent)
    org = Organization.objects.create(name=name, kind=kind, region=region, parent=parent)
    audit_record(actor=actor, action="organization.create", obj=org, region=region,
                 after=snapshot(org, ORG_FIELDS))
    return org


@transaction.atomic
def organization_update(*, actor: User, org: Organization, name: str, kind: str, region: Region,
                        parent: Organization | None = None) -> Organization:
    require_admin(actor, org.region)
    name = _check_org(actor, name, kind, region, parent, obj=org)
    before = snapshot(org, ORG_FIELDS)
    org.name, org.kind, org.region, org.parent = name, kind, region, parent
    org.save()
    audit_record(actor=actor, action="organization.update", obj=org, region=region, before=before,
                 after=snapshot(org, ORG_FIELDS))
    return org
