"""Rule-based extraction of quantitative statements and tasks from policy prose.

The text is cut into paragraphs, sentences (。！？) and clauses (，；：).  In each
clause a number+unit grammar finds quantities; words around the quantity give
the comparator, the clause and sentence give the kind (target or achieved) and
the deadline, and the document heading gives defaults.  No rule names a
particular document: everything keys on general wording of the genre.

Word → comparator mapping (see also docs/EXTRACTION.md):

| words (before / after the number)                    | comparator | note |
|------------------------------------------------------|------------|------|
| 以上, 及以上, 不少于, 不低于, 至少, 不少                | >=         | |
| 达到, 达, 提升至/到, 提高到/至, 增加到/至, 增长到,       | >=         | targets; facts "=" |
| 扩大到/至, 保障 (bare 稳定在/保持在 stay "=")          |            | |
| 超, 超过, 突破, 余 (2300余所), 逾                      | >          | |
| 以内, 之内, 以下, 不超过, 控制在; ranks X强/百强/前N位  | <=         | ranks take unit 名 |
| 约, 长约, 左右, 百名 (bare magnitude of people), N分之M | approx     | 一半 too |
| bare number                                          | =          | |
| 全覆盖; 全部/所有 (clause without another number)       | = 100 %    | |
| 零X (零填埋), 全面消除, 清零                           | = 0        | …的村 → 个, else % |
| 翻一番 / 翻两番                                      | = 2 / 4 倍  | |
| N—M / N至M (ranges)                                  | >= N, <= M | two items, one quote |
| 力争, 争取, 确保                                       | unchanged  | intent, not a bound |
"""

from __future__ import annotations

import csv
import gzip
import logging
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from .numbers import FRACTION_RE, NUM_RE, UNIT_RE, UNITS, is_cn_numeral, normalise, parse_number, to_base


@dataclass
class Item:
    """One quantitative statement found in a text."""

    kind: str
    subject: str | None
    indicator: str
    comparator: str
    value: float | int
    unit: str | None
    deadline: int | str | None
    quote: str
    start: int
    end: int

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class TaskDraft:
    """A sentence that assigns work, with any lead unit and deadline found."""

    content: str
    lead_units: list[str] = field(default_factory=list)
    deadline_text: str | None = None
    quote: str = ""
    start: int = 0
    end: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- segmentation

SENT_END = "。！？!?"
CLAUSE_END = "，,；;：:"
YEAR_RE = r"(?:19|20)\d{2}"


@dataclass
class Span:
    text: str
    start: int
    end: int


def split_spans(text: str, start: int, end: int, seps: str) -> list[Span]:
    """Cut text[start:end] after each separator, keeping absolute offsets."""
    out: list[Span] = []
    s = start
    for i in range(start, end):
        if text[i] in seps:
            if i + 1 > s:
                out.append(Span(text[s : i + 1], s, i + 1))
            s = i + 1
    if s < end:
        out.append(Span(text[s:end], s, end))
    return [sp for sp in out if sp.text.strip()]


def paragraphs(text: str) -> list[Span]:
    return split_spans(text, 0, len(text), "\n")


# ---------------------------------------------------------------- document facts

PLAN_WORDS = r"(?:工作要点|要点|行动计划|计划|行动方案|实施方案|方案|规划|意见|施工图)"
REPORT_WORDS = r"(?:成效|成绩|综述|回顾|纪实|巡礼|取得)"


@dataclass
class DocInfo:
    year: int | None
    default_deadline: int | None
    default_kind: str
    issuer: str | None


def document_year(text: str) -> int | None:
    """The publication year: a full date in the page header or footer."""
    date_re = rf"({YEAR_RE})\s*(?:年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|-\d{{2}}-\d{{2}})"
    for chunk in (text[:400], text[-400:]):
        m = re.search(date_re, chunk)
        if m:
            return int(m.group(1))
    return None


def heading_deadline(text: str) -> int | None:
    """Default deadline from the plan's title: "2024年…工作要点" → 2024, "(2023—2025年)" → 2025."""
    head = text[:800]
    for m in re.finditer(rf"({YEAR_RE})\s*[—\-–~～至到]\s*({YEAR_RE})\s*年", head):
        around = head[max(0, m.start() - 60) : m.end() + 10]
        if re.search(PLAN_WORDS, around):
            return int(m.group(2))
    lines = [ln.strip() for ln in head.splitlines() if ln.strip()]
    candidates = lines[:12] + re.findall(r"《([^》]{4,80})》", head)
    for line in candidates:
        m = re.search(rf"({YEAR_RE})\s*年[^，。,]{{0,40}}?{PLAN_WORDS}", line)
        if m and not re.search(r"\d{1,2}\s*月\s*\d{1,2}\s*日", line):
            return int(m.group(1))
        # a notice about one year's round of work: "关于开展2025年度…创建工作的通知"
        m = re.search(rf"({YEAR_RE})\s*年度[^，。,]{{0,40}}?工作的?通知", line)
        if m:
            return int(m.group(1))
    return None


STRONG_TARGET = (
    r"力争|争取|确保|将|要|计划(?!总?投资|的)|目标|预计|力求|每年|正在|正集中|正全力|正加快|努力|"
    rf"到{YEAR_RE}年|{YEAR_RE}年前|年底前|年内"
)
STRONG_ACHIEVED = (
    r"已|(?<![一二两三四五六七八九十]年)累计|共有|现有|(?<!力争)(?<!争取)(?<![人口])拥有|(?<![比较])(?:去年|上年|过去一年)|上半年|目前|截至|截止|以来|同比|入选|排名|榜上有名|获准|荣获|获评|获通报|"
    r"(?<!力争)(?<!争取)成功|完工|最终|上榜|(?<!分)之一|创.{0,4}新高|\d+月至\d+月|\d+[—\-–]\d+月|了"
)
GOAL_ONLY = r"争创|冲刺|争当|进军|跻身|重回|奋力"
WEAK_TARGET = r"打造|争创|创建|冲刺|进军|争当|建成|培育|跻身|迈入|重回"


SECTION_HEAD = r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[章部分节])"
SECTION_ACHIEVED = r"回顾|成效|成绩|总结|进展|完成情况"
SECTION_TARGET = r"安排|目标|任务|计划|打算|思路|举措|重点工作"


