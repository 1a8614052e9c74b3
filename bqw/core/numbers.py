"""Numbers as offices write them — the one formatter for pages, exports and messages.

1300亿元 (not 130000000000元), 12.5万元, 76.0%, 1337户 (a count has no decimals), changes of a rate in
个百分点, 是/否 for yes/no indicators."""

from __future__ import annotations

from decimal import Decimal

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


def fmt_gap(v: Number, unit: str = "") -> str:
    """The size of a gap: 6.4 个百分点 for rates, 120 万元, 3户."""
    v = abs(float(v))
    if unit == "%":
        return f"{v:.1f} 个百分点"
    return fmt(v, unit).replace("亿元", " 亿元").replace("万元", " 万元")


def negligible(v: Number, unit: str = "") -> bool:
    """Whether a gap would print as zero (so "落后 0.0" is never written)."""
    return not any(c in "123456789" for c in fmt_gap(v, unit))


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
