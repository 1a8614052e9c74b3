"""The pipeline from a text to its `Item`s: sections, paragraphs, sentences, clauses, quantities.

Document facts (year, issuer, default kind and deadline) are read once; numbered section headings
and bare "到2023年" lines change the defaults for what follows them.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace

from bqw.core.periods import YEAR, Period, deadline_heading

from ..numbers import parse_number
from .kinds import classify_kind, doc_kind, section_heading
from .naming import (
    DURATION_UNITS,
    LEAD_STRIP,
    all_name,
    cover_name,
    duration_name,
    indicator_for,
    industry_name,
    one_of_name,
    plain_name,
    rank_indicator,
    tidy_name,
    zero_name,
)
from .places import find_issuer, is_place_name, place_stems, subject_for
from .quantities import CHANGE_TO, COUNT_UNITS, PRE_GE_TARGET, Quantity, filter_clause, grammar_quantities
from .text import Span, book_titles, clauses, inside, paragraphs, quoted_names, sentences
from .times import (
    DeadlineValue,
    TimeMention,
    deadline_value,
    document_year,
    due_mention,
    heading_deadline,
    item_deadline,
    lead_period,
    paragraph_mentions,
    plan_base_year,
)
from .worded import worded_quantities


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
class Document:
    """What the whole text says once: its year, issuer, defaults and the spans that hide numbers."""

    text: str
    year: int | None
    issuer: str | None
    default_kind: str
    default_deadline: int | None
    lead_period: DeadlineValue
    stems: dict[str, str]
    quotes: list[tuple[int, int]]
    titles: list[tuple[int, int]]
    base_year: int | None = None

    @classmethod
    def read(cls, text: str, year: int | None, subject: str | None) -> Document:
        doc_year = year or document_year(text)
        return cls(
            text=text,
            year=doc_year,
            issuer=subject or find_issuer(text),
            default_kind=doc_kind(text),
            default_deadline=heading_deadline(text),
            lead_period=lead_period(text, doc_year),
            stems=place_stems(text),
            quotes=quoted_names(text),
            titles=book_titles(text),
            base_year=None if doc_year else plan_base_year(text),
        )


PAST_YEAR_HEAD = r"过去一年|去年|上年|上一年"
PAST_YEARS_HEAD = r"过去([二三四五两])年|([二三四五两])年来"  # a report's review of the last N years


@dataclass
class Section:
    """The defaults in force at a paragraph, set by the last numbered heading ("一、2024年工作回顾")."""

    kind: str
    deadline: DeadlineValue
    lead_period: DeadlineValue
    year: int | None = None
    review: bool = False  # a section reviewing work done: 建成/打造 there do not make targets
    carried: DeadlineValue = None  # the year a report's earlier paragraph stated ("2024年，全省…")
    span_start: int | None = None  # the year before a reviewed span of years ("过去五年" → 2020)

    def carry(self, text: str, mentions: list[TimeMention], doc_year: int | None) -> None:
        """A report on a finished year: its facts stay in the year a sentence opened with ("2024年，全省…",
        in a page dated 2025) until another is named."""
        years = [
            t
            for t in mentions
            if not t.target
            and isinstance(t.when, Period)
            and t.when.kind == YEAR
            and re.match(r"[，,]", text[t.end : t.end + 1])
            and (t.start == 0 or text[t.start - 1] in "。！？\n")
        ]
        if years and self.kind == "achieved" and doc_year and years[-1].when.year < doc_year:
            self.carried = years[-1].when.year

    def enter(self, doc: Document, para: str) -> bool:
        """Update the defaults from a heading paragraph; True when the paragraph is only a deadline."""
        heading = section_heading(para)
        if heading:
            self.year, kind_word = heading
            self.kind = kind_word or doc.default_kind
            self.review = kind_word == "achieved"
            self.span_start = None
            if self.review and not self.year and doc.year and re.search(PAST_YEAR_HEAD, para):
                self.year = doc.year - 1  # "一、过去一年的主要工作" in a report dated the year after
            span = re.search(PAST_YEARS_HEAD, para) if self.review and not self.year and doc.year else None
            if span:
                # "一、过去五年工作回顾" dated 2026: its figures are 2025's, a change starts in 2020
                self.year = doc.year - 1
                self.span_start = self.year - int(parse_number(span.group(1) or span.group(2)) or 0)
            if self.year:
                self.deadline = self.year if self.kind == "target" else doc.default_deadline
                self.lead_period = self.year if self.kind == "achieved" else doc.lead_period
        when = deadline_heading(para)
        if when is not None:
            self.deadline = deadline_value(when)  # a bare "到2023年" line heads the goals listed under it
            return True
        return False


@dataclass
class Sentence:
    """One sentence with its time mentions and its clauses' quantities after clause-level filtering."""

    span: Span
    mentions: list[TimeMention]
    quantities: list[tuple[Span, list[Quantity]]] = field(default_factory=list)
    due: TimeMention | None = None  # the list item's "完成时限：2025年11月底前"

    @property
    def has_exact_rank(self) -> bool:
        return any(q.form == "ordinal" and q.unit == "名" for _, qs in self.quantities for q in qs)


