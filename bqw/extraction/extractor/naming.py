"""Indicator names: the noun phrase that says what a quantity measures."""

from __future__ import annotations

import re

from bqw.core.periods import FIVE_YEAR_PLAN_RE, YEAR_RE

from .quantities import CHANGE_TO, COUNT_UNITS
from .text import Span
from .worded import GOAL_VERBS

LEAD_STRIP = (
    r"^(?:[^，。；]*?(?:方面|来看|其中)[，,]?)?(?:提出)?(?:到|至|截至|截止)?(?:\d{4}年(?:底|末)?(?:前|以来)?)?[，,]?"
    r"(?:\d{1,2}月(?:\d{1,2}日)?(?:[至到—\-–]\d{1,2}月(?:份)?)?)?"
    r"(?:今年以来|年初以来|以来|今年|明年|去年|上年|过去一年|上半年|前三季度|全年|年内|目前|现有|同时|此外|另外|其中|并)?"
    r"(?:力争|争取|确保|努力|计划|将|要|全力|加快|持续|推动|推进|着力|重点|积极|大力|实现|力求)*"
    r"(?:全市|全区|全县|全省|全镇|全域|所有|全部)?(?:已|累计|共有|共|现有)?"
    r"(?:(?:打造|培育|扶持|建设|引进|组织|建成)一批)?"
)
# what a measure unit measures, when the phrase does not already say it
MEASURE_NOUN = {"公里": "长度", "米": "长度", "亩": "面积", "平方公里": "面积", "平方米": "面积"}
MEASURE_END = r"(?:数|量|率|比|比例|比重|占比|面积|长度|里程|总额|收入|产值|投资|规模|增速|增长|GDP|人口|时间|排名|长)$"
# the brackets a noun phrase may contain: "县(市、区)", "村(社区)", "新(改、扩)建"
NOUN_AFTER = r"(?:以上|以下|以内|左右)?(?:的)?((?:[(（][^()（）]{0,12}[)）]|[^，。；、,;()（）]){1,24})"


BASELINE_PART = rf"(?:从|由)(?:{YEAR_RE}年(?:底|末)?的?)?(?:[^，。；]*?{CHANGE_TO})?$"


def _count_name(np: str, unit: str | None = None) -> str:
    """A count's name ends in 数 (户数 and 人数 for households and people)."""
    if unit and unit.endswith("次") and len(unit) == 2:
        return np if np.endswith(unit) else np + unit  # "培训1100人次" → 培训人次
    if re.search(MEASURE_END, np):
        return np
    if unit in ("人", "名") and not np.endswith(("人", "员")):
        return np + "人数"  # "执业医师100名" → 执业医师人数, as offices count people
    return np + ("户数" if unit == "户" and not np.endswith("户") else "数")


def _drop_plan_period(m: re.Match) -> str:
    """Drop a five-year plan used as a time ("到“十四五”末"), keep it in a name ("“十四五”规划项目")."""
    return "" if m[1] or m[3] else m[0]


def indicator_for(clause: str, rel_a: int, rel_b: int, unit: str | None) -> str:
    """Noun phrase naming what is measured: before the number, or after a count.

    Lead-in words (time, intent, scope 全市, cues 已/累计) and comparator words are stripped; in a
    list ("供水管道4.8公里、天然气管道12.1公里") only the item's own part counts; counts end in 数,
    lengths and areas say so (长度, 面积).
    """
    before = before_raw = clause[:rel_a]
    after = clause[rel_b:]
    before = re.sub(BASELINE_PART, "", before)  # "收入比从2.1:1缩小至" → 收入比
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
    before = re.sub(FIVE_YEAR_PLAN_RE, _drop_plan_period, before)  # so is "到“十四五”末"
    noun_after = re.match(NOUN_AFTER, after)
    if unit in COUNT_UNITS and noun_after:
        np = re.split(COUNT_NOUN_END, noun_after.group(1))[0] or re.sub(
            r"(?:[，,；;].*)?$", "", noun_after.group(1)
        )  # "8所结对高校院所": a noun that opens with a verb is still the noun
        if np:
            rel = _relative(clause, rel_b, np)
            return rel or _count_name(_verb_before(before_raw) + np, unit)[:30]
    if re.search(r"[、].{1,10}等$", before) and noun_after:
        before = ""  # "甲大学、乙研究院等8所高校": the examples do not name the count
    name = (before[-24:] or (noun_after.group(1) if noun_after else "")).strip()
    if not name:
        return "数量"
    if unit in COUNT_UNITS and not noun_after:
        return _count_name(name, unit)[:30]  # "已建成美丽圩镇45个": the count comes last
    if unit in MEASURE_NOUN and re.fullmatch(r"(?:总|全)?长|建设|保障|新增|完成", name) and noun_after:
        name = re.sub(r"^[(（][^)）]*[)）]", "", noun_after.group(1)) or name  # "建设超万亩产业集聚区"
    if unit in MEASURE_NOUN and not re.search(MEASURE_END, name):
        return name + MEASURE_NOUN[unit]
    return _measure_of(name, after, unit)


