"""THE writer of every workbook (and CSV export) the platform produces, so that user text is always text.

A cell whose text starts with = (and, for spreadsheet programs that guess, + - @ or a tab/CR) would be read as a
formula (CWE-1236): such text is stored as an explicit string cell and never evaluated. Exports build a workbook
with `new_workbook`, add rows with `write_row` (or single cells with `set_cell`) and finish with
`workbook_bytes`; CSV rows go through `csv_row`. tests/test_workbooks_safe.py walks every workbook path.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = {c: " " for c in range(32) if chr(c) not in "\t\n\r"}  # control characters xlsx cannot hold


def set_cell(cell: Cell, value: Any) -> Cell:
    """Put a value into a cell; text that a spreadsheet could read as a formula stays text."""
    if isinstance(value, str):
        value = value.translate(_ILLEGAL)
    try:
        cell.value = value
    except (IllegalCharacterError, ValueError, TypeError):  # a value openpyxl cannot hold: keep its text
        cell.value = str(value).translate(_ILLEGAL)
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def write_row(ws: Worksheet, values: Iterable[Any], *, bold: bool = False) -> int:
    """Append a row of values (user text included) safely; returns its row number."""
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    ws.cell(row=row, column=1)  # a blank row still takes its line
    for col, value in enumerate(values, 1):
        cell = set_cell(ws.cell(row=row, column=col), value)
        if bold:
            cell.font = Font(bold=True)
    return row


def new_workbook(title: str) -> tuple[Workbook, Worksheet]:
    """A workbook with one sheet named `title` (sheet names cannot hold []:*?/\\ and are at most 31 long)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Sheet1"
    return wb, ws


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx file of a workbook built with this module."""
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_cell(value: Any) -> Any:
    """A CSV field that Excel will not read as a formula: risky text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


def csv_bytes(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    """A CSV export as Chinese Excel opens it (UTF-8 with BOM), every row through `csv_row`."""
    import csv

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(csv_row(header))
    for r in rows:
        w.writerow(csv_row(r))
    return buf.getvalue().encode("utf-8-sig")
