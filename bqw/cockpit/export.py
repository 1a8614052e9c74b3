"""The cockpit as an Excel workbook: one sheet per chart/table, numbers as offices write them beside the raw ones."""

from __future__ import annotations

import re

from openpyxl import Workbook
from openpyxl.styles import Font

from bqw.core.numbers import cell_number
from bqw.core.spreadsheet import new_workbook, workbook_bytes, write_row
from bqw.core.status import light_fill


def _sheet(wb: Workbook, title: str, heading: str, headers: list[str], rows: list[list], light_col: int | None = None):
    ws = wb.create_sheet(title) if wb.worksheets[0].max_row > 1 or wb.worksheets[0]["A1"].value else wb.worksheets[0]
    ws.title = title
    write_row(ws, [heading])
    ws["A1"].font = Font(bold=True, size=13)
    write_row(ws, headers, bold=True)
    for row in rows:
        write_row(ws, row)
    for i, h in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = max(10, min(50, len(h) * 2 + 4))
    ws.freeze_panes = "A3"
    return ws


def cockpit_workbook(data: dict) -> bytes:
    """Sheets: 目标 (KPI cards), 下级单位 (the map/bars table), 趋势, 排名, 任务, and each panel."""
    wb, _ = new_workbook("目标")
    region, period = data["region"]["name"], data["period"]["label"]
    head = f"{region} 驾驶舱 {period}" + (f"（{data['unreviewed']['note']}）" if data["unreviewed"]["note"] else "")
    _sheet(wb, "目标", head, ["目标", "单位", "范围", "目标值", "期限", "实际", "口径", "状态", "说明"],
           [[c["title"], c["region"], c["scope"], c["target"], c["deadline"], c["value"] or "—", c["measured"],
             c["label"], c["reason"]] for c in data["cards"]])
    ind = data["indicator"]
    keys = data["key_targets"]
    ws = _sheet(wb, "下级单位", head, ["单位", *([f"{ind['name']}（{ind['unit']}）", ind["name"]] if ind else []),
                                    "排名", "综合状态", *[k["title"] for k in keys]],
                [[r["name"], *([cell_number(r["value"], ind["unit"]), r["text"]] if ind else []), r.get("rank"),
                  r["label"],
                  *[r["lights"].get(str(k["id"]), {}).get("label", "—") for k in keys]] for r in data["children"]])
    col = 5 if ind else 3
    for n, r in enumerate(data["children"], start=3):
        ws.cell(row=n, column=col - 1).fill = light_fill(r["light"])
    if data["trend"]:
        t = data["trend"]
        _sheet(wb, "趋势", f"{region} {t['name']}", ["期间", f"{t['name']}（{t['unit']}）", t["name"], "预期进度"],
               [[label, cell_number(v, t["unit"]), text,
                 cell_number((t["expected"] or [None] * len(t["labels"]))[k], t["unit"])]
                for k, (label, v, text) in enumerate(zip(t["labels"], t["values"], t["texts"], strict=True))])
    if ind:
        _sheet(wb, "排名", f"{region} 下级单位 {ind['name']} 排名 {period}", ["名次", "单位", ind["name"]],
               [[r["rank"], r["name"], r["text"]] for r in sorted((r for r in data["children"] if r.get("rank")),
                                                                   key=lambda r: r["rank"])])
    lights = ["green", "blue", "yellow", "red", "grey"]
    _sheet(wb, "任务", f"{region} 任务灯（按牵头单位）", ["牵头单位", "合计", "绿灯", "蓝灯", "黄灯", "红灯", "灰灯"],
           [[t["lead"], t["total"], *[t["lights"].get(lt, 0) for lt in lights]] for t in data["tasks"]])
    for p in data["panels"]:
        _sheet(wb, re.sub(r"[\[\]*?/\\:]", " ", p["title"])[:30] or "面板", p["title"], p["columns"], p["rows"])
    return workbook_bytes(wb)
