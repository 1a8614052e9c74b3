"""Whole-database backup and restore, portable between SQLite and PostgreSQL.

A backup is gzip-compressed JSON lines: one header line, then every row of every model (auto-created many-to-many
tables included, so a restore needs no m2m pass), serialised by Django with natural keys for content types and
permissions (which `migrate` creates on each database with its own ids). Restore replaces every backed-up table in
one transaction: foreign keys are deferred on both databases, so the order of rows does not matter, and a broken
file changes nothing.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from .errors import ApplicationError

FORMAT = "bqw-backup"
SKIPPED = {"contenttypes.contenttype", "auth.permission", "sessions.session"}  # re-created by migrate / logins
CHUNK = 2000


def backed_up_models() -> list[type[models.Model]]:
    out = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in SKIPPED or model._meta.proxy or not model._meta.managed:
            continue
        out.append(model)
    return sorted(out, key=lambda m: m._meta.label_lower)


def _rows(model: type[models.Model]) -> Iterator[models.Model]:
    return model._default_manager.order_by("pk").iterator(chunk_size=CHUNK)


def _natural_keys() -> dict[str, dict[int, list]]:
    """Content types and permissions by id → their natural keys (their ids differ between databases)."""
    ct = apps.get_model("contenttypes", "ContentType")
    perm = apps.get_model("auth", "Permission")
    cts = {c.pk: list(c.natural_key()) for c in ct.objects.all()}
    perms = {p.pk: [p.codename, *cts[p.content_type_id]] for p in perm.objects.all()}
    return {"contenttypes.contenttype": cts, "auth.permission": perms}


def _portable(model: type[models.Model], obj: models.Model, keys: dict[str, dict[int, list]]) -> str:
    """One row as a JSON line: references to content types and permissions by natural key, m2m lists left out
    of the parent row (the through tables carry them)."""
    data = json.loads(serializers.serialize("jsonl", [obj]))
    for field in model._meta.concrete_fields:
        target = field.remote_field.model._meta.label_lower if field.remote_field else None
        if target in keys and data["fields"].get(field.name) is not None:
            data["fields"][field.name] = keys[target][data["fields"][field.name]]
    for field in model._meta.many_to_many:
        data["fields"].pop(field.name, None)
    return json.dumps(data, ensure_ascii=False) + "\n"


def backup(path: Path) -> dict[str, int]:
    """Write every row to `path`; returns the row count per model."""
    counts: dict[str, int] = {}
    keys = _natural_keys()
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"format": FORMAT, "version": 1, "created": timezone.now().isoformat(),
                              "database": connection.vendor}, ensure_ascii=False) + "\n")
        for model in backed_up_models():
            n = 0
            for obj in _rows(model):
                out.write(_portable(model, obj, keys))
                n += 1
            counts[model._meta.label_lower] = n
    return counts


def _read(path: Path) -> Iterator[str]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            header = json.loads(f.readline() or "null")
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise ApplicationError("不是 bqw 备份文件")
            yield from f
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApplicationError(f"无法读取备份文件：{exc}")


def _insert(model: type[models.Model], objs: list[models.Model]) -> None:
    """Insert rows as stored (raw: auto_now fields keep the backed-up times), in batches the database accepts."""
    fields = list(model._meta.local_concrete_fields)
    size = max(1, connection.ops.bulk_batch_size(fields, objs) or len(objs))
    for i in range(0, len(objs), size):
        model._base_manager._insert(objs[i:i + size], fields=fields, using=connection.alias, raw=True)


@transaction.atomic
def restore(path: Path) -> dict[str, int]:
    """Replace the database's contents with the backup's (all or nothing)."""
    lines = _read(path)
    first = next(lines, None)  # checks the header before anything is deleted
    targets = backed_up_models()
    counts: dict[str, int] = {}
    with connection.constraint_checks_disabled():  # PostgreSQL: deferred; SQLite's keys are deferred already
        for model in reversed(targets):
            model._default_manager.all()._raw_delete(connection.alias)
        apps.get_model("sessions", "Session").objects.all()._raw_delete(connection.alias)
        batch: dict[type[models.Model], list[models.Model]] = {}
        try:
            for line in chain([first] if first else [], lines):
                if not line.strip():
                    continue
                for obj in serializers.deserialize("jsonl", line):
                    model = type(obj.object)
                    batch.setdefault(model, []).append(obj.object)
                    counts[model._meta.label_lower] = counts.get(model._meta.label_lower, 0) + 1
                    if len(batch[model]) >= CHUNK:
                        _insert(model, batch.pop(model))
            for model, objs in batch.items():
                _insert(model, objs)
        except serializers.base.DeserializationError as exc:
            raise ApplicationError(f"备份文件内容有误：{exc}")
    connection.check_constraints()
    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), targets):
            cur.execute(sql)
    return counts