def section_heading(para: str) -> tuple[int | None, str | None] | None:
    """A numbered heading line ("一、2024年工作回顾", "二、2025年工作安排"): its year and kind.

    Work reports alternate a review of last year with this year's plan; the heading says which.
    """
    line = para.strip()
    if len(line) > 30 or re.search(r"[。；;，,]", line) or not re.match(SECTION_HEAD, line):
        return None
    ym = re.search(rf"({YEAR_RE})\s*年", line)
    kind = "achieved" if re.search(SECTION_ACHIEVED, line) else "target" if re.search(SECTION_TARGET, line) else None
    if not ym and not kind:
        return None
    return (int(ym.group(1)) if ym else None), kind


def doc_kind(text: str) -> str:
    """Plans default to targets, reports to achieved facts.

    The title line decides first: a "…工作要点" whose preamble says "三年初见成效" is still a plan.
    """
    title = next((ln.strip() for ln in text[:600].splitlines() if ln.strip()), "")
    if re.search(PLAN_WORDS + r"[）)]?\s*$", title) or re.search(
        rf"{PLAN_WORDS}\s*[（(]\s*{YEAR_RE}\s*[—\-–~～至到]\s*{YEAR_RE}\s*年\s*[）)]", title
    ):
        return "target"
    head = "\n".join(ln for ln in text[:600].splitlines() if ln.strip())
    if re.search(PLAN_WORDS, head[:300]) and not re.search(REPORT_WORDS, head[:200]):
        return "target"
    if re.search(REPORT_WORDS, head[:200]):
        return "achieved"
    t = len(re.findall(STRONG_TARGET, text))
    a = len(re.findall(STRONG_ACHIEVED, text))
    return "target" if t >= a else "achieved"


PLACE_RE = r"([\u4e00-\u9fff]{2,3}?(?:市|区|县))(?![\u4e00-\u9fff]{0,1}(?:委|直|属|级|域|场|民))"
NOT_PLACES = {
    "全市",
    "全区",
    "全县",
    "城区",
    "市区",
    "我市",
    "本市",
    "县区",
    "各县",
    "各区",
    "主城区",
    "中心城区",
    "示范区",
    "先行区",
    "集聚区",
    "园区",
    "试验区",
    "新区",
    "地区",
    "片区",
    "高新区",
    "社区",
    "湾区",
    "大湾区",
    "启动区",
    "景区",
    "山区",
    "老区",
    "城市",
}


UNIT_SUFFIX = r"(?:街道|市|区|县|镇|乡)"
ZONE_SUFFIX = r"(?:集聚区|高新区|开发区|片区|产业园|试验区|合作区)"
DIVISIONS_DIR = Path(__file__).resolve().parents[2] / "data" / "divisions"


