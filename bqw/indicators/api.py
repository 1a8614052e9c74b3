"""/api/v1: values (GET/PUT with version → 409 when stale), review actions, rollups, targets and statuses,
DHIS2 dataValueSets in and out."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from bqw.accounts.api import actor
from bqw.regions.access import get_region_for_user

from .access import get_datavalue_for_user, get_indicator, get_indicators, get_period, get_target_for_user
from .selectors import rollup_grid, rollup_values
from .services import (
    datavalue_approve,
    datavalue_reopen,
    datavalue_return,
    datavalue_save,
    datavalue_submit,
    datavalues_save_form,
    value_dict,
)
from .status import evaluate, region_statuses
from .values_exchange import datavalueset, values_for_export, values_import

router = Router(tags=["指标与目标"])


class ValueOut(Schema):
    region: str
    indicator: str
    period: str
    value: str
    state: str
    version: int
    comment: str
    reason: str
    is_simulated: bool


class ValueIn(Schema):
    value: Decimal
    version: int | None = None
    comment: str = ""
    submit: bool = False


class FormItem(Schema):
    indicator: str
    value: Decimal
    version: int | None = None
    comment: str = ""


class FormIn(Schema):
    values: list[FormItem]
    submit: bool = False


class ActionIn(Schema):
    version: int | None = None
    reason: str = ""


class DataValueSetItem(Schema):
    dataElement: str  # noqa: N815 — DHIS2 field names
    period: str
    orgUnit: str  # noqa: N815
    value: str
    comment: str | None = None
    version: int | None = None


class DataValueSetIn(Schema):
    dataValues: list[DataValueSetItem]  # noqa: N815


@router.get("/values/{region}/{indicator}/{period}", response=ValueOut, summary="一条填报数据")
def value_get(request: HttpRequest, region: str, indicator: str, period: str):
    return value_dict(get_datavalue_for_user(actor(request), region, indicator, period))


@router.put("/values/{region}/{indicator}/{period}", response=ValueOut,
            summary="填报或修改（version 为所改数据的版本，新数据为空；过期版本返回 409 及当前值）")
def value_put(request: HttpRequest, region: str, indicator: str, period: str, body: ValueIn):
    user = actor(request)
    unit = get_region_for_user(user, region)
    dv = datavalue_save(actor=user, region=unit, indicator=get_indicator(indicator), period=period, value=body.value,
                        version=body.version, comment=body.comment, submit=body.submit)
    return value_dict(dv)


@router.put("/forms/{region}/{period}", summary="一个单位一期的填报表（全部指标一次保存/提交，任一项有误则整表不保存）")
def form_put(request: HttpRequest, region: str, period: str, body: FormIn):
    user = actor(request)
    unit = get_region_for_user(user, region)
    indicators = get_indicators(i.indicator for i in body.values)
    items = [{"indicator": indicators[i.indicator], "value": i.value, "version": i.version, "comment": i.comment}
             for i in body.values]
    saved = datavalues_save_form(actor=user, region=unit, period=period, items=items, submit=body.submit)
    return {"region": unit.code, "period": period, "saved": len(saved),
            "values": [{"indicator": dv.indicator.code, "period": dv.period, "version": dv.version,
                        "state": dv.state} for dv in saved]}


_ACTIONS = {"submit": datavalue_submit, "approve": datavalue_approve, "return": datavalue_return,
            "reopen": datavalue_reopen}


@router.post("/values/{region}/{indicator}/{period}/{action}", response=ValueOut,
             summary="提交 submit / 通过 approve / 退回 return / 重新打开 reopen")
def value_action(request: HttpRequest, region: str, indicator: str, period: str, action: str, body: ActionIn):
    from bqw.core.errors import NotFoundError

    user = actor(request)
    if action not in _ACTIONS:
        raise NotFoundError(f"未知操作：{action}")
    dv = get_datavalue_for_user(user, region, indicator, period, write=True)
    kwargs = {"reason": body.reason} if action in ("return", "reopen") else {}
    return value_dict(_ACTIONS[action](actor=user, value=dv, version=body.version, **kwargs))


@router.get("/rollups/{region}/{period}", summary="驾驶舱读取：本单位及各下级单位 × 各指标（一次查询）")
def rollups_grid(request: HttpRequest, region: str, period: str, indicators: str | None = None,
                 native: bool = False):
    """`native=true` with a month: quarterly/yearly indicators at the quarter/year containing it."""
    user = actor(request)
    unit = get_region_for_user(user, region)
    codes = [c for c in indicators.split(",") if c] if indicators else None
    return rollup_grid(user, unit, get_period(period), codes, native=native)


@router.get("/rollups/{region}/{period}/own", summary="某单位某期全部指标的汇总值")
def rollups_of_unit(request: HttpRequest, region: str, period: str):
    user = actor(request)
    return rollup_values(user, get_region_for_user(user, region), get_period(period))


@router.get("/targets", summary="某单位的目标（含覆盖其下级的分类/层级目标）")
def targets_list(request: HttpRequest, region: str):
    from .status import targets_for_region

    user = actor(request)
    unit = get_region_for_user(user, region)
    return [{"id": t.id, "title": str(t), "indicator": t.indicator.code, "scope": t.scope, "region": t.region.code,
             "kind": t.kind, "comparator": t.comparator, "value": str(t.value), "deadline": t.deadline,
             "stage": t.stage, "source": t.source_document, "quote": t.source_quote}
            for t in targets_for_region(user, unit)]


@router.get("/targets/{target_id}/status", summary="一个目标在某期的状态（含各单位）")
def target_status(request: HttpRequest, target_id: int, period: str, region: str | None = None):
    user = actor(request)
    t = get_target_for_user(user, target_id)
    within = get_region_for_user(user, region) if region else (
        None if user.is_superuser or user.view_scope is None or user.view_scope.contains(t.region)
        else user.view_scope)
    return evaluate(t, get_period(period), within=within).as_dict()


@router.get("/statuses", summary="某单位全部目标在某期的状态与说明")
def statuses(request: HttpRequest, region: str, period: str):
    user = actor(request)
    unit = get_region_for_user(user, region)
    return [s.as_dict() for s in region_statuses(user, unit, get_period(period))]


@router.get("/dataValueSets", summary="DHIS2 dataValueSets 导出（orgUnit 含下级）")
def datavaluesets_get(request: HttpRequest, orgUnit: str, period: str):  # noqa: N803
    user = actor(request)
    return datavalueset(values_for_export(user, get_region_for_user(user, orgUnit), get_period(period)))


@router.post("/dataValueSets", summary="DHIS2 dataValueSets 导入（全部通过才写入，否则 422 列出错误）")
def datavaluesets_post(request: HttpRequest, body: DataValueSetIn):
    import json

    data = json.dumps(body.dict(), ensure_ascii=False).encode()
    done = values_import(actor=actor(request), data=data, filename="dataValueSets.json")
    return {"imported": len(done)}


@router.post("/values/import", summary="上传 Excel/CSV/JSON 批量填报（全部通过才写入）")
def values_upload(request: HttpRequest, file: File[UploadedFile]):
    done = values_import(actor=actor(request), data=file.read(), filename=file.name or "upload.xlsx")
    return {"imported": len(done)}
