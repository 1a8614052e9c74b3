"""The extractor stays a package of small modules, and reads time through core.periods."""

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bqw.core.periods import MONTH, YEAR, Period
from bqw.extraction.extractor import extract
from bqw.extraction.extractor.times import SERIES_START, deadline_value

PACKAGE = Path(__file__).resolve().parents[1] / "extractor"


def test_no_extractor_module_over_500_lines() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.glob("*.py")}
    assert len(sizes) >= 8
    assert {name: n for name, n in sizes.items() if n > 500} == {}


def test_no_extractor_function_over_complexity_15() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed")
    out = subprocess.run(
        [ruff, "check", "--no-cache", "--select", "C901", "--config", "lint.mccabe.max-complexity=15", str(PACKAGE)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout


def test_mentions_are_written_as_the_review_page_writes_deadlines() -> None:
    assert deadline_value(Period(2025, YEAR, 1)) == 2025
    assert deadline_value(Period(2024, MONTH, 6)) == "2024-06"
    assert deadline_value(date(2027, 12, 31)) == 2027  # 到2027年底 (GOLD.md)
    assert deadline_value(date(2024, 6, 30)) == "2024-06"
    assert deadline_value(date(2024, 11, 6)) == "2024-11-06"
    assert deadline_value(None) == SERIES_START


def test_a_five_year_plan_dates_its_targets() -> None:
    """GOLD.md: 十四五 → 2025, read by core.periods like every other time expression."""
    (item,) = extract("推动高新区到“十四五”末工业总产值翻一番。")
    assert (item.kind, item.value, item.unit, item.deadline) == ("target", 2, "倍", 2025)
    assert item.indicator == "高新区工业总产值增长倍数"  # the time is the deadline, not part of the name
    assert extract("完成“十四五”规划项目30个。")[0].indicator == "完成“十四五”规划项目数"  # a plan's name stays


def test_reference_dates_carry_forward_within_the_paragraph() -> None:
    text = "截至2024年6月底，全市已建成美丽圩镇45个。新增规上企业30家。"
    assert [(i.value, i.deadline) for i in extract(text)] == [(45, "2024-06"), (30, "2024-06")]
