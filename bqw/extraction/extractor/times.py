"""Times: the deadline or reference date of each statement.

Time expressions are found and resolved by `bqw.core.periods.find_time_mentions` (the one date
parser); this module only decides which mention dates which statement and the document defaults
(the year of the page, the plan's title year, a report's "今年以来").
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from bqw.core.periods import (
    MONTH,
    YEAR,
    YEAR_RE,
    YEAR_SPAN_RE,
    Period,
    TimeMention,
    find_time_mentions,
    year_of_full_date,
)

from .kinds import PLAN_WORDS
from .text import Span, paragraphs

SERIES_START = "start"

# An item's deadline as the review page and the gold files write it: 2025 (a year), "2024-06"
# (a month), "2025-12-31" (a day), or None.
DeadlineValue = int | str | None


def deadline_value(when: Period | date | None) -> DeadlineValue:
    """The written form of a resolved time: a year as int, a month as "YYYY-MM", a day as ISO date."""
    if when is None:
        return SERIES_START
    if isinstance(when, date):
        if (when.month, when.day) == (12, 31):
            return when.year  # 到2027年底 / 2027年底前 give the year (GOLD.md)
        if (when + timedelta(days=1)).day == 1:
            return f"{when.year}-{when.month:02d}"  # 2024年6月底前 gives the month
        return when.isoformat()
    if when.kind == YEAR:
        return when.year
    if when.kind == MONTH:
        return f"{when.year}-{when.index:02d}"
    return when.id


def document_year(text: str) -> int | None:
    """The publication year: a full date in the page header or footer."""
    for chunk in (text[:400], text[-400:]):
        y = year_of_full_date(chunk)
        if y:
            return y
    return title_year(text)


def title_year(text: str) -> int | None:
    """The one year a title names ("斗山镇2024年…工作总结", "2025年…实施方案"), not a span or a deadline."""
    title = next((ln.strip() for ln in text[:300].splitlines() if ln.strip()), "")
    if re.search(YEAR_SPAN_RE, title) or re.search(r"十[四五六七]五", title):
        return None
    years = {int(m[1]) for m in re.finditer(rf"(?<![到至])({YEAR_RE})\s*年(?![底末])", title)}
    return years.pop() if len(years) == 1 else None


def heading_deadline(text: str) -> int | None:
    """Default deadline from the plan's title: "2024年…工作要点" → 2024, "(2023—2025年)" → 2025."""
    head = text[:800]
    for m in re.finditer(YEAR_SPAN_RE, head):
        around = head[max(0, m.start() - 60) : m.end() + 10]
        if re.search(PLAN_WORDS, around):
            return int(m.group(2))
    lines = [ln.strip() for ln in head.splitlines() if ln.strip()]
    if lines and re.search(PLAN_WORDS, lines[0]):
        m = re.search(r"[“\"]?十([四五六七])五[”\"]?", lines[0])  # a "十四五" plan runs to 2025
        if m:
            return 2025 + 5 * "四五六七".index(m.group(1))
    candidates = lines[:12] + re.findall(r"《([^》]{4,80})》", head)
    for line in candidates:
        m = re.search(rf"({YEAR_RE})\s*年[^，。,]{{0,40}}?{PLAN_WORDS}", line)
        if m and not re.search(r"\d{1,2}\s*月\s*\d{1,2}\s*日", line):
            return int(m.group(1))
        # a notice about one year's round of work: "关于开展2025年度…创建工作的通知", "关于推进2026年…工作的通知"
        m = re.search(rf"({YEAR_RE})\s*年度?[^，。,\d]{{0,40}}?工作的?通知", line)
        if m:
            return int(m.group(1))
    return None


ISSUER_LINE = r"[\u4e00-\u9fff]{2,20}(?:人民政府|政府|局|厅|委员会|办公室|指挥部|委|部)"


def title_lines(text: str) -> str:
    """The title: the first line, or the line after a bare issuer line ("湛江市乡村振兴局" / "关于…的通报")."""
    lines = [ln.strip() for ln in text[:300].splitlines() if ln.strip()]
    if len(lines) >= 2 and re.fullmatch(ISSUER_LINE, lines[0]):
        return lines[1]
    return lines[0] if lines else ""


def plan_base_year(text: str) -> int | None:
    """An undated plan counts "10年内" from its first stage: the earliest year it sets goals for
    ("2023年，全区要…；到2025年…" → 2023). Past years (以来, 年度 results, comparisons) do not count."""
    years = [
        int(m[1])
        for m in re.finditer(rf"(?<![由从较比与同])({YEAR_RE})\s*年(?![度以]|同期|的)", text)
        if not re.search(r"(?:已|累计|完成了|实现了|同比)", text[m.end() : m.end() + 30].split("。")[0])
    ]
    return min(years) if years else None


PART_OF_YEAR = {"一季度": 3, "第一季度": 3, "上半年": 6, "前三季度": 9}


