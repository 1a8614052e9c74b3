"""Quantities: the number+unit grammar of one clause and the comparator words around it.

``NUMBER [—/至 NUMBER] [余] UNIT [以上|以下|以内|左右|级]``; the filters that follow say why a
number-looking token is not a statement (codes, dates, articles, names, thresholds…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bqw.core.periods import YEAR_RE

from ..numbers import FRACTION_RE, NUM_RE, UNIT_RE, is_cn_numeral, parse_number, to_base
from .text import Span, inside

PRE_GE = ["不少于", "不低于", "至少", "不少"]
PRE_GE_TARGET = [
    "达到",
    "提升至",
    "提升到",
    "提高到",
    "提高至",
    "增加到",
    "增加至",
    "增长到",
    "增至",
    "扩大到",
    "扩大至",
    "达",
    "保障",
]
PRE_GT = ["超过", "突破", "超", "逾", "高于", "大于", "多于"]
PRE_LE = [
    "不超过",
    "不高于",
    "控制在",
    "低于",
    "少于",
    "压减至",
    "降至",
    "降低到",
    "下降到",
    "缩小至",
    "缩小到",
    "缩小为",
]
PRE_LT = ["不足", "不到"]
PRE_APPROX = ["长约", "约", "近", "大约"]
POST_COMPARATOR = {"以上": ">=", "及以上": ">=", "以下": "<=", "以内": "<=", "之内": "<=", "左右": "approx", "级": ">="}

# a change from a level to another: "从41%提高到63%", "由2.36:1缩小至2.30:1"
CHANGE_TO = r"(?:缩小|下降|降低|减少|提高|提升|增加|增长|扩大|上升|压减|降)(?:至|到|为)"
QTY_RE = re.compile(
    rf"(?P<num>{FRACTION_RE}|{NUM_RE})"
    rf"(?:\s*(?P<rsep>[—\-–~～至到])\s*(?P<num2>{NUM_RE}))?"
    rf"(?P<approx>余|多)?"
    rf"(?P<unit>{UNIT_RE})?"
    rf"(?P<post>及以上|以上|以下|以内|之内|左右|级(?!别))?"
)
ADMIN_NOUN = r"(?:行政村|自然村|县|市|区|镇|乡|村|街|社区|镇街)"
COUNT_UNITS = {
    "个",
    "家",
    "户",
    "人",
    "所",
    "条",
    "项",
    "支",
    "批",
    "册",
    "株",
    "座",
    "栋",
    "宗",
    "处",
    "间",
    "台",
    "辆",
    "套",
    "张",
    "场",
    "次",
    "起",
    "床",
    "人次",
    "户次",
    "场次",
    "批次",
    "头",
    "只",
    "例",
    "门",
    "棵",
    "艘",
    "盏",
    "件",
    "份",
    "期",
}
TIME_UNITS = {"分钟", "小时", "天"}
CN_COUNT_UNITS = {
    "个",
    "家",
    "所",
    "条",
    "项",
    "支",
    "批",
    "批次",
    "名",
    "人",
    "户",
    "倍",
    "个百分点",
    "百分点",
    "册",
    "成",
}
# head-counts written "N万 + noun" without 人: 1.2万居民, 3万群众, 5万参保人
PEOPLE_NOUN = r"(?:名|位)?(?:居民|群众|村民|农民|人口|游客|党员|参保人|劳动力|学生|患者|老人|职工|干部|市民|务工人员)"


@dataclass
class Quantity:
    """A quantity found in a clause, before the clause-level filters and before it becomes an Item."""

    value: float | int
    unit: str | None
    comparator: str
    start: int  # absolute offsets of the number phrase
    end: int
    money_qualifier: bool = False  # "1个超10亿元项目": a money threshold qualifying a counted noun
    admin_count: bool = False  # "11个镇": a count of administrative units
    whole_set: bool = False  # "全市112个行政村": the population, not the statement
    list_bound: bool = False  # the bound of a 分别 list, carried to this item
    baseline: int | None = None  # "从2.1:1缩小至1.9:1": the level before the change (its year, 0 if unstated, -1 上年)
    form: str = ""  # worded forms: "rank", "ordinal", "industry_count", "magnitude", "half", "double", …


PREFIX_COMPARATORS = sorted(
    [(w, "approx") for w in PRE_APPROX]
    + [(w, "<=") for w in PRE_LE]
    + [(w, "<") for w in PRE_LT]
    + [(w, ">=") for w in PRE_GE]
    + [(w, ">") for w in PRE_GT]
    + [(w, "target>=") for w in PRE_GE_TARGET],
    key=lambda wc: len(wc[0]),
    reverse=True,
)


def prefix_comparator(before: str, is_target: bool) -> str | None:
    """Comparator word right before the number; the longest word wins ("不低于" over "低于")."""
    b = re.sub(r"(力争|争取|确保|年均|平均|每年|全年)$", "", before)
    for w, comp in PREFIX_COMPARATORS:
        if b.endswith(w):
            if comp == "target>=":
                return ">=" if is_target else "="
            return comp
    # 至少 / 不少于 may stand before a verb phrase: "至少在西部县域…新开办1所学校"
    if re.search(r"(至少|不少于|不低于)[^，。；、\d]{0,24}$", before):
        return ">="  # "不低于本级财政支出5%"
    if re.search(r"(不超过|不高于)[^，。；、\d]{0,24}$", before):
        return "<="
    return None


def bare_magnitude(token: str) -> bool:
    """A numeral that is only a magnitude ("千", "百亿"): often part of a name ("千亩茶园")."""
    return bool(re.fullmatch(r"[百千万亿]+", token))


@dataclass
class NumberToken:
    """One match of the quantity grammar in its clause, with the words on either side."""

    match: re.Match
    clause: Span
    token: str
    unit: str  # surface unit; "%" for a bare fraction, "倍" for a bare ratio
    before: str
    after: str

    @property
    def chinese(self) -> bool:
        return is_cn_numeral(self.token)


def grammar_quantities(clause: Span, quotes: list[tuple[int, int]], is_target_hint: bool) -> list[Quantity]:
    """The quantities the number+unit grammar finds in one clause, before clause-level filtering."""
    found: list[Quantity] = []
    for m in QTY_RE.finditer(clause.text):
        tok = _number_token(m, clause)
        if tok is not None:
            found.extend(_quantities_of(tok, quotes, is_target_hint, found))
    return found


def _number_token(m: re.Match, clause: Span) -> NumberToken | None:
    """The token with its unit, or None for codes and unitless numbers ("1+6+3", "5G", "S270")."""
    before, after = clause.text[: m.start()], clause.text[m.end() :]
    prev_ch, next_ch = before[-1:], after[:1]
    unit, token = m.group("unit"), m.group("num")
    if prev_ch == "第" or prev_ch.isascii() and prev_ch.isalnum() or "+" in (prev_ch, next_ch):
        return None
    if prev_ch in ":：" and re.match(r"\d", before[-2:-1] or ""):
        return None  # the "1" of "2.1:1"
    if next_ch.isascii() and next_ch.isalpha() and not unit:
        return None
    if not unit and re.search(r"[万亿]$", token) and re.match(PEOPLE_NOUN, after):
        unit = "人"  # "惠及1.2万居民": a head-count
    if not unit and re.match(r"\s*[:：]\s*1(?![\d.])", after) and not re.match(r"[:：\d]", before[-1:] or " "):
        unit = "倍"  # "收入比缩小至1.9:1": a ratio to one
    if not unit and "分之" not in token:
        if not (
            re.search(r"倍差|收入比", before) and m.group("post")
            or re.search(r"倍差[^，。；]{0,4}$", before)
            or _changed_ratio(before, after)
        ):
            return None
        unit = "倍"  # "收入倍差控制在1.75以内", "收入比从上年的1.83缩小至1.79": a ratio
    return NumberToken(m, clause, token, unit or "%", before, after)


def _changed_ratio(before: str, after: str) -> bool:
    """A bare ratio in a change: "城乡居民收入比从上年的1.83缩小至1.79"."""
    return bool(
        re.search(r"(?:收入比|倍差)[^，。；\d]{0,8}$", before) and re.match(CHANGE_TO, after)
        or re.search(rf"(?:收入比|倍差)[^，。；]{{0,16}}{CHANGE_TO}$", before)
    )


def _quantities_of(
    tok: NumberToken, quotes: list[tuple[int, int]], is_target: bool, found: list[Quantity]
) -> list[Quantity]:
    """The quantity (two for a range) a number token states, or none when it states nothing."""
    m = tok.match
    if _is_date_or_vague(tok) or _read_by_rank_rules(tok) or _repeats_previous(tok, found):
        return []
    if (
        re.search(rf"(?:{UNIT_RE})\s*[—\-–~～]$", tok.before)
        and found
        and found[-1].end >= tok.clause.start + len(tok.before) - 3
    ):
        return []  # the upper end of "5.5%—6%", read with its lower end
    pre = prefix_comparator(tok.before, is_target)
    if _is_chinese_non_count(tok, pre, inside(tok.clause.start + m.start(), quotes)):
        return []
    value = parse_number(tok.token)
    if value is None:
        return []
    base_val, base_unit = to_base(value, tok.unit)
    comp = _comparator(tok, base_unit, pre)
    if bare_magnitude(tok.token) and base_unit != "人" and pre not in (">", ">=", "approx") and comp is None:
        return []  # "千亩茶园": a name, not a quantity
    if comp is None and tok.unit in TIME_UNITS and is_target:
        comp = "<="  # "30分钟上高速": a travel-time limit
    if base_unit == "岁" and re.match(r"的|(?:老人|老年人|人口|居民|儿童|人员|妇女|群众|村民|青年|干部)", tok.after):
        return []  # "为60岁以上老人购买保险", "35岁以下的比例": an age defining a group, not a statement
    base_unit, comp = _limits_and_rates(tok, base_unit, comp)
    streak = re.search(r"(?:连续|延长|延期|已连续)$", tok.before)  # "连续39年": a streak in years
    if tok.unit == "年" and comp not in (">=", "<=", ">") and not m.group("num2") and not streak:
        return []  # "三年行动", "五年显著变化": durations in names, not quantities
    if tok.unit == "位" and re.search(r"(?:前移|后移|上升|下降|前进|进位)$", tok.before):
        base_unit = "名"  # "较上年前移6位": a move in a ranking
    if base_unit == "个" and re.match(r"[^，。；的]{0,16}?(?:公司|企业)(?=的|[，。；]|$)", tok.after):
        base_unit = "家"
    a = tok.clause.start + m.start()
    b = tok.clause.start + m.end() - (1 if m.group("post") == "级" and base_unit != "元" else 0)
    if m.group("num2"):
        return _range(tok, base_val, base_unit, a, b)
    upper = re.match(rf"\s*[—\-–~～]\s*({NUM_RE}){re.escape(m.group('unit') or '%')}", tok.after)
    if upper and m.group("unit"):
        hi = parse_number(upper.group(1))
        if hi is not None:  # "5.5%—6%": a range with the unit on both ends
            hi_base, _ = to_base(hi, tok.unit)
            end = b + upper.end()
            return [Quantity(base_val, base_unit, ">=", a, end), Quantity(hi_base, base_unit, "<=", a, end)]
    admin_count = base_unit == "个" and bool(re.match(ADMIN_NOUN, tok.after))
    base = re.search(rf"(?:从|由)(?:({YEAR_RE})\s*年(?:底|末)?的?|(上年|去年|上一年)(?:同期)?的?)?$", tok.before)
    if base and re.match(rf"(?:[:：]1)?{CHANGE_TO}", tok.after):
        # the year stated; -1 for "由上年的" (the year before the fact's own year); 0 when unstated
        return [Quantity(base_val, base_unit, "=", a, b, baseline=int(base[1]) if base[1] else -1 if base[2] else 0)]
    return [
        Quantity(
            base_val,
            base_unit,
            comp or "=",
            a,
            b,
            money_qualifier=base_unit == "元" and _qualifies_noun(tok.after),
            admin_count=admin_count,
            whole_set=admin_count and _names_whole_set(tok.before),
        )
    ]


def _limits_and_rates(tok: NumberToken, base_unit: str, comp: str | None) -> tuple[str, str | None]:
    """ "发现后3个月内完成": a time limit; "亩均财政投入不低于3000元": a per-亩 amount."""
    if comp is None and base_unit in (*TIME_UNITS, "个月", "工作日") and re.match(r"内", tok.after):
        comp = "<="
    if base_unit == "元" and re.search(r"亩均[^，。；\d]{0,12}$", tok.before):
        base_unit = "元/亩"
    return base_unit, comp


def _range(tok: NumberToken, low: float | int, base_unit: str, a: int, b: int) -> list[Quantity]:
    """N—M: a lower and an upper bound with one quote."""
    high = parse_number(tok.match.group("num2"))
    if high is None:
        return []
    high_base, _ = to_base(high, tok.unit)
    return [Quantity(low, base_unit, ">=", a, b), Quantity(high_base, base_unit, "<=", a, b)]


def _is_date_or_vague(tok: NumberToken) -> bool:
    """Years, dates, vague counts, award ceilings, per-capita denominators and village sizes."""
    unit, before, after, m = tok.unit, tok.before, tok.after, tok.match
    return bool(
        re.fullmatch(YEAR_RE, tok.token)
        and unit == "年"
        or re.match(r"[月日号]", after)
        or re.match(r"[月日号]", unit)
        or m.group("approx") == "多"
        and not re.search(r"(?:达|达到|累计|共|有|超|引进|建成|培育|为|各类[^，。；]{0,6})$", before)
        and not re.search(r"[万亿千百]", m.group("unit") or "")  # "140多个" bare: a vague background count
        or re.search(r"最高(?:可)?(?:获得|奖励|补贴|补助|给予)?$", before)  # a ceiling on an award
        or before.endswith("每")
        and bare_magnitude(tok.token)  # "每千名老年人": a per-capita denominator
        # "20户以上自然村": the size of the villages meant, not a statement
        or unit in ("户", "人")
        and m.group("post")
        and re.match(r"的?(?:自然村|行政村|村|镇|社区|小区)", after)
    )


def _read_by_rank_rules(tok: NumberToken) -> bool:
    """ "排名第3位", "进入全省前20名": a place in a ranking, read by the rank rules."""
    return tok.unit in ("位", "名") and bool(
        re.search(r"(排名|位列|位居|居)[^，。；\d]{0,6}$", tok.before) or tok.before.endswith("前")
    )


def _repeats_previous(tok: NumberToken, found: list[Quantity]) -> bool:
    """ "10000公顷(15万亩)": the same quantity in another unit."""
    return tok.before.endswith(("(", "（")) and bool(found) and found[-1].end == tok.clause.start + len(tok.before) - 1


def _is_chinese_non_count(tok: NumberToken, pre: str | None, quoted: bool) -> bool:
    """Chinese numerals that name rather than count: in quoted names, "四套班子", an article "一",
    a count closing a list of names ("A、B、C三条通道")."""
    if not tok.chinese:
        return False
    return bool(
        quoted
        or not bare_magnitude(tok.token)
        and tok.unit not in CN_COUNT_UNITS
        and pre is None
        or tok.token == "一"
        and pre is None
        and not re.search(r"新增$", tok.before)
        and tok.unit not in ("个百分点", "百分点", "倍")
        or re.search(r"[、”]$|、", tok.before)
        and tok.unit in COUNT_UNITS  # "A、B、C三条通道", "“甲”“乙”三项工程": the count restates the list
        or tok.unit == "级"
        and bool(re.match(r"(?:医院|甲等|乙等|综合)", tok.after))  # "三级医院": a grade in a name
        or bool(re.match(FRAMING_NOUN, tok.after))  # "三个抓手", "两个阶段目标": how a text is framed
    )


FRAMING_NOUN = r"(?:抓手|阶段|方面|原则|环节|步骤|层面|维度|路径|着力点|突破口)"


def _comparator(tok: NumberToken, base_unit: str, pre: str | None) -> str | None:
    """Comparator from the word after the number (以上, 左右, 级), else before it; 余 means more than."""
    m = tok.match
    post = m.group("post")
    if post == "级" and base_unit != "元":
        post = None  # "5级": a grade, not a magnitude class
    comp = POST_COMPARATOR.get(post) if post else None
    if comp is None and tok.unit == "度":
        mm = re.match(r"[\u4e00-\u9fff](以下|以上)", tok.after)
        if mm:
            comp = POST_COMPARATOR[mm.group(1)]
    if comp is None:
        comp = pre
    if m.group("approx") in ("余", "多"):
        comp = ">"  # "2300余所", "2000多个": more than
    if comp is None and "分之" in tok.token and not tok.token.startswith("百分之"):
        comp = "approx"
    if comp is None and bare_magnitude(tok.token) and base_unit == "人":
        comp = "approx"  # "百名硕博人才"
    return comp


def _qualifies_noun(after: str) -> bool:
    """A money amount followed by a noun qualifies it ("超10亿元项目") rather than being the statement."""
    return (
        after[:1] == "的"
        or bool(re.match(r"[\u4e00-\u9fff]", after[:1]))
        and not re.match(r"(大关|规模|左右|以上|以下)", after)
    )


def _names_whole_set(before: str) -> bool:
    """ "全市112个行政村…": an admin-unit count of the whole set is the population."""
    return bool(
        re.search(r"(全市|全区|全县|全省|全域)[、，]?$", before)
        or re.search(r"(全市|全区|全县|全省)[^，。；]*、[^，。；]*$", before)
    )


# ---------------------------------------------------------------- clause-level filters


def filter_clause(quantities: list[Quantity], clause: Span) -> list[Quantity]:
    """Clause-level rules: thresholds and scope counts yield to the statement they qualify."""
    qs = quantities
    if len(qs) > 1:
        qs = [q for q in qs if q.form != "industry_count"]  # "六大X产值超800亿元": the count only names the set
    if any(q.unit == "%" and not q.form for q in qs):
        qs = [q for q in qs if q.form != "cover"]  # "80%以上的县城实现…全覆盖": 全覆盖 is what the share reaches
    _share_list_bound(qs, clause)
    if any(q.unit != "元" for q in qs):
        qs = [q for q in qs if not (q.unit == "元" and (q.money_qualifier or q.comparator in (">", ">=")))]
    if any(q.form == "zero" and q.unit == "个" for q in qs):
        qs = [q for q in qs if not (q.unit == "元" and q.comparator in ("<=", "<"))]  # "10万元以下的村清零"
    qs = [q for i, q in enumerate(qs) if not _threshold_of_count(qs[:i], q, clause)]
    out = []
    for i, q in enumerate(qs):
        if q.whole_set:
            continue  # "全市112个行政村…": the population, not the statement
        if q.admin_count and i + 1 < len(qs) and _scopes_next(clause, q, qs[i + 1]):
            continue  # "在11个镇(街)优选22个村": the scope of the next count
        out.append(q)
    return out


BELOW_WORDS = r"(?<!不)(?:低于|少于)|未达到|未达|达不到|不足|不到"


def _threshold_of_count(before: list[Quantity], q: Quantity, clause: Span) -> bool:
    """ "仍有3个村集体经济收入未达到20万元": the count of units below a threshold is the statement;
    the threshold only defines them."""
    counts = [p for p in before if p.unit in COUNT_UNITS and not p.form]
    if not counts:
        return False
    between = clause.text[counts[-1].end - clause.start : q.start - clause.start]
    return bool(re.search(f"(?:{BELOW_WORDS})$", between)) and not re.search(r"[，,；;]", between)


def _share_list_bound(qs: list[Quantity], clause: Span) -> None:
    """ "分别达到3万人、2.5万人、2万人" / "分别为5个、3个以上": the list's bound holds for every item."""
    plain = [q for q in qs if not q.form and "分别" in clause.text[: q.start - clause.start]]
    if len(plain) < 2:
        return
    bound = next((q.comparator for q in (plain[0], plain[-1]) if q.comparator in (">=", ">", "<=", "<")), None)
    if bound:
        for q in plain:
            if q.comparator == "=":
                q.comparator = bound
                q.list_bound = True


def _scopes_next(clause: Span, q: Quantity, nxt: Quantity) -> bool:
    between = clause.text[q.end - clause.start : nxt.start - clause.start]
    return not between.rstrip().endswith(("、", "和", "及", "与")) and not between.endswith("入选")