def _measure_of(name: str, after: str, unit: str | None) -> str:
    """A bare measure word names the thing after it ("总投资3.2亿元的X项目" → X项目总投资); shares and
    growth say so ("占全市经济总量" → …比重, "三年增长" → 三年增长率)."""
    m = re.match(r"(?:以上|左右)?的([^，。；、]{2,16})", after)
    if m and re.fullmatch(r"(?:计划)?(?:总投资|投资|总长|全长|占地|规模|总额)", name):
        return m.group(1) + name
    if name.startswith("占") and not re.search(r"(?:比重|比例|占比)$", name):
        return name + "比重"
    done = re.fullmatch(r"完成(.{2,10}?)的?", name)
    if unit == "%" and done:
        return done.group(1) + "完成率"  # "完成年度计划的53.6%"
    if unit == "%" and re.search(r"增长率?$", name):
        return re.sub(r"(?:同比|比上年|较上年)?增长率?$", "增速", name)  # offices write 增速
    return name


COUNT_NOUN_END = r"(?:实现|达到|完成|开展|推进|参与|建设|入选|迈入|向|在|到|进入|加强|结对|之一|上榜|等|及|与|的宣传)"
# verbs that make a count a count of things created or done ("建成10个美丽宜居示范村" → 建成美丽宜居示范村数)
MAKE_VERBS = r"(?:新开工改造|开工建设|盘活或新建|新增完成|新引进|新建|新增|建成|完成|培育|引进|引育|新开工|改造)"


def _verb_before(before: str) -> str:
    m = re.search(rf"(每年)?(?:至少|不少于|不低于)?{MAKE_VERBS}(?:不少于|至少|超过)?$", before.strip())
    if not m:
        return "每年" if re.search(r"每年[^，、]{0,4}$", before) else ""
    return re.sub(r"(?:不少于|至少|不低于|超过)", "", m.group(0))


def _relative(clause: str, rel_b: int, np: str) -> str | None:
    """ "7个县(市、区)迈入千亿经济强县行列" → "迈入千亿经济强县行列的县(市、区)数": what the counted units did."""
    rest = clause[rel_b:]
    k = rest.find(np)
    if k < 0 or k > 2:
        return None
    tail = re.sub(r"的[^，。；,;]*$", "", re.split(r"[，,；;。]", rest[k + len(np) :])[0].rstrip("！!？? "))
    m = re.match(r"(入选|上榜)$|((?:迈入|达到|进入|实现|完成|开展|加强)[^，。；、\d]{2,14})$", tail)
    if not m:
        return None
    return f"{m.group(1)}{np}数" if m.group(1) else f"{m.group(2)}的{np}数"


def all_name(phrase: str) -> str | None:
    """ "全部行政村达到美丽宜居村标准" → "达到美丽宜居村标准的行政村比例"; "…实现5G网络覆盖" → "…覆盖率"."""
    m = re.search(r"(?:所有|全部)([^，。；,;]{0,12}?)(达到|实现|完成|建成|纳入|覆盖|通(?!过))([^，。；,;]*)", phrase)
    if not m:
        return None
    noun, verb, rest = m.groups()
    if not noun:  # "全省1609个乡镇（街道）全部完成…": the noun stands before 全部
        noun = re.sub(r"^.*?[\d一二两三四五六七八九十百千万]+个", "", phrase[: m.start()]).strip()
        if not noun:
            return None
    if "覆盖" in verb + rest:
        return noun + re.sub(r"覆盖.*$", "", rest) + "覆盖率"
    return f"{verb}{rest}的{noun}比例"


