"""The 台账 (ledger) export: every task with its lead units, deadline, progress and light, light cells coloured."""

from __future__ import annotations

from datetime import date

from openpyxl.styles import Alignment, Font

from bqw.core.spreadsheet import new_workbook, workbook_bytes, write_row
from bqw.core.status import light_fill

from .selectors import TaskRow

HEADERS = ["序号", "所属行动", "任务内容", "牵头单位", "配合单位", "责任区划", "完成时限", "到期日", "权重", "进度(%)",
           "状态", "灯色", "督办状态", "灯色说明"]
WIDTHS = [8, 22, 60, 28, 24, 14, 14, 12, 6, 8, 8, 8, 10, 50]


def ledger_workbook(rows: list[TaskRow], *, title: str, on: date) -> bytes:
    wb, ws = new_workbook("任务台账")
    write_row(ws, [f"{title} 任务台账（截至{on:%Y-%m-%d}）"])
    ws["A1"].font = Font(bold=True, size=13)
    write_row(ws, HEADERS, bold=True)
    for r in rows:
        t = r.task
        leads = "、".join(f"{link.organization.name}{'（推定）' if link.assumed else ''}" for link in r.leads)
        write_row(ws, [t.number, t.action.name if t.action else "", t.content, leads,
                   "、".join(o.name for o in r.cooperating), t.region.name, t.deadline_text,
                   t.due_on, float(t.weight), t.progress, t.get_state_display(), r.status.colour, r.status.label,
                   r.status.reason])
        cell = ws.cell(row=ws.max_row, column=12)
        cell.fill = light_fill(r.status.light)
        ws.cell(row=ws.max_row, column=8).number_format = "yyyy-mm-dd"
        ws.cell(row=ws.max_row, column=3).alignment = Alignment(wrap_text=True, vertical="top")
    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = w
    ws.freeze_panes = "A3"
    return workbook_bytes(wb)