def extract(text: str, *, year: int | None = None, subject: str | None = None) -> list[Item]:
    """All quantitative statements of `text`, in reading order."""
    doc = Document.read(text, year, subject)
    section = Section(kind=doc.default_kind, deadline=doc.default_deadline, lead_period=doc.lead_period)
    items: list[Item] = []
    seen: dict[tuple, Item] = {}
    for para in paragraphs(text):
        if section.enter(doc, para.text):
            continue
        mentions = paragraph_mentions(text, para, doc.year, section.year, doc.titles)
        due = due_mention(text, mentions)
        section.carry(text, mentions, doc.year)
        for sent in sentences(text, para):
            sentence = _read_sentence(doc, section, sent, mentions)
            sentence.due = due
            for clause, quantities in sentence.quantities:
                made: list[tuple[int, Item]] = []
                for q in quantities:
                    item = _item(doc, section, sentence, clause, q)
                    if item is None:
                        continue
                    key = _repeat_key(text, q)
                    if key in seen:
                        _date_repeat(seen[key], item)
                        continue
                    seen[key] = item
                    _name_from_context(item, items, text, sent)
                    shared = _shared_by_each(item, q.start, items, text, clause, sent)
                    made += [(q.start, it) for it in shared]
                    items.extend(shared)
                _respectively(made, clause)
    return _dedupe_overlaps(items)


def _respectively(made: list[tuple[int, Item]], clause: Span) -> None:
    """ "户厕普及率、集中供水覆盖率分别达到97%和95%以上": the i-th value belongs to the i-th name."""
    k = clause.text.find("分别")
    listed = [it for start, it in made if start - clause.start > k >= 0]
    if len(listed) < 2:
        return
    head = re.sub(r"^.*?(?:其中|同时)[，,]?", "", clause.text[:k])
    parts = [p.strip() for p in re.split(r"[、和与]", head)]  # not 及: "普及率"
    if len(parts) != len(listed) or not all(4 <= len(p) <= 16 for p in parts):
        return  # "化肥、农药使用量": a part without its measure is not a name
    for part, it in zip(parts, listed, strict=True):
        it.indicator = tidy_name(re.sub(LEAD_STRIP, "", part), is_place_name)


def _date_repeat(first: Item, again: Item) -> None:
    """A statement repeated (a headline, then the body) keeps the date the repetition states:
    "甲县迈入千亿强县" … "2023年，甲县要…迈入千亿强县" is dated 2023."""
    if first.deadline is None and again.deadline is not None and first.kind == again.kind:
        first.deadline = again.deadline


PLACE_END = r"(?:县|市|区|镇|乡|街道)$"  # "甲县、乙县和丙园区…均增长": places sharing a value, one statement
SHARED_VERB = r"均(?:已|将)?(?=达到|达|居|位居|位列|超过|保持|在|为|实现|提高|提升|增长|不低于|不少于)"


