"""Periods (DHIS2-style identifiers) and the deadline wordings offices write.

One parser for imports, tasks, targets and extraction alike:
``2024`` (year), ``2024Q2`` (quarter), ``202406`` (month); and deadlines such as
"2024年底前", "2024年6月", "2024年12月底", "每季度", "长期坚持", "2023—2025年".
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

YEAR, QUARTER, MONTH = "Y", "Q", "M"
HALF = "H"  # half-year cycle of recurring deadlines (每半年)

_PERIOD_RE = re.compile(r"^(?P<y>\d{4})(?:(?P<q>Q[1-4])|(?P<m>0[1-9]|1[0-2]))?$")
_LABEL_RE = re.compile(r"^(?P<y>\d{4})年(?:第?(?P<q>[1-4一二三四])季度|(?P<m>\d{1,2})月)?$")


class PeriodError(ValueError):
    pass


# The program's window: years a period, deadline or year cell may name (百千万工程 runs 2023—2035; base years and
# long-range goals reach a little further each way). Anything outside is a typo (year 0000, 20244) and is refused.
MIN_YEAR, MAX_YEAR = 2000, 2100


def check_year(year: int, text: object = None) -> int:
    """`year` if inside the program's window, else PeriodError naming the text as written."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"年份超出范围：{text if text is not None else year}（应在 {MIN_YEAR}—{MAX_YEAR} 年之间）")
    return year


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period; ordering is by start then by length (month < quarter < year)."""

    year: int
    kind: str  # "Y", "Q" or "M"
    index: int  # 1 for a year; 1..4 quarter; 1..12 month

    @classmethod
    def parse(cls, text: str | int) -> Period:
        s = str(text).strip().upper()
        m = _PERIOD_RE.match(s) if len(s) <= 6 else None
        if not m:
            shown = s if len(s) <= 20 else s[:20] + "…"
            raise PeriodError(f"无法识别的期间：{shown!r}（应为 2024、2024Q2 或 202406）")
        y = check_year(int(m["y"]), s)
        if m["q"]:
            return cls(y, QUARTER, int(m["q"][1]))
        if m["m"]:
            return cls(y, MONTH, int(m["m"]))
        return cls(y, YEAR, 1)

    @classmethod
    def read(cls, text: str | int) -> Period:
        """A period as an office writes it in a cell: the identifier (202406, 2024Q2, 2024) or its label
        (2024年6月, 2024年第2季度, 2024年) — so a workbook showing labels can be read back."""
        s = str(text).strip()
        m = _LABEL_RE.match(s)
        if m is None:
            return cls.parse(s)
        y = check_year(int(m["y"]), s)
        if m["q"]:
            return cls(y, QUARTER, "一二三四".index(m["q"]) + 1 if m["q"] in "一二三四" else int(m["q"]))
        if m["m"]:
            if not 1 <= int(m["m"]) <= 12:
                raise PeriodError(f"无法识别的期间：{s!r}（月份应在 1—12 之间）")
            return cls(y, MONTH, int(m["m"]))
        return cls(y, YEAR, 1)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(year, MONTH, month)

    @classmethod
    def of_date(cls, d: date, kind: str = MONTH) -> Period:
        if kind == MONTH:
            return cls(d.year, MONTH, d.month)
        if kind == QUARTER:
            return cls(d.year, QUARTER, (d.month - 1) // 3 + 1)
        return cls(d.year, YEAR, 1)

    @property
    def id(self) -> str:
        if self.kind == YEAR:
            return f"{self.year}"
        if self.kind == QUARTER:
            return f"{self.year}Q{self.index}"
        return f"{self.year}{self.index:02d}"

    def __str__(self) -> str:
        return self.id

    @property
    def label(self) -> str:
        """Chinese label, e.g. 2024年6月, 2024年第2季度."""
        if self.kind == YEAR:
            return f"{self.year}年"
        if self.kind == QUARTER:
            return f"{self.year}年第{self.index}季度"
        return f"{self.year}年{self.index}月"

    @property
    def first_month(self) -> int:
        return {YEAR: 1, QUARTER: (self.index - 1) * 3 + 1, MONTH: self.index}[self.kind]

    @property
    def last_month(self) -> int:
        return {YEAR: 12, QUARTER: self.index * 3, MONTH: self.index}[self.kind]

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        m = self.last_month
        return date(self.year, m, calendar.monthrange(self.year, m)[1])

    def months(self) -> list[Period]:
        return [Period(self.year, MONTH, m) for m in range(self.first_month, self.last_month + 1)]

    def quarter(self) -> Period:
        return Period(self.year, QUARTER, (self.first_month - 1) // 3 + 1)

    def year_period(self) -> Period:
        return Period(self.year, YEAR, 1)

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def shift(self, n: int) -> Period:
        """The period n steps later (earlier for negative n) of the same kind."""
        if self.kind == YEAR:
            return Period(self.year + n, YEAR, 1)
        per_year = 4 if self.kind == QUARTER else 12
        k = self.year * per_year + (self.index - 1) + n
        return Period(k // per_year, self.kind, k % per_year + 1)

    def months_between(self, other: Period) -> float:
        """Months from the end of self to the end of other (fractional never; may be negative)."""
        return (other.year - self.year) * 12 + (other.last_month - self.last_month)


def program_start() -> Period:
    """The first month values may be reported for (settings.BQW_PROGRAM_START, e.g. "202301": 百千万工程 began
    in 2023)."""
    from django.conf import settings

    return Period.parse(getattr(settings, "BQW_PROGRAM_START", "202301"))


def check_reporting_period(period: Period, *, today: date | None = None) -> Period:
    """The one window every reported value passes (pages, API, imports): from the program's start to the
    current period, never beyond it. Raises PeriodError (a ValueError) with the Chinese reason."""
    if today is None:
        from django.utils import timezone

        today = timezone.localdate()
    start = program_start()
    if period.end < start.start:
        raise PeriodError(f"{period.label}早于本平台的填报起始期（{start.label}），不能填报")
    if period.start > today:
        raise PeriodError(f"{period.label}尚未开始，不能填报未来期间")
    return period


def month_range(first: Period, last: Period) -> list[Period]:
    out, p = [], Period(first.year, MONTH, first.first_month)
    while p.start <= last.start:
        out.append(p)
        p = p.shift(1)
    return out


# ---------------------------------------------------------------- deadlines

ONGOING, RECURRING, DUE = "ongoing", "recurring", "due"

_DASH = "[—–\\-~～至到]+"
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "十一": 11, "十二": 12}
_RECURRING = {"每月": MONTH, "按月": MONTH, "每季度": QUARTER, "每季": QUARTER, "按季度": QUARTER,
              "每年": YEAR, "按年": YEAR, "每半年": HALF, "半年": HALF}
_ONGOING = ("长期坚持", "长期", "持续推进", "持续", "常态化")


@dataclass(frozen=True)
class Deadline:
    """A task or target deadline as offices write it, with the date it falls due (if any)."""

    kind: str  # "due", "recurring" or "ongoing"
    text: str
    due: date | None = None
    start: date | None = None  # for ranges such as 2023—2025年
    every: str | None = None  # for recurring: "M", "Q", "Y", "H"

    @property
    def period(self) -> Period | None:
        return Period.of_date(self.due) if self.due else None

    def next_due(self, today: date) -> date | None:
        """For recurring deadlines, the end of the current cycle; otherwise the due date."""
        if self.kind != RECURRING:
            return self.due
        if self.every == HALF:
            return date(today.year, 6, 30) if today.month <= 6 else date(today.year, 12, 31)
        return Period.of_date(today, self.every or MONTH).end


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _num(s: str) -> int:
    return int(s) if s.isdigit() else _CN_DIGITS[s]


_YEAR_HINT = re.compile(r"(.+?)[(（](\d{4})[)）]")  # 年底前(2024): the year a document's 年底 refers to
_LEAD_WORDS = re.compile(r"^(?:到|于|在|至)")  # 到2025年, 于2024年6月底前


def parse_year(cell: object) -> int:
    """A year cell as offices fill it: 2024, "2024年", 2024.0 (Excel). Raises PeriodError (a ValueError)."""
    s = str(cell).strip().removesuffix("年")
    if s.endswith(".0"):
        s = s[:-2]
    if not (s.isdigit() and 2000 <= int(s) <= 2100):
        raise PeriodError(f"“{cell}”不是有效年度")
    return int(s)


def parse_deadline(text: str | date | None, *, year: int | None = None) -> Deadline | None:
    """Parse a deadline cell (see _parse_deadline); every failure, an impossible date or a year outside the
    program's window included, is a PeriodError naming the wording."""
    try:
        found = _parse_deadline(text, year=year)
    except PeriodError:
        raise
    except (ValueError, KeyError, OverflowError):  # 2024-13-45, 2024年2月30日
        raise PeriodError(f"无法识别的完成时限：{str(text)[:40]!r}") from None
    if found is not None and found.kind == DUE:
        for d in (found.due, found.start):
            if d is not None:
                check_year(d.year, str(text)[:40])
    return found


