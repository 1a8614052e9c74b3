"""The one import pipeline: read a file, map headers, validate every row, preview, apply atomically.

Each app supplies a list of `Column`s (its row schema) and an apply function; any bad row rejects
the whole file with row/column reasons and nothing is written. For Excel uploads the caller can
return `error_workbook(...)`: the user's sheet with each bad cell marked.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import ImportRejected, RowError

HEADER_ROW = 1


@dataclass(frozen=True)
class Column:
    """One field of a row schema. `aliases` are other header wordings offices use."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = True
    parse: Callable[[Any], Any] | None = None

    def names(self) -> list[str]:
        return [self.label, self.key, *self.aliases]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Any]]  # data rows; spreadsheet row number = index + first_row
    first_row: int = 2  # the spreadsheet row of rows[0] (a header found below title rows moves it down)


@dataclass
class ParsedRow:
    number: int  # spreadsheet row number (header is row 1)
    values: dict[str, Any]


@dataclass
class Preview:
    """What the user sees before applying: the header mapping and the parsed rows."""

    mapping: dict[str, str]  # column key -> header as written in the file
    rows: list[ParsedRow] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # column key -> schema label

    def header(self, key: str) -> str:
        """The column as the user wrote it, for error messages."""
        return self.mapping.get(key) or self.labels.get(key, key)

    def error(self, row: int, key: str, message: str) -> None:
        self.errors.append(RowError(row, self.header(key), message))

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ImportRejected(sorted(self.errors, key=lambda e: e.row))


def _norm(header: Any) -> str:
    return re.sub(r"[\s（）()\[\]【】:：*]", "", str(header or "")).lower()


def read_table(data: bytes, filename: str) -> Table:
    """Read xlsx, csv or JSON (a list of objects) into headers and rows."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        headers = [str(h).strip() if h is not None else "" for h in next(it, ())]
        rows = [list(r) for r in it if any(c not in (None, "") for c in r)]
        return Table(headers, rows)
    if name.endswith(".json"):
        items = json.loads(data.decode("utf-8-sig"))
        if isinstance(items, dict):  # {"rows": [...]} or a single object
            items = next((v for v in items.values() if isinstance(v, list)), [items])
        headers: list[str] = []
        for it in items:
            headers += [k for k in it if k not in headers]
        return Table(headers, [[it.get(h) for h in headers] for it in items])
    text = data.decode("utf-8-sig") if not data.startswith(b"\xff\xfe") else data.decode("utf-16")
    reader = csv.reader(io.StringIO(text))
    headers = [h.strip() for h in next(reader, [])]
    rows = [r for r in reader if any(c.strip() for c in r)]
    return Table(headers, rows)


def map_headers(headers: list[str], columns: Iterable[Column]) -> Preview:
    """Match file headers to schema columns by normalised name or alias (exact, then containment)."""
    columns = list(columns)
    normed = [_norm(h) for h in headers]
    mapping: dict[str, str] = {}
    used: set[int] = set()
    for exact in (True, False):
        for col in columns:
            if col.key in mapping:
                continue
            for name in col.names():
                n = _norm(name)
                hit = next(
                    (i for i, h in enumerate(normed)
                     if i not in used and h and (h == n if exact else (n in h or h in n) and len(h) >= 2)),
                    None,
                )
                if hit is not None:
                    mapping[col.key] = headers[hit]
                    used.add(hit)
                    break
    missing = [c for c in columns if c.required and c.key not in mapping]
    if missing:
        raise ImportRejected(
            [RowError(HEADER_ROW, c.label, f"缺少必填列（可用列名：{'、'.join(c.names()[:4])}）") for c in missing]
        )
    return Preview(mapping=mapping, unmapped=[h for i, h in enumerate(headers) if i not in used and h],
                   labels={c.key: c.label for c in columns})


def parse_table(table: Table, columns: Iterable[Column]) -> Preview:
    """Map headers and parse every cell. Cell errors are collected in `preview.errors` (the caller adds
    its own row checks and calls `raise_if_errors`); a missing required column raises at once."""
    columns = list(columns)
    preview = map_headers(table.headers, columns)
    index = {h: i for i, h in enumerate(table.headers)}
    for n, raw in enumerate(table.rows, start=table.first_row):
        values: dict[str, Any] = {}
        for col in columns:
            header = preview.mapping.get(col.key)
            cell = raw[index[header]] if header is not None and index[header] < len(raw) else None
            if isinstance(cell, str):
                cell = cell.strip()
            if cell in (None, ""):
                if col.required:
                    preview.error(n, col.key, "不能为空")
                values[col.key] = None
                continue
            try:
                values[col.key] = col.parse(cell) if col.parse else cell
            except (ValueError, TypeError) as exc:
                preview.error(n, col.key, str(exc) or "格式错误")
        preview.rows.append(ParsedRow(n, values))
    return preview


def parse_decimal(cell: Any) -> Decimal:
    """A number cell: accepts 1,234.5 and 12.5%; rejects text with a clear reason."""
    if isinstance(cell, bool):
        raise ValueError(f"“{cell}”不是数字")
    s = str(cell).strip().replace(",", "").replace("，", "")
    if s.endswith("%"):
        s = s[:-1]
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise ValueError(f"“{cell}”不是数字") from None
    if not d.is_finite():
        raise ValueError(f"“{cell}”不是有限数字")
    return d


def check_duplicates(preview: Preview, keys: tuple[str, ...]) -> None:
    """Add an error for each row that repeats an earlier row's key (reported on the first key column)."""
    seen: dict[tuple, int] = {}
    for r in preview.rows:
        k = tuple(r.values.get(x) for x in keys)
        if None in k:
            continue
        if k in seen:
            preview.error(r.number, keys[0], f"与第{seen[k]}行重复")
        else:
            seen[k] = r.number


def error_workbook(table: Table, errors: list[RowError]) -> bytes:
    """The user's rows back as xlsx, each bad cell filled red with the reason as a comment."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    from .status import Light, light_fill

    wb = Workbook()
    ws = wb.active
    ws.title = "导入数据"
    ws.append([*table.headers, "错误说明"])
    for r in table.rows:
        ws.append([c if not isinstance(c, (dict, list)) else json.dumps(c, ensure_ascii=False) for c in r])
    red = light_fill(Light.RED)
    col_of = {h: i + 1 for i, h in enumerate(table.headers)}
    reasons: dict[int, list[str]] = {}
    for e in errors:
        col = col_of.get(e.column) or next(
            (i for h, i in col_of.items() if _norm(e.column) in _norm(h) or _norm(h) in _norm(e.column)), None
        )
        if col:
            cell = ws.cell(row=e.row, column=col)
            cell.fill = red
            cell.comment = Comment(e.message, "bqw")
        reasons.setdefault(e.row, []).append(f"{e.column}：{e.message}")
    last = len(table.headers) + 1
    for row, msgs in reasons.items():
        ws.cell(row=row, column=last, value="；".join(msgs)).fill = red
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rejection_context(exc: ImportRejected, data: bytes, filename: str) -> dict:
    """Template context for core/partials/import_rejected.html: the errors and, for spreadsheets and CSV,
    the user's file back with the bad cells marked (as a data: link, so nothing is stored)."""
    import base64

    ctx: dict = {"errors": exc.errors, "message": exc.message}
    try:
        table = read_table(data, filename)
    except Exception:  # unreadable file: the errors alone say why
        return ctx
    ctx["error_workbook_b64"] = base64.b64encode(error_workbook(table, exc.errors)).decode()
    return ctx
