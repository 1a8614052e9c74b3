"""Numeral parsing: every form policy texts use must reach base units."""

import pytest

from bqw.extraction.numbers import parse_number, to_base


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("一百", 100),
        ("两", 2),
        ("两百", 200),
        ("二十二", 22),
        ("一千零六十二", 1062),
        ("1.4万", 14000),
        ("4000亿", 4e11),
        ("3.2亿", 3.2e8),
        ("百亿", 1e10),
        ("千亿", 1e11),
        ("万", 1e4),
        ("1,062", 1062),
        ("三分之一", 33.33),
        ("三分之二", 66.67),
        ("百分之百", 100),
        ("百分之八十", 80),
    ],
)
def test_parse_number(token: str, value: float) -> None:
    assert parse_number(token) == pytest.approx(value)


def test_not_a_number() -> None:
    assert parse_number("工程") is None


@pytest.mark.parametrize(
    ("value", "unit", "base"),
    [
        (4000, "亿元", (400000000000, "元")),
        (1.4, "万元", (14000, "元")),
        (10000, "公顷", (150000, "亩")),
        (6, "个百分点", (6, "百分点")),
        (100, "名", (100, "人")),
        (12.1, "公里", (12.1, "公里")),
    ],
)
def test_to_base(value: float, unit: str, base: tuple) -> None:
    assert to_base(value, unit) == base
