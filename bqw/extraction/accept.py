"""The accept step: turn a reviewed draft into a Target (indicators app) or a Task (plans app).

The indicators and plans apps are imported lazily and only through their own services, so
extraction works (and its tests run) whether or not they are installed; without them
accepting raises a clear ApplicationError.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

from django.apps import apps

from bqw.accounts.models import Role, User
from bqw.core.comparators import Comparator
from bqw.core.errors import ApplicationError, NotFoundError
from bqw.core.periods import DUE, Deadline, PeriodError, parse_deadline

from .models import DraftItem

NOT_ENABLED = "目标/任务模块尚未启用"


def targets_enabled() -> bool:
    return apps.is_installed("bqw.indicators")


def tasks_enabled() -> bool:
    return apps.is_installed("bqw.plans")


# ---------------------------------------------------------------- name similarity


def name_similarity(a: str, b: str) -> float:
    """0..1 similarity of two indicator names, ignoring punctuation and filler words."""
    a, b = _norm(a), _norm(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ratio = SequenceMatcher(None, a, b).ratio()
    if a in b or b in a:
        ratio = max(ratio, 0.6 + 0.4 * min(len(a), len(b)) / max(len(a), len(b)))
    return round(ratio, 3)


def _norm(s: str) -> str:
    s = re.sub(r"[\s“”\"'（）()、，,。．.：:；;]", "", s or "")
    return re.sub(r"^(全市|全区|全县|全省|全镇|各地|新增|累计)|(数量|总数|个数|数)$", "", s)


def rank_by_name(name: str, candidates: list[Any], *, key=lambda c: c.name, minimum: float = 0.5) -> list[Any]:
    """Candidates whose name is similar to `name`, best first."""
    scored = [(name_similarity(name, key(c)), c) for c in candidates]
    return [c for score, c in sorted(scored, key=lambda sc: -sc[0]) if score >= minimum]


# ---------------------------------------------------------------- tasks (plans app)


def task_deadline(item: DraftItem, plan: Any) -> Deadline:
    """The task's deadline from the draft's wording ("到2025年", "年底前(2024)"); none written → the plan's end."""
    text = (item.deadline_text or item.deadline or "").strip()
    try:
        deadline = parse_deadline(text, year=item.document.year or plan.year)
    except PeriodError as exc:
        raise ApplicationError(f"{exc}；请先编辑该条目的完成时限", extra={"field": "deadline_text"}) from None
    return deadline or Deadline(DUE, "计划期内", due=plan.end_on)


def _task_leads(actor: User, item: DraftItem, plan: Any) -> list[Any]:
    """Lead units named in the text, matched to the plan region's organizations the way the task import
    matches them (created when missing); none named → the region's headquarters, marked as assumed."""
    from bqw.orgs.services import organization_ensure
    from bqw.plans.imports import UnitMatcher, org_name_for_plan, split_units
    from bqw.plans.services import LeadUnit, region_lead_unit

    names = split_units(item.lead_units)
    if not names:
        return [LeadUnit(region_lead_unit(actor=actor, region=plan.region), assumed=True)]
    matcher = UnitMatcher(plan)
    leads = []
    for name in names:
        org = matcher.match(name).organization
        if org is None:
            org = organization_ensure(actor=actor, name=org_name_for_plan(plan, name), region=plan.region)
        leads.append(LeadUnit(org))
    return leads


def accept_task(*, actor: User, item: DraftItem, plan: Any = None, action: Any = None, **_: Any) -> Any:
    """Create the Task (plans.services.task_create) for an accepted task draft; returns the Task."""
    if not tasks_enabled():
        raise ApplicationError(NOT_ENABLED)
    from bqw.plans.services import TaskSpec, task_create, task_targets_set

    plan = plan or (action.plan if action is not None else None)
    if plan is None:
        raise ApplicationError("请选择任务要加入的计划或行动", extra={"field": "action"})
    deadline = task_deadline(item, plan)
    spec = TaskSpec(content=item.indicator, deadline_text=deadline.text, deadline=deadline,
                    leads=_task_leads(actor, item, plan), action=action)
    task = task_create(actor=actor, plan=plan, spec=spec)
    # The targets already accepted from the same sentence are the ones this task serves.
    served = DraftItem.objects.filter(document=item.document, target__isnull=False,
                                      start__gte=item.start, end__lte=item.end).values_list("target_id", flat=True)
    if served:
        task_targets_set(actor=actor, task=task, target_ids=list(served))
    return task


