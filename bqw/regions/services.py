"""Writes to the hierarchy, classes and special zones; each takes the acting user and writes an audit row.

Bulk loads of shipped data (the divisions, the first 典型县 list) write ONE audit row summarising the batch,
not one per unit (28,000 units would bury the log).
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction

from bqw.accounts.audit import audit_record, snapshot
from bqw.accounts.models import User
from bqw.accounts.scope import require_admin
from bqw.core.errors import ApplicationError, ForbiddenError
from bqw.core.imports import Column, check_duplicates, parse_table, read_table
from bqw.core.periods import parse_year

from . import divisions
from .models import Region, RegionClass
from .selectors import RegionResolver

CLASS_FIELDS = ["region_id", "scheme", "year", "value"]
TYPICAL_COUNTIES = Path(settings.BASE_DIR) / "data" / "classes" / "typical_counties_2023.csv"


def _require_system(actor: User) -> None:
    if not actor.is_superuser:
        raise ForbiddenError("仅系统管理员可以导入平台自带的区划与名单")


@transaction.atomic
def divisions_load(*, actor: User, province: str = "44", path: Path | None = None) -> int:
    """Insert the province's official units that are missing (idempotent: `bqw init`, `bqw divisions load`);
    returns how many were added. One audit row for the whole batch, only when something was added."""
    _require_system(actor)
    code = province.ljust(12, "0")
    before = Region.objects.within(Region(code=code, level=1)).count()
    added = divisions.insert_missing(province, path=path)
    if added:
        audit_record(actor=actor, action="regions.load", object_type="regions.Region", object_id=code,
                     object_repr=f"区划代码（{province}）", region=Region.objects.get(code=code),
                     before={"units": before}, after={"units": before + added, "added": added,
                                                      "file": str((path or divisions.data_file(province)).name)})
    return added


@transaction.atomic
def shipped_classes_load(*, actor: User) -> int:
    """The first provincial 典型县 list (2023-11-07) shipped in data/classes, added where missing (an admin's
    later change is kept); returns the number of rows in the list. One audit row for what was added."""
    _require_system(actor)
    resolver = RegionResolver()
    rows, added = 0, {}
    with open(TYPICAL_COUNTIES, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            region = resolver.resolve(row["单位"])
            _rc, created = RegionClass.objects.get_or_create(
                region=region, scheme="典型县", year=2023, defaults={"value": row["类别"]})
            if created:
                added[region.code] = row["类别"]
            rows += 1
    if added:
        audit_record(actor=actor, action="regionclass.load", object_type="regions.RegionClass",
                     object_id="典型县/2023", object_repr="典型县 2023（平台自带名单）",
                     before={"classes": rows - len(added)}, after={"classes": rows, "added": added})
    return rows


@transaction.atomic
def region_class_set(*, actor: User, region: Region, scheme: str, year: int, value: str) -> RegionClass:
    require_admin(actor, region)
    rc = RegionClass.objects.filter(region=region, scheme=scheme, year=year).first()
    before = snapshot(rc, CLASS_FIELDS)
    if rc is None:
        rc = RegionClass(region=region, scheme=scheme, year=year, value=value)
    rc.value = value
    rc.full_clean()
    rc.save()
    audit_record(actor=actor, action="regionclass.set", obj=rc, region=region, before=before,
                 after=snapshot(rc, CLASS_FIELDS))
    return rc


def class_columns(*, scheme: str | None, year: int | None) -> list[Column]:
    return [
        Column("region", "单位", ("区划代码", "代码", "名称", "单位名称", "县(市、区)", "镇街", "村")),
        Column("value", "类别", ("分类", "类型", "类别名称")),
        Column("scheme", "分类方案", ("方案", "名单"), required=scheme is None),
        Column("year", "年度", ("年份",), required=year is None, parse=parse_year),
    ]


@transaction.atomic
def region_classes_import(*, actor: User, data: bytes, filename: str, scheme: str | None = None,
                          year: int | None = None) -> list[RegionClass]:
    """Import classes from CSV/Excel by code or name; any bad row rejects the whole file."""
    require_admin(actor)
    table = read_table(data, filename)
    preview = parse_table(table, class_columns(scheme=scheme, year=year))
    resolver = RegionResolver(user=actor)
    resolved = []
    for row in preview.rows:
        v = row.values
        v["scheme"] = v.get("scheme") or scheme
        v["year"] = v.get("year") or year
        if v.get("region") is None:
            continue
        try:
            region = resolver.resolve(v["region"])
        except ValueError as exc:
            preview.error(row.number, "region", str(exc))
            v["region"] = None
            continue
        v["region"] = region.code
        resolved.append((row, region))
    check_duplicates(preview, ("region", "scheme", "year"))
    preview.raise_if_errors()
    return [region_class_set(actor=actor, region=region, scheme=str(row.values["scheme"]),
                             year=int(row.values["year"]), value=str(row.values["value"]))
            for row, region in resolved]


ZONE_SEGMENT = {1: (2, 4), 2: (4, 6), 3: (6, 9)}  # parent level -> code slice the zone number occupies


@transaction.atomic
def region_four_eyes_set(*, actor: User, region: Region, enabled: bool) -> Region:
    """Turn 双人审核 on or off for a unit and its subtree (an admin inside its own capture scope, audited).
    Switching it off at a unit does not lift a rule set above it (`selectors.four_eyes_rules`)."""
    require_admin(actor, region)
    if not (actor.is_superuser or actor.can_capture(region)):
        raise ForbiddenError(f"您没有{region.full_name or region.name}的管理权限")
    region = Region.objects.select_for_update().get(pk=region.pk)
    before = snapshot(region, ["four_eyes"])
    region.four_eyes = bool(enabled)
    region.save(update_fields=["four_eyes"])
    audit_record(actor=actor, action="region.four_eyes", obj=region, region=region, before=before,
                 after=snapshot(region, ["four_eyes"]))
    return region


@transaction.atomic
def zone_create(*, actor: User, parent: Region, name: str) -> Region:
    """A special zone (功能区) under a province, city or county, numbered in the unused 9-series."""
    require_admin(actor, parent)
    if parent.level not in ZONE_SEGMENT:
        raise ApplicationError("功能区只能设在省、市或县(市、区)之下")
    if Region.objects.filter(parent=parent, name=name).exists():
        raise ApplicationError(f"{parent.name}下已有名为“{name}”的单位")
    a, b = ZONE_SEGMENT[parent.level]
    width = b - a
    taken = {r.code[a:b] for r in Region.objects.filter(parent=parent, kind=Region.Kind.ZONE)}
    first, last = 9 * 10 ** (width - 1), 10 ** width - 1
    number = next((n for n in range(first + 1, last + 1) if str(n) not in taken), None)
    if number is None:
        raise ApplicationError(f"{parent.name}下的功能区编号已用完")
    code = (parent.code[:a] + str(number)).ljust(12, "0")
    zone = Region(code=code, name=name, full_name=(parent.full_name if parent.level > 1 else "") + name,
                  level=parent.level + 1, kind=Region.Kind.ZONE, parent=parent)
    zone.full_clean()
    zone.save()
    audit_record(actor=actor, action="region.zone_create", obj=zone, region=zone, after=snapshot(zone))
    return zone