def _shared_by_each(item: Item, q_start: int, items: list[Item], text: str, clause: Span, sent: Span) -> list[Item]:
    """ "A和B的X均达到100%" / "A 24个、B 330个，数量均居全国首位": one statement per indicator sharing it."""
    before = text[clause.start : q_start]
    m = re.search(r"均(?:已|将)?([^，。；\d]{0,8})$", before)
    if not m or not re.match(SHARED_VERB, "均" + m.group(1) + text[q_start : q_start + 3]):
        return [item]
    head = re.sub(r"^.*?(?:其中|同时|并且?|且)", "", before[: m.start()])
    parts = re.split(r"[和与及、]", head)
    places = [x for x in parts if is_place_name(x[:3]) or re.search(PLACE_END, x.split("的", 1)[0])]
    if len(parts) >= 2 and all(1 < len(x) <= 16 for x in parts) and not places:
        last = parts[-1]
        measure = last.split("的", 1)[1] if "的" in last else ""
        names = [tidy_name(re.sub(r"的$", "", x.split("的", 1)[0]) + measure, is_place_name) for x in parts]
        return [replace(item, indicator=n) for n in names]
    if re.fullmatch(r"(?:数量|总量|规模|增速|占比|比重)?", head.strip()):
        prev = [it for it in items if sent.start <= it.start and it.end <= clause.start]
        if len(prev) >= 2:
            suffix = "数量排名" if item.unit == "名" else ""
            return [
                replace(item, indicator=re.sub(r"^(?:建成|新增)|数$", "", it.indicator) + suffix) for it in prev[-2:]
            ]
    return [item]


def _read_sentence(doc: Document, section: Section, sent: Span, mentions: list[TimeMention]) -> Sentence:
    sentence = Sentence(sent, mentions)
    for clause in clauses(doc.text, sent):
        sent_before = doc.text[sent.start : clause.start]
        hint = classify_kind(sent_before + clause.text, "", section.kind, weak=not section.review)
        found = clause_quantities(clause, doc.quotes, hint == "target")
        found = [q for q in found if not inside(q.start, doc.titles)]
        sentence.quantities.append((clause, filter_clause(found, clause)))
    return sentence


def _item(doc: Document, section: Section, sentence: Sentence, clause: Span, q: Quantity) -> Item | None:
    """The Item a quantity states, or None when a sharper statement in the sentence supersedes it."""
    text, sent = doc.text, sentence.span
    kind = classify_kind(
        text[sent.start : q.start],
        text[q.end : clause.end],
        section.kind,
        text[clause.start : q.start],
        weak=not section.review,
        past=_dated_past_year(sentence, q.start, doc.year),
        task=sentence.due is not None,
    )
    if q.form == "rank" and kind == "achieved" and sentence.has_exact_rank:
        return None  # "入选全国千强镇，排名第856位": the exact rank supersedes the bracket
    if kind == "achieved" and _is_reached_level(text, clause, q):
        q.comparator = "="  # "达到100家" reports a level reached, not a bound
    deadline = _span_deadline(text[sent.start : q.start], kind, doc.year or doc.base_year) or item_deadline(
        sentence.mentions,
        sent,
        q.start,
        kind,
        section.deadline,
        section.lead_period,
        sentence.due,
        text,
        section.carried,
    )
    if q.baseline is not None:
        if q.baseline == -1:  # "由上年的48%提升至63%": the year before the fact's own year
            year = int(str(deadline)[:4]) - 1 if re.match(r"\d{4}", str(deadline)) else None
            return _baseline_item(doc, sentence, clause, replace(q, baseline=year or 0), section.span_start)
        return _baseline_item(doc, sentence, clause, q, section.span_start)
    quote_a, quote_b = _quote_bounds(clause, q)
    return Item(
        kind=kind,
        subject=subject_for(text[sent.start : q.start], doc.issuer, doc.stems),
        indicator=_indicator(text, clause, q),
        comparator=q.comparator,
        value=q.value,
        unit=q.unit,
        deadline=deadline,
        quote=text[quote_a:quote_b],
        start=quote_a,
        end=quote_b,
    )


