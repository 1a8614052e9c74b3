"""Creates and edits of the catalog on /api/v1 (issue 11): indicators, validation rules, targets and the target
import, added to the indicators router; the same catalog_services as the pages, with documented errors."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from bqw.accounts.api import actor
from bqw.accounts.scope import NOT_FOUND, require_admin, view_q
from bqw.core.api_errors import with_errors
from bqw.core.errors import NotFoundError
from bqw.regions.models import Region
from bqw.regions.picker import api_region

from .api import router
from .catalog_services import (
    TargetInput,
    indicator_create,
    indicator_update,
    rule_create,
    rule_update,
    target_archive,
    target_create,
    target_update,
)
from .models import Indicator, Target, ValidationRule
from .target_imports import target_import
from .validation import describe

catalog_router = Router(tags=["指标目录与校验规则"])


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    level: int
    periodicity: str
    rule: str
    temporal: str
    min_value: Decimal | None
    max_value: Decimal | None
    integer: bool
    four_eyes: bool
    owner: str | None


class IndicatorIn(Schema):
    name: str
    unit: str = ""
    direction: str = "up"
    level: int = 5
    periodicity: str = "M"
    rule: str = "sum"
    temporal: str = "stock"
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    integer: bool = False
    four_eyes: bool = False
    description: str = ""


class IndicatorCreate(IndicatorIn):
    code: str


class RuleOut(Schema):
    id: int
    name: str
    region: str
    left: str
    operator: str
    right: str
    severity: str
    active: bool
    text: str


class RuleIn(Schema):
    name: str
    region: str
    left: str
    operator: str
    right: str
    severity: str = "error"
    active: bool = True


class TargetOut(Schema):
    id: int
    indicator: str
    region: str
    scope: str
    scope_level: int | None
    comparator: str
    value: str
    deadline: str
    stage: str
    archived: bool


class TargetIn(Schema):
    indicator: str
    region: str
    scope: str = "region"
    scope_level: int | None = None
    class_scheme: str = ""
    class_value: str = ""
    comparator: str = ">="
    value: str
    deadline: str
    stage: str = "2025"
    baseline_value: str = ""
    baseline_period: str = "202301"
    source_document: str = ""
    source_quote: str = ""
    title: str = ""


class ArchiveIn(Schema):
    archived: bool = True


def _ind(i: Indicator) -> dict:
    return {"id": i.pk, "code": i.code, "name": i.name, "unit": i.unit, "level": i.level,
            "periodicity": i.periodicity, "rule": i.rule, "temporal": i.temporal, "min_value": i.min_value,
            "max_value": i.max_value, "integer": i.integer, "four_eyes": i.four_eyes,
            "owner": i.owner.code if i.owner else None}


def _rule(r: ValidationRule) -> dict:
    return {"id": r.pk, "name": r.name, "region": r.region.code, "left": r.left, "operator": r.operator,
            "right": r.right, "severity": r.severity, "active": r.active, "text": describe(r)}


def _target(t: Target) -> dict:
    return {"id": t.pk, "indicator": t.indicator.code, "region": t.region.code, "scope": t.scope,
            "scope_level": t.scope_level, "comparator": t.comparator, "value": f"{t.value.normalize():f}",
            "deadline": t.deadline, "stage": t.stage, "archived": t.archived}


def _indicator_ref(ref: str) -> Indicator:
    ind = Indicator.objects.filter(code=ref).first() or Indicator.objects.filter(name=ref).first()
    if ind is None:
        raise NotFoundError(f"指标不存在：{ref}")
    return ind


def _target_input(request: HttpRequest, b: TargetIn) -> TargetInput:
    return TargetInput(indicator=_indicator_ref(b.indicator), region=api_region(actor(request), b.region),
                       scope=b.scope, scope_level=b.scope_level, class_scheme=b.class_scheme,
                       class_value=b.class_value, comparator=b.comparator, value=b.value, deadline=b.deadline,
                       stage=b.stage, baseline_value=b.baseline_value, baseline_period=b.baseline_period,
                       source_document=b.source_document, source_quote=b.source_quote, title=b.title)


def _get_indicator(request: HttpRequest, pk: int) -> Indicator:
    ind = Indicator.objects.select_related("owner").filter(pk=pk).first()
    if ind is None or (ind.owner is not None and not actor(request).can_view(ind.owner)):
        raise NotFoundError(NOT_FOUND)
    return ind


def _get_rule(request: HttpRequest, pk: int) -> ValidationRule:
    me = actor(request)
    qs = ValidationRule.objects.select_related("region")
    rule = (qs if me.is_superuser else qs.filter(view_q(me, "region"))).filter(pk=pk).first()
    if rule is None:
        raise NotFoundError(NOT_FOUND)
    return rule


def _get_target(request: HttpRequest, pk: int) -> Target:
    me = actor(request)
    qs = Target.objects.select_related("indicator", "region")
    t = (qs if me.is_superuser else qs.filter(view_q(me, "region"))).filter(pk=pk).first()
    if t is None:
        raise NotFoundError(NOT_FOUND)
    return t


@catalog_router.get("/indicators", response=with_errors({200: list[IndicatorOut]}), summary="指标目录")
def indicators_list(request: HttpRequest):
    return [_ind(i) for i in Indicator.objects.select_related("owner").order_by("code")]


@catalog_router.post("/indicators", response=with_errors({201: IndicatorOut}),
                     summary="新建本指挥部的指标（代码或名称重复 409）")
def indicators_create(request: HttpRequest, body: IndicatorCreate):
    me = actor(request)
    owner = me.view_scope or Region.objects.get(level=1)
    data = body.dict()
    ind = indicator_create(actor=me, owner=owner, code=data.pop("code"), name=data.pop("name"), **data)
    return Status(201, _ind(ind))


@catalog_router.patch("/indicators/{indicator_id}", response=with_errors({200: IndicatorOut}), summary="修改指标")
def indicators_update(request: HttpRequest, indicator_id: int, body: IndicatorIn):
    ind = indicator_update(actor=actor(request), indicator=_get_indicator(request, indicator_id), **body.dict())
    return _ind(ind)


@catalog_router.get("/rules", response=with_errors({200: list[RuleOut]}), summary="查看范围内的校验规则")
def rules_list(request: HttpRequest):
    me = actor(request)
    qs = ValidationRule.objects.select_related("region").prefetch_related("indicators")
    return [_rule(r) for r in (qs if me.is_superuser else qs.filter(view_q(me, "region")))]


@catalog_router.post("/rules", response=with_errors({201: RuleOut}),
                     summary="新建校验规则：{指标} 比较 {指标}，填报时检查")
def rules_create(request: HttpRequest, body: RuleIn):
    me = actor(request)
    rule = rule_create(actor=me, region=api_region(me, body.region, field="适用地区"), name=body.name,
                       left=body.left, operator=body.operator, right=body.right, severity=body.severity)
    return Status(201, _rule(rule))


@catalog_router.patch("/rules/{rule_id}", response=with_errors({200: RuleOut}), summary="修改或停用校验规则")
def rules_update(request: HttpRequest, rule_id: int, body: RuleIn):
    rule = rule_update(actor=actor(request), rule=_get_rule(request, rule_id), name=body.name, left=body.left,
                       operator=body.operator, right=body.right, severity=body.severity, active=body.active)
    return _rule(rule)


@router.post("/targets", response=with_errors({201: TargetOut}),
             summary="新建目标（目标值可写作 3300亿、8%、1.4万；范围可为某级全部单位）")
def targets_create(request: HttpRequest, body: TargetIn):
    require_admin(actor(request))
    return Status(201, _target(target_create(actor=actor(request), data=_target_input(request, body))))


# before /targets/{target_id}, whose pattern would otherwise take "import" (and answer a POST with 405)
@router.post("/targets/import", response=with_errors({200: dict}),
             summary="从 Excel/CSV 导入目标（confirm=false 只检查；任何一行有错 422 列出行列）")
def targets_import(request: HttpRequest, file: File[UploadedFile], confirm: bool = False):
    r = target_import(actor=actor(request), data=file.read(), filename=file.name, confirm=confirm)
    return {"rows": len(r.rows), "created": r.created}


@router.patch("/targets/{target_id}", response=with_errors({200: TargetOut}), summary="修改目标（审计留痕）")
def targets_update(request: HttpRequest, target_id: int, body: TargetIn):
    t = target_update(actor=actor(request), target=_get_target(request, target_id),
                      data=_target_input(request, body))
    return _target(t)


@router.post("/targets/{target_id}/archive", response=with_errors({200: TargetOut}), summary="归档或恢复目标")
def targets_archive(request: HttpRequest, target_id: int, body: ArchiveIn):
    return _target(target_archive(actor=actor(request), target=_get_target(request, target_id),
                                  archived=body.archived))
