"""Data shipped with the platform: the first provincial 典型县 list (2023-11-07)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction

from bqw.accounts.audit import audit_record

from .models import RegionClass
from .selectors import RegionResolver

TYPICAL_COUNTIES = Path(settings.BASE_DIR) / "data" / "classes" / "typical_counties_2023.csv"


@transaction.atomic
def load_shipped_classes() -> int:
    """Idempotent system load (actor None, audited) of the shipped class lists."""
    resolver = RegionResolver()
    n = 0
    with open(TYPICAL_COUNTIES, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            region = resolver.resolve(row["单位"])
            rc, created = RegionClass.objects.get_or_create(
                region=region, scheme="典型县", year=2023, defaults={"value": row["类别"]})
            if created:
                audit_record(actor=None, action="regionclass.set", obj=rc, region=region,
                             after={"scheme": "典型县", "year": 2023, "value": row["类别"]})
            n += 1
    return n