@lru_cache(maxsize=1)
def gazetteer() -> frozenset[str]:
    """Names of the shipped divisions down to towns (广东: 江门市, 鹤山市, 址山镇, 沙坪街道 …)."""
    names: set[str] = set()
    for path in sorted(DIVISIONS_DIR.glob("*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            names.update(r["name"] for r in csv.DictReader(f) if r["level"] in ("1", "2", "3", "4"))
    return frozenset(names)


@lru_cache(maxsize=4096)
def is_place_name(name: str) -> bool:
    """A real unit name, not a phrase ending in 市/区/县 ("推进富县", "年江门市", "实施县").

    Known divisions come from the shipped gazetteer; elsewhere a county-or-above name must be
    one word that the segmenter tags as a name (眉山市, 阳山县); zones start with a known place.
    """
    if name in NOT_PLACES or name[0] in "各全该本我每其这那首":
        return False
    if re.search(r"强[县区市镇]$|^(?:经济)?(?:开发|工业园|产业园|工业|产业|园|城)区$", name):
        return False  # "百强县", "开发区": a class or a kind of zone, not a unit
    if name in gazetteer():
        return True
    zone = re.fullmatch(rf"([\u4e00-\u9fff]{{2,10}}?){ZONE_SUFFIX}", name)
    if zone:
        head = zone.group(1)
        for n in _city_stems(head[:2]):
            stem = n if head.startswith(n) else n[:-1]
            if head.startswith(stem):
                middle = head[len(stem) :]
                return len(middle) <= 6 and not _has_verb(middle)
        return False
    if not re.fullmatch(r"[\u4e00-\u9fff]{2,4}(?:市|区|县)", name):
        return False
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)

    words = list(jieba.posseg.cut(name))
    return len(words) == 1 and words[0].flag in ("ns", "nr", "nz")


def _has_verb(phrase: str) -> bool:
    """Whether the segmenter sees a verb, adverb or preposition in a phrase ("用好国家" but not "大型产业")."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return any(w.flag[:1] in ("v", "d", "p", "c") for w in jieba.posseg.cut(phrase)) if phrase else False


@lru_cache(maxsize=512)
def _city_stems(prefix: str) -> tuple[str, ...]:
    """Gazetteer cities and counties whose name starts with `prefix` (江 → 江门市, 江海区 …)."""
    return tuple(n for n in gazetteer() if n.startswith(prefix) and n[-1] in "市区县" and len(n) >= 3)


def place_names(text: str) -> list[tuple[int, str]]:
    """Every unit name in the text with its offset; at each suffix the longest real name wins."""
    out: list[tuple[int, str]] = []
    for m in re.finditer(rf"{ZONE_SUFFIX}|{UNIT_SUFFIX}", text):
        end = m.end()
        for length in range(min(12, end), 2, -1):
            name = text[end - length : end]
            if re.fullmatch(r"[\u4e00-\u9fff]+", name) and is_place_name(name):
                out.append((end - length, name))
                break
    return out


def find_issuer(text: str) -> str | None:
    """The most mentioned city/district/county name in the text (a name in the title counts double)."""
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    title_end = len("\n".join(text.lstrip().splitlines()[:3]))
    for pos, name in place_names(text):
        if name[-1] not in "市区县" or re.search(ZONE_SUFFIX + "$", name):
            continue
        counts[name] = counts.get(name, 0) + (2 if pos < title_end else 1)
        first.setdefault(name, pos)
    if not counts:
        return None
    return max(counts, key=lambda n: (counts[n], -first[n]))


# ---------------------------------------------------------------- time expressions


SERIES_START = "start"


@dataclass
class TimeRef:
    start: int
    end: int
    value: int | str
    scope: str  # "paragraph" carries forward in the paragraph, "sentence" only in its sentence
    target: bool  # a future deadline ("到2025年") rather than a reference date


def time_refs(
    text: str, start: int, end: int, year: int | None, section_year: int | None = None
) -> list[TimeRef]:
    """Every time expression in text[start:end] with its resolved value.

    `section_year` is the year of the section heading ("一、2024年工作回顾"): there 全年/年内 mean
    that year, while 今年/去年 stay relative to the document's year.
    """
    seg = text[start:end]
    out: list[TimeRef] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, value: int | str | None, scope: str, target: bool) -> None:
        if value is None:
            return
        if any(a < m.end() and m.start() < b for a, b in taken):
            return
        taken.append((m.start(), m.end()))
        out.append(TimeRef(start + m.start(), start + m.end(), value, scope, target))

    for m in re.finditer(rf"({YEAR_RE})\s*[—\-–~～至到]\s*({YEAR_RE})\s*年", seg):
        add(m, int(m.group(2)), "paragraph", True)
    for m in re.finditer(rf"(到|至|截至|截止到?)?\s*({YEAR_RE})\s*年(底|末)?(前)?", seg):
        if seg[max(0, m.start() - 1) : m.start()] == "比":
            continue  # base year of a comparison, not a deadline
        if re.match(r"\s*(?:起|开始)", seg[m.end() :]):
            add(m, SERIES_START, "sentence", True)  # "2025年起每年…": when a series starts, not a deadline
            continue
        y = int(m.group(2))
        tail = seg[m.end() : m.end() + 8]
        mm = re.match(r"(\d{1,2})月(?:底|末)?", tail)
        ach = (m.group(1) or "").startswith("截")
        if m.group(3) and not ach:
            add(m, f"{y}-12-31", "paragraph", True)
        elif mm and ach:
            add(m, f"{y}-{int(mm.group(1)):02d}", "paragraph", False)
        else:
            add(m, y, "paragraph", m.group(1) in ("到", "至") or bool(m.group(4)))
    if year:
        for m in re.finditer(r"(?:截至|截止到?)(?:今年)?(\d{1,2})\s*月(?:底|末)?", seg):
            add(m, f"{year}-{int(m.group(1)):02d}", "paragraph", False)
        for m in re.finditer(r"(?:今年)?(上半年|一季度|第一季度|前三季度)", seg):
            month = {"上半年": 6, "前三季度": 9}.get(m.group(1), 3)
            add(m, f"{year}-{month:02d}", "paragraph", False)
        for m in re.finditer(r"(?<![比较])(?:去年|上年|上一年|过去一年)", seg):
            add(m, year - 1, "sentence", False)
        for m in re.finditer(r"(\d{1,2})\s*月\s*(?:份)?\s*(?:至|到|—|-|–|~)\s*(\d{1,2})\s*月", seg):
            add(m, f"{year}-{int(m.group(2)):02d}", "paragraph", False)
        for m in re.finditer(r"(\d{1,2})\s*[—\-–~](\d{1,2})\s*月", seg):
            add(m, f"{year}-{int(m.group(2)):02d}", "paragraph", False)
        for m in re.finditer(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日", seg):
            add(m, f"{year}-{int(m.group(1)):02d}-{int(m.group(2)):02d}", "paragraph", False)
        for m in re.finditer(r"今年以来|年初以来", seg):
            add(m, year, "paragraph", False)
        for m in re.finditer(r"(?:今年|年)底前|年底|今年年底", seg):
            add(m, f"{year}-12-31", "sentence", True)
        for m in re.finditer(r"明年", seg):
            add(m, year + 1, "sentence", True)
        for m in re.finditer(
            r"今年|(?<![健完安齐周])全年|(?<![\d一二两三四五六七八九十])年内|本年度|目前|现有|当前", seg
        ):
            own = section_year if section_year and m.group(0) in ("全年", "年内", "本年度") else year
            add(m, own, "sentence", m.group(0) in ("年内",))
    out.sort(key=lambda r: r.start)
    return out


# ---------------------------------------------------------------- quantity grammar

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
PRE_LE = ["不超过", "不高于", "控制在", "低于", "少于", "压减至", "降至", "降低到", "下降到"]
PRE_LT = ["不足", "不到"]
PRE_APPROX = ["长约", "约", "近", "大约"]
POST = {"以上": ">=", "及以上": ">=", "以下": "<=", "以内": "<=", "之内": "<=", "左右": "approx", "级": ">="}

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
}


@dataclass
class Cand:
    value: float | int
    unit: str | None
    comparator: str
    start: int  # absolute offsets of the number phrase
    end: int
    money_modifier: bool = False
    cn: bool = False
    count_admin: bool = False
    whole_set: bool = False
    special: str = ""
    group: int = 0


_PREFIX_WORDS = sorted(
    [(w, "approx") for w in PRE_APPROX]
    + [(w, "<=") for w in PRE_LE]
    + [(w, "<") for w in PRE_LT]
    + [(w, ">=") for w in PRE_GE]
    + [(w, ">") for w in PRE_GT]
    + [(w, "target>=") for w in PRE_GE_TARGET],
    key=lambda wc: len(wc[0]),
    reverse=True,
)


def _prefix_comparator(before: str, is_target: bool) -> str | None:
    """Comparator word right before the number; the longest word wins ("不低于" over "低于")."""
    b = re.sub(r"(力争|争取|确保|年均|平均|每年|全年)$", "", before)
    for w, comp in _PREFIX_WORDS:
        if b.endswith(w):
            if comp == "target>=":
                return ">=" if is_target else "="
            return comp
    # 至少 / 不少于 may stand before a verb phrase: "至少在西部县域…新开办1所学校"
    if re.search(r"(至少|不少于)[^，。；、\d]{0,24}$", before):
        return ">="
    return None


def _bare_magnitude(tok: str) -> bool:
    return bool(re.fullmatch(r"[百千万亿]+", tok))


def scan_clause(text: str, cl: Span, in_quote: list[tuple[int, int]], is_target_hint: bool) -> list[Cand]:
    """All quantities of one clause, before clause-level filtering."""
    s = cl.text
    out: list[Cand] = []
    group = 0
    for m in QTY_RE.finditer(s):
        a, b = m.start(), m.end()
        tok = m.group("num")
        unit_s = m.group("unit")
        before = s[:a]
        after = s[b:]
        prev_ch = before[-1:] if before else ""
        next_ch = after[:1]
        abs_a = cl.start + a
        quoted = any(qa <= abs_a < qb for qa, qb in in_quote)
        cn = is_cn_numeral(tok)
        if prev_ch == "第" or prev_ch.isascii() and prev_ch.isalnum() or prev_ch == "+" or next_ch == "+":
            continue
        if next_ch.isascii() and next_ch.isalpha() and not unit_s:
            continue
        if cn and quoted:
            continue
        if not unit_s and "分之" not in tok:
            if not (re.search(r"倍差|收入比", before) and m.group("post") or re.search(r"倍差[^，。；]{0,4}$", before)):
                continue
            unit_s = "倍"  # "收入倍差控制在1.75以内": a ratio
        unit_s = unit_s or "%"
        if re.fullmatch(YEAR_RE, tok) and unit_s == "年":
            continue
        if re.match(r"[月日号]", after) or re.match(r"[月日号]", unit_s):
            continue
        if m.group("approx") == "多":
            continue  # "140多个": a vague background count
        if re.search(r"最高(?:可)?(?:获得|奖励|补贴|补助|给予)?$", before):
            continue  # a ceiling on an award, not a target
        if before.endswith("每") and _bare_magnitude(tok):
            continue  # "每千名老年人拥有床位": a per-capita denominator
        if unit_s in ("户", "人") and m.group("post") and re.match(r"的?(?:自然村|行政村|村|镇|社区|小区)", after):
            continue  # "20户以上自然村": the size of the villages meant, not a statement
        pre = _prefix_comparator(before, is_target_hint)
        if cn and not _bare_magnitude(tok) and unit_s not in CN_COUNT_UNITS and pre is None:
            continue  # "四套班子", "市县两级", "二元结构": not counts
        if (
            cn
            and tok == "一"
            and pre is None
            and not re.search(r"新增$", before)
            and unit_s not in ("个百分点", "百分点", "倍")
        ):
            continue  # "一" before a measure word is an article
        if re.search(r"(排名|位列|位居|居)[^，。；\d]{0,6}$", before) and unit_s in ("位", "名"):
            continue  # an ordinal rank, read by the rank rules
        if before.endswith("前") and unit_s in ("位", "名"):
            continue  # "进入全省前20名": a place in a ranking, read by the rank rules
        if before.endswith(("(", "（")) and out and out[-1].end == cl.start + len(before) - 1:
            continue  # "10000公顷(15万亩)": the same quantity in another unit
        if cn and re.search(r"[、]", before) and unit_s in COUNT_UNITS:
            continue  # a Chinese count summarising a list of names ("A、B、C三条通道")
        value = parse_number(tok)
        if value is None:
            continue
        base_val, base_unit = to_base(value, unit_s)
        post = m.group("post")
        if post == "级" and base_unit != "元":
            post = None
            b -= 1
        comp = POST.get(post) if post else None
        if comp is None and unit_s == "度":
            mm = re.match(r"[\u4e00-\u9fff](以下|以上)", after)
            if mm:
                comp = POST[mm.group(1)]
        if comp is None:
            comp = pre
        if m.group("approx") == "余":
            comp = ">"
        if comp is None and "分之" in tok and not tok.startswith("百分之"):
            comp = "approx"
        if comp is None and _bare_magnitude(tok) and base_unit in ("人",):
            comp = "approx"  # "百名硕博人才"
        if (
            _bare_magnitude(tok)
            and base_unit not in ("人",)
            and pre not in (">", ">=", "approx")
            and comp is None
        ):
            continue  # "千亩茶园": a name, not a quantity
        if comp is None and unit_s in TIME_UNITS and is_target_hint:
            comp = "<="  # "30分钟上高速": a travel-time limit
        if unit_s == "年" and comp not in (">=", "<=", ">") and not m.group("num2"):
            continue  # "三年行动", "五年显著变化": durations in names, not quantities
        comp = comp or "="
        if base_unit == "个" and re.match(r"[^，。；的]{0,16}?(?:公司|企业)(?=的|[，。；]|$)", after):
            base_unit = "家"
        money_mod = base_unit == "元" and (
            next_ch == "的"
            or bool(re.match(r"[\u4e00-\u9fff]", after[:1]))
            and not re.match(r"(大关|规模|左右|以上|以下)", after)
        )
        count_admin = base_unit == "个" and bool(re.match(ADMIN_NOUN, after))
        whole_set = count_admin and bool(
            re.search(r"(全市|全区|全县|全省|全域)[、，]?$", before)
            or re.search(r"(全市|全区|全县|全省)[^，。；]*、[^，。；]*$", before)
        )
        group += 1
        if m.group("num2"):
            v2 = parse_number(m.group("num2"))
            if v2 is None:
                continue
            if re.fullmatch(YEAR_RE, tok) and unit_s == "年":
                continue
            v2b, _ = to_base(v2, unit_s)
            out.append(Cand(base_val, base_unit, ">=", cl.start + a, cl.start + b, cn=cn, group=group))
            out.append(Cand(v2b, base_unit, "<=", cl.start + a, cl.start + b, cn=cn, group=group))
            continue
        out.append(
            Cand(
                base_val,
                base_unit,
                comp,
                cl.start + a,
                cl.start + b,
                money_modifier=money_mod,
                cn=cn,
                count_admin=count_admin,
                whole_set=whole_set,
                group=group,
            )
        )
    out.extend(_special(text, cl, in_quote, is_target_hint, out))
    return out


GOAL_VERBS = r"(?:建成|争创|进入|重回|冲刺|跻身|迈入|晋级|入选|创建|成为|争当|建设成为|挺进|保持|稳居|进)"


def _special(
    text: str, cl: Span, in_quote: list[tuple[int, int]], is_target: bool, found: list[Cand]
) -> list[Cand]:
    """Ranks, ordinals, coverage words, zero targets, doubling and N大 counts."""
    s = cl.text
    out: list[Cand] = []
    taken = [(c.start - cl.start, c.end - cl.start) for c in found]

    def free(a: int, b: int) -> bool:
        return not any(x < b and a < y for x, y in taken)

    # ranks: 百强县, 50强, 40强以内
    ranks = []
    for m in re.finditer(rf"({NUM_RE})强(以内|之内)?", s):
        v = parse_number(m.group(1))
        if v is None or not free(m.start(), m.end()):
            continue
        before = s[: m.start()]
        if m.group(2) or re.search(GOAL_VERBS + r"[^，。；]{0,14}$", before):
            ranks.append(
                Cand(normalise(v), "名", "<=", cl.start + m.start(), cl.start + m.end(), special="rank")
            )
    if ranks:
        out.append(ranks[-1])  # "百强区40强以内": the tighter, later rank is the statement
    # ordinal ranks: 居江门第二, 排名344位, 第二个, 第二位
    for m in re.finditer(
        rf"(?:居|位居|位列|排名|排|强[县区市镇]?)[^，。；\d]{{0,6}}?第?({NUM_RE})(位|名)?", s
    ):
        if "第" not in m.group(0) and not m.group(2):
            continue
        v = parse_number(m.group(1))
        if v is not None and free(m.start(), m.end()):
            out.append(
                Cand(normalise(v), "名", "=", cl.start + m.start(), cl.start + m.end(), special="ordinal")
            )
            taken.append((m.start(), m.end()))
    for m in re.finditer(rf"第({NUM_RE})(个|位)", s):
        if re.search(r"(?:居|位居|位列|排名|排|强[县区市镇]?)[^，。；\d]{0,6}$", s[: m.start()]):
            continue
        v = parse_number(m.group(1))
        if v is not None and free(m.start(), m.end()):
            unit = "个" if m.group(2) == "个" else "人"
            out.append(
                Cand(normalise(v), unit, "=", cl.start + m.start(), cl.start + m.end(), special="ordinal")
            )
    # N大 + industry noun: "两大支柱产业集群"
    for m in re.finditer(r"([一二两三四五六七八九十]{1,2})大([\u4e00-\u9fff“”]{1,12})", s):
        abs_a = cl.start + m.start()
        if any(qa <= abs_a < qb for qa, qb in in_quote):
            continue
        noun = m.group(2)
        if "产业" not in noun or re.search(r"行动|建设|工程|平台|战略", noun):
            continue
        v = parse_number(m.group(1))
        if v is not None and free(m.start(), m.end()):
            out.append(
                Cand(
                    normalise(v), "个", "=", cl.start + m.start(), cl.start + m.end(), cn=True, special="nda"
                )
            )
    # magnitude of a whole economy: "迈入千亿GDP强区"
    for m in re.finditer(
        rf"(?:迈入|跻身|进入|建成)(?:全国|全省)?({NUM_RE})元?级?(?:GDP|经济)?强(?:县|区|市|镇)", s
    ):
        v = parse_number(m.group(1))
        if v is not None and free(m.start(), m.end()):
            val = normalise(v if v >= 1e7 else v * 1e8)
            out.append(
                Cand(
                    val,
                    "元",
                    ">=",
                    cl.start + m.start(1),
                    cl.start + m.end(),
                    money_modifier=True,
                    special="magnitude",
                )
            )
    # half as a share: "占耕地面积的一半以上"
    for m in re.finditer(r"(?:一半|半数)(以上)?", s):
        if free(m.start(), m.end()) and not re.match(r"[的]?(?:时间|左右)", s[m.end() :]):
            comp = ">=" if m.group(1) else "approx"
            out.append(Cand(50, "%", comp, cl.start + m.start(), cl.start + m.end(), special="half"))
    # places in a ranking: "进入全省前五位", "前10名"
    for m in re.finditer(rf"前({NUM_RE})(?:位|名|强)", s):
        v = parse_number(m.group(1))
        if v is not None and free(m.start(), m.end()) and re.search(GOAL_VERBS + r"[^，。；]{0,16}$", s[: m.start()]):
            out.append(Cand(normalise(v), "名", "<=", cl.start + m.start(), cl.start + m.end(), special="rank"))
    # doubling
    for m in re.finditer(r"翻(一|两|二|三)番", s):
        n = {"一": 1, "两": 2, "二": 2, "三": 3}[m.group(1)]
        out.append(Cand(2**n, "倍", "=", cl.start + m.start(), cl.start + m.end(), special="double"))
    # zero targets
    for m in re.finditer(
        r"全面消除|(?:全部|全面|动态)?清零|(?<![\d一二三四五六七八九十百千])零(填埋|排放|增长|发生|事故|死亡|污染|[\u4e00-\u9fff])",
        s,
    ):
        if m.group(0) == "全面消除" or m.group(0).endswith("清零"):
            # the thing removed: "全面消除…以下的村", "…以下的村全部清零" count villages
            obj = s[m.end() :] if m.group(0) == "全面消除" else s[: m.start()]
            village = re.search(r"的(?:薄弱|空壳|经济薄弱)?(?:行政)?村(?:[(（]社区[)）])?(?:[，。；,;]|$)", obj)
            unit = "个" if village else "%"
        else:
            w = m.group(1)
            unit = "吨" if w in ("填埋", "排放") else "%" if w == "增长" else "起"
            if w not in ("填埋", "排放", "增长", "发生", "事故", "死亡", "污染"):
                continue
        out.append(Cand(0, unit, "=", cl.start + m.start(), cl.start + m.end(), special="zero"))
    # full coverage
    for m in re.finditer(r"全覆盖", s):
        out.append(Cand(100, "%", "=", cl.start + m.start(), cl.start + m.end(), special="cover"))
    if not found and not out:
        m = re.search(r"(所有|全部)[^，。；]{0,30}?(达到|实现|完成|建成|纳入|覆盖|通(?!过))|覆盖(?:所有|全部)", s)
        if m:
            out.append(Cand(100, "%", "=", cl.start + m.start(), cl.start + m.end(), special="all"))
    return out


# ---------------------------------------------------------------- kind and deadline


def _nearest_cue(text: str, pattern: str) -> int | None:
    last = None
    for m in re.finditer(pattern, text):
        last = m.end()
    return last


def classify_kind(
    sentence_before: str, clause_after: str, default: str, clause_before: str = "", weak: bool = True
) -> str:
    """Target or achieved: tense cues in the item's own clause first, then earlier in the sentence.

    `weak=False` in a section headed as a review ("一、2024年工作回顾"): there 建成/打造 report work done.
    """

    def strong(seg: str) -> str | None:
        t = _nearest_cue(seg, STRONG_TARGET)
        a = _nearest_cue(seg, STRONG_ACHIEVED)
        if t is None and a is None:
            return None
        return "target" if a is None or (t is not None and t > a) else "achieved"

    if clause_before:
        local = strong(clause_before)
        if local:
            return local
        if re.search(GOAL_ONLY, clause_before):
            return "target"  # "争创百强县": a verb that can only name a goal
    found = strong(sentence_before)
    if found:
        return found
    if re.search(r"入选|榜上有名|上榜|之一|完工|获准", clause_after):
        return "achieved"
    if weak and re.search(WEAK_TARGET, sentence_before):
        return "target"
    return default


# ---------------------------------------------------------------- indicator and subject

LEAD_STRIP = (
    r"^(?:[^，。；]*?(?:方面|来看|其中)[，,]?)?(?:提出)?(?:到|至|截至|截止)?(?:\d{4}年(?:底|末)?(?:前|以来)?)?[，,]?"
    r"(?:\d{1,2}月(?:\d{1,2}日)?(?:[至到—\-–]\d{1,2}月(?:份)?)?)?"
    r"(?:今年以来|年初以来|以来|今年|明年|全年|年内|目前|现有|同时|此外|另外|其中|并)?"
    r"(?:力争|争取|确保|努力|计划|将|要|全力|加快|持续|推动|推进|着力|重点|积极|大力|实现|力求)*"
    r"(?:全市|全区|全县|全省|全镇|全域|所有|全部)?(?:已|累计|共有|共|现有)?"
    r"(?:(?:打造|培育|扶持|建设|引进|组织|建成)一批)?"
)
# what a measure unit measures, when the phrase does not already say it
MEASURE_NOUN = {"公里": "长度", "米": "长度", "亩": "面积", "平方公里": "面积", "平方米": "面积"}
MEASURE_END = r"(?:数|量|率|比|比例|比重|占比|面积|长度|里程|总额|收入|产值|投资|规模|增速|增长|GDP|人口|时间|排名|长)$"
# the brackets a noun phrase may contain: "县(市、区)", "村(社区)", "新(改、扩)建"
NOUN_AFTER = r"(?:以上|以下|以内|左右)?(?:的)?((?:[(（][^()（）]{0,12}[)）]|[^，。；、,;()（）]){1,24})"


def _count_name(np: str) -> str:
    return np if re.search(MEASURE_END, np) else np + "数"


def indicator_for(clause: str, rel_a: int, rel_b: int, unit: str | None) -> str:
    """Noun phrase naming what is measured: before the number, or after a count.

    Lead-in words (time, intent, scope 全市, cues 已/累计) and comparator words are stripped; in a
    list ("供水管道4.8公里、天然气管道12.1公里") only the item's own part counts; counts end in 数,
    lengths and areas say so (长度, 面积).
    """
    before = clause[:rel_a]
    after = clause[rel_b:]
    before = re.split(r"[\d一二三四五六七八九十百千万亿][^、\d]{0,6}、", before)[-1]  # the list item's own part
    before = re.sub(
        r"(不少于|不低于|至少|不少|达到|达|提升至|提升到|提高到|增加到|超过|突破|超|约|长约|控制在|"
        r"稳定在|保持在|为|是|共|新增|完成|建设|打造|培育|引进|建成|创建)$",
        "",
        before,
    )
    prev = None
    while prev != before:
        prev = before
        before = re.sub(LEAD_STRIP, "", before, count=1).strip("，,；;：: ")
    before = re.sub(r"(?:全部|所有|均|都)$", "", before)
    before = re.sub(rf"(?:到|至)?{YEAR_RE}年(?:底|末)?前?(?=.)", "", before)  # the year is the deadline, not the name
    noun_after = re.match(NOUN_AFTER, after)
    if unit in COUNT_UNITS and noun_after:
        np = re.split(
            r"(?:实现|达到|完成|开展|推进|参与|建设|入选|迈入|向|在|进入|加强|结对|之一|上榜)", noun_after.group(1)
        )[0]
        if np:
            return _count_name(np)[:30]
    name = (before[-24:] or (noun_after.group(1) if noun_after else "")).strip()
    if not name:
        return "数量"
    if unit in COUNT_UNITS and not noun_after:
        return _count_name(name)[:30]  # "已建成美丽圩镇45个": the count comes last
    if unit in MEASURE_NOUN and not re.search(MEASURE_END, name):
        return name + MEASURE_NOUN[unit]
    return name


SUBJECT_LEAD = (
    r"^\s*(?:(?:其中|目前|同时|此外|另外|今年以来|今年|近年来|截至[^，,]{0,12}|截止[^，,]{0,12}|"
    rf"(?:到|至)?{YEAR_RE}年(?:以来|底|末)?|\d{{1,2}}月(?:\d{{1,2}}日)?(?:以来)?|在)\s*)*"
)
PROVINCE_SCOPE = r"(?:[\u4e00-\u9fff]{2}省|[\u4e00-\u9fff]{2})?全省(?!第|排名|前列|首|唯一|率先|领先|之最|最)"


def place_stems(text: str) -> dict[str, str]:
    """Short forms of the cities and counties named in the text: 江门 → 江门市."""
    return {
        n[:-1]: n
        for _, n in place_names(text)
        if n[-1] in "市区县" and len(n) >= 3 and not re.search(ZONE_SUFFIX + "$", n)
    }


def _leading_place(clause: str) -> str | None:
    """The unit named at the start of a clause, with a bracketed zone or town ("江海区(江门国家高新区)")."""
    for m in re.finditer(rf"{ZONE_SUFFIX}|{UNIT_SUFFIX}", clause[:14]):
        name = clause[: m.end()]
        if is_place_name(name):
            more = _leading_place(clause[m.end() :]) if m.end() < len(clause) else None
            if more and "(" not in more:
                return name + more  # "江门大型产业集聚区新会片区", "鹤山市沙坪街道"
            br = re.match(rf"[(（]([^()（）]{{2,14}}(?:{ZONE_SUFFIX}|{UNIT_SUFFIX}))[)）]", clause[m.end() :])
            return f"{name}({br.group(1)})" if br else name
    return None


def _clause_subject(clause: str, default: str | None, stems: dict[str, str]) -> str | None:
    rest = re.sub(SUBJECT_LEAD, "", clause)
    if re.match(PROVINCE_SCOPE, rest):
        return default if default and default.endswith("省") else "全省"
    name = _leading_place(rest)
    if name:
        return name
    for stem, full in stems.items():
        tail = rest[len(stem) :]
        if rest.startswith(stem) and (not tail or re.match(r"\d|共|已|累计|全市|全区|全县", tail)):
            return full
    return None


EACH_UNIT = (
    r"(?:各|每个|每一个)((?:涉农)?(?:县[(（]市、区[)）]|镇[(（]街[)）]|县城|圩镇|乡镇|镇街|行政村|自然村|社区|村|镇|县|区)"
    r"(?:卫生院|学校)?)"
)


def _is_lead_clause(clause: str) -> bool:
    """Short openers before the sentence's real subject: "11月6日，", "2023年，", "《方案》指出，"."""
    rest = re.sub(SUBJECT_LEAD, "", clause).strip()
    return len(rest) <= 8 and not re.search(r"\d", rest)


def subject_for(before: str, default: str | None, stems: dict[str, str] | None = None) -> str | None:
    """The unit a statement is about: one named at the start of its own clause (其中江门1个…),
    else at the start of its sentence past short openers (11月6日，广东全省… → 全省; 《方案》指出，
    2023年，新会区要…), else the document's issuer."""
    stems = stems or {}
    clauses = re.split(r"[，,；;：:]", before)
    own = _clause_subject(clauses[-1], default, stems)
    if own:
        return own
    each = re.findall(EACH_UNIT, clauses[-1])
    if each and default:
        return f"{default}各{each[-1]}"  # "每个行政村植树100株" applies to every village
    for clause in clauses[:-1]:
        if _is_lead_clause(clause):
            continue
        return _clause_subject(clause, default, stems) or default
    return default


# ---------------------------------------------------------------- main entry


def _quotes(text: str) -> list[tuple[int, int]]:
    """Short quoted names (“两个走访”, “一县一园”) and book titles 《…》 hide their numbers."""
    spans = []
    for m in re.finditer(r"“([^”]{1,8})”|《[^》]{1,120}》|\"([^\"]{1,8})\"", text):
        spans.append((m.start(), m.end()))
    return spans


def _book_titles(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"《[^》]{1,120}》", text)]


