"""/api/v1/assessment: schemes, results (scores, ranks within class, rank change, rank intervals), one unit's
breakdown, publishing, manual bonus/penalty points and external rankings."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status

from bqw.accounts.api import actor
from bqw.core.errors import NotFoundError
from bqw.regions.models import Region

from .access import get_publication_for_user, get_scheme_for_user
from .selectors import (
    external_rankings_for_user,
    publication_result,
    publications_for_user,
    result_rows,
    scheme_items,
    scheme_result,
    schemes_for_user,
    unit_card,
)
from .services import adjustment_add, external_ranking_record, publication_create

router = Router(tags=["考核赛马"])


class SchemeOut(Schema):
    id: int
    name: str
    region: str
    level: int
    class_scheme: str
    class_year: int | None
    class_value: str
    period: str
    aggregation: str
    missing: str
    items: list[dict]


class ResultOut(Schema):
    scheme: dict
    period: str
    period_label: str
    runs: int
    published: bool
    units: list[dict]
    groups: list[dict]


class PublishIn(Schema):
    period: str | None = None
    title: str = ""


class PublicationOut(Schema):
    id: int
    scheme: int
    period: str
    title: str
    published_at: str


class AdjustmentIn(Schema):
    region: str
    period: str
    points: float
    reason: str


class ExternalIn(Schema):
    region: str
    list_name: str
    year: int
    rank: int | None = None
    note: str = ""
    source: str


class ExternalOut(Schema):
    id: int
    region: str
    name: str
    list_name: str
    year: int
    rank: int | None
    note: str
    source: str


def _scheme_out(s) -> dict:
    return {"id": s.pk, "name": s.name, "region": s.region.code, "level": s.level, "class_scheme": s.class_scheme,
            "class_year": s.class_year, "class_value": s.class_value, "period": s.period,
            "aggregation": s.aggregation, "missing": s.missing,
            "items": [{"id": i.pk, "indicator": i.indicator.code, "name": i.indicator.name, "weight": i.weight,
                       "direction": i.direction, "normalisation": i.normalisation} for i in scheme_items(s)]}


def _result_out(r: dict) -> dict:
    groups = [{"name": g["name"], "ranked": g["ranked"], "top": g.get("top", []), "bottom": g.get("bottom", [])}
              for g in r["groups"]]
    return {"scheme": r["scheme"], "period": r["period"], "period_label": r["period_label"], "runs": r["runs"],
            "published": r.get("published", False), "units": result_rows(r), "groups": groups}


def _region(code: str) -> Region:
    region = Region.objects.filter(code=code.ljust(12, "0")).first()
    if region is None:
        raise NotFoundError(f"区划代码 {code} 不存在")
    return region


@router.get("/schemes", response=list[SchemeOut], summary="可查看的考核方案")
def scheme_list(request: HttpRequest):
    return [_scheme_out(s) for s in schemes_for_user(actor(request))]


@router.get("/schemes/{scheme_id}", response=SchemeOut, summary="考核方案（指标、权重、方法）")
def scheme_detail(request: HttpRequest, scheme_id: int):
    return _scheme_out(get_scheme_for_user(actor(request), scheme_id))


@router.get("/schemes/{scheme_id}/result", response=ResultOut,
            summary="考核结果：得分、同类排名、进位退位、位次区间（实时计算）")
def scheme_result_get(request: HttpRequest, scheme_id: int, period: str | None = None, runs: int | None = None):
    user = actor(request)
    scheme = get_scheme_for_user(user, scheme_id)
    if runs is not None:
        runs = max(0, min(runs, 5000))
    return _result_out(scheme_result(user, scheme, period, runs=runs))


@router.get("/schemes/{scheme_id}/units/{code}", response=dict, summary="单位得分构成（各指标贡献）")
def unit_breakdown(request: HttpRequest, scheme_id: int, code: str, period: str | None = None):
    user = actor(request)
    scheme = get_scheme_for_user(user, scheme_id)
    card = unit_card(scheme_result(user, scheme, period, runs=0), code.ljust(12, "0"))
    if card is None:
        raise NotFoundError("该单位不是本方案的参评单位")
    return card


@router.post("/schemes/{scheme_id}/publish", response={201: PublicationOut}, summary="发布（冻结输入与结果）")
def publish(request: HttpRequest, scheme_id: int, data: PublishIn):
    user = actor(request)
    scheme = get_scheme_for_user(user, scheme_id, write=True)
    pub = publication_create(actor=user, scheme=scheme, period=data.period, title=data.title)
    return Status(201, {"id": pub.pk, "scheme": scheme.pk, "period": pub.period, "title": pub.title,
                        "published_at": pub.published_at.isoformat()})


@router.post("/schemes/{scheme_id}/adjustments", response={201: dict}, summary="录入加减分（须填事由）")
def adjustment_create(request: HttpRequest, scheme_id: int, data: AdjustmentIn):
    user = actor(request)
    scheme = get_scheme_for_user(user, scheme_id, write=True)
    adj = adjustment_add(actor=user, scheme=scheme, region=_region(data.region), period=data.period,
                         points=data.points, reason=data.reason)
    return Status(201, {"id": adj.pk, "region": adj.region.code, "period": adj.period, "points": adj.points,
                        "reason": adj.reason})


@router.get("/publications", response=list[PublicationOut], summary="已发布的考核结果")
def publication_list(request: HttpRequest):
    return [{"id": p.pk, "scheme": p.scheme_id, "period": p.period, "title": p.title,
             "published_at": p.published_at.isoformat()} for p in publications_for_user(actor(request))]


@router.get("/publications/{pub_id}", response=ResultOut, summary="已发布结果（冻结快照）")
def publication_detail(request: HttpRequest, pub_id: int):
    user = actor(request)
    return _result_out(publication_result(user, get_publication_for_user(user, pub_id)))


@router.get("/external-rankings", response=list[ExternalOut], summary="外部排名（如全国镇域经济500强）")
def external_list(request: HttpRequest):
    return [_external_out(e) for e in external_rankings_for_user(actor(request))]


@router.post("/external-rankings", response={201: ExternalOut}, summary="记录外部排名（须注明来源）")
def external_create(request: HttpRequest, data: ExternalIn):
    user = actor(request)
    e = external_ranking_record(actor=user, region=_region(data.region), list_name=data.list_name, year=data.year,
                                rank=data.rank, note=data.note, source=data.source)
    return Status(201, _external_out(e))


def _external_out(e) -> dict:
    return {"id": e.pk, "region": e.region.code, "name": e.region.name, "list_name": e.list_name, "year": e.year,
            "rank": e.rank, "note": e.note, "source": e.source}
