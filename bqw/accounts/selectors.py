from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import AuditEntry, User
from .scope import view_q


def audit_entries_visible_to(*, user: User, action: str | None = None) -> QuerySet[AuditEntry]:
    """Entries about regions in the user's view scope (system-wide ones only for superusers)."""
    qs = AuditEntry.objects.select_related("actor", "region")
    if not user.is_superuser:
        qs = qs.filter(view_q(user) & Q(region__isnull=False))
    if action:
        qs = qs.filter(action=action)
    return qs