def extract(text: str, *, year: int | None = None, subject: str | None = None) -> list[Item]:
    """All quantitative statements of `text`, in reading order."""
    doc_year = year or document_year(text)
    default_deadline = heading_deadline(text)
    default_kind = doc_kind(text)
    issuer = subject or find_issuer(text)
    stems = place_stems(text)
    quotes = _quotes(text)
    titles = _book_titles(text)
    items: list[Item] = []
    seen: set[tuple] = set()
    section_deadline = default_deadline
    lead_period = _lead_period(text, doc_year)
    section_kind = default_kind
    section_year = None
    review = False
    for para in paragraphs(text):
        sec = section_heading(para.text)
        if sec:
            section_year, kind_word = sec
            section_kind = kind_word or default_kind
            review = kind_word == "achieved"
            if section_year:
                section_deadline = section_year if section_kind == "target" else default_deadline
                lead_period = section_year if section_kind == "achieved" else _lead_period(text, doc_year)
        heading = re.fullmatch(rf"\s*(?:到|至)?\s*({YEAR_RE})\s*年(底|末)?\s*[:：，,]?\s*", para.text)
        if heading:
            # a bare "到2023年" line heads the goals listed under it
            y = int(heading.group(1))
            section_deadline = f"{y}-12-31" if heading.group(2) else y
            continue
        prefs = [
            r
            for r in time_refs(text, para.start, para.end, doc_year, section_year)
            if not any(a <= r.start < b for a, b in titles) or not r.target
        ]
        for sent in split_spans(text, para.start, para.end, SENT_END):
            per_clause = []
            for cl in split_spans(text, sent.start, sent.end, CLAUSE_END):
                sent_before_cl = text[sent.start : cl.start]
                hint_kind = classify_kind(sent_before_cl + cl.text, "", section_kind, weak=not review)
                cands = scan_clause(text, cl, quotes, hint_kind == "target")
                cands = [c for c in cands if not any(a <= c.start < b for a, b in titles)]
                per_clause.append((cl, _clause_filter(cands, cl)))
            has_ordinal = any(c.special == "ordinal" and c.unit == "名" for _, cs in per_clause for c in cs)
            for cl, cands in per_clause:
                for c in cands:
                    rel_a, rel_b = c.start - cl.start, c.end - cl.start
                    kind = classify_kind(
                        text[sent.start : c.start],
                        text[c.end : cl.end],
                        section_kind,
                        text[cl.start : c.start],
                        weak=not review,
                    )
                    if c.special == "rank" and kind == "achieved" and has_ordinal:
                        continue  # "入选全国千强镇，排名第856位": the exact rank supersedes the bracket
                    if (
                        kind == "achieved"
                        and c.comparator == ">="
                        and c.special == ""
                        and re.search(rf"(?:{'|'.join(PRE_GE_TARGET)})$", text[cl.start : c.start])
                        and not re.search(r"以上$", text[c.start : c.end])
                    ):
                        c.comparator = "="
                    deadline = _deadline(prefs, sent, c, kind, section_deadline, lead_period)
                    quote_a, quote_b = _quote_bounds(cl, c)
                    indicator = indicator_for(cl.text, rel_a, rel_b, c.unit)
                    if c.special in ("rank", "ordinal") and c.unit == "名":
                        rm = re.search(rf"(?:{GOAL_VERBS})?([^，。；]{{0,10}}?)$", cl.text[:rel_a])
                        head = (rm.group(1) if rm else "") + text[c.start : c.end + 1]
                        head = re.sub(rf"^(?:力争|争取|确保|全力|奋力)*(?:{GOAL_VERBS})?", "", head)
                        indicator = re.sub(r"^(排名|居|位居|位列)", "", head).rstrip("，。；第") + "排名"
                    if c.special:
                        phrase = text[max(0, c.start - 2) : c.end]
                    else:
                        phrase = text[c.start : c.end + 2]
                    key = (c.value, c.unit, c.comparator, phrase)
                    if key in seen and c.special != "range":
                        continue
                    seen.add(key)
                    items.append(
                        Item(
                            kind=kind,
                            subject=subject_for(text[sent.start : c.start], issuer, stems),
                            indicator=indicator,
                            comparator=c.comparator,
                            value=c.value,
                            unit=c.unit,
                            deadline=deadline,
                            quote=text[quote_a:quote_b],
                            start=quote_a,
                            end=quote_b,
                        )
                    )
    return _dedupe_overlaps(items)