def _parse_deadline(text: str | date | None, *, year: int | None = None) -> Deadline | None:
    """Parse a deadline cell. `year` resolves 今年/明年/年底前 without a year; a year written after the
    wording in brackets ("年底前(2024)", as extraction records it) takes its place. Lead words (到, 于, 在, 至)
    are dropped; Deadline.text is the wording without them and without the bracketed year. None for blank.

    Raises PeriodError on wording it cannot read, so imports can name the cell.
    """
    if text is None:
        return None
    if isinstance(text, datetime):  # Excel date cells arrive as datetime
        text = text.date()
    if isinstance(text, date):
        return Deadline(DUE, text.isoformat(), due=text)
    raw = str(text).strip()
    if m := _YEAR_HINT.fullmatch(raw):
        raw, year = m.group(1).strip(), int(m.group(2))
    raw = _LEAD_WORDS.sub("", raw)
    s = raw.replace(" ", "").replace("（", "(").replace("）", ")")
    if not s:
        return None
    for word, every in _RECURRING.items():
        if s.startswith(word):
            return Deadline(RECURRING, raw, every=every)
    if any(s.startswith(w) for w in _ONGOING):
        return Deadline(ONGOING, raw)
    if year is not None:
        s = s.replace("今年", f"{year}年").replace("明年", f"{year + 1}年").replace("后年", f"{year + 2}年")
    # ISO-like dates: 2024-06-30, 2024/6/30, 2024.6.30
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", s)
    if m:
        return Deadline(DUE, raw, due=date(int(m[1]), int(m[2]), int(m[3])))
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})", s)
    if m:
        return Deadline(DUE, raw, due=_month_end(int(m[1]), int(m[2])))
    # Ranges: 2023—2025年, 2023年—2025年
    m = re.match(rf"(\d{{4}})年?{_DASH}(\d{{4}})年", s)
    if m:
        y1, y2 = int(m[1]), int(m[2])
        return Deadline(DUE, raw, due=date(y2, 12, 31), start=date(y1, 1, 1))
    # Month ranges inside a year: 2024年3月—6月, 2024年3—6月
    m = re.match(rf"(\d{{4}})年(\d{{1,2}})月?{_DASH}(\d{{1,2}})月", s)
    if m:
        y = int(m[1])
        return Deadline(DUE, raw, due=_month_end(y, int(m[3])), start=date(y, int(m[2]), 1))
    # Year, month, day
    m = re.match(r"(\d{4})年(\d{1,2})月(\d{1,2})日", s)
    if m:
        return Deadline(DUE, raw, due=date(int(m[1]), int(m[2]), int(m[3])))
    m = re.match(r"(\d{4})年(\d{1,2}|十[一二]?|[一二三四五六七八九])月", s)
    if m:
        return Deadline(DUE, raw, due=_month_end(int(m[1]), _num(m[2])))
    m = re.match(r"(\d{4})年(上半年|年中)", s)
    if m:
        return Deadline(DUE, raw, due=date(int(m[1]), 6, 30))
    m = re.match(r"(\d{4})年(?:第)?([1-4一二三四])季度", s)
    if m:
        return Deadline(DUE, raw, due=Period(int(m[1]), QUARTER, _num(m[2])).end)
    m = re.match(r"(\d{4})年", s)
    if m:
        return Deadline(DUE, raw, due=date(int(m[1]), 12, 31))
    if year is not None and re.match(r"(年底|年内|年末|全年|本年)", s):
        return Deadline(DUE, raw, due=date(year, 12, 31))
    if year is not None and (m := re.match(r"(\d{1,2}|十[一二]?|[一二三四五六七八九])月", s)):
        return Deadline(DUE, raw, due=_month_end(year, _num(m[1])))
    m = re.fullmatch(r"(\d{4})(Q[1-4]|\d{2})?", s.upper())
    if m:
        return Deadline(DUE, raw, due=Period.parse(s).end)
    if any(w in s for w in _ONGOING):  # 立即启动，长期坚持
        return Deadline(ONGOING, raw)
    if m := re.fullmatch(FIVE_YEAR_PLAN_RE + r"前?", s):  # "十四五期间", "“十四五”末"
        first, last = five_year_plan_years(m[2])
        return Deadline(DUE, raw, due=date(last, 12, 31), start=date(first, 1, 1))
    raise PeriodError(f"无法识别的完成时限：{raw!r}")


