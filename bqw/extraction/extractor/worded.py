"""Quantities written as words: ranks, ordinals, N大 industries, economy classes, halves,
doubling, zero targets and full coverage ("百强县", "排名第二", "两大支柱产业", "翻一番", "零填埋", "全覆盖").
"""

from __future__ import annotations

import re

from ..numbers import NUM_RE, normalise, parse_number
from .quantities import Quantity
from .text import Span, inside

GOAL_VERBS = r"(?:建成|争创|进入|重回|冲刺|跻身|迈入|晋级|入选|创建|成为|争当|建设成为|挺进|保持|稳居|进)"
RANK_WORD = r"(?:居|位居|位列|排名|排|强[县区市镇]?)"
ZERO_WORDS = {"填埋": "吨", "排放": "吨", "增长": "%", "发生": "起", "事故": "起", "死亡": "起", "污染": "起"}


# what a 清零 clears, counted in its own unit (land in 亩, sites and villages in 个)
CLEARED_UNITS = [(r"(?:耕地|农田|撂荒地|土地|用地)", "亩"), (r"(?:[点站场所]|村|企业|项目)", "个"), (r"户", "户")]
DONE_VERBS = r"开工|完工|竣工|到岗|到位|验收|清零|脱贫"  # verbs a whole set finishes ("全部开工")
SET_UNITS = {"个", "家", "人", "户", "所", "名"}