def _clause_filter(cands: list[Cand], cl: Span) -> list[Cand]:
    """Clause-level rules: thresholds and scope counts yield to the statement they qualify."""
    if len(cands) > 1:
        cands = [c for c in cands if c.special != "nda"]  # "六大X产值超800亿元": the count only names the set
    others = [c for c in cands if c.unit != "元"]
    if others:
        cands = [
            c for c in cands if not (c.unit == "元" and (c.money_modifier or c.comparator in (">", ">=")))
        ]
    if any(c.special == "zero" and c.unit == "个" for c in cands):
        cands = [c for c in cands if not (c.unit == "元" and c.comparator in ("<=", "<"))]  # "10万元以下的村清零"
    out = []
    for i, c in enumerate(cands):
        if c.whole_set:
            continue  # "全市112个行政村…": the population, not the statement
        if c.count_admin and i + 1 < len(cands):
            between = cl.text[c.end - cl.start : cands[i + 1].start - cl.start]
            if not between.rstrip().endswith(("、", "和", "及", "与")) and not between.endswith("入选"):
                continue  # "在11个镇(街)优选22个村": the scope of the next count
        out.append(c)
    return out


def _lead_period(text: str, doc_year: int | None) -> int | None:
    """A report whose lead paragraph opens with "今年以来" dates all its facts to that year."""
    for para in paragraphs(text):
        if len(para.text.strip()) >= 40:
            if doc_year and re.search(r"今年以来|年初以来", para.text):
                return doc_year
            return None
    return None