# verbs that open a phrase without belonging to the measure's name ("尽快实现农林牧渔业总产值")
VERB_LEAD = (
    r"^(?:尽快|全力|奋力|着力|重点|高标准|大力|持续|深入|积极)?"
    r"(?:实现|做大做强|巩固提升|对接|加强|推广|扶持|保障|打造|安排|组织|推动|推进|加快|力争|争取|确保)+"
)
PURPOSE_TAIL = r"(?:的目标|的任务|的要求|目标|任务)$"


def tidy_name(name: str, is_place=None) -> str:
    """An office's indicator name: no leading subject, cue, citation or verb, no dangling punctuation.

    "江门将在每个县城植树数" → "每个县城植树数"; "作要点》提出全年完成…" → "全年完成…" → "完成…";
    "’、建好主平台、争创百强县排名" → "百强县排名"; "025年建成全国工业百强县排名" → "全国工业百强县排名".
    """
    n = re.split(r"[、]", name)[-1] if re.search(r"[、].{2,}(?:排名)$", name) else name
    for _ in range(2):
        n = re.sub(r"^.*?(?:》|提出|指出|明确)[，,：:]?", "", n) or n
    if is_place is not None:
        for k in range(min(10, len(n) - 2), 1, -1):
            if is_place(n[:k]):
                n = re.sub(r"^(?:将|要|已|在)+", "", n[k:])
                break
    n = re.sub(r"^[\u4e00-\u9fff]{2,6}?将(?:在)?(?=.{3})", "", n)  # "江门将在…": the subject before 将
    n = re.sub(r"经过[\d一二三四五六七八九十]+年(?:左右)?", "", n)
    n = re.sub(r"^[’”」』、，,：:)）]+", "", n)
    n = re.sub(r"^\d+年(?:底|末)?前?", "", n)
    yearly = re.match(r"每年(?=.{3})", n)  # "每年新增…": offices keep the rate's 每年 in the name
    n = re.sub(r"^(?:全年|今年|明年|年内|每年)(?=.{3})", "", n)
    n = re.sub(VERB_LEAD, "", n) if len(re.sub(VERB_LEAD, "", n)) >= 3 else n
    n = re.sub(r"^(?:至少|不少于|不低于)", "", n)
    n = re.sub(r"^(.{2,12}?)在(.{1,6}?)(?:中的|中)?(?:占比|比重)$", r"\1占\2比重", n)  # "X在全市占比" → X占全市比重
    n = re.sub(r"(?:[\d一二三四五六七八九十]+年)?平均增速$", "年均增速", n)  # "10年平均增速" → 年均增速
    n = re.sub(rf"^(?:{GOAL_VERBS})(?=.{{4}})", "", n) if n.endswith("排名") else n
    n = re.sub(PURPOSE_TAIL, "", n)
    n = re.sub(rf"^完成(?={NAMED_ACTION})", "", n)  # "完成X改造户数": the action is already named
    per = re.match(rf"^(每个?[\u4e00-\u9fff]{{0,4}}?{PER_UNIT})(.{{2,}})$", n)
    if per and not yearly:
        n = f"{per.group(2)}({per.group(1)})"  # "每个行政村植树数" → 植树数(每个行政村): the target is per unit
    if yearly and not n.startswith("每年"):
        n = "每年" + n
    return n.strip("，,；;：: ") or name


NAMED_ACTION = r".{2,}(?:改造|修复|治理|新改建|改建|整治|提升|新建)[^改修治建整提]{0,8}$"
PER_UNIT = r"(?:县城|圩镇|行政村|自然村|社区|街道|园区|学校|医院|县|镇|村|区|市)"


DURATION_UNITS = {"分钟", "小时", "年"}


