from datetime import date

import pytest

from bqw.core.periods import ONGOING, RECURRING, Period, PeriodError, month_range, parse_deadline, parse_year


@pytest.mark.parametrize("text,kind,start,end", [
    ("2024", "Y", date(2024, 1, 1), date(2024, 12, 31)),
    ("2024Q2", "Q", date(2024, 4, 1), date(2024, 6, 30)),
    ("202402", "M", date(2024, 2, 1), date(2024, 2, 29)),
])
def test_period_identifiers(text, kind, start, end):
    p = Period.parse(text)
    assert (p.kind, p.start, p.end, p.id) == (kind, start, end, text)


@pytest.mark.parametrize("bad", ["2024Q5", "202413", "24", "2024-06", "abc"])
def test_bad_period_is_rejected_with_a_reason(bad):
    with pytest.raises(PeriodError, match="无法识别"):
        Period.parse(bad)


def test_period_arithmetic():
    m = Period.parse("202411")
    assert m.shift(3).id == "202502" and m.shift(-11).id == "202312"
    assert m.quarter().id == "2024Q4" and m.year_period().id == "2024"
    assert Period.parse("2024Q4").contains(m) and not Period.parse("2024Q3").contains(m)
    assert [p.id for p in Period.parse("2024Q1").months()] == ["202401", "202402", "202403"]
    assert len(month_range(Period.parse("202301"), Period.parse("202512"))) == 36
    assert Period.parse("202406").label == "2024年6月"


@pytest.mark.parametrize("text,due", [
    ("2024年底前", date(2024, 12, 31)),
    ("2024年6月", date(2024, 6, 30)),
    ("2024年12月底", date(2024, 12, 31)),
    ("2024年6月15日", date(2024, 6, 15)),
    ("2023—2025年", date(2025, 12, 31)),
    ("2023-2025年", date(2025, 12, 31)),
    ("2024年上半年", date(2024, 6, 30)),
    ("2024年第三季度", date(2024, 9, 30)),
    ("2024-06-30", date(2024, 6, 30)),
    ("2024Q2", date(2024, 6, 30)),
])
def test_deadline_wordings(text, due):
    d = parse_deadline(text)
    assert d.due == due


def test_relative_and_recurring_deadlines():
    assert parse_deadline("年底前", year=2024).due == date(2024, 12, 31)
    assert parse_deadline("今年9月", year=2024).due == date(2024, 9, 30)
    assert parse_deadline("明年底前", year=2024).due == date(2025, 12, 31)
    q = parse_deadline("每季度")
    assert q.kind == RECURRING and q.next_due(date(2024, 5, 3)) == date(2024, 6, 30)
    assert parse_deadline("长期坚持").kind == ONGOING and parse_deadline("长期坚持").due is None
    assert parse_deadline("") is None


def test_unreadable_deadline_raises():
    with pytest.raises(PeriodError):
        parse_deadline("尽快")


def test_task_list_wordings_offices_write():
    from datetime import datetime

    assert parse_deadline(datetime(2024, 9, 30, 0, 0)).due == date(2024, 9, 30)  # an Excel date cell
    r = parse_deadline("2024年3月—6月")
    assert (r.start, r.due) == (date(2024, 3, 1), date(2024, 6, 30))
    assert parse_deadline("2024年3-6月").due == date(2024, 6, 30)
    assert parse_deadline("2024年12月底前").due == date(2024, 12, 31)
    assert parse_deadline("立即启动，长期坚持").kind == ONGOING
    h = parse_deadline("每半年")
    assert h.kind == RECURRING and h.next_due(date(2024, 8, 1)) == date(2024, 12, 31)


def test_extraction_wordings_lead_words_and_a_bracketed_year():
    """What the extractor records: 到/于/在/至 before the date, the document's year after 年底前 in brackets."""
    d = parse_deadline("年底前(2024)", year=2030)  # the bracketed year wins over the caller's
    assert (d.due, d.text) == (date(2024, 12, 31), "年底前")
    assert parse_deadline("年底前（2025）").due == date(2025, 12, 31)
    d = parse_deadline("到2025年")
    assert (d.due, d.text) == (date(2025, 12, 31), "2025年")
    assert parse_deadline("于2024年6月底前").due == date(2024, 6, 30)
    assert parse_deadline("至6月", year=2024).due == date(2024, 6, 30)
    assert parse_deadline("到") is None
    with pytest.raises(PeriodError):
        parse_deadline("到时候(2024)")


@pytest.mark.parametrize("cell,year", [(2024, 2024), ("2024年", 2024), (2024.0, 2024), (" 2025 ", 2025)])
def test_parse_year(cell, year):
    assert parse_year(cell) == year


@pytest.mark.parametrize("cell", ["二〇二四", "1999", "2024.5", "", "abc"])
def test_parse_year_names_the_bad_cell(cell):
    with pytest.raises(PeriodError, match="不是有效年度"):
        parse_year(cell)
