"""Writing cells of the workbooks the platform produces, so that user text is always text.

A cell whose text starts with = (and, for spreadsheet programs that guess, + - @ or a tab/CR) would be read as a
formula (CWE-1236): such text is stored as an explicit string cell and never evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def set_cell(cell: Cell, value: Any) -> Cell:
    """Put a value into a cell; text that a spreadsheet could read as a formula stays text."""
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def write_row(ws: Worksheet, values: Iterable[Any], *, bold: bool = False) -> None:
    """Append a row of values (user text included) safely."""
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    ws.cell(row=row, column=1)  # a blank row still takes its line
    for col, value in enumerate(values, 1):
        cell = set_cell(ws.cell(row=row, column=col), value)
        if bold:
            cell.font = Font(bold=True)