def _task_choices(user: User) -> list[dict[str, Any]]:
    from bqw.plans.access import is_admin_of, visible_plans
    from bqw.plans.models import Action

    plans = [p for p in visible_plans(user).select_related("region").order_by("-start_on", "name")[:50]
             if is_admin_of(user, p.region)]
    actions = Action.objects.filter(plan__in=plans).order_by("plan", "number", "id")
    by_plan: dict[int, list] = {}
    for a in actions:
        by_plan.setdefault(a.plan_id, []).append(a)
    out = []
    for p in plans:
        out.append({"value": f"p{p.pk}", "label": f"{p.name}（不指定行动）"})
        out += [{"value": f"a{a.pk}", "label": f"{p.name} / {a.name}"} for a in by_plan.get(p.pk, [])]
    return out


def _parse_task_form(user: User, data: Any) -> dict[str, Any]:
    from bqw.plans.access import get_plan_for_user
    from bqw.plans.models import Action

    value = str(data.get("action") or "")
    m = re.fullmatch(r"([ap])(\d+)", value)
    if not m:
        raise ApplicationError("请选择任务要加入的计划或行动", extra={"field": "action"})
    if m.group(1) == "p":
        return {"plan": get_plan_for_user(user, m.group(2), write=True), "action": None}
    action = Action.objects.filter(pk=int(m.group(2))).first()
    if action is None:
        raise NotFoundError("行动不存在")
    return {"plan": get_plan_for_user(user, action.plan_id, write=True), "action": action}


# ---------------------------------------------------------------- targets (indicators app)


LEVEL_WORDS = [(5, r"行政村|自然村|村|社区"), (4, r"镇|乡|街道|镇街|圩镇"), (3, r"县|区|县城")]


def target_deadline(item: DraftItem) -> str:
    """The Target's period id: "2025", "2025-12-31" → 2025; "2024-06" → 202406; none → the document year."""
    text = (item.deadline or "").strip()
    if not text:
        if item.document.year:
            return str(item.document.year)
        raise ApplicationError("请先为该目标填写期限", extra={"field": "deadline"})
    try:
        deadline = parse_deadline(text, year=item.document.year)
    except PeriodError as exc:
        raise ApplicationError(str(exc), extra={"field": "deadline"}) from None
    due = deadline.due if deadline else None
    if due is None:
        raise ApplicationError("期限须为具体年份或月份", extra={"field": "deadline"})
    return str(due.year) if (due.month, due.day) == (12, 31) else f"{due.year}{due.month:02d}"


def _stage(deadline: str) -> str:
    from bqw.indicators.models import Target

    year = int(deadline[:4])
    for stage in (Target.Stage.START, Target.Stage.EARLY, Target.Stage.VISIBLE):
        if year <= int(stage.value):
            return stage.value
    return Target.Stage.FUNDAMENTAL.value


def _indicator_code(name: str) -> str:
    import hashlib

    return "X" + hashlib.sha1(name.encode()).hexdigest()[:10].upper()


def indicator_candidates(item: DraftItem, limit: int = 5, level: int | None = None) -> list[Any]:
    """Existing indicators like the draft's, best first: by name, then the same unit, then the level
    the target will be set at (the scope level, else the document's region level)."""
    from bqw.indicators.models import Indicator

    pool = [i for i in Indicator.objects.only("id", "code", "name", "unit", "level")
            if not i.unit or not item.unit or i.unit == item.unit]
    named = rank_by_name(item.indicator, pool)
    if level is None:
        level = scope_level_of(item) or (item.document.region.level if item.document.region_id else None)

    def score(i: Any) -> float:
        return name_similarity(item.indicator, i.name) + 0.05 * (i.unit == item.unit) + 0.05 * (i.level == level)

    return sorted(named, key=score, reverse=True)[:limit]


def scope_level_of(item: DraftItem) -> int | None:
    """ "所有行政村", "每个镇", "各县(市、区)" in the subject or the quote: the target applies to every unit
    of that level under the chosen region."""
    for text in (item.subject or "", item.quote or ""):
        for lv, words in LEVEL_WORDS:
            if re.search(rf"(?:各|每个|每一个|所有|全部)(?:涉农)?(?:{words})", text):
                return lv
    return None


def duplicate_target(item: DraftItem, indicator: Any, region: Any, scope_level: int | None) -> Any:
    """An existing target the accept would repeat: same indicator, region, scope, deadline and comparator."""
    from bqw.indicators.models import Target

    if indicator is None or region is None:
        return None
    try:
        deadline = target_deadline(item)
    except ApplicationError:
        return None
    return Target.objects.filter(indicator=indicator, region=region, deadline=str(deadline),
                                 comparator=item.comparator, scope_level=scope_level).first()


