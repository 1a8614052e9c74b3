from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import AuditEntry, User
from .scope import view_q


def audit_entries_visible_to(*, user: User, action: str | None = None, person: str | None = None,
                             obj: str | None = None, since=None, until=None) -> QuerySet[AuditEntry]:
    """Entries about regions in the user's view scope (system-wide ones only for superusers), filtered by
    action, person (username or name), object (its name as shown) and date range."""
    qs = AuditEntry.objects.select_related("actor", "region")
    if not user.is_superuser:
        qs = qs.filter(view_q(user) & Q(region__isnull=False))
    if action:
        qs = qs.filter(action=action)
    if person:
        qs = qs.filter(Q(actor__username__icontains=person) | Q(actor__first_name__icontains=person))
    if obj:
        qs = qs.filter(object_repr__icontains=obj)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs
