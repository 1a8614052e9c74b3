"""Task drafts: sentences that assign work, with their lead units and deadline wording."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from bqw.core.periods import find_deadline_wording

from .kinds import PLAN_WORDS, section_heading
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
    m = re.search(r"(?:牵头|责任)单位[:：]\s*((?:[^。；;\n（(]|[（(][^)）]*[)）])+)", s)
    if m:
        leads.extend(x.strip() for x in re.split(r"[、，,](?![^（(]*[)）])", m.group(1)) if x.strip())
    if not leads:
        for m in re.finditer(r"([\u4e00-\u9fff]{2,16}(?:局|委|办|厅|部|中心|办公室|政府|指挥部))牵头", s):
            leads.append(m.group(1))
    return leads


TASK_VERBS = (
    r"推动|推进|完成|建设|实施|开展|打造|加快|建立|健全|落实|培育|创建|提升|深化|组织|开工|启动|"
    r"新建|改造|整治|编制|出台|制定|牵头|建成|新增|保持|治理|管控"
)


NARRATION = (
    r"已|了|累计|同比|比上年|截至|截止|以来|目前|去年|上半年|共有|现有|记者|获悉|表示|介绍|据悉|印发|召开|会议|"
    r"[？?]|^(?:日前|近日|近年来|\d{1,2}月\d{1,2}日)"
)
PLAN_ITEM = r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|[一二三四五六七八九十]+、)"
NOTE = r"(?:牵头单位|责任单位|完成时限)"
SELF = r"本(?:工作)?(?:方案|计划|意见|要点|通知|办法)|[现特]制定"  # the document speaking of itself
ASSIGN = r"要|将|应|须|必须|负责|力争|争取|确保|推动|加快|全面|持续|深入|着力"


def extract_tasks(text: str, *, year: int | None = None) -> list[TaskDraft]:
    """Sentences that assign work, cut to the task, with lead units ("由X牵头") and deadline wording.

    A sentence assigns work when it has a work verb and a responsible unit, a deadline, or sits in a
    plan (a numbered list item, or a plan document); narration (已, 了, 累计, 同比, 记者…) does not.
    """
    doc_year = year or document_year(text)
    plan = _is_plan(text)
    tasks: list[TaskDraft] = []
    review = False
    for para in paragraphs(text):
        heading = section_heading(para.text)
        if heading and heading[1]:
            review = heading[1] == "achieved"  # a review section reports work done
            plan = plan or heading[1] == "target"
        if len(para.text.strip()) < 40 and para.text.strip()[-1:] not in SENT_END:
            continue  # a heading, not an assignment
        listed = bool(re.match(PLAN_ITEM, para.text))
        noted = listed and bool(re.search(NOTE, para.text))
        # an item of a 分工 list is one task, whatever its 、；: its note names the lead and the time limit
        for sent in sentences(text, para, SENT_END if noted else SENT_END + "；;"):
            s = sent.text.strip()
            if tasks and tasks[-1].start >= para.start and _attach_note(tasks[-1], s):
                continue
            if (
                not review
                and not re.match(r"[（(]?" + NOTE, s)
                and _assigns_work(s, plan or listed, noted)
            ):
                tasks.append(_task(text, sent, doc_year))
    return tasks


def _attach_note(task: TaskDraft, s: str) -> bool:
    """ "由X牵头，Y配合。" / "牵头单位：X" / "完成时限：…" after a task complete that task."""
    rest = re.sub(r"^由[^，。；]{2,40}牵头[，,]?", "", s)
    if rest != s and not re.search(TASK_VERBS, rest.replace("牵头", "")):
        task.lead_units.extend(_lead_units(s))
        return True
    note = re.sub(r"^[（(]|[)）]?[。；;]?$", "", s)  # "（牵头单位：X；完成时限：…）" after the item's text
    if not re.match(NOTE + "[:：]", note):
        return False
    task.lead_units.extend(x for x in _lead_units(note) if x not in task.lead_units)
    m = re.search(r"完成时限[:：]\s*([^。；;)）]+)", note)
    if m and (not task.deadline_text or re.match(r"年内|今年|年底前", task.deadline_text)):
        task.deadline_text = m.group(1).strip()  # the stated time limit is sharper than "年内"
    return True


def _is_plan(text: str) -> bool:
    """A plan or notice by its title line (…工作要点, …方案, …通知); news about a plan is not one."""
    title = next((ln.strip() for ln in text[:400].splitlines() if ln.strip()), "")
    return bool(re.search(PLAN_WORDS + r"|通知|清单", title)) and not re.search(
        r"版|记者|出炉|印发|发布|总结|回顾|报告", title
    )


def _assigns_work(s: str, in_plan: bool, noted: bool = False) -> bool:
    if not _is_task(s):
        return False
    lead = bool(_lead_units(s))
    when = bool(find_deadline_wording(s))
    if re.search(SELF + r"|各位代表|[：:]$|^——.{0,20}$", s) or re.fullmatch(
        PLAN_ITEM + r"[^，,]{1,16}", s
    ):
        return False  # the document speaking of itself, a speech, an address line, a goal heading
    if re.search(NARRATION, s) and not lead and not noted:
        return False  # a report of work done, not an assignment
    return lead or when or (in_plan and bool(re.search(ASSIGN + "|" + TASK_VERBS, s)))


def _is_task(s: str) -> bool:
    """A sentence with a work verb that is not an inline section heading ("（二）提升镇村面貌。")."""
    if re.fullmatch(r"[（(][一二三四五六七八九十\d]+[)）][^，,]{1,16}[。.]", s):
        return False
    return len(s) >= 6 and bool(re.search(TASK_VERBS, s))


def task_content(s: str) -> str:
    """The task itself: without list numbering, an inline heading, purpose clauses (为…，围绕…，),
    the lead-unit note and the closing punctuation."""
    c = re.sub(PLAN_ITEM, "", s)
    c = re.sub(r"^[^，。；：:]{2,16}[。：:]", "", c) if re.match(r"^[^，。；]{2,16}[。：:]", c) else c
    c = re.sub(r"[（(](?:牵头单位|责任单位|完成时限)[:：][^)）]*[)）]", "", c)
    c = re.sub(r"由[^，。；]{2,40}?(?:共同)?牵头[，,]?(?:[^，。；]{2,30}配合[，,]?)?", "", c)
    c = re.sub(r"^(?:为了?|围绕|按照|根据|对照|聚焦)[^，]{2,40}[，,]", "", c)
    c = re.sub(r"^以[^，]{2,24}为(?:目标|抓手|重点|引领|导向)[，,]", "", c)
    return c.strip().rstrip("。；;，,")


def _task(text: str, sent: Span, doc_year: int | None) -> TaskDraft:
    s = sent.text.strip()
    deadline_text = find_deadline_wording(s)
    if deadline_text and doc_year and deadline_text in ("今年", "年内", "年底前"):
        deadline_text = f"{deadline_text}({doc_year})"  # the year a relative wording means
    a = sent.start + (len(sent.text) - len(sent.text.lstrip()))
    b = sent.start + len(sent.text.rstrip())
    return TaskDraft(
        content=task_content(s) or s.rstrip("。；;"),
        lead_units=_lead_units(s),
        deadline_text=deadline_text,
        quote=text[a:b],
        start=a,
        end=b,
    )
