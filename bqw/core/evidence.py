"""Evidence files (佐证材料): the one model shape, the one upload check, the one way to store and to serve them.

Every app that takes evidence (plans' progress reports, projects' progress reports, pairing deliveries) has a
concrete model subclassing `EvidenceFile` with a ForeignKey to its own record, stores uploads with
`evidence_attach` inside its writing service (after `evidence_checked`, before anything is written) and
serves them with `evidence_download` (lookup, the app's own access check on the owning record, then
`evidence_response`). Core imports no app: the concrete models live in their apps.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.http import FileResponse
from django.utils import timezone

from .errors import ApplicationError, NotFoundError

# extension → (content type served, magic bytes the file must start with)
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    """Generated names only, under the owning app's folder: the user's file name is kept in `name`, never used
    on disk."""
    return (f"{instance._meta.app_label}/evidence/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}"
            f"{Path(filename).suffix.lower()}")


class EvidenceFile(models.Model):
    """The fields every evidence file has; a concrete subclass adds the ForeignKey to what it proves."""

    file = models.FileField("文件", upload_to=evidence_path, max_length=200)
    name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小(字节)")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


def evidence_check(f: UploadedFile) -> str:
    """The rules every upload follows: type by extension and by magic bytes, size limit
    (`settings.BQW_EVIDENCE_MAX_BYTES`). Returns the content type it will be served with."""
    ext = Path(f.name or "").suffix.lower()
    if ext not in EVIDENCE_TYPES:
        raise ApplicationError(f"不支持的文件类型“{ext or f.name}”：仅限 pdf、doc、docx、xls、xlsx、jpg、png")
    limit = settings.BQW_EVIDENCE_MAX_BYTES
    if f.size > limit:
        raise ApplicationError(f"文件“{f.name}”超过大小限制（{limit // (1024 * 1024)} MB）")
    content_type, magics = EVIDENCE_TYPES[ext]
    f.seek(0)
    head = f.read(8)
    f.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise ApplicationError(f"文件“{f.name}”的内容与扩展名{ext}不符")
    return content_type


def evidence_checked(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    """Check every file before anything is written (a bad one rejects the whole report)."""
    return [(f, evidence_check(f)) for f in files]


def evidence_attach(checked: Sequence[tuple[UploadedFile, str]],
                    make: Callable[..., EvidenceFile]) -> list[str]:
    """Store checked files: `make(name=…, content_type=…, size=…)` builds the app's row (its ForeignKey bound,
    e.g. `functools.partial(Evidence, report=report)`). Returns the original names (for the audit row)."""
    names = []
    for f, content_type in checked:
        ev = make(name=Path(f.name).name[:200], content_type=content_type, size=f.size)
        ev.file.save(f.name, f, save=False)
        ev.save()
        names.append(f.name)
    return names


def evidence_download(user: Any, model: type[EvidenceFile], pk: int | str, *, owner: str,
                      check: Callable[[Any, int], Any]) -> FileResponse:
    """The one download view body: the file `pk` of `model` (404 when unknown), then the app's own access check
    on the id of the record it proves (`owner`, a lookup such as "report__task_id"; `check(user, owner_id)`, e.g.
    `get_task_for_user`, raises 404 outside the view scope), then `evidence_response`."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError("对象不存在或不在您的查看范围内") from None
    ev = model.objects.filter(pk=pk).annotate(owner_id=models.F(owner)).first()
    if ev is None:
        raise NotFoundError("对象不存在或不在您的查看范围内")
    check(user, ev.owner_id)
    return evidence_response(ev)


def evidence_response(ev: EvidenceFile) -> FileResponse:
    """Always an attachment with the type fixed at upload, never rendered inline. The caller checks access."""
    resp = FileResponse(ev.file.open("rb"), as_attachment=True, filename=ev.name, content_type=ev.content_type)
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return resp
