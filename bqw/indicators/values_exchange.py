"""Values in and out: Excel/CSV templates and uploads (all-or-nothing), DHIS2 dataValueSets JSON."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction

from bqw.accounts.models import User
from bqw.accounts.scope import require_view
from bqw.core.errors import ImportRejected
from bqw.core.imports import Column, check_duplicates, parse_decimal, parse_table, read_table
from bqw.core.numbers import fmt
from bqw.core.periods import Period
from bqw.core.spreadsheet import csv_bytes, new_workbook, workbook_bytes, write_row
from bqw.regions.models import Region, code_range
from bqw.regions.selectors import RegionResolver

from .models import DataValue, Indicator
from .selectors import entry_period, indicators_due
from .services import ReportingPeriods, check_value, datavalues_save_rows, outlier_histories, outlier_reason

HEADERS = ["单位代码", "单位名称", "指标代码", "指标名称", "计量单位", "期间", "数值", "版本", "说明"]


def _version(cell: Any) -> int:
    s = str(cell).strip().removesuffix(".0")
    if not s.isdigit():
        raise ValueError(f"“{cell}”不是有效版本号")
    return int(s)


def _text(cell: Any) -> str:
    s = str(cell).strip()
    return s[:-2] if s.endswith(".0") and s[:-2].isdigit() else s


COLUMNS = [
    Column("region", "单位代码", ("orgUnit", "单位", "区划代码", "代码")),
    Column("indicator", "指标代码", ("dataElement", "指标"), parse=_text),
    Column("period", "期间", ("period", "统计期", "月份")),
    Column("value", "数值", ("value", "值", "填报值"), parse=parse_decimal),
    Column("version", "版本", ("version",), required=False, parse=_version),
    Column("comment", "说明", ("comment", "备注", "填报说明"), required=False),
]


def template_rows(user: User, period: Period) -> list[list[Any]]:
    """One row per (unit in the capture scope, indicator due from that unit's level), current values filled."""
    scope = user.capture_scope if not user.is_superuser else (user.capture_scope or user.view_scope)
    if scope is None or not user.is_rw:
        return []
    lo, hi = code_range(scope.prefix)
    units = list(Region.objects.filter(code__gte=lo, code__lte=hi).administrative().order_by("code"))
    by_level: dict[int, list[Indicator]] = {}
    for lv in {u.level for u in units}:
        by_level[lv] = indicators_due(Region(level=lv), period)
    current = {(dv.region_id, dv.indicator_id, dv.period): dv for dv in DataValue.objects.filter(
        region__code__gte=lo, region__code__lte=hi,
        period__in={period.id, period.quarter().id, period.year_period().id})}
    rows = []
    for u in units:
        for ind in by_level[u.level]:
            p = entry_period(ind, period)
            dv = current.get((u.id, ind.id, p.id))
            rows.append([u.code, u.full_name or u.name, ind.code, ind.name, ind.unit, p.label,
                         None if dv is None else float(dv.value), None if dv is None else dv.version,
                         "" if dv is None else dv.comment])
    return rows


def template_workbook(user: User, period: Period) -> bytes:
    from bqw.core.status import Light, light_fill

    wb, ws = new_workbook(f"填报{period.label}")
    write_row(ws, HEADERS, bold=True)
    for r in template_rows(user, period):
        write_row(ws, r)
    yellow = light_fill(Light.YELLOW)  # the cells to fill in
    for row in ws.iter_rows(min_row=2, min_col=7, max_col=7):
        for c in row:
            c.fill = yellow
    for col, width in zip("ABCDEFGHI", (14, 36, 24, 30, 8, 9, 14, 6, 30), strict=True):
        ws.column_dimensions[col].width = width
    return workbook_bytes(wb)


@transaction.atomic
def values_import(*, actor: User, data: bytes, filename: str) -> list[DataValue]:
    """Validate every row (unit, scope, indicator, period, number, range, duplicate, locked, version, outlier
    comment); any error rejects the whole file (ImportRejected with row/column reasons) and writes nothing.
    Rows equal to the stored value are skipped. Returns the values written."""
    table = read_table(data, filename)
    preview = parse_table(table, COLUMNS)
    resolver = RegionResolver(user=actor)
    indicators = {i.code: i for i in Indicator.objects.all()}
    by_name = {i.name: i for i in indicators.values()}
    period_of = ReportingPeriods(read=Period.read)
    good = []
    for row in preview.rows:
        v = row.values
        unit = ind = period = None
        if v.get("region") is not None:
            try:
                unit = resolver.resolve(v["region"])
                if not actor.can_capture(unit):
                    raise ValueError(f"没有“{unit.full_name or unit.name}”的填报权限")
                v["region"] = unit.code
            except ValueError as exc:
                preview.error(row.number, "region", str(exc))
                v["region"] = None
        if v.get("indicator") is not None:
            ind = indicators.get(v["indicator"]) or by_name.get(v["indicator"])
            if ind is None:
                preview.error(row.number, "indicator", f"未知指标“{v['indicator']}”")
        if ind is not None and v.get("period") is not None:
            try:
                period = period_of(ind, _text(v["period"]))
                v["period"] = period.id
            except ValueError as exc:
                preview.error(row.number, "period", str(exc))
        if ind is not None and v.get("value") is not None:
            try:
                v["value"] = check_value(ind, v["value"])
            except ValueError as exc:
                preview.error(row.number, "value", str(exc))
                v["value"] = None
        if unit and ind and period and v.get("value") is not None:
            good.append((row, unit, ind, period))
    check_duplicates(preview, ("region", "indicator", "period"))
    dup_rows = {e.row for e in preview.errors if "重复" in e.message}
    existing = {(dv.region_id, dv.indicator_id, dv.period): dv for dv in DataValue.objects.filter(
        region__in={u.id for _, u, _, _ in good}, indicator__in={i.id for _, _, i, _ in good},
        period__in={p.id for _, _, _, p in good})}
    todo, bare = [], []
    for row, unit, ind, period in good:
        if row.number in dup_rows:
            continue
        dv = existing.get((unit.id, ind.id, period.id))
        version = row.values.get("version")
        if dv is not None and dv.value == row.values["value"] and (row.values.get("comment") or "") in ("", dv.comment):
            continue  # unchanged: nothing to write (a re-imported export is not an error)
        todo.append((row, unit, ind, period))
        if dv is not None and dv.locked:
            preview.error(row.number, "value", "该数据已审核锁定，不能修改")
        elif dv is not None and version != dv.version:
            preview.error(row.number, "version", f"数据已被他人修改（当前版本 {dv.version}，当前值 "
                                                 f"{fmt(dv.value, ind.unit, yes_no=ind.yes_no)}），请重新下载模板")
        elif dv is None and version not in (None, 0):
            preview.error(row.number, "version", "数据已被删除，请重新下载模板")
        elif not (row.values.get("comment") or "").strip():
            bare.append((row, unit, ind, period))
    history = outlier_histories((unit.id, ind.id, period) for _, unit, ind, period in bare)  # one query
    for row, unit, ind, period in bare:
        reason = outlier_reason(ind, unit, period, row.values["value"], history=history)
        if reason:
            preview.error(row.number, "comment", reason)
    preview.raise_if_errors()
    return datavalues_save_rows(actor=actor, items=[
        {"region": unit, "indicator": ind, "period": period, "value": row.values["value"],
         "version": row.values.get("version"), "comment": str(row.values.get("comment") or "")}
        for row, unit, ind, period in todo])


def values_for_export(user: User, region: Region, period: Period) -> list[DataValue]:
    """Reported values of the unit's subtree for the period (a month also brings its quarter and year)."""
    require_view(user, region)
    lo, hi = code_range(region.prefix)
    periods = {period.id}
    if period.kind == "M":
        periods |= {period.quarter().id, period.year_period().id}
    return list(DataValue.objects.filter(region__code__gte=lo, region__code__lte=hi, period__in=periods)
                .select_related("region", "indicator").order_by("region__code", "indicator__code", "period"))


def values_export(user: User, region: Region, period: Period, fmt: str) -> bytes:
    """xlsx / csv in the template's columns, or DHIS2 dataValueSets JSON."""
    values = values_for_export(user, region, period)
    if fmt == "json":
        return json.dumps(datavalueset(values), ensure_ascii=False, indent=1).encode()
    rows = [[dv.region.code, dv.region.full_name or dv.region.name, dv.indicator.code, dv.indicator.name,
             dv.indicator.unit, dv.period, float(dv.value), dv.version, dv.comment] for dv in values]
    if fmt == "csv":  # machine-readable: the period's identifier (202406), names beside the unit and indicator codes
        return csv_bytes(HEADERS, rows)
    for r, dv in zip(rows, values, strict=True):  # the workbook shows the period as written (2024年6月); both read back
        r[5] = dv.get_period().label
    wb, ws = new_workbook("填报数据")
    write_row(ws, HEADERS, bold=True)
    for r in rows:
        write_row(ws, r)
    return workbook_bytes(wb)


def datavalueset(values: list[DataValue]) -> dict:
    """DHIS2 dataValueSets shape with our codes (plus our state/version/simulated as extra keys)."""
    return {"dataValues": [
        {"dataElement": dv.indicator.code, "period": dv.period, "orgUnit": dv.region.code,
         "value": f"{dv.value.normalize():f}", "comment": dv.comment, "version": dv.version,
         "state": dv.state, "simulated": dv.is_simulated} for dv in values]}


__all__ = ["ImportRejected", "template_workbook", "values_import", "values_export", "datavalueset"]
