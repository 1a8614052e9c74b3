"""A headquarters' own catalog (issue 11): indicators it defines, validation rules between indicators, and targets
typed in a form (value as people write it: 3300亿, 8%, 1.4万) or imported from Excel. Each write one
transaction, scoped (an admin acts only inside its own region), audited."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from bqw.accounts.audit import audit_record, snapshot
from bqw.accounts.models import User
from bqw.accounts.scope import require_admin
from bqw.core.comparators import Comparator
from bqw.core.errors import ApplicationError, ConflictError, ForbiddenError
from bqw.core.periods import Period, PeriodError
from bqw.regions.models import Region

from .models import Indicator, Target, ValidationRule
from .services import INDICATOR_FIELDS, TARGET_FIELDS

CATALOG_FIELDS = [*INDICATOR_FIELDS, "integer", "description", "owner_id", "four_eyes"]
RULE_FIELDS = ["name", "region_id", "left", "operator", "right", "severity", "active"]
EDITABLE = ["name", "unit", "direction", "level", "periodicity", "rule", "temporal", "numerator", "denominator",
            "factor", "source", "comparator", "threshold", "min_value", "max_value", "integer", "description",
            "four_eyes"]
CODE = re.compile(r"[A-Za-z][A-Za-z0-9_]{1,59}")
MULTIPLIERS = {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8, "千": Decimal(1000), "百": Decimal(100)}


def _clean(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ApplicationError("；".join(exc.messages)) from None


# ---------------------------------------------------------------- amounts as people write them

def parse_amount(text: Any, unit: str = "") -> Decimal:
    """'3300亿' with unit 元 → 330000000000; '1.4万' with unit 户 → 14000; '8%' → 8; '3300亿元' with unit 亿元
    → 3300. Raises ApplicationError with a Chinese reason."""
    s = str(text if text is not None else "").strip().replace(",", "").replace("，", "").replace(" ", "")
    if not s:
        raise ApplicationError("请填写数值")
    raw = s
    unit = unit or ""
    for tail in sorted({unit, unit.lstrip("万亿千百"), "%", "％", "个百分点"}, key=len, reverse=True):
        if tail and s.endswith(tail) and s != tail:
            s = s[: -len(tail)]
            break
    mult = Decimal(1)
    while s and s[-1] in MULTIPLIERS:
        mult *= MULTIPLIERS[s[-1]]
        s = s[:-1]
    try:
        d = Decimal(s) * mult
    except InvalidOperation:
        raise ApplicationError(f"“{raw}”不是数值，可写作 3300亿、8%、1.4万") from None
    if not d.is_finite() or abs(d) >= Decimal(10) ** 17:
        raise ApplicationError(f"“{raw}”超出允许范围")
    if unit[:1] in MULTIPLIERS:  # the indicator counts in 万元/亿元: bring the typed amount to that unit
        d = d / MULTIPLIERS[unit[0]] if mult != 1 else d
    return d.normalize() if d == d.to_integral() else d


# ---------------------------------------------------------------- indicators

def _can_edit_indicator(actor: User, ind: Indicator) -> None:
    if actor.is_superuser:
        return
    if ind.owner_id is None:
        if actor.view_scope is not None and actor.view_scope.level == Region.Level.PROVINCE:
            require_admin(actor, actor.view_scope)
            return
        raise ForbiddenError("全省通用指标只能由省级管理员修改")
    require_admin(actor, ind.owner)


def _set_fields(ind: Indicator, fields: dict) -> None:
    for k, v in fields.items():
        if k not in EDITABLE:
            raise ApplicationError(f"不能修改字段：{k}")
        setattr(ind, k, v)
    if not (ind.name or "").strip():
        raise ApplicationError("请填写指标名称")
    if ind.min_value is not None and ind.max_value is not None and ind.min_value > ind.max_value:
        raise ApplicationError("允许最小值不能大于最大值")


@transaction.atomic
def indicator_create(*, actor: User, owner: Region, code: str, name: str, **fields: Any) -> Indicator:
    """A new indicator defined by the admin's headquarters (`owner`); 409 if the code is taken."""
    require_admin(actor, owner)
    code = (code or "").strip()
    if not CODE.fullmatch(code):
        raise ApplicationError("指标代码须以字母开头，只含字母、数字和下划线（2—60位），如 hs_sewage_done")
    if Indicator.objects.filter(code=code).exists():
        raise ConflictError(f"指标代码 {code} 已被使用")
    if Indicator.objects.filter(name=name.strip()).exists():
        raise ConflictError(f"已有同名指标：{name.strip()}")
    ind = Indicator(code=code, owner=owner, name=name.strip())
    _set_fields(ind, fields)
    _clean(ind)
    ind.save()
    audit_record(actor=actor, action="indicator.create", obj=ind, region=owner, after=snapshot(ind, CATALOG_FIELDS))
    return ind


