"""Reads of the review workflow, scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from django.db.models import Count, Q, QuerySet

from bqw.accounts.models import User
from bqw.accounts.scope import view_q

from .models import DraftItem, SourceDocument


def documents_visible_to(*, user: User) -> QuerySet[SourceDocument]:
    """Documents of regions in the view scope, plus the user's own documents without a region."""
    qs = SourceDocument.objects.select_related("region", "uploaded_by")
    if not user.is_superuser:
        qs = qs.filter(view_q(user) | Q(region__isnull=True, uploaded_by=user))
    return qs.annotate(
        n_items=Count("items"),
        n_pending=Count("items", filter=Q(items__state=DraftItem.State.PENDING)),
        n_accepted=Count("items", filter=Q(items__state=DraftItem.State.ACCEPTED)),
    )


def document_items(document: SourceDocument) -> list[DraftItem]:
    return list(document.items.order_by("seq"))


@dataclass
class Segment:
    """A run of text covered by the same items; `item` is the innermost one (what a click focuses)."""

    text: str
    item: DraftItem | None = None
    in_task: DraftItem | None = None
    items: list[DraftItem] = field(default_factory=list)

    @property
    def css(self) -> str:
        classes = []
        if self.item is not None:
            classes += [f"k-{self.item.kind}", f"s-{self.item.state}"]
        if self.in_task is not None and self.item is not self.in_task:
            classes.append("in-task")
        return " ".join(classes)


def highlight_segments(text: str, items: list[DraftItem]) -> list[Segment]:
    """Cut the text at every item boundary so each item's span can be marked, nested spans included.

    Statements sit inside task sentences; each segment is marked with the shortest covering
    statement (else the task), so a click always lands on the most specific item.
    """
    n = len(text)
    spans = [it for it in items if 0 <= it.start < it.end <= n]
    cuts = sorted({0, n, *(it.start for it in spans), *(it.end for it in spans)})
    out: list[Segment] = []
    for a, b in pairwise(cuts):
        covering = [it for it in spans if it.start <= a and b <= it.end]
        stmts = [it for it in covering if it.kind != DraftItem.Kind.TASK]
        tasks = [it for it in covering if it.kind == DraftItem.Kind.TASK]
        inner = min(stmts or tasks, key=lambda it: (it.end - it.start, it.seq), default=None)
        task = min(tasks, key=lambda it: it.end - it.start, default=None)
        out.append(Segment(text[a:b], inner, task, covering))
    return out
