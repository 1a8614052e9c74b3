"""The audit log writer every service calls inside its transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from .models import AuditEntry, Unit, User


def _jsonable(v: Any) -> Any:
    if isinstance(v, (Decimal,)):
        return str(v)
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, models.Model):
        return v.pk
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set)):
        return [_jsonable(x) for x in v]
    return v


def snapshot(obj: models.Model | None, fields: list[str] | None = None) -> dict | None:
    """Field values of a model instance as JSON (foreign keys as ids)."""
    if obj is None:
        return None
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {n: _jsonable(getattr(obj, n)) for n in names}


def _entry(
    *,
    actor: User,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    object_repr: str | None = None,
    region: Unit | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """The one way an audit row is built (unsaved), for audit_record and audit_records alike."""
    return AuditEntry(
        actor=actor,
        action=action,
        object_type=object_type or (obj._meta.label if obj is not None else ""),
        object_id=str(object_id if object_id is not None else (obj.pk if obj is not None else ""))[:64],
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        region=region,
        before=_jsonable(before),
        after=_jsonable(after),
    )


def audit_record(
    *,
    actor: User,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    object_repr: str | None = None,
    region: Unit | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    entry = _entry(actor=actor, action=action, obj=obj, object_type=object_type, object_id=object_id,
                   object_repr=object_repr, region=region, before=before, after=after)
    entry.save(force_insert=True)
    return entry


def audit_records(records: Iterable[dict[str, Any]]) -> list[AuditEntry]:
    """Many audit rows in one INSERT (a form, an import): each dict holds audit_record's keyword arguments.
    The objects must already have their primary keys."""
    entries = [_entry(**r) for r in records]
    return AuditEntry.objects.bulk_create(entries) if entries else []
