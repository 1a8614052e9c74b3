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
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import ImportRejected, RowError
from .numbers import fit_decimal

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


MAX_CELL_TEXT = 10_000  # one cell; longer text is cut (no import field needs more)


def unreadable(reason: str) -> ImportRejected:
    """The import error for a file that cannot be read at all (row 1: the file itself)."""
    return ImportRejected([RowError(HEADER_ROW, "文件", f"无法读取文件：{reason}")])


MAX_FILE_BYTES = 20 * 1024 * 1024  # an office's spreadsheet is far smaller; more is a mistake or an attack


def read_file(path: str | Path) -> bytes:
    """The bytes of a file named on the command line; ImportRejected (no traceback) when it is missing, a
    directory, unreadable or too large."""
    p = Path(path)
    try:
        if not p.is_file():
            raise unreadable(f"文件不存在或不是普通文件：{p}")
        if p.stat().st_size > MAX_FILE_BYTES:
            raise unreadable(f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB")
        return p.read_bytes()
    except OSError as exc:
        raise unreadable(f"{p}（{exc.strerror or type(exc).__name__}）") from None


def decode_text(data: bytes) -> str:
    """CSV text as offices save it: UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030 — what
    Chinese Excel writes by default. Raises ImportRejected for binary data (e.g. a picture named .csv)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise unreadable("UTF-16 编码有误") from None
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise unreadable("这不是文本（CSV）文件，请上传 Excel（.xlsx）或 CSV")
    if b"\x00" in data:
        raise unreadable("文件含有二进制内容，不是 CSV 文本")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise unreadable("无法识别文字编码（请另存为 UTF-8 或 GBK 编码的 CSV）")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_CELL_TEXT:
        return value[:MAX_CELL_TEXT]
    return value


def read_table(data: bytes, filename: str) -> Table:
    """Read xlsx, csv or JSON (a list of objects) into headers and rows. Any file that cannot be read
    (random bytes, a truncated zip or JSON, the wrong shape, a picture) raises ImportRejected 422
    "无法读取文件…" naming the problem, never anything else."""
    name = (filename or "").lower()
    try:
        if name.endswith((".xlsx", ".xlsm")):
            return _read_xlsx(data)
        if name.endswith(".json"):
            return _read_json(data)
        return _read_csv(data)
    except ImportRejected:
        raise
    except RecursionError:
        raise unreadable("文件嵌套过深") from None
    except Exception as exc:  # any parser failure on hostile bytes is the user's file, not a server error
        raise unreadable(f"文件已损坏或格式不符（{type(exc).__name__}）") from None


def _read_xlsx(data: bytes) -> Table:
    import zipfile

    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise unreadable("这不是有效的 Excel（.xlsx）文件，可能已损坏或是其他格式")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, AttributeError, IndexError) as exc:
        raise unreadable(f"Excel 文件已损坏（{type(exc).__name__}）") from None
    try:
        if not wb.worksheets:
            raise unreadable("Excel 文件中没有工作表")
        it = wb.worksheets[0].iter_rows(values_only=True)
        headers = [str(h).strip() if h is not None else "" for h in next(it, ())]
        rows = [[_cell(c) for c in r] for r in it if any(c not in (None, "") for c in r)]
    finally:
        wb.close()
    return Table(headers, rows)


def _read_json(data: bytes) -> Table:
    try:
        items = json.loads(decode_text(data))
    except json.JSONDecodeError as exc:
        raise unreadable(f"JSON 格式错误（第{exc.lineno}行第{exc.colno}列）") from None
    if isinstance(items, dict):  # {"rows": [...]} or a single object
        items = next((v for v in items.values() if isinstance(v, list)), [items])
    if not isinstance(items, list) or not all(isinstance(it, dict) for it in items):
        raise unreadable("JSON 应为对象列表，如 [{\"列名\": 值, …}]")
    headers: list[str] = []
    for it in items:
        headers += [str(k) for k in it if str(k) not in headers]
    rows = [[_json_cell(it.get(h)) for h in headers] for it in items]
    return Table(headers, rows)


def _json_cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return _cell(value)


def _read_csv(data: bytes) -> Table:
    text = decode_text(data)
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        headers = [h.strip() for h in next(reader, [])]
        rows = [[_cell(c) for c in r] for r in reader if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise unreadable(f"CSV 格式错误（{exc}）") from None
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
    """A number cell: accepts 1,234.5 and 12.5%; rejects text and numbers that do not fit the value columns
    (DecimalField(24, 6), 15 significant digits) with a clear reason."""
    return fit_decimal(cell)


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
    from openpyxl.comments import Comment

    from .spreadsheet import new_workbook, set_cell, workbook_bytes, write_row
    from .status import Light, light_fill

    wb, ws = new_workbook("导入数据")
    write_row(ws, [*table.headers, "错误说明"], bold=True)
    for r in table.rows:
        write_row(ws, [c if not isinstance(c, (dict, list)) else json.dumps(c, ensure_ascii=False) for c in r])
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
        set_cell(ws.cell(row=row, column=last), "；".join(msgs)).fill = red
    return workbook_bytes(wb)


def rejection_context(exc: ImportRejected, data: bytes, filename: str) -> dict:
    """Template context for core/partials/import_rejected.html: the errors and, for spreadsheets and CSV,
    the user's file back with the bad cells marked (as a data: link, so nothing is stored)."""
    import base64

    ctx: dict = {"errors": exc.errors, "message": exc.message}
    try:
        table = read_table(data, filename)
    except ImportRejected:  # unreadable file: the errors alone say why
        return ctx
    ctx["error_workbook_b64"] = base64.b64encode(error_workbook(table, exc.errors)).decode()
    return ctx
