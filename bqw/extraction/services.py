"""Writes of the review workflow: create a document (running the extractor), edit, reject, accept drafts."""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bqw.accounts.audit import audit_record, snapshot
from bqw.accounts.models import User
from bqw.accounts.scope import require_capture
from bqw.core.errors import ApplicationError, ConflictError
from bqw.core.periods import PeriodError, parse_deadline
from bqw.regions.models import Region

from . import accept
from .access import check_document_access
from .extractor import document_year, extract, extract_tasks
from .models import DraftItem, SourceDocument

EDITABLE = ["kind", "indicator", "comparator", "value", "unit", "deadline", "subject", "lead_units",
            "deadline_text", "quote", "start", "end"]
MAX_CHARS = 200_000


def read_docx(data: bytes) -> str:
    """Paragraph text of a .docx (tables row by row, cells joined by a tab), one paragraph a line."""
    import docx
    from docx.document import Document as _Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document: _Document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a file that is not a .docx
        raise ApplicationError("无法读取该 Word 文件，请上传 .docx 格式") from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                lines.append("\t".join(c.text.strip() for c in row.cells))
    return "\n".join(lines)


def read_text(data: bytes) -> str:
    """A .txt upload: UTF-8 (with or without BOM), else GB18030 as Windows offices save it."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ApplicationError("无法识别文本文件的编码，请另存为 UTF-8")


def _decimal(v: Any) -> Decimal | None:
    if v is None or v == "":
        return None
    try:
        return Decimal(str(round(float(v), 6))) if isinstance(v, float) else Decimal(str(v))
    except (InvalidOperation, ValueError):
        raise ApplicationError(f"数值无效：{v}", extra={"field": "value"}) from None


def _drafts(text: str, year: int | None, subject: str | None) -> list[DraftItem]:
    """Extracted statements and tasks, in reading order."""
    rows: list[tuple[int, int, DraftItem]] = []
    for it in extract(text, year=year, subject=subject or None):
        rows.append((it.start, 0, DraftItem(
            kind=it.kind, indicator=it.indicator[:500], comparator=it.comparator, value=_decimal(it.value),
            unit=it.unit or "", deadline="" if it.deadline is None else str(it.deadline),
            subject=it.subject or "", quote=it.quote, start=it.start, end=it.end)))
    for t in extract_tasks(text, year=year):
        rows.append((t.start, 1, DraftItem(
            kind=DraftItem.Kind.TASK, indicator=t.content[:500], lead_units="、".join(t.lead_units)[:300],
            deadline_text=(t.deadline_text or "")[:60], subject=subject or "", quote=t.quote,
            start=t.start, end=t.end)))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [d for _, _, d in rows]


@transaction.atomic
def document_create(*, actor: User, title: str, text: str | None = None, docx_bytes: bytes | None = None,
                    year: int | None = None, subject: str | None = None, region: Region | None = None,
                    filename: str = "") -> SourceDocument:
    """Store a policy text (pasted, or read from a .docx) and its extracted drafts.

    The document belongs to `region` (default: the actor's capture scope), which decides who sees it.
    """
    region = region or actor.capture_scope or actor.view_scope
    if region is not None:
        require_capture(actor, region)
    elif not actor.is_superuser:
        raise ApplicationError("您没有填报范围，不能上传文件")
    if docx_bytes is not None:
        text = read_docx(docx_bytes)
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ApplicationError("文件内容为空", extra={"field": "text"})
    if len(text) > MAX_CHARS:
        raise ApplicationError(f"文件过长（超过 {MAX_CHARS} 字），请分段上传", extra={"field": "text"})
    title = (title or "").strip() or text.strip().splitlines()[0].strip()[:200]
    doc = SourceDocument(title=title[:200], text=text, year=year or document_year(text), subject=subject or "",
                         region=region, uploaded_by=actor, filename=filename[:200])
    doc.full_clean()
    doc.save()
    drafts = _drafts(text, doc.year, subject)
    for i, d in enumerate(drafts, start=1):
        d.document, d.seq = doc, i
    DraftItem.objects.bulk_create(drafts)
    audit_record(actor=actor, action="extraction.document.create", obj=doc, region=region,
                 after={**snapshot(doc, ["id", "title", "year", "subject", "region_id", "filename"]),
                        "chars": len(text), "items": len(drafts)})
    return doc


def _require_pending(item: DraftItem) -> None:
    if item.state != DraftItem.State.PENDING:
        raise ConflictError(f"该条目已{item.get_state_display()}，不能再修改", extra={"state": item.state})


def _locked(item: DraftItem) -> DraftItem:
    qs = DraftItem.objects.select_for_update(of=("self",)).select_related("document", "document__region")
    return qs.get(pk=item.pk)


@transaction.atomic
def draft_item_update(*, actor: User, item: DraftItem, **fields: Any) -> DraftItem:
    """Edit the fields of a pending draft (reviewers correct what the extractor got wrong)."""
    item = _locked(item)
    check_document_access(actor, item.document, write=True)
    _require_pending(item)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ApplicationError(f"不可修改的字段：{', '.join(sorted(unknown))}")
    before = snapshot(item, EDITABLE)
    for name, v in fields.items():
        if name == "value":
            v = _decimal(v)
        elif isinstance(v, str):
            v = v.strip()
        elif v is None and name not in ("value",):
            v = ""
        setattr(item, name, v)
    if {"start", "end"} & set(fields):
        n = len(item.document.text)
        if not (0 <= int(item.start) < int(item.end) <= n):
            raise ApplicationError(f"原文位置无效（应在 0 到 {n} 之间，且起始小于结束）", extra={"field": "start"})
        if "quote" not in fields:
            item.quote = item.document.text[item.start : item.end]  # the quote follows the corrected span
    if item.deadline:
        try:
            parse_deadline(item.deadline, year=item.document.year)
        except PeriodError as exc:
            raise ApplicationError(str(exc), extra={"field": "deadline"}) from None
    if item.kind != DraftItem.Kind.TASK and item.value is None:
        raise ApplicationError("目标需要填写数值", extra={"field": "value"})
    try:
        item.full_clean(exclude=["document"])
    except ValidationError as exc:
        field, msgs = next(iter(exc.message_dict.items()))
        raise ApplicationError(f"{item._meta.get_field(field).verbose_name if field != '__all__' else ''}"
                               f"{'：' if field != '__all__' else ''}{msgs[0]}", extra={"field": field}) from None
    item.save()
    audit_record(actor=actor, action="extraction.item.update", obj=item, region=item.document.region,
                 before=before, after=snapshot(item, EDITABLE))
    return item


@transaction.atomic
def draft_item_reject(*, actor: User, item: DraftItem) -> DraftItem:
    """Mark a draft as not a real statement or task; it stays visible, greyed out."""
    item = _locked(item)
    check_document_access(actor, item.document, write=True)
    _require_pending(item)
    item.state, item.decided_by, item.decided_at = DraftItem.State.REJECTED, actor, timezone.now()
    item.save(update_fields=["state", "decided_by", "decided_at"])
    audit_record(actor=actor, action="extraction.item.reject", obj=item, region=item.document.region,
                 before={"state": DraftItem.State.PENDING}, after={"state": item.state})
    return item


@transaction.atomic
def draft_item_reopen(*, actor: User, item: DraftItem) -> DraftItem:
    """Undo a rejection (accepted drafts stay accepted: their target or task exists)."""
    item = _locked(item)
    check_document_access(actor, item.document, write=True)
    if item.state != DraftItem.State.REJECTED:
        raise ConflictError("只有已驳回的条目可以恢复")
    item.state, item.decided_by, item.decided_at = DraftItem.State.PENDING, None, None
    item.save(update_fields=["state", "decided_by", "decided_at"])
    audit_record(actor=actor, action="extraction.item.reopen", obj=item, region=item.document.region,
                 before={"state": DraftItem.State.REJECTED}, after={"state": item.state})
    return item


@transaction.atomic
def draft_item_accept(*, actor: User, item: DraftItem, **options: Any) -> DraftItem:
    """Turn a pending draft into a Target (kind target) or a Task (kind task), keeping its quote.

    `options` go to the accept adapter: for targets `region` (scope) and `indicator` (an existing
    Indicator, else one is matched by name or created); for tasks `action` (the Plan/Action it joins).
    """
    item = _locked(item)
    check_document_access(actor, item.document, write=True)
    _require_pending(item)
    if item.kind == DraftItem.Kind.ACHIEVED:
        raise ApplicationError("已实现的数据不能采纳为目标；如确为目标，请先将类型改为“目标”")
    if item.kind == DraftItem.Kind.TARGET:
        obj = accept.accept_target(actor=actor, item=item, **options)
    else:
        obj = accept.accept_task(actor=actor, item=item, **options)
    item.state, item.decided_by, item.decided_at = DraftItem.State.ACCEPTED, actor, timezone.now()
    item.object_type, item.object_id = obj._meta.label, str(obj.pk)
    if obj._meta.label == "plans.Task":
        item.task = obj
    elif obj._meta.label == "indicators.Target":
        item.target = obj
    item.save(update_fields=["state", "decided_by", "decided_at", "object_type", "object_id", "task", "target"])
    audit_record(actor=actor, action="extraction.item.accept", obj=item, region=item.document.region,
                 before={"state": DraftItem.State.PENDING},
                 after={"state": item.state, "object_type": item.object_type, "object_id": item.object_id})
    return item
