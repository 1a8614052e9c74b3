"""The one check that a number fits the columns it is stored in, so no value path ends in a 500 or a silent change.

Values are stored in `DecimalField(24, 6)`: at most 18 digits before the point and 6 after. A number is also
held to 15 significant digits — what Excel keeps and what SQLite stores exactly — so the value the platform
echoes back is the value it stored, on both databases.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

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