def accept_target(*, actor: User, item: DraftItem, region: Any = None, indicator: Any = None,
                  scope_level: int | None = None, new_indicator: bool = False, **_: Any) -> Any:
    """Create the Target (indicators.services.target_ensure) for an accepted target draft.

    The indicator is the one chosen, else the most similar existing one, else a new indicator
    (indicators.services.indicator_ensure) named as the draft. The quote and document title go with it.
    """
    if not targets_enabled():
        raise ApplicationError(NOT_ENABLED)
    from bqw.indicators.models import Target
    from bqw.indicators.services import indicator_ensure, target_ensure

    if item.comparator in ("", Comparator.APPROX):  # a target is assessed against a bound, never "约"
        raise ApplicationError("目标的比较方式须为 ≥、>、=、≤ 或 <（“约”不能考核），请先编辑该条目",
                               extra={"field": "comparator"})
    if item.value is None:
        raise ApplicationError("目标需要填写数值", extra={"field": "value"})
    region = region or item.document.region
    if region is None:
        raise ApplicationError("请选择目标的范围（区划）", extra={"field": "region"})
    deadline = target_deadline(item)
    if indicator is None and not new_indicator:
        found = indicator_candidates(item, limit=1)
        indicator = found[0] if found else None
    if indicator is None:
        name = item.indicator.strip()[:100] or "未命名指标"
        indicator = indicator_ensure(actor=actor, code=_indicator_code(name), name=name, unit=item.unit,
                                     level=scope_level or region.level, periodicity="Y",
                                     rule="mean" if item.unit in ("%", "百分点") else "sum",
                                     direction="down" if Comparator(item.comparator).upward is False else "up")
    fields: dict[str, Any] = {"comparator": item.comparator, "stage": _stage(deadline),
                              "source_document": item.document.title[:200], "source_quote": item.quote}
    if scope_level:
        fields.update(scope=Target.Scope.LEVEL, scope_level=scope_level)
    title = f"{item.subject or region.name}{item.indicator}"[:200]
    return target_ensure(actor=actor, indicator=indicator, region=region, deadline=deadline, value=item.value,
                         title=title, **fields)


def _target_options(user: User, item: DraftItem) -> dict[str, Any]:
    from bqw.regions.models import Region

    doc_region = item.document.region
    regions = []
    if doc_region is not None:
        chain = [doc_region]
        while chain[0].parent_id and user.can_view(chain[0].parent):
            chain.insert(0, chain[0].parent)
        regions = chain + list(Region.objects.filter(parent=doc_region).order_by("code")[:200])
    elif user.view_scope is not None:
        regions = [user.view_scope]
    subject = (item.subject or "").split("各")[0]
    selected = next((r for r in regions if r.name == subject), doc_region)
    level = scope_level_of(item)
    candidates = indicator_candidates(item, level=level or (selected.level if selected else None))
    duplicate = duplicate_target(item, candidates[0] if candidates else None, selected, level)
    return {"enabled": True, "regions": regions, "selected_region": selected, "scope_level": level,
            "levels": [(3, "各县（市、区）"), (4, "各镇（街）"), (5, "各村（社区）")],
            "indicators": candidates, "duplicate": duplicate}


def _parse_target_form(user: User, item: DraftItem, data: Any) -> dict[str, Any]:
    from bqw.indicators.models import Indicator
    from bqw.regions.access import get_region_for_user

    code = str(data.get("region") or "")
    region = get_region_for_user(user, code) if code else item.document.region
    ind = str(data.get("indicator") or "")
    indicator = None
    if ind and ind != "new":
        indicator = Indicator.objects.filter(pk=int(ind) if ind.isdigit() else 0).first()
        if indicator is None:
            raise NotFoundError("指标不存在")
    level = str(data.get("scope_level") or "")
    return {"region": region, "indicator": indicator, "scope_level": int(level) if level.isdigit() else None,
            "new_indicator": ind == "new"}


# ---------------------------------------------------------------- the accept form


def accept_options(*, user: User, item: DraftItem) -> dict[str, Any]:
    """What the accept form offers for this item (indicators to match and a scope, or plans and actions)."""
    if item.kind == DraftItem.Kind.TASK:
        if not tasks_enabled():
            return {"enabled": False, "message": NOT_ENABLED}
        choices = _task_choices(user)
        return {"enabled": bool(choices), "actions": choices,
                "message": None if choices else "您没有可加入任务的计划（需为本级指挥部管理员）"}
    if not targets_enabled():
        return {"enabled": False, "message": NOT_ENABLED}
    if not (user.is_superuser or user.role == Role.ADMIN):
        return {"enabled": False, "message": "采纳为目标需要指挥部管理员权限（审核员可编辑、驳回）"}
    return _target_options(user, item)


def parse_accept_form(*, user: User, item: DraftItem, data: Any) -> dict[str, Any]:
    """The accept form's fields as options for `draft_item_accept`."""
    if item.kind == DraftItem.Kind.TASK:
        if not tasks_enabled():
            raise ApplicationError(NOT_ENABLED)
        return _parse_task_form(user, data)
    if not targets_enabled():
        raise ApplicationError(NOT_ENABLED)
    return _parse_target_form(user, item, data)