# ---------------------------------------------------------------- time expressions in prose
#
# Policy prose dates its statements with wordings a deadline cell never holds: "到2025年底",
# "截至6月底", "今年以来", "去年", "1—9月", "2025年起每年…". `find_time_mentions` finds them in a
# stretch of text and resolves each to a Period (a year or a month) or a day, so extraction reads
# time with the same module as imports and tasks.

YEAR_RE = r"(?:19|20)\d{2}"
YEAR_SPAN_RE = rf"({YEAR_RE})\s*[—\-–~～至到]\s*({YEAR_RE})\s*年"  # 2023—2025年
FULL_DATE_RE = rf"({YEAR_RE})\s*(?:年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|-\d{{2}}-\d{{2}})"  # 2024年6月3日
DEADLINE_WORDING_RE = rf"(?:到|于|在)?{YEAR_RE}年(?:\d{{1,2}}月)?(?:底|末)?前?|年底前|年内|今年|明年|完成时限[:：]\S+"
FIVE_YEAR_PLAN_RE = r"(到|至)?[“\"]?(十[一二三四五六七八九])五[”\"]?(?:规划)?(末|期间|时期)?"
PARAGRAPH, SENTENCE = "paragraph", "sentence"


def five_year_plan_years(number: str) -> tuple[int, int]:
    """First and last year of the Nth five-year plan ("十四" → 2021, 2025), counted from the 6th (1981—1985)."""
    n = 10 + _CN_DIGITS[number[1]]
    first = 1981 + 5 * (n - 6)
    return first, first + 4


