"""The one comparator vocabulary: what targets, thresholds and extracted statements store, how it is shown
(≥ ≤ ≈), how it is tested in Python and in SQL.

The stored strings are those the models always stored (">=", ">", "=", "<=", "<", "approx"), so changing to
this definition needs no data migration. "approx" (约、左右) holds within APPROX_TOLERANCE of the value.
"""

from __future__ import annotations

from django.db import models

APPROX_TOLERANCE = 0.05  # 约 / 左右: within 5 % of the value (of 1 when the value is 0)
EPSILON = 1e-9  # float noise of rollups and annualised sums


class Comparator(models.TextChoices):
    GE = ">=", "≥ 不低于"
    GT = ">", "> 超过"
    EQ = "=", "= 等于"
    LE = "<=", "≤ 不高于"
    LT = "<", "< 低于"
    APPROX = "approx", "≈ 约"

    @property
    def symbol(self) -> str:
        """How offices write it: ≥ > = ≤ < ≈."""
        return self.label.split()[0]

    @property
    def upward(self) -> bool | None:
        """True when more is better (≥ >), False when less is (≤ <), None when neither says (= ≈)."""
        return {">=": True, ">": True, "<=": False, "<": False}.get(self.value)


def symbol(comparator: str) -> str:
    """The display symbol of a stored comparator ("" for blank)."""
    return Comparator(comparator).symbol if comparator else ""


def holds(a: float, b: float, comparator: str) -> bool:
    """Whether `a <comparator> b`: ≥ ≤ = with float tolerance, > < strict, ≈ within APPROX_TOLERANCE."""
    a, b = float(a), float(b)
    if comparator == Comparator.APPROX:
        return abs(a - b) <= APPROX_TOLERANCE * (abs(b) or 1) + EPSILON
    return {">=": a >= b - EPSILON, ">": a > b + EPSILON, "=": abs(a - b) <= EPSILON,
            "<=": a <= b + EPSILON, "<": a < b - EPSILON}[Comparator(comparator).value]


def sql_holds(value: str, comparator: str, threshold: str) -> str:
    """A SQL boolean: `value <comparator> threshold` where `comparator` is a column holding the stored string
    (SQLite and PostgreSQL). The same tests as `holds`, from the same definition."""
    ops = {Comparator.GE: ">=", Comparator.GT: ">", Comparator.EQ: "=", Comparator.LE: "<=", Comparator.LT: "<"}
    tests = [f"({comparator} = '{c.value}' AND {value} {op} {threshold})" for c, op in ops.items()]
    tests.append(f"({comparator} = '{Comparator.APPROX.value}' AND ABS({value} - {threshold}) <= "
                 f"{APPROX_TOLERANCE} * (CASE WHEN {threshold} = 0 THEN 1 ELSE ABS({threshold}) END))")
    return "(" + " OR ".join(tests) + ")"
