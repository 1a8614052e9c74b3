from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from bqw.accounts.api import actor
from bqw.core.api_errors import with_errors

from .access import get_region_for_user
from .models import Region
from .selectors import classes_by_region, four_eyes_rules, region_children, region_stats
from .services import region_four_eyes_set

router = Router(tags=["区划"])


class ClassOut(Schema):
    scheme: str
    year: int
    value: str


class RegionOut(Schema):
    code: str
    name: str
    full_name: str
    level: int
    level_label: str
    kind: str
    village_type: str
    parent: str | None
    classes: list[ClassOut] = []
    counts: dict[str, int] = {}


def _out(r: Region, classes: list, counts: dict[str, int]) -> dict:
    return {"code": r.code, "name": r.name, "full_name": r.full_name, "level": r.level,
            "level_label": r.get_level_display(), "kind": r.kind, "village_type": r.village_type,
            "parent": r.parent.code if r.parent_id else None,
            "classes": [{"scheme": c.scheme, "year": c.year, "value": c.value} for c in classes],
            "counts": counts}


@router.get("/{code}", response=RegionOut, summary="单位详情（含下辖各级数量与分类）")
def region_detail(request: HttpRequest, code: str):
    region = get_region_for_user(actor(request), code)
    return _out(region, classes_by_region([region])[region.id], region_stats(region)["levels"])


@router.get("/{code}/children", response=list[RegionOut], summary="下一级单位（仅限查看范围内）")
def region_children_list(request: HttpRequest, code: str):
    user = actor(request)
    region = get_region_for_user(user, code)
    children = region_children(user=user, region=region)
    classes = classes_by_region(children)
    for c in children:
        c.parent = region
    return [_out(c, classes[c.id], c.counts) for c in children]


class FourEyesIn(Schema):
    enabled: bool


class FourEyesOut(Schema):
    code: str
    four_eyes: bool  # this unit's own setting
    applies: bool  # its own or a unit's above it
    set_by: str | None  # the code of the nearest unit whose setting applies


def _four_eyes(region: Region) -> dict:
    rule = four_eyes_rules([region]).get(region.pk)
    return {"code": region.code, "four_eyes": region.four_eyes, "applies": rule is not None,
            "set_by": rule.code if rule else None}


@router.get("/{code}/four-eyes", response=with_errors({200: FourEyesOut}), summary="双人审核设置（含上级的设置）")
def region_four_eyes_get(request: HttpRequest, code: str):
    return _four_eyes(get_region_for_user(actor(request), code))


@router.put("/{code}/four-eyes", response=with_errors({200: FourEyesOut}),
            summary="开启或关闭本单位及下辖各级的双人审核（管理员，记入操作日志；不能取消上级的设置）")
def region_four_eyes_put(request: HttpRequest, code: str, body: FourEyesIn):
    me = actor(request)
    region = region_four_eyes_set(actor=me, region=get_region_for_user(me, code, write=True), enabled=body.enabled)
    return _four_eyes(region)