def _dated_past_year(sentence: Sentence, q_start: int, doc_year: int | None) -> bool:
    """The sentence's last date before the quantity is a plain year before the document's year."""
    before = [t for t in sentence.mentions if sentence.span.start <= t.start and t.end <= q_start]
    if not before or not doc_year:
        return False
    t = before[-1]
    return not t.target and isinstance(t.when, Period) and t.when.kind == YEAR and t.when.year < doc_year


def _baseline_item(doc: Document, sentence: Sentence, clause: Span, q: Quantity, span_start: int | None) -> Item:
    """The level a change starts from is a fact: of the year stated ("由2023年的"), else the year before
    (in a review of the last N years, the year before those N)."""
    quote_a, quote_b = _quote_bounds(clause, q)
    year = q.baseline or span_start or (doc.year - 1 if doc.year else None)
    return Item(
        kind="achieved",
        subject=subject_for(doc.text[sentence.span.start : q.start], doc.issuer, doc.stems),
        indicator=re.sub(r"(?:从|由)(?:上一?年|去年)(?:同期)?的?$", "", _indicator(doc.text, clause, q)),
        comparator="=",
        value=q.value,
        unit=q.unit,
        deadline=year,
        quote=doc.text[quote_a:quote_b],
        start=quote_a,
        end=quote_b,
    )


BARE_NAME = r"数量|数|(?:年均)?增速|同比增速|总数|总量|连续[\u4e00-\u9fff]{0,4}年数|[一二两三四五\d]年(?:年均)?增速"


def _name_from_context(item: Item, items: list[Item], text: str, sent: Span) -> None:
    """A bare name ("增长5.2%", "累计达到526家") borrows the noun of the sentence's previous statement
    or clause: "地区生产总值3850亿元，同比增长5.2%" → 地区生产总值增速."""
    if not re.fullmatch(BARE_NAME, item.indicator):
        return
    prev = next((it for it in reversed(items) if it.start >= sent.start), None)
    if prev is not None:
        noun = prev.indicator
    else:
        before = text[sent.start : item.start]
        parts = [p for p in re.split(r"[，,；;：:]", before)[:-1] if p.strip()]
        if not parts:
            return
        noun = tidy_name(re.sub(r"(?:持续|稳步|继续|保持)?(?:增长|提升|发展)?$", "", parts[-1]), is_place_name)
    noun = re.sub(r"(?:(?:年均|平均)?增速|增长率|数量|总数|数)$", "", noun)
    if 1 < len(noun) <= 20:
        bare_count = item.indicator in ("数量", "数")
        item.indicator = noun + (("数" if item.unit in COUNT_UNITS else "") if bare_count else item.indicator)


def _span_deadline(before: str, kind: str, year: int | None) -> int | None:
    """ "10年内建成20个…", "经过10年…平均增速": a target N years from the document's year."""
    if kind != "target" or not year:
        return None
    m = re.search(r"(?:经过|用|再用)?([一二两三四五六七八九十\d]{1,2})年(?:内|时间|左右)?(?=[^年]{0,12}$)", before)
    if not m or re.search(r"\d{4}年", before[m.start() :]) or re.search(r"连续|每$|近$", before[: m.start()][-2:]):
        return None
    n = parse_number(m.group(1))
    if not n or not (re.search(r"内|时间", m.group(0)) or m.group(0).startswith(("经过", "用"))):
        return None
    return year + int(n)


def _is_reached_level(text: str, clause: Span, q: Quantity) -> bool:
    """ "达到100家", "缩小至2.30:1" in a report: the level reached, not a bound."""
    before = text[clause.start : q.start]
    return (
        q.form == ""
        and not q.list_bound
        and (
            q.comparator == ">="
            and bool(re.search(rf"(?:{'|'.join(PRE_GE_TARGET)})$", before))
            and not re.search(r"以上$", text[q.start : q.end])
            or q.comparator == "<="
            and bool(re.search(rf"{CHANGE_TO}$", before))
        )
    )


