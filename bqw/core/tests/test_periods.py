from datetime import date

import pytest

from bqw.core.periods import (
    ONGOING,
    RECURRING,
    YEAR,
    Period,
    PeriodError,
    deadline_heading,
    find_deadline_wording,
    find_time_mentions,
    month_range,
    parse_deadline,
    parse_year,
    year_of_full_date,
)


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


# ---------------------------------------------------------------- time expressions in prose


def _mentions(text: str, **kw) -> list[tuple]:
    return [(t.text, t.when, t.scope, t.target) for t in find_time_mentions(text, **kw)]


def test_prose_deadlines_resolve_to_a_year_a_month_or_a_day():
    text = "到2025年，村级集体经济收入全部达到10万元以上；2023—2025年完成改造；到2027年底基本建成。"
    assert _mentions(text) == [
        ("到2025年", Period(2025, YEAR, 1), "paragraph", True),
        ("2023—2025年", Period(2025, YEAR, 1), "paragraph", True),
        ("到2027年底", date(2027, 12, 31), "paragraph", True),
    ]
    rng = find_time_mentions(text)[1].deadline
    assert (rng.start, rng.due) == (date(2023, 1, 1), date(2025, 12, 31))


def test_reference_dates_of_facts_need_the_documents_year():
    text = "截至6月底，全市新增企业30家；上半年GDP增长5%；去年完成投资；1—9月累计；11月6日召开现场会。"
    assert _mentions(text) == []  # without a year only explicit years are read
    got = _mentions(text, year=2024)
    assert got == [
        ("截至6月底", Period.month(2024, 6), "paragraph", False),
        ("上半年", Period.month(2024, 6), "paragraph", False),
        ("去年", Period(2023, YEAR, 1), "sentence", False),
        ("1—9月", Period.month(2024, 9), "paragraph", False),
        ("11月6日", date(2024, 11, 6), "paragraph", False),
    ]


def test_relative_words_and_section_year():
    text = "年底前完成，明年启动；全年新增10家，今年以来新增5家。"
    got = _mentions(text, year=2025, section_year=2024)
    assert got == [
        ("年底前", date(2025, 12, 31), "sentence", True),
        ("明年", Period(2026, YEAR, 1), "sentence", True),
        ("全年", Period(2024, YEAR, 1), "sentence", False),  # in a "2024年工作回顾" section
        ("今年以来", Period(2025, YEAR, 1), "paragraph", False),
    ]


def test_a_base_year_is_no_deadline_and_a_series_start_has_no_date():
    assert _mentions("比2022年增长10%。") == []
    (start,) = find_time_mentions("2025年起每年新增5个。")
    assert start.starts_series and start.when is None and start.deadline is None


def test_offsets_are_absolute_within_a_slice():
    text = "一、总体目标\n到2025年，建成示范村100个。"
    (m,) = find_time_mentions(text, start=7, end=len(text))
    assert text[m.start : m.end] == "到2025年" == m.text


def test_impossible_dates_are_not_mentions():
    assert _mentions("2月30日召开会议。", year=2024) == []


def test_date_lines_headings_and_task_wordings():
    assert year_of_full_date("江门市人民政府 发布时间：2024年3月15日") == 2024
    assert year_of_full_date("2024-03-15 来源") == 2024 and year_of_full_date("2024年工作要点") is None
    assert deadline_heading("到2023年：") == Period(2023, YEAR, 1)
    assert deadline_heading("到2025年底，") == date(2025, 12, 31)
    assert deadline_heading("到2023年，建成示范村10个。") is None
    assert find_deadline_wording("由市农业农村局牵头，2024年底前完成。") == "2024年底前"
    assert find_deadline_wording("年内完成") == "年内" and find_deadline_wording("长期推进") is None


def test_five_year_plans_are_periods():
    (m,) = find_time_mentions("推动高新区到“十四五”末工业总产值翻一番。")
    assert (m.text, m.when, m.target) == ("到“十四五”末", Period(2025, YEAR, 1), True)
    assert m.deadline.start == date(2021, 1, 1) and m.deadline.due == date(2025, 12, 31)
    assert find_time_mentions("“十五五”时期")[0].when == Period(2030, YEAR, 1)
    assert find_time_mentions("今年是“十四五”规划收官之年。") == []  # the plan's name, not a time
    assert parse_deadline("十四五期间").due == date(2025, 12, 31)
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


@pytest.mark.parametrize("text,pid", [("202406", "202406"), ("2024年6月", "202406"), ("2024年第2季度", "2024Q2"),
                                      ("2024年第四季度", "2024Q4"), ("2024年", "2024"), (" 2024Q3 ", "2024Q3")])
def test_a_period_reads_back_as_a_workbook_writes_it(text, pid):
    assert Period.read(text).id == pid and Period.read(Period.parse(pid).label).id == pid


@pytest.mark.parametrize("text", ["2024年13月", "0000年1月", "2024年第5季度", "6月"])
def test_an_impossible_written_period_is_a_period_error(text):
    with pytest.raises(PeriodError):
        Period.read(text)
