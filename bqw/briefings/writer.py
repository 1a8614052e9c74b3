"""A briefing's snapshot written as a Word document in 公文 layout and as an Excel workbook (one sheet a section)."""

from __future__ import annotations

from datetime import date

from openpyxl.styles import Font

from bqw.core.official import OfficialDocument, chinese_date
from bqw.core.spreadsheet import new_workbook, workbook_bytes, write_row
from bqw.core.status import Light

from . import charts
from .content import LIGHT_ORDER, TARGET_WORDS

CN_NUMBERS = "一二三四五六七八九十"
TASK_WORDS = {lt.value: lt.label for lt in Light}  # 红灯 …


def _rate(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}%"


def _counts(counts: dict[str, int], words: dict[str, str], unit: str) -> str:
    return "、".join(f"{words[k]}{counts[k]}{unit}" for k in LIGHT_ORDER if counts.get(k))


def target_table(snap: dict) -> tuple[list[str], list[list[str]]]:
    rows = []
    for i, r in enumerate(snap["targets"]["rows"], 1):
        units = "、".join(r["lagging"]) + (f"等{len(r['lagging']) + r['lagging_more']}个" if r["lagging_more"] else "")
        rows.append([str(i), r["title"], r["label"], r["reason"], units or r["scope"]])
    return ["序号", "目标", "状态", "原因", "滞后单位"], rows


def lead_table(snap: dict) -> tuple[list[str], list[list[str]]]:
    cols = ["牵头单位", "任务数", "已办结", "逾期", "按时完成率", *[TASK_WORDS[k] for k in LIGHT_ORDER]]
    rows = [[s["organization"], str(s["tasks"]), str(s["done"]), str(s["overdue"]), _rate(s["on_time_rate"]),
             *[str(s["lights"].get(k, 0)) for k in LIGHT_ORDER]] for s in snap["tasks"]["leads"]]
    return cols, rows


def task_table(items: list[dict]) -> tuple[list[str], list[list[str]]]:
    return (["序号", "任务", "牵头单位", "完成时限", "情况"],
            [[str(i), t["content"], t["leads"], t["deadline"], t["reason"]] for i, t in enumerate(items, 1)])


def title_of(snap: dict) -> str:
    return f"{snap['region']['full_name']}百千万工程{snap['period_label']}工作推进情况通报"


def write_docx(snap: dict, *, number: int, year: int, issuer: str, issued_on: date) -> bytes:
    doc = OfficialDocument()
    doc.masthead("百千万工程工作通报", f"{year}年第{number}期", issuer, issued_on)
    doc.title(title_of(snap))
    as_of = chinese_date(date.fromisoformat(snap["as_of"]))
    t, k = snap["targets"], snap["tasks"]
    doc.paragraph(f"现将截至{as_of}{snap['region']['name']}百千万工程目标任务推进情况通报如下。")

    doc.heading("一、目标进展总体情况")
    if t["total"]:
        counts = _counts(t["counts"], TARGET_WORDS, "项")
        doc.paragraph(f"{snap['region']['name']}共跟踪目标{t['total']}项，其中{counts}。")
        doc.image(charts.light_bars("目标状态分布", t["counts"], TARGET_WORDS))
    else:
        doc.paragraph("本期暂无跟踪目标。")
    if t["rows"]:
        doc.heading("（一）滞后和有风险的目标", 2)
        doc.table(*target_table(snap))

    doc.heading("二、任务推进情况")
    if k["total"]:
        doc.paragraph(f"纳入督办的任务{k['total']}项，其中{_counts(k['counts'], TASK_WORDS, '项')}。")
        top = sorted(k["leads"], key=lambda s: -s["tasks"])[:10]
        if top:
            doc.image(charts.stacked_lights("各牵头单位任务红黄蓝绿灯", [(s["organization"], s["lights"]) for s in top],
                                            LIGHT_ORDER, TASK_WORDS))
        doc.heading("（一）各牵头单位推进情况", 2)
        doc.table(*lead_table(snap))
        doc.heading("（二）逾期未完成的任务", 2)
        if k["overdue"]:
            doc.table(*task_table(k["overdue"]))
        else:
            doc.paragraph("本期没有逾期未完成的任务。")
        doc.heading("（三）督办后仍未办结、予以通报的任务", 2)
        if k["escalated"]:
            doc.table(*task_table(k["escalated"]))
        else:
            doc.paragraph("本期没有督办后逾期未办结的任务。")
    else:
        doc.paragraph("本期暂无纳入督办的任务。")

    for i, section in enumerate(snap["sections"], 3):
        doc.heading(f"{CN_NUMBERS[i - 1] if i <= 10 else i}、{section['title']}")
        for text in section.get("paragraphs", []):
            doc.paragraph(text)
        if section.get("table"):
            doc.table(section["table"]["columns"], section["table"]["rows"])

    doc.paragraph("请各地各单位对照通报问题，认真分析原因，压实工作责任，确保各项目标任务按期完成。")
    doc.signature(issuer, issued_on)
    doc.record("各成员单位", issuer, issued_on)
    return doc.to_bytes()


def write_xlsx(snap: dict, *, number: int, year: int, issuer: str, issued_on: date) -> bytes:
    wb, ws = new_workbook("概况")
    t, k = snap["targets"], snap["tasks"]
    write_row(ws, ["通报", f"{year}年第{number}期"])
    write_row(ws, ["标题", title_of(snap)])
    write_row(ws, ["印发机关", issuer])
    write_row(ws, ["截至", chinese_date(date.fromisoformat(snap["as_of"]))])
    write_row(ws, [])
    write_row(ws, ["目标状态", "项数"], bold=True)
    for key in LIGHT_ORDER:
        write_row(ws, [TARGET_WORDS[key], t["counts"].get(key, 0)])
    write_row(ws, ["目标合计", t["total"]])
    write_row(ws, [])
    write_row(ws, ["任务灯色", "项数"], bold=True)
    for key in LIGHT_ORDER:
        write_row(ws, [TASK_WORDS[key], k["counts"].get(key, 0)])
    write_row(ws, ["任务合计", k["total"]])
    sheets = [("滞后和有风险的目标", target_table(snap)), ("各牵头单位", lead_table(snap)),
              ("逾期任务", task_table(k["overdue"])), ("通报任务", task_table(k["escalated"]))]
    sheets += [(s["title"][:31], (s["table"]["columns"], s["table"]["rows"])) for s in snap["sections"]
               if s.get("table")]
    for name, (cols, rows) in sheets:
        ws = wb.create_sheet(name[:31])
        write_row(ws, cols, bold=True)
        for row in rows:
            write_row(ws, row)
        for i, _ in enumerate(cols):
            ws.column_dimensions[chr(65 + i) if i < 26 else "Z"].width = 40 if i in (1, 3) else 14
    for ws in wb.worksheets:
        for cell in ws[1]:
            if ws.title != "概况":
                cell.font = Font(bold=True)
    return workbook_bytes(wb)
