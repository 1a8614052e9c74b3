"""A 责任书 as a plain Word document (python-docx). The briefings app will later give it the official layout
(红头, 版记); until then: title, parties, the targets and tasks with their current standing, signatures."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from bqw.core.status import Light

from .selectors import Standing


def letter_document(s: Standing) -> bytes:
    letter = s.letter
    doc = Document()
    title = doc.add_heading(letter.title, level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(f"甲方：{letter.issuer.name}“百千万工程”指挥部    乙方：{letter.region.name}“百千万工程”指挥部")
    doc.add_paragraph(f"为全面推进“百县千镇万村高质量发展工程”，落实{letter.year}年度目标任务，甲乙双方签订本责任书。"
                      "乙方对下列目标和任务负总责，甲方按月跟踪、按年考核。")
    if letter.simulated:
        doc.add_paragraph("（演示数据：内容为模拟）")
    doc.add_heading("一、目标", level=2)
    if s.targets:
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("序号", "目标", "期限", f"完成情况（截至{s.period.label}）"),
                              strict=True):
            cell.text = text
        for i, ts in enumerate(s.targets, start=1):
            row = table.add_row().cells
            row[0].text, row[1].text, row[2].text = str(i), str(ts.target), ts.target.deadline
            row[3].text = f"{Light(ts.status.light).label}·{ts.status.label}：{ts.status.reason}"
    else:
        doc.add_paragraph("（无）")
    doc.add_heading("二、任务", level=2)
    if s.tasks:
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("序号", "任务", "完成时限", "进展"), strict=True):
            cell.text = text
        for i, (t, st) in enumerate(s.tasks, start=1):
            row = table.add_row().cells
            row[0].text, row[1].text, row[2].text = str(i), t.content, t.deadline_text
            row[3].text = f"{Light(st.light).label}·{st.label}：{st.reason}"
    else:
        doc.add_paragraph("（无）")
    doc.add_heading("三、总体情况", level=2)
    doc.add_paragraph(f"{Light(s.status.light).label}·{s.status.label}：{s.status.reason}")
    signed = f"{letter.signed_on.year}年{letter.signed_on.month}月{letter.signed_on.day}日" if letter.signed_on else ""
    doc.add_paragraph(f"甲方代表：{letter.issuer_signatory or ''}        乙方代表：{letter.signatory or ''}")
    doc.add_paragraph(f"签订日期：{signed}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
