"""Writes: schemes and their items, manual bonus/penalty points, publications, external rankings.
Each takes the acting user, checks scope (admins of the scheme's region), and writes an audit row."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from bqw.accounts.audit import audit_record, snapshot
from bqw.accounts.models import User
from bqw.accounts.scope import require_admin, require_view
from bqw.core.errors import ApplicationError, ConflictError
from bqw.core.periods import Period, PeriodError
from bqw.indicators.models import Indicator, Target
from bqw.regions.models import Region

from . import engine
from .models import Adjustment, ExternalRanking, Publication, Scheme, SchemeItem
from .selectors import decorate, header, parse_period, previous_result, scheme_inputs, scheme_units

SCHEME_FIELDS = ["name", "region_id", "level", "class_scheme", "class_year", "class_value", "period", "aggregation",
                 "missing", "red_task_points", "late_notice_points", "perturb", "runs", "seed", "alternatives",
                 "description", "is_simulated"]
ITEM_FIELDS = ["indicator_id", "weight", "direction", "normalisation", "goal_lo", "goal_hi", "target_id",
               "target_value", "position"]


def _clean(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        msgs = [m for ms in exc.message_dict.values() for m in ms] if hasattr(exc, "message_dict") else exc.messages
        raise ApplicationError("；".join(msgs))


@transaction.atomic
def scheme_save(*, actor: User, scheme: Scheme | None = None, **fields) -> Scheme:
    """Create a scheme (scheme=None) or change its settings; admins of its region only."""
    region = fields.get("region") or (scheme.region if scheme else None)
    if region is None:
        raise ApplicationError("须指定组织地区")
    require_admin(actor, region)
    if scheme is not None:
        require_admin(actor, scheme.region)
    before = snapshot(scheme, SCHEME_FIELDS)
    obj = scheme or Scheme(created_by=actor if actor.pk else None)
    for k, v in fields.items():
        setattr(obj, k, v)
    if obj.class_year in ("", None):
        obj.class_year = None
    _clean(obj)
    obj.save()
    audit_record(actor=actor, action="assessment.scheme_save", obj=obj, region=obj.region, before=before,
                 after=snapshot(obj, SCHEME_FIELDS))
    return obj


def _item(scheme: Scheme, spec: dict, position: int) -> SchemeItem:
    ind = spec.get("indicator")
    if not isinstance(ind, Indicator):
        ind = Indicator.objects.filter(code=str(ind)).first()
        if ind is None:
            raise ApplicationError(f"第{position + 1}项：指标“{spec.get('indicator')}”不存在")
    try:
        weight = float(spec.get("weight", 1))
    except (TypeError, ValueError):
        raise ApplicationError(f"第{position + 1}项（{ind.name}）：权重“{spec.get('weight')}”不是数字")
    if not (0 <= weight <= 1e6):
        raise ApplicationError(f"第{position + 1}项（{ind.name}）：权重须为不小于 0 的数")
    norm = spec.get("normalisation", "minmax")
    if norm not in engine.NORMALISATIONS:
        raise ApplicationError(f"第{position + 1}项（{ind.name}）：未知的标准化方法“{norm}”")
    direction = spec.get("direction")
    direction = int(direction) if direction not in (None, "") else (-1 if ind.direction == "down" else 1)
    target = spec.get("target")
    if target is not None and not isinstance(target, Target):
        target = Target.objects.filter(pk=target).first()
    item = SchemeItem(scheme=scheme, indicator=ind, weight=weight, direction=direction, normalisation=norm,
                      goal_lo=spec.get("goal_lo"), goal_hi=spec.get("goal_hi"), target=target,
                      target_value=spec.get("target_value"), position=position)
    if norm == "goalpost" and (item.goal_lo is None or item.goal_hi is None or item.goal_lo == item.goal_hi):
        raise ApplicationError(f"第{position + 1}项（{ind.name}）：固定上下限法须填写不同的下限和上限")
    return item


@transaction.atomic
def scheme_items_set(*, actor: User, scheme: Scheme, items: list[dict]) -> list[SchemeItem]:
    """Replace a scheme's items: [{"indicator": code|Indicator, "weight", "direction", "normalisation",
    "goal_lo", "goal_hi", "target", "target_value"}]. All or nothing; at least one positive weight."""
    require_admin(actor, scheme.region)
    new = [_item(scheme, spec, k) for k, spec in enumerate(items)]
    codes = [i.indicator.code for i in new]
    if len(set(codes)) != len(codes):
        raise ApplicationError("同一指标不能重复设置")
    if not any(i.weight > 0 for i in new):
        raise ApplicationError("至少一项指标的权重须大于 0")
    current = {i.indicator_id: i for i in scheme.items.order_by("position", "id")}
    before = [snapshot(i, ITEM_FIELDS) for i in current.values()]
    keep = {i.indicator_id for i in new}
    scheme.items.exclude(indicator_id__in=keep).delete()
    for item in new:  # existing rows keep their id (the editor's form fields name them)
        old = current.get(item.indicator_id)
        if old is not None:
            item.pk = old.pk
    SchemeItem.objects.bulk_update([i for i in new if i.pk], ITEM_FIELDS[1:])
    SchemeItem.objects.bulk_create([i for i in new if not i.pk])
    scheme.save(update_fields=["updated"])
    audit_record(actor=actor, action="assessment.items_set", obj=scheme, region=scheme.region,
                 before={"items": before}, after={"items": [snapshot(i, ITEM_FIELDS) for i in new]})
    return list(scheme.items.order_by("position", "id"))


@transaction.atomic
def scheme_weights_set(*, actor: User, scheme: Scheme, weights: dict[int, float]) -> None:
    """Change only the weights (the editor's save): item id → weight."""
    require_admin(actor, scheme.region)
    items = list(scheme.items.select_related("indicator"))
    specs = []
    for it in items:
        w = weights.get(it.id, it.weight)
        specs.append({"indicator": it.indicator, "weight": w, "direction": it.direction,
                      "normalisation": it.normalisation, "goal_lo": it.goal_lo, "goal_hi": it.goal_hi,
                      "target": it.target, "target_value": it.target_value})
    scheme_items_set(actor=actor, scheme=scheme, items=specs)


def _period(text: str | Period) -> Period:
    try:
        return text if isinstance(text, Period) else Period.parse(text)
    except PeriodError as exc:
        raise ApplicationError(str(exc))


@transaction.atomic
def adjustment_add(*, actor: User, scheme: Scheme, region: Region, period: str, points: float,
                   reason: str) -> Adjustment:
    """A manual bonus/penalty for one competing unit, with a reason (audited)."""
    require_admin(actor, scheme.region)
    if not (reason or "").strip():
        raise ApplicationError("加减分须填写事由")
    if region.code not in {u["code"] for u in scheme_units(scheme)}:
        raise ApplicationError(f"{region.name}不是该方案的参评单位")
    try:
        points = float(points)
    except (TypeError, ValueError):
        raise ApplicationError(f"分值“{points}”不是数字")
    if not (-100 <= points <= 100):
        raise ApplicationError("分值须在 −100 到 100 之间")
    adj = Adjustment(scheme=scheme, region=region, period=_period(period).id, points=points,
                     reason=reason.strip(), created_by=actor if actor.pk else None)
    _clean(adj)
    adj.save()
    audit_record(actor=actor, action="assessment.adjustment_add", obj=adj, region=region,
                 after=snapshot(adj, ["scheme_id", "region_id", "period", "points", "reason"]))
    return adj


@transaction.atomic
def adjustment_delete(*, actor: User, adjustment: Adjustment) -> None:
    require_admin(actor, adjustment.scheme.region)
    if Publication.objects.filter(scheme=adjustment.scheme, period=adjustment.period).exists():
        raise ConflictError("该考核期已发布，不能再改动加减分")
    before = snapshot(adjustment, ["scheme_id", "region_id", "period", "points", "reason"])
    audit_record(actor=actor, action="assessment.adjustment_delete", obj=adjustment, region=adjustment.region,
                 before=before)
    adjustment.delete()


@transaction.atomic
def publication_create(*, actor: User, scheme: Scheme, period: str | Period | None = None, title: str = "",
                       is_simulated: bool = False) -> Publication:
    """Freeze the inputs (values, weights, scheme settings, adjustments, the previous ranking) and the result:
    the publication reproduces the same ranking later whatever happens to the values."""
    require_admin(actor, scheme.region)
    p = parse_period(scheme, period)
    if Publication.objects.filter(scheme=scheme, period=p.id).exists():
        raise ConflictError(f"{scheme.name}{p.label}的结果已发布")
    inputs = scheme_inputs(scheme, p)
    previous = previous_result(scheme, p)
    result = header(scheme, p) | decorate(engine.compute(inputs), previous) | {"published": True}
    frozen = inputs.to_json() | {"scheme_settings": snapshot(scheme, SCHEME_FIELDS), "previous": _ranks(previous)}
    pub = Publication(scheme=scheme, period=p.id, title=title or f"{scheme.name}（{p.label}）", inputs=frozen,
                      result=result, published_by=actor if actor.pk else None, is_simulated=is_simulated)
    try:
        with transaction.atomic():
            pub.save()
    except IntegrityError:
        raise ConflictError(f"{scheme.name}{p.label}的结果已发布")
    result["publication"] = pub.pk
    pub.result = result
    pub.save(update_fields=["result"])
    audit_record(actor=actor, action="assessment.publish", obj=pub, region=scheme.region,
                 after={"scheme": scheme.pk, "period": p.id, "units": len(inputs.units)})
    return pub


def _ranks(result: dict | None) -> dict | None:
    """The previous period's ranks only (what a publication needs to show 进位/退位 later)."""
    if not result:
        return None
    return {"groups": [{"name": g["name"], "units": [{"code": c["code"], "rank": c.get("rank")} for c in g["units"]]}
                       for g in result["groups"]]}


@transaction.atomic
def external_ranking_record(*, actor: User, region: Region, list_name: str, year: int, source: str,
                            rank: int | None = None, note: str = "", is_simulated: bool = False) -> ExternalRanking:
    """Record (or correct) a unit's place in an external list, with its source."""
    require_view(actor, region)
    require_admin(actor, region)
    if not (source or "").strip():
        raise ApplicationError("外部排名须注明来源")
    if not (list_name or "").strip():
        raise ApplicationError("须填写榜单名称")
    obj = ExternalRanking.objects.filter(region=region, list_name=list_name.strip(), year=year).first()
    fields = ["region_id", "list_name", "year", "rank", "note", "source"]
    before = snapshot(obj, fields)
    obj = obj or ExternalRanking(region=region, list_name=list_name.strip(), year=year,
                                 created_by=actor if actor.pk else None)
    obj.rank, obj.note, obj.source, obj.is_simulated = rank, note.strip(), source.strip(), is_simulated
    _clean(obj)
    obj.save()
    audit_record(actor=actor, action="assessment.external_ranking", obj=obj, region=region, before=before,
                 after=snapshot(obj, fields))
    return obj
