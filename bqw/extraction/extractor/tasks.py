"""Task drafts: sentences that assign work, with their lead units and deadline wording."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from bqw.core.periods import find_deadline_wording

from .text import SENT_END, Span, paragraphs, sentences
from .times import document_year


@dataclass
class TaskDraft:
    """A sentence that assigns work, with any lead unit and deadline found."""

    content: str
    lead_units: list[str] = field(default_factory=list)
    deadline_text: str | None = None
    quote: str = ""
    start: int = 0
    end: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _lead_units(s: str) -> list[str]:
    """Lead units named by "由X牵头", "牵头单位：X" or "X牵头"."""
    leads: list[str] = []
    for m in re.finditer(r"由([^，。；,;]{2,40}?)(?:共同)?牵头", s):
        leads.extend(x for x in re.split(r"[、和及]", m.group(1)) if x)
    m = re.search(r"牵头单位[:：]\s*([^。；;\n（(]+)", s)
    if m:
        leads.extend(x.strip() for x in re.split(r"[、，,]", m.group(1)) if x.strip())
    if not leads:
        for m in re.finditer(r"([\u4e00-\u9fff]{2,16}(?:局|委|办|厅|部|中心|办公室|政府|指挥部))牵头", s):
            leads.append(m.group(1))
    return leads


TASK_VERBS = (
    r"推动|推进|完成|建设|实施|开展|打造|加快|建立|健全|落实|培育|创建|提升|深化|组织|开工|启动|"
    r"新建|改造|整治|编制|出台|制定|牵头"
)


def extract_tasks(text: str, *, year: int | None = None) -> list[TaskDraft]:
    """Sentences that assign work, with lead units ("由X牵头") and deadline wording."""
    doc_year = year or document_year(text)
    tasks: list[TaskDraft] = []
    for para in paragraphs(text):
        if len(para.text.strip()) < 40 and para.text.strip()[-1:] not in SENT_END:
            continue  # a heading, not an assignment
        for sent in sentences(text, para, SENT_END + "；;"):
            s = sent.text.strip()
            if tasks and re.match(r"^由[^，。；]{2,40}牵头", s) and not re.search(r"\d", s):
                # "由X牵头，Y配合。" after a task names who leads that task
                tasks[-1].lead_units.extend(_lead_units(s))
                continue
            if _is_task(s):
                tasks.append(_task(text, sent, doc_year))
    return tasks


def _is_task(s: str) -> bool:
    """A sentence with a work verb that is not an inline section heading ("（二）提升镇村面貌。")."""
    if re.fullmatch(r"[（(][一二三四五六七八九十\d]+[)）][^，,]{1,16}[。.]", s):
        return False
    return len(s) >= 6 and bool(re.search(TASK_VERBS, s))


def _task(text: str, sent: Span, doc_year: int | None) -> TaskDraft:
    s = sent.text.strip()
    deadline_text = find_deadline_wording(s)
    if deadline_text and doc_year and deadline_text in ("今年", "年内", "年底前"):
        deadline_text = f"{deadline_text}({doc_year})"  # the year a relative wording means
    a = sent.start + (len(sent.text) - len(sent.text.lstrip()))
    b = sent.start + len(sent.text.rstrip())
    return TaskDraft(
        content=s.rstrip("。；;"),
        lead_units=_lead_units(s),
        deadline_text=deadline_text,
        quote=text[a:b],
        start=a,
        end=b,
    )
