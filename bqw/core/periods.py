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


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period; ordering is by start then by length (month < quarter < year)."""

    year: int
    kind: str  # "Y", "Q" or "M"
    index: int  # 1 for a year; 1..4 quarter; 1..12 month

    @classmethod
    def parse(cls, text: str | int) -> Period:
        s = str(text).strip().upper()
        m = _PERIOD_RE.match(s)
        if not m:
            raise PeriodError(f"无法识别的期间：{text!r}（应为 2024、2024Q2 或 202406）")
        y = int(m["y"])
        if m["q"]:
            return cls(y, QUARTER, int(m["q"][1]))
        if m["m"]:
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
    raise PeriodError(f"无法识别的完成时限：{raw!r}")