def _indicator(text: str, clause: Span, q: Quantity) -> str:
    """The indicator's name by the form of the quantity, tidied as an office would write it."""
    return tidy_name(_raw_indicator(text, clause, q), is_place_name)


def _raw_indicator(text: str, clause: Span, q: Quantity) -> str:
    rel_a, rel_b = q.start - clause.start, q.end - clause.start
    named = _worded_name(text, clause, q)
    if named:
        return named
    if q.unit in DURATION_UNITS and not q.form:
        duration = duration_name(clause.text[:rel_a], clause.text[rel_b:], q.unit)
        if duration:
            return duration
    name = indicator_for(clause.text, rel_a, rel_b, q.unit)
    if q.form == "double":
        return re.sub(r"(?:增长倍数|实现|推动|力争)+$", "", name) + "增长倍数"  # "产值翻一番" → 产值增长倍数
    if q.form == "zero":
        return zero_name(name, text[q.start : q.end], clause.text[rel_b:], q.unit)
    if q.form == "all":
        return all_name(clause.text) or name
    if q.form == "cover":
        return cover_name(tidy_name(clause.text[:rel_a], is_place_name))
    if q.form:
        return name
    return plain_name(name, clause.text[:rel_a], clause.text[rel_b:], q.unit)


def _worded_name(text: str, clause: Span, q: Quantity) -> str | None:
    """Names fixed by the quantity's form alone: ranks, sets joined (之一), N大 sets, streaks, classes."""
    rel_a = q.start - clause.start
    if q.form in ("rank", "ordinal") and q.unit == "名":
        return rank_indicator(text, clause, q.start, q.end)
    one_of = re.match(r"[个位家所名]?[^，,；;。]{2,16}?之一", text[q.end : clause.end])
    if q.form == "ordinal" or (q.unit in COUNT_UNITS and one_of):
        joined = one_of_name(clause.text[:rel_a], text[q.end : clause.end], q.unit)
        if joined:
            return joined
    if q.form == "industry_count":
        return industry_name(text[q.start : q.end])
    if q.form == "streak":
        return "连续增长年数"  # "实现“三连增”": named after the statement before it
    if q.form == "magnitude":
        return "GDP" if "GDP" in text[q.start : q.end] else "地区生产总值"  # "迈入千亿GDP强区"
    if q.unit == "年" and re.search(r"连续$", text[clause.start : q.start]):
        verb = re.match(r"年([^，。；、\d]{1,4}?)(?:[，。；、]|$)", text[q.end - 1 : clause.end])
        return f"连续{verb.group(1) if verb else ''}年数"  # "连续15年缩小" → 连续缩小年数
    return None


def _repeat_key(text: str, q: Quantity) -> tuple:
    """A statement repeated in the text (same value, unit, comparator and wording) is kept once."""
    phrase = text[max(0, q.start - 2) : q.end] if q.form else text[q.start : q.end + 2]
    if q.form == "all":
        phrase += text[q.end : q.end + 4]  # "4月底前全部完成招标", "12月底前全部完成验收": what is done differs
    return (q.value, q.unit, q.comparator, phrase)


def clause_quantities(clause: Span, quotes: list[tuple[int, int]], is_target_hint: bool) -> list[Quantity]:
    """All quantities of one clause, before clause-level filtering: the grammar's, then worded forms."""
    found = grammar_quantities(clause, quotes, is_target_hint)
    return found + worded_quantities(clause, quotes, found)


def _quote_bounds(clause: Span, q: Quantity) -> tuple[int, int]:
    """The statement's quote: from the clause start (past lead-in words) to the end of the quantity phrase."""
    s = clause.text
    a = 0
    while a < len(s) and s[a] in " \t\u3000":
        a += 1
    rel_end = q.end - clause.start
    tail = re.match(r"[^，。；,;：:！？]*", s[rel_end:])
    b = rel_end + (len(tail.group(0)) if tail else 0)
    while b > rel_end and s[b - 1] in " \t\u3000":
        b -= 1
    return clause.start + a, clause.start + b


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
