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
