"""Validation rules between indicators (issue 11, DHIS2-style): parse an expression once, evaluate it on a unit's
values of one period, and check every rule a write touches inside the same transaction as the write.

An expression is indicators in braces — {自然村数} or {v_villages} — with numbers, + − × ÷ and parentheses.
A rule is evaluated only when every indicator it names has a value for that unit and period (a half-filled form
is not judged on what is missing). An error rule rejects the write with a Chinese message naming the
indicators; a warning rule is shown in review.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import connection
from django.db.models import Q

from bqw.core.comparators import holds, symbol
from bqw.core.errors import ApplicationError
from bqw.regions.models import Region

from .models import DataValue, Indicator, ValidationRule

REF = re.compile(r"\{([^{}]+)\}")
_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd,
            ast.Constant, ast.Name, ast.Load)


@dataclass(frozen=True)
class Compiled:
    """An expression with its indicator references replaced by names v<id>."""

    text: str
    tree: ast.Expression
    ids: tuple[int, ...]


def _find_indicator(ref: str) -> Indicator:
    ref = ref.strip()
    hit = Indicator.objects.filter(code=ref).first()
    if hit is None:
        names = list(Indicator.objects.filter(name=ref)[:2])
        if len(names) > 1:
            raise ApplicationError(f"指标名称“{ref}”不唯一，请改用指标代码")
        hit = names[0] if names else None
    if hit is None:
        raise ApplicationError(f"表达式中的指标“{ref}”不存在")
    return hit


def compile_expression(text: str, *, require_ref: bool = False) -> tuple[Compiled, list[Indicator]]:
    """Check an expression as typed (Chinese errors) and return it with the indicators it uses."""
    text = (text or "").strip().replace("×", "*").replace("÷", "/").replace("－", "-").replace("＋", "+")
    if not text:
        raise ApplicationError("表达式不能为空")
    used: list[Indicator] = []

    def sub(m: re.Match) -> str:
        ind = _find_indicator(m.group(1))
        if ind.pk not in {i.pk for i in used}:
            used.append(ind)
        return f"v{ind.pk}"

    py = REF.sub(sub, text)
    if not used and require_ref:
        raise ApplicationError("表达式须至少引用一个指标，写在花括号中，如 {自然村数}")
    try:
        tree = ast.parse(py, mode="eval")
    except SyntaxError:
        raise ApplicationError(f"表达式无法识别：{text}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED) or (isinstance(node, ast.Constant)
                                              and not isinstance(node.value, (int, float))):
            raise ApplicationError(f"表达式只能包含指标、数字和 + - * / 括号：{text}")
        if isinstance(node, ast.Name) and not re.fullmatch(r"v\d+", node.id):
            raise ApplicationError(f"表达式中的“{node.id}”须写在花括号中，如 {{{node.id}}}")
    return Compiled(text, tree, tuple(i.pk for i in used)), used


def _eval(node: ast.AST, values: dict[int, Decimal]) -> Decimal:
    if isinstance(node, ast.Expression):
        return _eval(node.body, values)
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        return values[int(node.id[1:])]
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, values)
        return -v if isinstance(node.op, ast.USub) else v
    a, b = _eval(node.left, values), _eval(node.right, values)
    if isinstance(node.op, ast.Add):
        return a + b
    if isinstance(node.op, ast.Sub):
        return a - b
    if isinstance(node.op, ast.Mult):
        return a * b
    if b == 0:
        raise ZeroDivisionError
    return a / b


def evaluate(rule: ValidationRule, values: dict[int, Decimal]) -> tuple[bool, Decimal, Decimal] | None:
    """(passes, left, right) or None when a value it needs is missing (or a division by zero)."""
    by_code = {i.code: i.pk for i in rule.indicators.all()}
    left, right = _bind(rule.left, by_code), _bind(rule.right, by_code)
    if left is None or right is None:
        return None
    if any(i not in values for i in (*left.ids, *right.ids)):
        return None
    try:
        lv, rv = _eval(left.tree, values), _eval(right.tree, values)
    except (ZeroDivisionError, InvalidOperation):
        return None
    return holds(lv, rv, rule.operator), lv, rv


def _bind(text: str, by_code: dict[str, int]) -> Compiled | None:
    """A stored expression (indicators as {code}) bound to the rule's indicators without a query; None if it
    names an indicator the rule no longer has."""
    ids: list[int] = []

    def sub(m: re.Match) -> str:
        pk = by_code.get(m.group(1).strip())
        if pk is None:
            raise KeyError(m.group(1))
        ids.append(pk)
        return f"v{pk}"

    try:
        return Compiled(text, ast.parse(REF.sub(sub, text), mode="eval"), tuple(ids))
    except (KeyError, SyntaxError):
        return None


def _num(d: Decimal) -> str:
    from .status import fmt

    try:
        return fmt(float(d), "")
    except Exception:  # noqa: BLE001 - a formatter failure must not hide the rule message
        return f"{d.normalize():f}"


def describe(rule: ValidationRule) -> str:
    """The rule as offices read it: 已完成污水治理自然村数 ≤ 自然村数."""
    names = {i.code: i.name for i in rule.indicators.all()}

    def readable(text: str) -> str:
        return REF.sub(lambda m: names.get(m.group(1).strip(), m.group(1)), text)

    return f"{readable(rule.left)} {symbol(rule.operator)} {readable(rule.right)}"


@dataclass
class Violation:
    rule: ValidationRule
    region: Region
    period: str
    left: Decimal
    right: Decimal

    @property
    def message(self) -> str:
        return (f"{self.region.name}：不符合校验规则“{self.rule.name}”（{describe(self.rule)}）："
                f"左侧 {_num(self.left)}，右侧 {_num(self.right)}")

    @property
    def is_error(self) -> bool:
        return self.rule.severity == ValidationRule.Severity.ERROR


def rules_for(indicator_ids: Iterable[int]) -> list[ValidationRule]:
    """The active rules naming any of these indicators. Every value write asks (check_written, inside its
    transaction — on SQLite, inside the write lock), and most forms touch no rule: one plain statement answers
    that before the ORM query that loads the rules."""
    ids = sorted(set(indicator_ids))
    if not ids:
        return []
    links = ValidationRule.indicators.through._meta
    rule, indicator = links.get_field("validationrule").column, links.get_field("indicator").column
    with connection.cursor() as cur:
        cur.execute(f"SELECT l.{rule} FROM {links.db_table} l JOIN {ValidationRule._meta.db_table} r "
                    f"ON r.id = l.{rule} WHERE r.active = %s AND l.{indicator} IN ({','.join(['%s'] * len(ids))})",
                    [True, *ids])
        rule_ids = {row[0] for row in cur.fetchall()}
    if not rule_ids:
        return []
    return list(ValidationRule.objects.filter(id__in=rule_ids).select_related("region")
                .prefetch_related("indicators"))


def violations(keys: Iterable[tuple[Region, str]], indicator_ids: Iterable[int],
               rules: list[ValidationRule] | None = None) -> list[Violation]:
    """Every active rule touching these indicators, evaluated for each (unit, period) with the stored values."""
    keys = list({(r.pk, p): (r, p) for r, p in keys}.values())
    rules = rules_for(indicator_ids) if rules is None else rules
    if not rules or not keys:
        return []
    needed = {i.pk for rule in rules for i in rule.indicators.all()}
    q = Q()
    for region, period in keys:
        q |= Q(region_id=region.pk, period=period)
    values: dict[tuple[int, str], dict[int, Decimal]] = {}
    for rid, period, iid, v in DataValue.objects.filter(q, indicator_id__in=needed).values_list(
            "region_id", "period", "indicator_id", "value"):
        values.setdefault((rid, period), {})[iid] = v
    out = []
    for region, period in keys:
        have = values.get((region.pk, period), {})
        for rule in rules:
            if not rule.region.contains(region):
                continue
            result = evaluate(rule, have)
            if result is not None and not result[0]:
                out.append(Violation(rule, region, period, result[1], result[2]))
    return out


def check_written(values: list[DataValue]) -> None:
    """Called by the value-writing path after its rows are written, inside its transaction: any error rule now
    broken rejects the whole write (the caller's transaction rolls back)."""
    if not values:
        return
    errors = [v for v in violations([(dv.region, dv.period) for dv in values], {dv.indicator_id for dv in values})
              if v.is_error]
    if errors:
        first = errors[0]
        written = {dv.indicator_id: dv.indicator.code for dv in values}
        # name one indicator of the rule the write touched, so a form shows the error beside that field
        code = next((written[i.pk] for i in first.rule.indicators.all() if i.pk in written), None)
        extra = {"field": "value", "rule": first.rule.name, "violations": [e.message for e in errors]}
        if code:
            extra["indicator"] = code
        raise ApplicationError(first.message + (f"（另有 {len(errors) - 1} 处）" if len(errors) > 1 else ""),
                               extra=extra)


def review_violations(queue: list[DataValue]) -> list[Violation]:
    """Rules (errors and warnings) broken by the values waiting for review, for the review page."""
    return violations([(dv.region, dv.period) for dv in queue], {dv.indicator_id for dv in queue})