def duration_name(before: str, after: str, unit: str | None) -> str | None:
    """How long something takes or lasts: "30分钟上高速" / "1小时经济生活圈" → …通达时间 (a travel
    time names where it reaches); "到基层服务1年以上", "锻炼1—2年" → 基层服务时长 / 锻炼时长."""
    if unit == "年":
        spans = re.search(r"(?:连续|每|近|用|经过|再用|[\d一二两三四五六七八九十]年)$", before)
        if spans or re.match(r"[内时来左]", after):
            return None  # streaks, spans and "10年内" are read elsewhere
        part = re.split(r"[，,；;：:、]|[\d一二两三四五六七八九十百千万]+[名人个家所]|到|在|赴|去", before)[-1]
        part = re.sub(r"^(?:以上|以下)?(?:的)?", "", part)
        if not 2 <= len(part) <= 14 or not re.search(r"(?:服务|锻炼|工作|任职|挂职|驻村|帮扶|轮岗|支教|支医)$", part):
            return None
        return part + "时长"
    m = re.match(r"[”\"]?((?:经济|生活|服务|交通|通勤|便民|公共服务|医疗|教育|文化)?[\u4e00-\u9fff]{0,6}圈)", after)
    if m:
        lead = re.sub(r"[“”\"]", "", re.split(r"[，,；;、]", before)[-1])
        lead = re.sub(r"^(?:.*?(?:实现|推广|推动|打造|构建|建设|形成|加快|融入))", "", lead)
        return f"{lead}{m.group(1)}通达时间"
    m = re.match(r"(?:以内|之内)?(?:上|到|至|抵达|通达)([\u4e00-\u9fff]{2,6}?)(?:[，,；;。]|$)", after)
    if m:
        return f"{m.group(1)}通达时间"  # "镇镇30分钟上高速" → 高速通达时间
    return None


def zero_name(name: str, phrase: str, after: str, unit: str | None) -> str:
    """What a zero target counts: "原生垃圾零填埋" → 原生垃圾填埋量, "全面消除劣V类水体" → 劣V类水体比例,
    "安全生产事故零发生" → 安全生产事故数."""
    m = re.search(r"零([\u4e00-\u9fff]{2})", phrase)
    verb = m.group(1) if m else ""
    if phrase.startswith("全面消除"):
        obj = re.match(r"([^，。；,;]{2,20})", after)
        if obj:
            name = obj.group(1)
            return re.sub(r"的(?=[^的]{1,4}$)", "", name) + ("数" if unit == "个" else "比例")
    if unit == "吨" and verb:
        return name + verb + "量"
    if unit == "起" and verb:
        return name if re.search(r"(?:事故|案件)$", name) is None else name + "数"
    if unit == "%" and verb == "增长":
        return name + "增长率"
    return name


THRESHOLD_LEAD = r"(?:一批|一批[^，。；,;]{0,6}?)$"


def threshold_name(name: str, before: str, after: str) -> str | None:
    """An amount that defines a set ("培育一批年销售收入超亿元的龙头企业", "扶持一批产值10亿元以上企业")
    is the set's entry threshold: 龙头企业年销售收入门槛."""
    if "一批" not in before:
        return None
    m = re.match(r"(?:以上|及以上)?级?(?:的)?([\u4e00-\u9fff]{2,8}?)(?:[，,；;。、]|$)", after)
    if not m:  # "一批年销售收入超亿元、超10亿元的龙头企业": the set's noun closes the list
        m = re.match(r"、[^，,；;。]{0,16}?的([\u4e00-\u9fff]{2,8}?)(?:[，,；;。、]|$)", after)
    noun = m.group(1) if m else ""
    measure = re.sub(r"^.*一批", "", before)
    measure = re.split(r"(?:超过|超|达到|达|不低于|不少于)?[\d一二两三四五六七八九十百千万亿.]+[万亿]?元", measure)[0]
    measure = re.sub(r"(?:超过|超|达到|达|不低于|不少于)$", "", measure)
    measure = re.sub(r"^[^，,；;]*[，,；;]", "", measure)
    if not measure and not noun:
        return None
    if not measure:
        measure = "投资规模"  # "建设一批亿元级项目": a project's size is its investment
    return f"{noun}{measure}门槛"


