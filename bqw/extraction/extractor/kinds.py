"""Kind: whether a statement is a target or an achieved fact, from tense cues and headings.

The nearest cue before the quantity decides, first in its own clause, then earlier in the
sentence; a numbered section heading (回顾 / 安排) and then the document kind are the defaults.
"""

from __future__ import annotations

import re

from bqw.core.periods import YEAR_RE, five_year_plan_years

PLAN_WORDS = r"(?:工作要点|要点|行动计划|计划|行动方案|实施方案|方案|规划|意见|施工图)"
REPORT_WORDS = r"(?:成效|成绩|综述|回顾|纪实|巡礼|取得)"

STRONG_TARGET = (
    r"力争|争取|确保|将|要|计划(?!总?投资|的)|目标|预计|力求|每年|正在|正集中|正全力|正加快|努力|"
    rf"到{YEAR_RE}年(?!的)|{YEAR_RE}年前|年底前|年内"
)
STRONG_ACHIEVED = (
    r"已|(?<![一二两三四五六七八九十]年)累计|共有|现有|(?<!力争)(?<!争取)(?<![人口])拥有|(?<![比较])(?:去年|上年|过去一年)|上半年|(?<!项)目前|截至|截止|以来|同比|入选|排名|榜上有名|获准|荣获|获评|获通报|"
    r"(?<!力争)(?<!争取)成功|完工(?!率)|最终|上榜|(?<!分)之一|创.{0,4}新高|\d+月至\d+月|\d+[—\-–]\d+月|了"
)
MEASURE_WORDS = r"累计"  # a cumulative measure takes its tense from a target word before it
GOAL_ONLY = r"争创|冲刺|争当|进军|跻身|重回|奋力"
WEAK_TARGET = r"打造|争创|创建|冲刺|进军|争当|建成|培育|跻身|迈入|重回"
REPORT_WEAK_TARGET = r"打造|争创|创建|冲刺|进军|争当|跻身|迈入|重回"  # in a report 建成/培育 tell work done


SECTION_HEAD = r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[章部分节])"
SECTION_ACHIEVED = r"回顾|成效|成绩|成就|总结|进展|完成情况|过去一年|过去五年|去年|上年|取得"
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
    year = int(ym.group(1)) if ym else None
    plan = re.search(r"十[一二三四五六七八九]五", line)
    if year is None and plan and kind == "target":
        year = five_year_plan_years(plan.group(0)[:2])[1]  # "二、“十五五”时期的目标任务" → 2030
    return year, kind


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


def _nearest_cue(text: str, pattern: str) -> int | None:
    last = None
    for m in re.finditer(pattern, text):
        last = m.end()
    return last


def classify_kind(
    sentence_before: str,
    clause_after: str,
    default: str,
    clause_before: str = "",
    weak: bool = True,
    past: bool = False,
    task: bool = False,
) -> str:
    """Target or achieved: tense cues in the item's own clause first, then earlier in the sentence.

    `weak=False` in a section headed as a review ("一、2024年工作回顾"): there 建成/打造 report work done.
    `past`: the sentence is dated to a year before the document's ("2025年，全市新建…" in a 2026
    notice), so without a tense cue it reports work done. `task`: a list item with its own 完成时限,
    where "同比增长10%以上" names the measure of a task, not a past change.
    """

    def strong(seg: str) -> str | None:
        t = _nearest_cue(seg, STRONG_TARGET)
        a = _nearest_cue(seg, STRONG_ACHIEVED)
        if a is not None and t is not None and t < a and re.search(MEASURE_WORDS + "$", seg[:a]):
            a = _nearest_cue(seg[: a - 2], STRONG_ACHIEVED)  # "到2027年累计建成": names the measure, not the tense
        if a is not None and task and seg[:a].endswith("同比"):
            a = _nearest_cue(seg[: a - 2], STRONG_ACHIEVED)
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
    if past:
        return "achieved"
    if re.search(r"入选|榜上有名|上榜|之一|完工|获准", clause_after):
        return "achieved"
    weak_words = WEAK_TARGET if default == "target" else REPORT_WEAK_TARGET
    if weak and re.search(weak_words, sentence_before):
        return "target"
    return default


# ---------------------------------------------------------------- indicator and subject