@dataclass(frozen=True)
class TimeMention:
    """A time expression in prose with what it resolves to.

    `when` is a year or month Period ("到2025年" → 2025, "截至2024年6月" → 2024年6月) or a day
    ("到2025年底" → 2025-12-31, "11月6日"); it is None for the start of a series ("2025年起每年…").
    `target` tells a deadline ahead ("到2025年", "年底前") from a reference date ("截至6月", "去年");
    `scope` says how far it reaches: a paragraph (explicit dates) or only its sentence (今年, 目前).
    """

    start: int
    end: int
    text: str
    when: Period | date | None
    scope: str
    target: bool
    first: Period | None = None  # the first year of a range such as 2023—2025年

    @property
    def starts_series(self) -> bool:
        return self.when is None

    @property
    def deadline(self) -> Deadline | None:
        """The mention as a Deadline (due at the end of its period), None for a series start."""
        if self.when is None:
            return None
        due = self.when.end if isinstance(self.when, Period) else self.when
        return Deadline(DUE, self.text, due=due, start=self.first.start if self.first else None)


def _month(year: int, month: int) -> Period | None:
    return Period(year, MONTH, month) if 1 <= month <= 12 else None


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


class _MentionCollector:
    """Collects mentions in text[start:end]; an earlier (more specific) reading keeps its span."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.offset = text, start
        self.seg = text[start:end]
        self.found: list[TimeMention] = []
        self.taken: list[tuple[int, int]] = []

    def add(
        self,
        m: re.Match,
        when: Period | date | None,
        scope: str,
        target: bool,
        *,
        series: bool = False,
        first: Period | None = None,
    ) -> None:
        if when is None and not series:
            return
        if any(a < m.end() and m.start() < b for a, b in self.taken):
            return
        self.taken.append((m.start(), m.end()))
        a, b = self.offset + m.start(), self.offset + m.end()
        self.found.append(TimeMention(a, b, self.text[a:b], when, scope, target, first))

    def explicit_years(self) -> None:
        """Year ranges and years, with 到/截至/底/前/起 around them."""
        seg = self.seg
        day_before = rf"(?:到|至|于|在)?\s*({YEAR_RE})\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日(?:前|之前)"
        for m in re.finditer(day_before, seg):
            self.add(m, _day(int(m[1]), int(m[2]), int(m[3])), PARAGRAPH, True)  # "2026年3月31日前": a day deadline
        for m in re.finditer(rf"(?:到|至|于)?\s*({YEAR_RE})\s*年\s*(\d{{1,2}})\s*月(?:份)?(?:底|末)?(?:前|之前)", seg):
            self.add(m, _month(int(m[1]), int(m[2])), PARAGRAPH, True)  # "2025年11月底前": a month deadline
        for m in re.finditer(YEAR_SPAN_RE, seg):
            self.add(m, Period(int(m[2]), YEAR, 1), PARAGRAPH, True, first=Period(int(m[1]), YEAR, 1))
        for m in re.finditer(rf"(到|至|截至|截止到?)?\s*({YEAR_RE})\s*年(底|末)?(前)?", seg):
            if seg[max(0, m.start() - 1) : m.start()] == "比":
                continue  # base year of a comparison ("比2022年"), not a deadline
            if re.match(r"\s*(?:起|开始)", seg[m.end() :]):
                self.add(m, None, SENTENCE, True, series=True)  # "2025年起每年…": a series starts
                continue
            y = int(m[2])
            month = re.match(r"(\d{1,2})月(?:底|末)?", seg[m.end() : m.end() + 8])
            as_of = (m[1] or "").startswith("截")
            if m[3] and not as_of:
                self.add(m, date(y, 12, 31), PARAGRAPH, True)
            elif month and as_of:
                self.add(m, _month(y, int(month[1])), PARAGRAPH, False)
            else:
                # "增加到2025年的226.8亿元": the year of the level reached, not a deadline
                ahead = m[1] in ("到", "至") and not seg[m.end() : m.end() + 1] == "的"
                self.add(m, Period(y, YEAR, 1), PARAGRAPH, ahead or bool(m[4]))

    def five_year_plans(self) -> None:
        """"到“十四五”末", "十四五时期": the plan period 2021—2025 (GOLD.md: 十四五 → 2025)."""
        for m in re.finditer(FIVE_YEAR_PLAN_RE, self.seg):
            if not (m[1] or m[3]):
                continue  # "“十四五”规划" names a plan, not a time
            first, last = five_year_plan_years(m[2])
            target = bool(m[1] or m[3] == "末")
            self.add(m, Period(last, YEAR, 1), PARAGRAPH, target, first=Period(first, YEAR, 1))

    def reference_dates(self, year: int) -> None:
        """Dates of facts within the document's year: 截至6月底, 上半年, 去年, 1—9月, 11月6日, 今年以来."""
        seg = self.seg
        for m in re.finditer(r"(?:截至|截止到?)(?:今年)?(\d{1,2})\s*月(?:底|末)?", seg):
            self.add(m, _month(year, int(m[1])), PARAGRAPH, False)
        for m in re.finditer(r"(?:今年)?(上半年|前三季度|(?<![上下])(?:第)?[一二三](?=季度))(?:季度)?", seg):
            months = {"上半年": 6, "前三季度": 9, "第二": 6, "二": 6, "第三": 9, "三": 9}
            self.add(m, _month(year, months.get(m[1], 3)), PARAGRAPH, False)
        for m in re.finditer(r"(?<![比较])(?:去年|上年|上一年|过去一年)", seg):
            self.add(m, Period(year - 1, YEAR, 1), SENTENCE, False)
        for m in re.finditer(r"(\d{1,2})\s*月\s*(?:份)?\s*(?:至|到|—|-|–|~)\s*(\d{1,2})\s*月", seg):
            self.add(m, _month(year, int(m[2])), PARAGRAPH, False)
        for m in re.finditer(r"(\d{1,2})\s*[—\-–~](\d{1,2})\s*月", seg):
            self.add(m, _month(year, int(m[2])), PARAGRAPH, False)
        for m in re.finditer(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日", seg):
            self.add(m, _day(year, int(m[1]), int(m[2])), PARAGRAPH, False)
        for m in re.finditer(r"今年以来|年初以来", seg):
            self.add(m, Period(year, YEAR, 1), PARAGRAPH, False)

    def relative_years(self, year: int, section_year: int | None) -> None:
        """年底前, 明年, 今年, 全年, 年内, 目前: relative to the document's (or section's) year."""
        seg = self.seg
        for m in re.finditer(r"(?:今年|年)底前|年底|今年年底", seg):
            self.add(m, date(year, 12, 31), SENTENCE, True)
        for m in re.finditer(r"(?<![\d年—\-–~至到])(\d{1,2})\s*月(?:份)?(?:底|末)?(?:前|之前)", seg):
            self.add(m, _month(year, int(m[1])), SENTENCE, True)  # "12月底前完成": a month deadline this year
        for m in re.finditer(r"明年", seg):
            self.add(m, Period(year + 1, YEAR, 1), SENTENCE, True)
        for m in re.finditer(
            r"今年|(?<![健完安齐周])全年|(?<![\d一二两三四五六七八九十])年内|本年度|(?<!项)目前(?!期)|现有|当前", seg
        ):
            own = section_year if section_year and m[0] in ("全年", "年内", "本年度") else year
            self.add(m, Period(own, YEAR, 1), SENTENCE, m[0] == "年内")


def find_time_mentions(
    text: str,
    *,
    year: int | None = None,
    section_year: int | None = None,
    start: int = 0,
    end: int | None = None,
) -> list[TimeMention]:
    """Every time expression in text[start:end] (offsets absolute in `text`), in reading order.

    `year` (the document's year) resolves 今年/去年/明年/上半年/11月6日; without it only explicit
    years are read. `section_year` is the year of a section heading ("一、2024年工作回顾"): there
    全年/年内 mean that year, while 今年/去年 stay relative to the document's year.
    """
    found = _MentionCollector(text, start, len(text) if end is None else end)
    found.explicit_years()
    found.five_year_plans()
    if year:
        found.reference_dates(year)
        found.relative_years(year, section_year)
    return sorted(found.found, key=lambda t: t.start)


def year_of_full_date(text: str) -> int | None:
    """The year of the first full date ("2024年6月3日", "2024-06-03") in text, e.g. a page's date line."""
    m = re.search(FULL_DATE_RE, text)
    return int(m[1]) if m else None


def deadline_heading(line: str) -> Period | date | None:
    """A line that is only a deadline ("到2023年：", "到2025年底，") heads the goals listed below it."""
    m = re.fullmatch(rf"\s*(?:到|至)?\s*({YEAR_RE})\s*年(底|末)?\s*[:：，,]?\s*", line)
    if not m:
        return None
    return date(int(m[1]), 12, 31) if m[2] else Period(int(m[1]), YEAR, 1)


def find_deadline_wording(sentence: str) -> str | None:
    """The first deadline wording of a sentence as written ("到2025年", "2024年底前", "年内",
    "完成时限：6月底"), for a task draft to keep as text."""
    m = re.search(DEADLINE_WORDING_RE, sentence)
    return m[0] if m else None
