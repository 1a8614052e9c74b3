"""Hostile input never becomes a 500: the import reader, the number check, the period and deadline parsers and
the request-integer helper refuse it with a Chinese reason. Property-based (hypothesis) where the input space is
large: arbitrary bytes, numbers and period texts."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from bqw.core.errors import ApplicationError, ImportRejected
from bqw.core.imports import read_table
from bqw.core.numbers import cell_number, fit_decimal
from bqw.core.params import int_param
from bqw.core.periods import MAX_YEAR, MIN_YEAR, Period, PeriodError, parse_deadline

FAST = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
NAMES = ("v.xlsx", "v.csv", "v.json", "v.xlsm", "v", "v.txt")


def _rejected_as_unreadable(data: bytes, name: str) -> str:
    with pytest.raises(ImportRejected) as exc:
        read_table(data, name)
    (err,) = exc.value.errors
    assert err.message.startswith("无法读取文件") and exc.value.status_code == 422
    return err.message


def _xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_gbk_csv_as_chinese_excel_saves_it_is_read():
    data = "单位,指标,期间,数值\n沙坪街道,村集体经营性收入,202401,12.5\n".encode("gbk")
    t = read_table(data, "填报.csv")
    assert t.headers == ["单位", "指标", "期间", "数值"]
    assert t.rows == [["沙坪街道", "村集体经营性收入", "202401", "12.5"]]
    assert read_table("单位\n鹤山\n".encode("utf-16"), "u16.csv").rows == [["鹤山"]]


@pytest.mark.parametrize(("data", "name", "says"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "photo.csv", "不是文本"),
    (bytes(range(256)) * 4, "random.xlsx", "不是有效的 Excel"),
    (_xlsx([["a"], [1]])[:300], "truncated.xlsx", "Excel"),
    (b'[{"region": "440784", "value": 1', "truncated.json", "JSON 格式错误"),
    (b"[1, 2, 3]", "numbers.json", "对象列表"),
    (b'"just text"', "string.json", "对象列表"),
    (b"[" * 100_000 + b"]" * 100_000, "deep.json", "无法读取"),
    (b"a,b\x00,c\n", "nul.csv", "二进制"),
])
def test_unreadable_files_are_a_422_naming_the_problem(data, name, says):
    assert says in _rejected_as_unreadable(data, name)


@FAST
@given(data=st.binary(max_size=2048), name=st.sampled_from(NAMES))
def test_arbitrary_bytes_give_a_table_or_the_import_error(data, name):
    try:
        t = read_table(data, name)
    except ImportRejected:
        return
    assert isinstance(t.headers, list) and all(isinstance(r, list) for r in t.rows)


@FAST
@given(items=st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                          lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                      max_size=4), max_leaves=20))
def test_any_json_value_gives_a_table_or_the_import_error(items):
    try:
        read_table(json.dumps(items).encode(), "v.json")
    except ImportRejected:
        pass


@pytest.mark.parametrize("text", ["1e308", "1" + "0" * 30, "9" * 5000, "-1e19", "1e-30", "123456789012345678.5",
                                  "NaN", "Infinity", "-inf", "", "abc", "1e999999999", "0x10"])
def test_numbers_that_do_not_fit_the_value_column_are_refused_in_chinese(text):
    with pytest.raises(ValueError) as exc:
        fit_decimal(text)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc.value))


def test_numbers_are_given_back_as_they_will_be_stored():
    assert fit_decimal("1,234.5") == Decimal("1234.5") and str(fit_decimal("12.5%")) == "12.5"
    assert str(fit_decimal(0.1 + 0.2)) == "0.3"  # a float from an Excel formula cell
    assert str(fit_decimal("2.0000004")) == "2" and str(fit_decimal("-0")) == "0"
    assert fit_decimal("999999999999999") == Decimal("999999999999999")
    assert fit_decimal("１２") == Decimal("12")  # full-width digits, as a Chinese IME types them


@FAST
@given(st.one_of(st.decimals(allow_nan=True, allow_infinity=True), st.floats(), st.integers(),
                 st.text(max_size=40)))
def test_any_number_is_stored_exactly_or_refused_with_a_value_error(value):
    try:
        d = fit_decimal(value)
    except ValueError:
        return
    assert d.is_finite() and abs(d) < Decimal(10) ** 18
    assert d == d.quantize(Decimal("0.000001")) and len(d.normalize().as_tuple().digits) <= 15


@pytest.mark.parametrize("text", ["0000", "0000Q1", "000001", "1999", "2101", "9999Q4", "202413", "2024Q5", "20240",
                                  "2024" * 1000, ""])
def test_impossible_periods_are_refused(text):
    with pytest.raises(PeriodError):
        Period.parse(text)


@FAST
@given(st.text(max_size=12) | st.from_regex(r"[0-9]{4}(Q[0-9]|[0-9]{2})?", fullmatch=True))
def test_period_parse_returns_a_period_in_the_window_or_a_period_error(text):
    try:
        p = Period.parse(text)
    except PeriodError:
        return
    assert MIN_YEAR <= p.year <= MAX_YEAR and Period.parse(p.id) == p and p.start <= p.end


@pytest.mark.parametrize("text", ["2024-13-45", "2024年2月30日", "0000年", "9999年底", "2024年13月", "0000-01-01"])
def test_impossible_deadlines_are_a_period_error(text):
    with pytest.raises(PeriodError):
        parse_deadline(text)


@FAST
@given(st.text(max_size=30) | st.from_regex(r"[0-9]{4}[-/.年][0-9]{1,2}([-/.月][0-9]{1,2}日?)?", fullmatch=True),
       st.none() | st.integers(min_value=MIN_YEAR, max_value=MAX_YEAR - 3))
def test_parse_deadline_gives_a_deadline_none_or_a_period_error(text, year):
    try:
        d = parse_deadline(text, year=year)
    except PeriodError:
        return
    if d is not None and d.due is not None:
        assert isinstance(d.due, date) and MIN_YEAR <= d.due.year <= MAX_YEAR


@pytest.mark.parametrize(("raw", "expected"), [("12", 12), (" 7 ", 7), ("99999999999999999999", None), ("abc", None),
                                               ("²", None), ("-1", None), ("", None), (None, None), ("1e3", None)])
def test_request_integers_are_read_safely(raw, expected):
    assert int_param(raw) == expected


def test_a_strict_request_integer_is_a_400_naming_the_field():
    with pytest.raises(ApplicationError) as exc:
        int_param("abc", strict=True, label="版本号")
    assert exc.value.status_code == 400 and "版本号" in exc.value.message


@FAST
@given(st.text(max_size=30))
def test_int_param_never_raises_and_stays_in_range(text):
    n = int_param(text)
    assert n is None or 0 <= n <= 2**31 - 1


def test_numbers_for_workbook_cells_are_rounded_as_offices_write_them():
    assert cell_number(70.50359712230215, "%") == 70.5
    assert cell_number(88.48920863309353, "") == 88.49
    assert cell_number(Decimal("1337.000000"), "户") == 1337 and isinstance(cell_number(1337.0, "户"), int)
    assert cell_number(None, "%") is None
