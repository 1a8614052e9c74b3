"""No workbook the platform writes contains a formula built from user text (CWE-1236).

Two halves: every module that produces a workbook or CSV export goes through `bqw.core.spreadsheet` (a source
scan: a new export that builds cells another way fails here), and each workbook path, given user text starting
with = + - @ tab CR, writes it as text (the per-app halves are in bqw/indicators/tests and bqw/plans/tests; the
helper used by all of them is tested below)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from openpyxl import load_workbook

from bqw.core.errors import RowError
from bqw.core.imports import Table, error_workbook
from bqw.core.spreadsheet import csv_row, new_workbook, workbook_bytes, write_row

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-1+2", "@SUM(A1:A2)", "\t=1+1", "\r=1+1",
           "=cmd|' /C calc'!A0"]
# Writing a cell or a sheet any other way than bqw.core.spreadsheet
# Files that write no user text, each with its reason
ALLOWED = {
    "bqw/regions/divisions.py",  # rebuilds the shipped division-code data file (official codes, not an export)
}
RAW_WRITERS = re.compile(r"\bWorkbook\(\)|\bws\.append\(|\.cell\([^)]*value=|\bwb\.save\(|csv\.writer\(|"
                         r"\.writerows?\(")


def assert_no_formula(data: bytes) -> int:
    """Every cell of every sheet: none is a formula. Returns the number of hostile texts found kept as text."""
    wb = load_workbook(io.BytesIO(data))
    kept = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula: {c.value!r}"
                kept += isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@", "\t", "\r"))
    return kept


def test_only_the_spreadsheet_helper_writes_cells():
    offenders = []
    for path in (ROOT / "bqw").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or rel == "bqw/core/spreadsheet.py" or rel in ALLOWED:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if RAW_WRITERS.search(line):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert not offenders, "write workbooks and CSV through bqw.core.spreadsheet:\n" + "\n".join(offenders)


def test_write_row_keeps_hostile_text_as_text():
    wb, ws = new_workbook("测试[sheet]:*?/\\" + "长" * 40)
    write_row(ws, HOSTILE, bold=True)
    write_row(ws, ["正常", 12.5, None, "a\x00b\x07c"])  # control characters xlsx cannot hold are blanked
    data = workbook_bytes(wb)
    assert assert_no_formula(data) == len(HOSTILE)
    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[1]] == HOSTILE and ws["D2"].value == "a b c" and len(ws.title) <= 31


def test_error_workbook_keeps_the_users_cells_as_text():
    table = Table(headers=["=单位", "数值"], rows=[[h, h] for h in HOSTILE])
    data = error_workbook(table, [RowError(2, "数值", "“=1+1”不是数字"), RowError(3, "=单位", "=未知")])
    assert assert_no_formula(data) >= len(HOSTILE)


def test_csv_exports_prefix_risky_text():
    buf = io.StringIO()
    csv.writer(buf).writerow(csv_row([*HOSTILE, "正常", 1]))
    cells = next(csv.reader(io.StringIO(buf.getvalue())))
    assert all(c.startswith("'") for c in cells[: len(HOSTILE)]) and cells[-2:] == ["正常", "1"]
