"""Numbers: how offices write them (the one formatter for pages, exports and messages) and how they are stored
(the one check that a number fits its column).

Formatting: 1300亿元 (not 130000000000元), 12.5万元, 76.0%, 1337户 (a count has no decimals), changes of a rate in
个百分点, 是/否 for yes/no indicators.

Storing: values are kept in `DecimalField(24, 6)`: at most 18 digits before the point and 6 after. A number is also
held to 15 significant digits — what Excel keeps and what SQLite stores exactly — so the value the platform
echoes back is the value it stored, on both databases.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from functools import lru_cache
from typing import Any

Number = float | int | Decimal



def _trim(x: float, digits: int) -> str:
    s = f"{x:.{digits}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def fmt(v: Number | None, unit: str = "", *, yes_no: bool = False) -> str:
    """A value with its unit: 76.0%、1300亿元、12.5万元、1337户、是/否."""
    if v is None:
        return "—"
    v = float(v)
    if yes_no:
        return "是" if v >= 0.5 else "否"
    if unit == "%":
        return f"{v:.1f}%"
    if unit.endswith("元") and unit != "元":  # 万元 already carries its scale
        return f"{_trim(v, 2)}{unit}"
    if abs(v) >= 1e8 and (unit == "元" or abs(v) >= 1e9):
        return f"{_trim(v / 1e8, 2)}亿{unit}"
    if abs(v) >= 1e4 and (unit == "元" or abs(v) >= 1e6):
        return f"{_trim(v / 1e4, 2)}万{unit}"
    if v == int(v):
        return f"{int(v)}{unit}"
    return f"{_trim(v, 2)}{unit}"


def cell_number(v: Number | None, unit: str = "") -> float | int | None:
    """A value for a numeric workbook cell (charts, sums): rounded as `fmt` shows it — 1 decimal for a rate, 2
    otherwise — so a share of 70.50359712230215 is written 70.5, not with its float tail."""
    if v is None:
        return None
    v = round(float(v), 1 if unit == "%" else 2)
    return int(v) if v == int(v) else v


def fmt_gap(v: Number, unit: str = "") -> str:
    """The size of a gap: 6.4 个百分点 for rates, 120 万元, 3户."""
    v = abs(float(v))
    if unit == "%":
        return f"{v:.1f} 个百分点"
    return fmt(v, unit).replace("亿元", " 亿元").replace("万元", " 万元")


def negligible(v: Number, unit: str = "") -> bool:
    """Whether a gap would print as zero (so "落后 0.0" is never written)."""
    return not any(c in "123456789" for c in fmt_gap(v, unit))


@lru_cache(maxsize=64)
def negligible_below(unit: str = "") -> float:
    """The size from which a gap is no longer `negligible` (|gap| < this ⇔ negligible): the same rule as a
    number for SQL (the set-based status evaluation), found from `negligible` itself by bisection."""
    lo, hi = 0.0, 1.0
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if negligible(mid, unit) else (lo, mid)
    return hi


def fmt_change(now: Number | None, before: Number | None, unit: str = "") -> str:
    """The change from `before` to `now`: ±N 个百分点 for a rate, ±N% otherwise ("—" without a base)."""
    if now is None or before is None:
        return "—"
    now, before = float(now), float(before)
    if unit == "%":
        d = now - before
        return f"{d:+.1f} 个百分点"
    if before == 0:
        return "—"
    return f"{(now / before - 1) * 100:+.1f}%"


def fmt_unreviewed(n: int | None) -> str:
    """The mark beside a total that includes values not yet approved: 含未审核 3 项 ("" when there are none)."""
    return f"含未审核 {int(n)} 项" if n else ""


MAX_DIGITS = 24
DECIMAL_PLACES = 6
SIGNIFICANT_DIGITS = 15
MAX_TEXT = 100  # longer "numbers" are refused before Decimal() is asked to read them


def to_decimal(value: Any) -> Decimal:
    """Read a number as written (1,234.5, 12.5%, a float from Excel); ValueError with a Chinese reason."""
    if isinstance(value, bool):
        raise ValueError(f"“{value}”不是数字")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, float):
        d = Decimal(repr(value))
    elif isinstance(value, int):
        d = Decimal(value)
    else:
        s = str(value).strip().replace(",", "").replace("，", "")
        if s.endswith("%"):
            s = s[:-1]
        shown = s if len(s) <= 20 else s[:20] + "…"
        if len(s) > MAX_TEXT:
            raise ValueError(f"“{shown}”过长，不是有效数字")
        try:
            d = Decimal(s)
        except InvalidOperation:
            raise ValueError(f"“{shown}”不是数字") from None
    if not d.is_finite():
        raise ValueError(f"“{value}”不是有限数字")
    return d


def fit_decimal(value: Any, *, max_digits: int = MAX_DIGITS, decimal_places: int = DECIMAL_PLACES) -> Decimal:
    """The number as it will be stored: rounded to `decimal_places`, refused (ValueError, in Chinese) when it
    is too large, too small to keep, or longer than 15 significant digits."""
    d = to_decimal(value)
    if d and d.adjusted() >= max_digits - decimal_places:  # by the exponent: 1e999999999 overflows arithmetic
        raise ValueError(f"数值超出范围：绝对值须小于 1{'0' * (max_digits - decimal_places)}")
    if d and d.adjusted() < -decimal_places - 1:  # 1e-30: rounds to nothing
        raise ValueError(f"数值过小：最多保留{decimal_places}位小数")
    with localcontext() as ctx:
        ctx.prec = max_digits + 2
        q = d.quantize(Decimal(1).scaleb(-decimal_places), rounding=ROUND_HALF_UP)
    if q == 0 and d != 0:
        raise ValueError(f"数值过小：最多保留{decimal_places}位小数")
    if len(q.normalize().as_tuple().digits) > SIGNIFICANT_DIGITS:
        raise ValueError(f"数值精度过高：有效数字最多{SIGNIFICANT_DIGITS}位（与 Excel 一致）")
    if q == q.to_integral_value():
        return q.quantize(Decimal(1)) + 0  # + 0: no negative zero
    return q.normalize()  # 12.5, not 12.500000 (the same number, as the user wrote it)
