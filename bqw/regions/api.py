from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from bqw.accounts.api import actor

from .access import get_region_for_user
from .models import Region
from .selectors import classes_by_region, region_children, region_stats

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