@transaction.atomic
def indicator_update(*, actor: User, indicator: Indicator, **fields: Any) -> Indicator:
    """Edit an indicator (its code stays: values, targets and rules refer to it)."""
    _can_edit_indicator(actor, indicator)
    if "name" in fields and Indicator.objects.filter(name=fields["name"].strip()).exclude(pk=indicator.pk).exists():
        raise ConflictError(f"已有同名指标：{fields['name'].strip()}")
    before = snapshot(indicator, CATALOG_FIELDS)
    _set_fields(indicator, fields)
    _clean(indicator)
    indicator.save()
    audit_record(actor=actor, action="indicator.update", obj=indicator, region=indicator.owner, before=before,
                 after=snapshot(indicator, CATALOG_FIELDS))
    return indicator


# ---------------------------------------------------------------- validation rules

def _rule_parts(left: str, operator: str, right: str) -> tuple[str, str, list[Indicator]]:
    from .validation import REF, compile_expression

    if operator not in Comparator.values:
        raise ApplicationError(f"未知比较符：{operator}")
    used: list[Indicator] = []
    out = []
    for side, text in (("左侧", left), ("右侧", right)):
        try:
            _, inds = compile_expression(text)
        except ApplicationError as exc:
            raise ApplicationError(f"{side}表达式：{exc.message}") from None
        by_ref = {}
        for i in inds:
            by_ref[i.code] = i.code
            by_ref[i.name] = i.code
        # stored with codes, so renaming an indicator never breaks a rule
        out.append(REF.sub(lambda m, b=by_ref: "{" + b.get(m.group(1).strip(), m.group(1).strip()) + "}",
                           text.strip()))
        used += [i for i in inds if i.pk not in {u.pk for u in used}]
    if not used:
        raise ApplicationError("表达式须至少引用一个指标，写在花括号中，如 {自然村数}")
    return out[0], out[1], used


@transaction.atomic
def rule_create(*, actor: User, region: Region, name: str, left: str, operator: str, right: str,
                severity: str = ValidationRule.Severity.ERROR) -> ValidationRule:
    """A rule checked at entry for values of units inside `region` (an admin of that region)."""
    require_admin(actor, region)
    if not (name or "").strip():
        raise ApplicationError("请填写规则名称")
    if severity not in ValidationRule.Severity.values:
        raise ApplicationError(f"未知严重程度：{severity}")
    left_s, right_s, used = _rule_parts(left, operator, right)
    rule = ValidationRule.objects.create(name=name.strip()[:120], region=region, left=left_s, operator=operator,
                                         right=right_s, severity=severity, created_by=actor if actor.pk else None)
    rule.indicators.set(used)
    audit_record(actor=actor, action="rule.create", obj=rule, region=region, after=snapshot(rule, RULE_FIELDS))
    return rule


@transaction.atomic
def rule_update(*, actor: User, rule: ValidationRule, name: str, left: str, operator: str, right: str,
                severity: str, active: bool = True) -> ValidationRule:
    require_admin(actor, rule.region)
    if severity not in ValidationRule.Severity.values:
        raise ApplicationError(f"未知严重程度：{severity}")
    before = snapshot(rule, RULE_FIELDS)
    rule.left, rule.right, used = _rule_parts(left, operator, right)
    rule.name, rule.operator, rule.severity, rule.active = name.strip()[:120], operator, severity, active
    rule.save()
    rule.indicators.set(used)
    audit_record(actor=actor, action="rule.update", obj=rule, region=rule.region, before=before,
                 after=snapshot(rule, RULE_FIELDS))
    return rule


# ---------------------------------------------------------------- targets

