"""Writes to classes and special zones; each takes the acting user and writes an audit row."""

from __future__ import annotations

from django.db import transaction

from bqw.accounts.audit import audit_record, snapshot
from bqw.accounts.models import User
from bqw.accounts.scope import require_admin
from bqw.core.errors import ApplicationError
from bqw.core.imports import Column, check_duplicates, parse_table, read_table
from bqw.core.periods import parse_year

from .models import Region, RegionClass
from .selectors import RegionResolver

CLASS_FIELDS = ["region_id", "scheme", "year", "value"]


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
