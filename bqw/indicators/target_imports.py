"""Targets from Excel/CSV (issue 11) through core.imports: all or nothing, row and column errors in Chinese.

Columns: 指标 (name or code), 地区 (name as offices write it, or code), 范围 (blank / 单个单位 = that unit; 各县 /
各镇 / 各村 = every unit of that level below it), 比较 (≥ ≤ > < =, default ≥), 目标值 (3300亿, 8%, 1.4万),
完成期限 (2026, 2026Q4, 202612), 阶段, 基期, 基期值, 来源文件, 原文.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from bqw.accounts.models import User
from bqw.accounts.scope import require_admin
from bqw.core.errors import ApplicationError
from bqw.core.imports import Column, check_duplicates, parse_table, read_table
from bqw.regions.models import Region
from bqw.regions.selectors import RegionResolver

from .catalog_services import TargetInput, build_target, target_create
from .models import Indicator, Target

LEVEL_WORDS = {"各市": 2, "各地市": 2, "各县": 3, "各县（市、区）": 3, "各县市区": 3, "各镇": 4, "各镇街": 4,
               "各镇（街）": 4, "各村": 5, "各村（社区）": 5, "各村居": 5}
COMPARATOR_WORDS = {"≥": ">=", ">=": ">=", "不低于": ">=", "≤": "<=", "<=": "<=", "不高于": "<=", ">": ">",
                    "<": "<", "=": "=", "达到": ">="}
STAGE_WORDS = {label.split("（")[0]: value for value, label in Target.Stage.choices}


def _level(cell) -> int | None:
    s = str(cell).strip().replace(" ", "")
    if s in ("", "单个单位", "本级", "本单位"):
        return None
    if s in LEVEL_WORDS:
        return LEVEL_WORDS[s]
    raise ValueError(f"无法识别的范围“{s}”，可写 单个单位、各县、各镇、各村")


def _comparator(cell) -> str:
    s = str(cell).strip()
    if s not in COMPARATOR_WORDS:
        raise ValueError(f"无法识别的比较“{s}”，可写 ≥ ≤ > < =")
    return COMPARATOR_WORDS[s]


def _stage(cell) -> str:
    s = str(cell).strip()
    if s in Target.Stage.values:
        return s
    for word, value in STAGE_WORDS.items():
        if s.startswith(word):
            return value
    raise ValueError(f"无法识别的阶段“{s}”，可写 开局起步、初见成效、显著变化、根本改变")


def _text(cell) -> str:
    return str(cell).strip().removesuffix(".0")


COLUMNS = [
    Column("indicator", "指标", ("指标名称", "指标代码"), parse=_text),
    Column("region", "地区", ("单位", "区划", "地区名称"), parse=_text),
    Column("level", "范围", ("目标范围", "适用范围"), required=False, parse=_level),
    Column("comparator", "比较", ("比较符",), required=False, parse=_comparator),
    Column("value", "目标值", ("目标",), parse=_text),
    Column("deadline", "完成期限", ("期限", "目标年份", "完成时间"), parse=_text),
    Column("stage", "阶段", (), required=False, parse=_stage),
    Column("baseline_period", "基期", (), required=False, parse=_text),
    Column("baseline_value", "基期值", (), required=False, parse=_text),
    Column("source_document", "来源文件", ("文件",), required=False, parse=_text),
    Column("source_quote", "原文", ("原文摘录",), required=False, parse=_text),
]


@dataclass
class TargetImportResult:
    rows: list[TargetInput]
    created: int = 0


def _indicators() -> dict[str, Indicator]:
    out: dict[str, Indicator] = {}
    for ind in Indicator.objects.all():
        out[ind.code] = ind
        out.setdefault(ind.name, ind)
    return out


def target_import(*, actor: User, data: bytes, filename: str, confirm: bool = False) -> TargetImportResult:
    """Check every row (a Target built from it, in the actor's admin scope); with confirm, write them all in one
    transaction. Any bad row rejects the file: nothing written."""
    require_admin(actor)
    try:
        table = read_table(data, filename)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's, never a 500
        raise ApplicationError(f"无法读取文件（请上传 xlsx 或 UTF-8 的 csv）：{type(exc).__name__}") from None
    preview = parse_table(table, COLUMNS)
    check_duplicates(preview, ("indicator", "region", "level", "deadline"))
    inds = _indicators()
    resolver = RegionResolver(user=actor, within=None if actor.is_superuser else actor.view_scope)
    rows: list[TargetInput] = []
    for row in preview.rows:
        v = row.values
        cell_errors = any(e.row == row.number for e in preview.errors)
        ind = inds.get(v["indicator"]) if v.get("indicator") else None
        if ind is None and v.get("indicator"):
            preview.error(row.number, "indicator", f"未找到指标“{v['indicator']}”")
        region = None
        if v.get("region"):
            try:
                region = resolver.resolve(v["region"])
            except ValueError as exc:
                preview.error(row.number, "region", str(exc))
        if region is not None and not actor.is_superuser and not actor.can_view(region):
            preview.error(row.number, "region", "不在您的管辖范围内")
            region = None
        if cell_errors or ind is None or region is None:
            continue
        level = v.get("level")
        item = TargetInput(indicator=ind, region=region, scope=Target.Scope.LEVEL if level else Target.Scope.REGION,
                           scope_level=level, comparator=v.get("comparator") or ">=", value=v["value"],
                           deadline=v["deadline"], stage=v.get("stage") or Target.Stage.EARLY,
                           baseline_period=v.get("baseline_period") or "202301",
                           baseline_value=v.get("baseline_value") or "",
                           source_document=v.get("source_document") or "", source_quote=v.get("source_quote") or "")
        try:
            build_target(item)
        except ApplicationError as exc:
            key = "value" if "数值" in exc.message or "范围" in exc.message else "deadline"
            preview.error(row.number, key, exc.message)
            continue
        rows.append(item)
    preview.raise_if_errors()
    result = TargetImportResult(rows=rows)
    if confirm:
        with transaction.atomic():
            for item in rows:
                target_create(actor=actor, data=item)
        result.created = len(rows)
    return result


__all__ = ["Region", "TargetImportResult", "target_import"]