def _deadline(
    prefs: list[TimeRef], sent: Span, c: Cand, kind: str, default: int | str | None, lead_period: int | None
) -> int | str | None:
    """Nearest time expression before the item (sentence, then paragraph), else the document default."""
    in_sent = [r for r in prefs if sent.start <= r.start < sent.end]
    before = [r for r in in_sent if r.end <= c.start + 1]
    if kind == "target":
        cands = [r for r in before if r.target or r.scope == "sentence" or isinstance(r.value, int)]
        if cands and cands[-1].value != SERIES_START:
            return cands[-1].value
        return default
    before = [r for r in before if r.value != SERIES_START]
    if before:
        return before[-1].value
    para_before = [r for r in prefs if r.end <= sent.start and r.scope == "paragraph" and not r.target]
    if para_before:
        return para_before[-1].value
    return lead_period


def _quote_bounds(cl: Span, c: Cand) -> tuple[int, int]:
    """The statement's quote: from the clause start (past lead-in words) to the end of the quantity phrase."""
    s = cl.text
    a = 0
    while a < len(s) and s[a] in " \t\u3000":
        a += 1
    rel_end = c.end - cl.start
    tail = re.match(r"[^，。；,;：:！？]*", s[rel_end:])
    b = rel_end + (len(tail.group(0)) if tail else 0)
    while b > rel_end and s[b - 1] in " \t\u3000":
        b -= 1
    return cl.start + a, cl.start + b


