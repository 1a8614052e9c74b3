"""Object access for documents and draft items: 404 outside the view scope, 403 for writes without capture."""

from __future__ import annotations

from bqw.accounts.models import User
from bqw.accounts.scope import NOT_FOUND, require_capture, require_view
from bqw.core.errors import ForbiddenError, NotFoundError

from .models import DraftItem, SourceDocument


def check_document_access(user: User, doc: SourceDocument, *, write: bool = False) -> None:
    """A document belongs to its region; one without a region is private to its uploader."""
    if doc.region is None:
        if not (user.is_superuser or doc.uploaded_by_id == user.pk):
            raise NotFoundError(NOT_FOUND)
        if write and not user.is_rw:
            raise ForbiddenError("只读用户不能修改提取结果")
        return
    if write:
        require_capture(user, doc.region)
    else:
        require_view(user, doc.region)


def get_document_for_user(user: User, pk: int | str, *, write: bool = False) -> SourceDocument:
    doc = SourceDocument.objects.select_related("region", "uploaded_by").filter(pk=_int(pk)).first()
    if doc is None:
        raise NotFoundError(NOT_FOUND)
    check_document_access(user, doc, write=write)
    return doc


def get_item_for_user(user: User, pk: int | str, *, write: bool = False) -> DraftItem:
    item = DraftItem.objects.select_related("document", "document__region").filter(pk=_int(pk)).first()
    if item is None:
        raise NotFoundError(NOT_FOUND)
    check_document_access(user, item.document, write=write)
    return item


def _int(pk: int | str) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise NotFoundError(NOT_FOUND) from None
