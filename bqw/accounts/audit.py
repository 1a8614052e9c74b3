"""The audit log writer every service calls inside its transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from bqw.regions.models import Region

from .models import AuditEntry, User


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


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    object_repr: str | None = None,
    region: Region | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        object_type=object_type or (obj._meta.label if obj is not None else ""),
        object_id=str(object_id if object_id is not None else (obj.pk if obj is not None else ""))[:64],
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        region=region,
        before=_jsonable(before),
        after=_jsonable(after),
    )