def one_of_name(before: str, after: str, unit: str | None) -> str | None:
    """ "成为省重点支持的五个主平台之一" → 省重点支持的主平台数; "成为第二位获准在本市执业的律师" →
    获准在本市执业的律师人数: the set a place or person joins, counted."""
    m = re.match(r"(?:[个位家所名])?([^，,；;。]{2,16}?)之一", after)
    if m:
        head = re.split(r"(?:成为|是|为|列入|跻身)", before)[-1] if re.search(r"成为|是|为|列入|跻身", before) else ""
        head = re.sub(r"^[^，,；;]*[，,；;]", "", head)
        return head + m.group(1) + "数" if 2 <= len(head + m.group(1)) <= 20 else None
    if unit in ("人", "名"):
        m = re.match(r"(?:位|名)?([^，,；;。]{2,20}?)(?:[，,；;。]|$)", after)
        if m:
            return m.group(1) + ("人数" if not m.group(1).endswith("人数") else "")
    return None


def industry_name(phrase: str) -> str:
    """ "三大超千亿产业集群" → "超千亿产业集群数量": the set's noun, not the list that names it."""
    noun = re.sub(r"^[一二两三四五六七八九十]{1,2}大", "", phrase)
    return noun + "数量"


def share_name(after: str) -> str | None:
    """A percentage whose noun follows it ("60%以上存量农房完成微改造") names the share of that noun."""
    m = re.match(NOUN_AFTER, after)
    if not m:
        return None
    np = re.sub(PURPOSE_TAIL, "", m.group(1))
    np = re.split(r"(?:至少|不少于|开展|参与|到|赴)", np)[0] or np  # "10%执业医师至少下沉…": the share is of 执业医师
    np = re.sub(r"^([^完]{2,10})完成([^完]{2,10})$", r"\1\2完成", np)  # "X完成Y" → X Y 完成比例
    return np + "比例" if len(np) >= 2 else None


def cover_name(before: str) -> str:
    """ "推动县城社区一刻钟便民生活圈实现全覆盖" → "县城社区一刻钟便民生活圈覆盖率"."""
    n = re.sub(r"(?:实现|达到|基本|全面|做到)+$", "", before)
    n = re.split(r"(?:零[\u4e00-\u9fff]{1,2})?和", n)[-1] if "零" in n else n
    n = re.sub(r"覆盖$", "", n)
    return n + "覆盖率" if n else "覆盖率"


def rank_indicator(text: str, clause: Span, start: int, end: int) -> str:
    """The ranking a place is in: "进入全国百强县第87位" → "全国百强县第87位排名" without goal verbs."""
    rm = re.search(rf"(?:{GOAL_VERBS})?([^，。；]{{0,10}}?)$", clause.text[: start - clause.start])
    head = (rm.group(1) if rm else "") + text[start : end + 1]
    head = re.sub(rf"^(?:力争|争取|确保|全力|奋力)*(?:{GOAL_VERBS})?", "", head)
    head = re.split(rf"(?:{GOAL_VERBS})", head)[-1] or head
    head = re.sub(r"^(?:我[省市县区镇]|继续|稳居|排名|位居|位列|居|在)+", "", head)
    head = re.sub(r"第[\d一二三四五六七八九十百]+位?|前[\d一二三四五六七八九十]+位?", "", head)
    head = re.sub(r"中?排名[\d第].*$|(?<=[区县镇市])\d+强(?:以内|之内)?.*$", "", head)
    return head.rstrip("，。；第,") + "排名"


SHARE_LEAD = r"(?:完成|安排|实现|推动|力争|确保)(?:不少于|不低于|至少|超过|达到)?$"


def plain_name(name: str, before: str, after: str, unit: str | None) -> str:
    """A number the grammar read: thresholds of a set, shares of a noun after, "X完成Y" shares."""
    if unit == "元":
        gate = threshold_name(name, before, after)
        if gate:
            return gate
    if unit == "%" and (name == "数量" or re.search(SHARE_LEAD, before.strip())):
        return share_name(after) or name
    done = re.fullmatch(r"([^完]{2,10})完成([^完]{2,10})", name)
    if unit == "%" and done and not re.search(MEASURE_END, name):
        return f"{done.group(1)}{done.group(2)}完成比例"  # "60%以上存量农房完成微改造" → 存量农房微改造完成比例
    return name