def _dedupe_overlaps(items: list[Item]) -> list[Item]:
    """Drop an item repeated by a conversion in brackets: "10000公顷(15万亩)"."""
    out: list[Item] = []
    for it in items:
        dup = any(
            o.value == it.value
            and o.unit == it.unit
            and o.comparator == it.comparator
            and o.start == it.start
            and o.end == it.end
            and o.indicator == it.indicator
            for o in out
        )
        if not dup:
            out.append(it)
    return out


# ---------------------------------------------------------------- tasks


def _lead_units(s: str) -> list[str]:
    """Lead units named by "由X牵头", "牵头单位：X" or "X牵头"."""
    leads: list[str] = []
    for m in re.finditer(r"由([^，。；,;]{2,40}?)(?:共同)?牵头", s):
        leads.extend(x for x in re.split(r"[、和及]", m.group(1)) if x)
    m = re.search(r"牵头单位[:：]\s*([^。；;\n（(]+)", s)
    if m:
        leads.extend(x.strip() for x in re.split(r"[、，,]", m.group(1)) if x.strip())
    if not leads:
        for m in re.finditer(r"([\u4e00-\u9fff]{2,16}(?:局|委|办|厅|部|中心|办公室|政府|指挥部))牵头", s):
            leads.append(m.group(1))
    return leads