@dataclass
class TargetInput:
    """A target as typed: the value as people write it; scope = one unit, a class of units, or every unit of a
    level below a region."""

    indicator: Indicator
    region: Region
    scope: str = Target.Scope.REGION
    scope_level: int | None = None
    class_scheme: str = ""
    class_value: str = ""
    class_year: int | None = None
    comparator: str = ">="
    value: str = ""
    deadline: str = ""
    stage: str = Target.Stage.EARLY
    baseline_value: str = ""
    baseline_period: str = "202301"
    source_document: str = ""
    source_quote: str = ""
    title: str = ""


def _period(text: str, label: str) -> str:
    try:
        return Period.parse(str(text).strip()).id
    except (PeriodError, ValueError):
        raise ApplicationError(f"{label}格式应为 2026、2026Q4 或 202612：{text}") from None


def build_target(data: TargetInput, target: Target | None = None) -> Target:
    """An unsaved Target from what was typed (used by the preview and by the services): Chinese errors."""
    t = target or Target()
    if data.scope not in Target.Scope.values:
        raise ApplicationError(f"未知范围：{data.scope}")
    if data.comparator not in Comparator.values:
        raise ApplicationError(f"未知比较符：{data.comparator}")
    t.indicator, t.region, t.scope, t.comparator = data.indicator, data.region, data.scope, data.comparator
    t.scope_level = None
    t.class_scheme = t.class_value = ""
    t.class_year = None
    if data.scope == Target.Scope.LEVEL:
        try:
            level = int(data.scope_level or 0)
        except (TypeError, ValueError):
            level = 0
        if not (data.region.level < level <= 5):
            raise ApplicationError(f"层级须在{data.region.name}之下")
        t.scope_level = level
    elif data.scope == Target.Scope.CLASS:
        if not (data.class_scheme.strip() and data.class_value.strip()):
            raise ApplicationError("分类范围须填写分类方案和类别，如 县域分类 / 创先类")
        t.class_scheme, t.class_value, t.class_year = data.class_scheme.strip(), data.class_value.strip(), \
            data.class_year
    t.value = parse_amount(data.value, data.indicator.unit)
    t.deadline = _period(data.deadline, "完成期限")
    t.baseline_period = _period(data.baseline_period or "202301", "基期")
    t.baseline_value = parse_amount(data.baseline_value, data.indicator.unit) if str(
        data.baseline_value or "").strip() else None
    if data.stage not in Target.Stage.values:
        raise ApplicationError(f"未知阶段：{data.stage}")
    t.stage = data.stage
    t.source_document, t.source_quote = data.source_document.strip()[:200], data.source_quote.strip()
    t.title = data.title.strip()[:200]
    try:
        t.full_clean(exclude=["indicator", "region", "benchmark"])
    except ValidationError as exc:
        raise ApplicationError("；".join(exc.messages)) from None
    return t


@transaction.atomic
def target_create(*, actor: User, data: TargetInput) -> Target:
    """A new target in the admin's region (never a duplicate of an existing one)."""
    require_admin(actor, data.region)
    t = build_target(data)
    dup = Target.objects.filter(indicator=t.indicator, region=t.region, scope=t.scope, deadline=t.deadline,
                                comparator=t.comparator, scope_level=t.scope_level, class_value=t.class_value,
                                kind=t.kind, archived=False)
    if dup.exists():
        raise ConflictError("已有相同的目标（同一指标、范围、比较符和期限）")
    t.save()
    audit_record(actor=actor, action="target.create", obj=t, region=t.region, after=snapshot(t, TARGET_FIELDS))
    return t


@transaction.atomic
def target_update(*, actor: User, target: Target, data: TargetInput) -> Target:
    """Edit a target; the audit row keeps what it was."""
    require_admin(actor, target.region)
    require_admin(actor, data.region)
    before = snapshot(target, TARGET_FIELDS)
    t = build_target(data, target)
    t.save()
    audit_record(actor=actor, action="target.update", obj=t, region=t.region, before=before,
                 after=snapshot(t, TARGET_FIELDS))
    return t


@transaction.atomic
def target_archive(*, actor: User, target: Target, archived: bool = True) -> Target:
    require_admin(actor, target.region)
    before = snapshot(target, [*TARGET_FIELDS, "archived"])
    target.archived = archived
    target.save(update_fields=["archived"])
    audit_record(actor=actor, action="target.archive" if archived else "target.restore", obj=target,
                 region=target.region, before=before, after=snapshot(target, [*TARGET_FIELDS, "archived"]))
    return target