def lead_period(text: str, doc_year: int | None) -> DeadlineValue:
    """A report whose lead paragraph opens with "今年以来" dates all its facts to that year; a summary
    titled "2023年工作总结…" dates them to the year it sums up ("…前三季度工作总结" to its last month);
    a "2025年政府工作报告" reviews the year before it; a "关于2026年上半年…进展情况的通报" its half."""
    title = title_lines(text)
    m = re.search(rf"({YEAR_RE})\s*年[^，。]{{0,24}}?(?:总结|回顾|工作报告|成效|进展情况|情况的?通报)", title)
    if m:
        y = int(m.group(1))
        part = re.search(r"(第一季度|一季度|上半年|前三季度)|1\s*[—\-–~至]\s*(\d{1,2})\s*月", m.group(0))
        if part:
            return f"{y}-{(PART_OF_YEAR[part[1]] if part[1] else int(part[2])):02d}"
        return y - 1 if "政府工作报告" in title else y
    for para in paragraphs(text):
        if len(para.text.strip()) >= 40:
            if doc_year and re.search(r"今年以来|年初以来", para.text):
                return doc_year
            if doc_year is None:
                # an undated news report ("新华社杭州1月18日电…2025年浙江农村居民人均可支配收入达到…"):
                # its facts belong to the year its lead reports on
                years = [
                    t.when.year
                    for t in find_time_mentions(text, start=para.start, end=para.end)
                    if not t.target and isinstance(t.when, Period) and t.when.kind == YEAR
                ]
                return years[0] if years else None
            return None
    return None


def paragraph_mentions(
    text: str, para: Span, doc_year: int | None, section_year: int | None, titles: list[tuple[int, int]]
) -> list[TimeMention]:
    """Time mentions of a paragraph; a deadline inside a book title (《…2023—2025年…》) names the title."""
    return [
        t
        for t in find_time_mentions(text, year=doc_year, section_year=section_year, start=para.start, end=para.end)
        if (not any(a <= t.start < b for a, b in titles) or not t.target) and not is_comparison_year(text, t)
    ]


def is_comparison_year(text: str, t: TimeMention) -> bool:
    """ "由2023年的2.36:1缩小至…", "创1979年以来新高": a year compared with, not the date of what follows."""
    before, after = text[max(0, t.start - 2) : t.start], text[t.end : t.end + 8]
    return bool(
        re.search(r"[由从较比与同]$", before)
        and re.match(r"(?:同期)?的|同期", after)
        or re.match(r"以来(?:新高|最高|最好|最低|首次)", after)
    )


def item_deadline(
    mentions: list[TimeMention],
    sent: Span,
    item_start: int,
    kind: str,
    default: DeadlineValue,
    lead: DeadlineValue,
    due: TimeMention | None = None,
    text: str = "",
    carried: DeadlineValue = None,
) -> DeadlineValue:
    """Nearest time expression before the item (sentence, then paragraph), else the document default.

    Targets take a deadline ahead, an explicit year or a sentence-wide word (今年); facts take the
    reference date before them, carried forward within the paragraph.
    """
    in_sent = [t for t in mentions if sent.start <= t.start < sent.end]
    before = [t for t in in_sent if t.end <= item_start + 1]
    if kind == "target":
        usable = [t for t in before if t.target or t.scope == "sentence" or _is_year(t)]
        # a month without a year ("12月底前完成…；") dates its own part of a ；-list, not the parts after it
        usable = [t for t in usable if not _own_part_only(t) or not re.search(r"[；;]", text[t.end : item_start])]
        if due is not None and not any(re.search(r"\d", t.text) for t in usable):
            return deadline_value(due.when)  # the list item's 完成时限 beats 全年/年内 and the defaults
        if usable and not usable[-1].starts_series:
            return deadline_value(usable[-1].when)
        return default
    before = [t for t in before if not t.starts_series]
    if before:
        if re.fullmatch(r"今年以来|年初以来", before[-1].text) and isinstance(lead, str):
            return lead  # in a half-year summary "今年以来" runs to the half's last month
        return deadline_value(before[-1].when)
    para_before = [t for t in mentions if t.end <= sent.start and t.scope == "paragraph" and not t.target]
    if para_before:
        return deadline_value(para_before[-1].when)
    return lead if lead is not None else carried


def _own_part_only(t: TimeMention) -> bool:
    return isinstance(t.when, Period) and t.when.kind == MONTH and not re.search(YEAR_RE, t.text)


def _is_year(t: TimeMention) -> bool:
    return isinstance(t.when, Period) and t.when.kind == YEAR


DUE_LEAD = r"(?:完成时限|完成时间|时间节点|时限要求|时限)\s*[：:]\s*$"


def due_mention(text: str, mentions: list[TimeMention]) -> TimeMention | None:
    """A task list item's own deadline, written after its targets: "（牵头单位：…；完成时限：2024年11月底前）"."""
    for t in mentions:
        if not re.search(DUE_LEAD, text[max(0, t.start - 8) : t.start]) or t.when is None:
            continue
        if t.target:
            return t
        # "完成时限：2025年9月底" without 前: the month still bounds the task (the parser reads only the year)
        m = re.match(rf"({YEAR_RE})\s*年\s*(\d{{1,2}})\s*月(?:份)?(?:底|末)?", text[t.start : t.start + 12])
        if m and 1 <= int(m[2]) <= 12:
            return replace(t, end=t.start + m.end(), text=m[0], when=Period(int(m[1]), MONTH, int(m[2])), target=True)
    return None