class _WordedReader:
    """Reads one clause; a worded form never overlaps a quantity of the grammar (or an exact rank)."""

    def __init__(self, clause: Span, quotes: list[tuple[int, int]], found: list[Quantity]) -> None:
        self.clause, self.s, self.quotes = clause, clause.text, quotes
        self.found = found
        self.taken = [(q.start - clause.start, q.end - clause.start) for q in found]
        self.out: list[Quantity] = []

    def free(self, a: int, b: int) -> bool:
        return not any(x < b and a < y for x, y in self.taken)

    def quantity(self, m: re.Match, value: float | int, unit: str, comp: str, form: str, **kw) -> Quantity:
        start = kw.pop("start", m.start())
        return Quantity(value, unit, comp, self.clause.start + start, self.clause.start + m.end(), form=form, **kw)

    def ranks(self) -> None:
        """百强县, 50强, 40强以内: a rank bound; "百强区40强以内": the tighter, later rank is the statement."""
        ranks = []
        for m in re.finditer(rf"({NUM_RE})强(以内|之内)?", self.s):
            v = parse_number(m.group(1))
            if v is None or not self.free(m.start(), m.end()) or re.search(r"[万亿]", m.group(1)):
                continue  # "千亿强镇" names an economy class, not a place in a ranking
            if re.match(r"[\u4e00-\u9fff]{0,2}前", self.s[m.end() :]):
                continue  # "百强县前80位": the places named after the list are the statement
            if m.group(2) or re.search(GOAL_VERBS + r"[^，。；]{0,14}$", self.s[: m.start()]):
                ranks.append(self.quantity(m, normalise(v), "名", "<=", "rank"))
        if ranks:
            self.out.append(ranks[-1])

    def exact_ranks(self) -> None:
        """居江门第二, 排名344位: an exact place, which later worded forms must not overlap."""
        for m in re.finditer(rf"{RANK_WORD}[^，。；\d]{{0,6}}?第?({NUM_RE})(位|名)?", self.s):
            if "第" not in m.group(0) and not m.group(2) or self.s[: m.start(1)].endswith("前"):
                continue  # "前60位" is a bound, read by the top-N rule
            v = parse_number(m.group(1))
            if v is not None and self.free(m.start(), m.end()):
                self.out.append(self.quantity(m, normalise(v), "名", "=", "ordinal"))
                self.taken.append((m.start(), m.end()))

    def ordinals(self) -> None:
        """第二个, 第二位 (not after a rank word, read above)."""
        for m in re.finditer(rf"第({NUM_RE})(个|位)", self.s):
            if re.search(rf"{RANK_WORD}[^，。；\d]{{0,6}}$", self.s[: m.start()]):
                continue
            v = parse_number(m.group(1))
            if v is not None and self.free(m.start(), m.end()):
                unit = "个" if m.group(2) == "个" else "人"
                self.out.append(self.quantity(m, normalise(v), unit, "=", "ordinal"))

    def industry_counts(self) -> None:
        """N大 + industry noun: "两大支柱产业集群" (not "三大行动")."""
        for m in re.finditer(r"([一二两三四五六七八九十]{1,2})大([\u4e00-\u9fff“”]{1,12})", self.s):
            if inside(self.clause.start + m.start(), self.quotes):
                continue
            noun = m.group(2)
            if "产业" not in noun or re.search(r"行动|建设|工程|平台|战略", noun):
                continue
            v = parse_number(m.group(1))
            if v is not None and self.free(m.start(), m.end()):
                self.out.append(self.quantity(m, normalise(v), "个", "=", "industry_count"))

    def economy_classes(self) -> None:
        """Magnitude of a whole economy: "迈入千亿GDP强区" → ≥ 10^11 元."""
        for m in re.finditer(
            rf"(?:迈入|跻身|进入|建成)(?:全国|全省)?({NUM_RE})元?级?(?:GDP|经济)?强(?:县|区|市|镇)", self.s
        ):
            v = parse_number(m.group(1))
            if v is not None and self.free(m.start(), m.end()):
                val = normalise(v if v >= 1e7 else v * 1e8)
                self.out.append(self.quantity(m, val, "元", ">=", "magnitude", start=m.start(1), money_qualifier=True))

    def halves(self) -> None:
        """Half as a share: "占耕地面积的一半以上", "超过半数的县" (not "一半时间")."""
        for m in re.finditer(r"(超过|超|过)?(?:一半|半数)(以上)?", self.s):
            if self.free(m.start(), m.end()) and not re.match(r"[的]?(?:时间|左右)", self.s[m.end() :]):
                comp = ">" if m.group(1) else ">=" if m.group(2) else "approx"
                self.out.append(self.quantity(m, 50, "%", comp, "half"))

    def first_places(self) -> None:
        """首位 / 第一 after a rank word: "居全国首位", "位居全省第一" → rank 1."""
        for m in re.finditer(rf"{RANK_WORD}[^，。；\d]{{0,6}}?首位", self.s):
            if self.free(m.start(), m.end()):
                self.out.append(self.quantity(m, 1, "名", "=", "ordinal"))
                self.taken.append((m.start(), m.end()))

    def streaks(self) -> None:
        """ "三连增", "5连丰": a streak in years, even inside quotes."""
        for m in re.finditer(rf"({NUM_RE})连(?:增|丰|涨|降|冠|胜|升)", self.s):
            v = parse_number(m.group(1))
            if v is not None and 1 < v < 100 and self.free(m.start(), m.end()):
                self.out.append(self.quantity(m, normalise(v), "年", "=", "streak"))

    def ranking_places(self) -> None:
        """Places in a ranking after a goal verb: "进入全省前五位", "前10名"."""
        for m in re.finditer(rf"前({NUM_RE})(?:位|名|强|(?=[，。；,;]|$))", self.s):
            v = parse_number(m.group(1))
            if (
                v is not None
                and self.free(m.start(), m.end())
                and re.search(rf"(?:{GOAL_VERBS}|{RANK_WORD})[^，。；]{{0,16}}$", self.s[: m.start()])
            ):
                self.out.append(self.quantity(m, normalise(v), "名", "<=", "rank"))

    def doubling(self) -> None:
        """翻一番 → 2 倍, 翻两番 → 4 倍."""
        for m in re.finditer(r"翻(一|两|二|三)?番", self.s):
            n = {"一": 1, "两": 2, "二": 2, "三": 3, None: 1}[m.group(1)]
            self.out.append(self.quantity(m, 2**n, "倍", "=", "double"))

    def zero_targets(self) -> None:
        """零填埋 → 0 吨, 零增长 → 0 %, 零发生 → 0 起; 全面消除/清零 → 0 % (0 个 for "…的村")."""
        for m in re.finditer(
            r"全面消除|(?:全部|全面|动态)?清零"
            r"|(?<![\d一二三四五六七八九十百千])零(填埋|排放|增长|发生|事故|死亡|污染|[\u4e00-\u9fff])",
            self.s,
        ):
            if m.group(0) == "全面消除" or m.group(0).endswith("清零"):
                unit = "个" if self._removes_villages(m) else self._cleared_unit(m)
            elif m.group(1) in ZERO_WORDS:
                unit = ZERO_WORDS[m.group(1)]
            else:
                continue
            self.out.append(self.quantity(m, 0, unit, "=", "zero"))

    def _cleared_unit(self, m: re.Match) -> str:
        """The unit of what is cleared: "撂荒耕地动态清零" → 亩, "垃圾堆放点清零" → 个, else a share."""
        before = self.s[: m.start()]
        for pattern, unit in CLEARED_UNITS:
            if re.search(pattern + r"$", before):
                return unit
        return "%"

    def _removes_villages(self, m: re.Match) -> bool:
        """The thing removed: "全面消除…以下的村", "…以下的村全部清零" count villages."""
        obj = self.s[m.end() :] if m.group(0) == "全面消除" else self.s[: m.start()]
        return bool(re.search(r"(?:的|以下)(?:薄弱|空壳|经济薄弱)?(?:行政)?村(?:[(（]社区[)）])?(?:[，。；,;]|$)", obj))

    def coverage(self) -> None:
        """全覆盖 → 100 %; 所有/全部 … 达到/实现 in a clause without another number → 100 %."""
        for m in re.finditer(r"全覆盖", self.s):
            self.out.append(self.quantity(m, 100, "%", "=", "cover"))
        if self.out:
            return
        m = re.search(
            rf"(所有|全部)[^，。；]{{0,30}}?(达到|实现|完成|建成|纳入|覆盖|通(?!过)|{DONE_VERBS})"
            rf"|(?:覆盖|完成)(?:所有|全部)",
            self.s,
        )
        counts = [q for q in self.found if not q.whole_set]
        if m and (not counts or self._counts_the_set(counts, m)):
            # "全省1609个乡镇全部完成…": the set, not a count; "17个镇全部建成…": the count and 100 %
            self.out.append(self.quantity(m, 100, "%", "=", "all"))

    def _counts_the_set(self, counts: list[Quantity], m: re.Match) -> bool:
        """ "68个工作队、412名队员全部到岗": counts right before 全部 name the set all of which did it."""
        end = counts[-1].end - self.clause.start
        return (
            all(q.end - self.clause.start <= m.start() and q.unit in SET_UNITS for q in counts)
            and not re.search(r"[，,；;、]", self.s[end : m.start()])
        )


def worded_quantities(clause: Span, quotes: list[tuple[int, int]], found: list[Quantity]) -> list[Quantity]:
    """Ranks, ordinals, coverage words, zero targets, doubling and N大 counts of a clause.

    `found` are the clause's quantities from the number grammar; a worded form never overlaps them.
    """
    reader = _WordedReader(clause, quotes, found)
    reader.ranks()
    reader.exact_ranks()
    reader.ordinals()
    reader.industry_counts()
    reader.economy_classes()
    reader.halves()
    reader.first_places()
    reader.streaks()
    reader.ranking_places()
    reader.doubling()
    reader.zero_targets()
    reader.coverage()
    return reader.out