TASK_VERBS = (
    r"推动|推进|完成|建设|实施|开展|打造|加快|建立|健全|落实|培育|创建|提升|深化|组织|开工|启动|"
    r"新建|改造|整治|编制|出台|制定|牵头"
)


def extract_tasks(text: str, *, year: int | None = None) -> list[TaskDraft]:
    """Sentences that assign work, with lead units ("由X牵头") and deadline wording."""
    doc_year = year or document_year(text)
    tasks: list[TaskDraft] = []
    for para in paragraphs(text):
        if len(para.text.strip()) < 40 and para.text.strip()[-1:] not in SENT_END:
            continue  # a heading, not an assignment
        for sent in split_spans(text, para.start, para.end, SENT_END + "；;"):
            s = sent.text.strip()
            if tasks and re.match(r"^由[^，。；]{2,40}牵头", s) and not re.search(r"\d", s):
                # "由X牵头，Y配合。" after a task names who leads that task
                tasks[-1].lead_units.extend(_lead_units(s))
                continue
            if re.fullmatch(r"[（(][一二三四五六七八九十\d]+[)）][^，,]{1,16}[。.]", s):
                continue  # an inline section heading "（二）提升镇村面貌。"
            if len(s) < 6 or not re.search(TASK_VERBS, s):
                continue
            leads = _lead_units(s)
            dl = re.search(
                rf"(?:到|于|在)?{YEAR_RE}年(?:\d{{1,2}}月)?(?:底|末)?前?|年底前|年内|今年|明年|"
                r"完成时限[:：]\S+",
                s,
            )
            deadline_text = dl.group(0) if dl else None
            if deadline_text and doc_year and deadline_text in ("今年", "年内", "年底前"):
                deadline_text = f"{deadline_text}({doc_year})"
            a = sent.start + (len(sent.text) - len(sent.text.lstrip()))
            b = sent.start + len(sent.text.rstrip())
            tasks.append(
                TaskDraft(
                    content=s.rstrip("。；;"),
                    lead_units=leads,
                    deadline_text=deadline_text,
                    quote=text[a:b],
                    start=a,
                    end=b,
                )
            )
    return tasks


__all__ = ["UNITS", "Item", "TaskDraft", "extract", "extract_tasks"]
