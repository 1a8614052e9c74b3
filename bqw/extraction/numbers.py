"""Numbers as Chinese policy texts write them.

Policy prose mixes Arabic digits, Chinese numerals and multipliers in one token
("1.4万", "4000亿元", "百亿", "两百", "三分之一"), so every value has to be brought
to base units before two statements can be compared.  `cn2an` does the
numeral arithmetic; this module adds what it refuses: a bare leading
multiplier ("百亿" = 1×100×10^8), fractions and "百分之…" shares, and the unit
table that maps surface units to base units (万元 → 元 ×10^4, 公顷 → 亩 ×15).
"""

from __future__ import annotations

import re

import cn2an

CN_DIGITS = "零〇一二两三四五六七八九"
CN_MULT = "十百千万亿"
CN_NUM_CHARS = CN_DIGITS + CN_MULT

# One numeral token: Arabic (with optional decimals and thousands commas) plus
# optional Chinese multipliers, or a run of Chinese numeral characters.
NUM_RE = (
    r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?[十百千万亿]*"
    r"|[零〇一二两三四五六七八九十百千万亿]+"
)
FRACTION_RE = r"(?:百分之|[一二两三四五六七八九十\d]+分之)[零〇一二两三四五六七八九十百\d.]+"

# Surface unit -> (base unit, factor).  Longer units first so that the regex
# alternation prefers "平方公里" over "公里" and "亿元" over "亿".
UNITS: dict[str, tuple[str, float]] = {
    "个百分点": ("百分点", 1),
    "百分点": ("百分点", 1),
    "微克/立方米": ("微克/立方米", 1),  # air quality (PM2.5)
    "万元/亩": ("元/亩", 1e4),  # a per-亩 amount
    "元/亩": ("元/亩", 1),
    "亿美元": ("美元", 1e8),
    "万美元": ("美元", 1e4),
    "美元": ("美元", 1),
    "平方公里": ("平方公里", 1),
    "平方米": ("平方米", 1),
    "立方米": ("立方米", 1),
    "万亿元": ("元", 1e12),
    "亿元": ("元", 1e8),
    "万元": ("元", 1e4),
    "千元": ("元", 1e3),
    "元": ("元", 1),
    "公里": ("公里", 1),
    "千米": ("公里", 1),
    "公顷": ("亩", 15),
    "亩": ("亩", 1),
    "万吨": ("吨", 1e4),
    "吨": ("吨", 1),
    "公斤": ("公斤", 1),
    "%": ("%", 1),
    "％": ("%", 1),
    "人次": ("人次", 1),
    "批次": ("批次", 1),  # counting units with 次 are units of their own (GOLD.md)
    "户次": ("户次", 1),
    "场次": ("场次", 1),
    "架次": ("架次", 1),
    "斤": ("斤", 1),
    "头": ("头", 1),
    "只": ("只", 1),
    "例": ("例", 1),
    "门": ("门", 1),
    "棵": ("棵", 1),
    "艘": ("艘", 1),
    "盏": ("盏", 1),
    "成": ("%", 10),  # 四成 = 40 %
    "个": ("个", 1),
    "家": ("家", 1),
    "户": ("户", 1),
    "人": ("人", 1),
    "名": ("人", 1),
    "位": ("人", 1),
    "所": ("所", 1),
    "条": ("条", 1),
    "项": ("项", 1),
    "支": ("支", 1),
    "批": ("批", 1),
    "册": ("册", 1),
    "字": ("字", 1),
    "株": ("株", 1),
    "座": ("座", 1),
    "栋": ("栋", 1),
    "宗": ("宗", 1),
    "处": ("处", 1),
    "间": ("间", 1),
    "台": ("台", 1),
    "辆": ("辆", 1),
    "套": ("套", 1),
    "张": ("张", 1),
    "场": ("场", 1),
    "次": ("次", 1),
    "件": ("件", 1),
    "份": ("份", 1),
    "期": ("期", 1),
    "个工作日": ("工作日", 1),
    "工作日": ("工作日", 1),
    "起": ("起", 1),
    "床": ("床", 1),
    "倍": ("倍", 1),
    "级": ("级", 1),
    "度": ("度", 1),
    "个月": ("个月", 1),
    "岁": ("岁", 1),
    "分钟": ("分钟", 1),
    "小时": ("小时", 1),
    "天": ("天", 1),
    "年": ("年", 1),
    "米": ("米", 1),
}
UNIT_RE = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))


def parse_number(token: str) -> float | None:
    """Value of one numeral token, or None when it is not a number.

    Handles "1.4万", "4000亿", "一百", "两", "百亿", "1,062", "三分之一" (→ 33.33,
    a share in percent) and "百分之百" (→ 100).
    """
    token = token.strip().replace(",", "")
    if not token:
        return None
    if "分之" in token:
        return parse_fraction(token)
    # cn2an rejects a leading bare multiplier ("百亿", "万"): read it as one.
    if token[0] in CN_MULT and token[0] != "十":
        token = "一" + token
    try:
        value = cn2an.cn2an(token, "smart")
    except (ValueError, KeyError, IndexError):
        return _arabic_times_multipliers(token)
    return float(value)


def _arabic_times_multipliers(token: str) -> float | None:
    """Arabic part times the product of trailing multipliers ("3.2亿" style)."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([十百千万亿]*)", token)
    if not m:
        return None
    value = float(m.group(1))
    for ch in m.group(2):
        value *= {"十": 10, "百": 100, "千": 1000, "万": 1e4, "亿": 1e8}[ch]
    return value


def parse_fraction(token: str) -> float | None:
    """ "三分之一" → 33.33 and "百分之八十" → 80: shares expressed in percent."""
    den_s, _, num_s = token.partition("分之")
    num = parse_number(num_s)
    if den_s == "百":
        return num
    den = parse_number(den_s)
    if num is None or not den:
        return None
    return round(num / den * 100, 2)


def to_base(value: float, unit: str) -> tuple[float, str]:
    """Convert a value in a surface unit to its base unit ("亿元" → "元")."""
    base, factor = UNITS.get(unit, (unit, 1))
    return normalise(value * factor), base


def normalise(value: float) -> float | int:
    """Whole numbers as int, others rounded to absorb float noise (1.4*1e4)."""
    rounded = round(value, 6)
    if abs(rounded - round(rounded)) < 1e-9:
        return round(rounded)
    return rounded


def is_cn_numeral(token: str) -> bool:
    """True for tokens written only in Chinese numeral characters."""
    return bool(token) and all(ch in CN_NUM_CHARS for ch in token)
