"""Text and spans: paragraphs, sentences and clauses with absolute offsets, and quoted names.

Every item's quote is ``text[start:end]``, so segmentation never copies text without its offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SENT_END = "。！？!?"
CLAUSE_END = "，,；;：:"


@dataclass
class Span:
    """A piece of the document with its absolute offsets: ``text == document[start:end]``."""

    text: str
    start: int
    end: int


def split_spans(text: str, start: int, end: int, seps: str) -> list[Span]:
    """Cut text[start:end] after each separator, keeping absolute offsets."""
    out: list[Span] = []
    s = start
    for i in range(start, end):
        if text[i] in seps:
            if text[i] in ":：," and text[i - 1 : i].isdigit() and text[i + 1 : i + 2].isdigit():
                continue  # "2.1:1" is a ratio, "1,062" a number: no clause ends inside
            if i + 1 > s:
                out.append(Span(text[s : i + 1], s, i + 1))
            s = i + 1
    if s < end:
        out.append(Span(text[s:end], s, end))
    return [sp for sp in out if sp.text.strip()]


def paragraphs(text: str) -> list[Span]:
    return split_spans(text, 0, len(text), "\n")


def sentences(text: str, para: Span, ends: str = SENT_END) -> list[Span]:
    return split_spans(text, para.start, para.end, ends)


def clauses(text: str, sent: Span) -> list[Span]:
    return split_spans(text, sent.start, sent.end, CLAUSE_END)


def quoted_names(text: str) -> list[tuple[int, int]]:
    """Short quoted names (“两个走访”, “一县一园”) and book titles 《…》 hide their numbers."""
    spans = []
    for m in re.finditer(r"“([^”]{1,8})”|《[^》]{1,120}》|\"([^\"]{1,8})\"", text):
        spans.append((m.start(), m.end()))
    return spans


def book_titles(text: str) -> list[tuple[int, int]]:
    """Spans of 《…》: a title's numbers and dates belong to the title, not to the text."""
    return [(m.start(), m.end()) for m in re.finditer(r"《[^》]{1,120}》", text)]


def inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Whether offset `pos` falls in one of `spans` (half-open)."""
    return any(a <= pos < b for a, b in spans)
