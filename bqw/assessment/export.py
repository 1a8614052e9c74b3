"""Excel export of a result: the ranking per class and every unit's breakdown (user text never a formula)."""

from __future__ import annotations

from openpyxl.styles import Font

from bqw.core.spreadsheet import new_workbook, workbook_bytes, write_row
from bqw.core.status import light_fill
from bqw.indicators.status import fmt

from .engine import AGGREGATIONS, MISSING, NORMALISATIONS

RANK_HEADERS = ["类别", "名次", "单位", "得分", "综合得分", "加减分", "上期名次", "进退位", "位次区间（5%–95%）",
                "中位位次", "与相邻单位是否明显拉开", "缺失指标", "亮晒", "说明"]
ITEM_HEADERS = ["类别", "单位", "指标", "原始值", "是否补齐", "标准化得分", "权重占比", "贡献", "较同类平均"]


def _put(ws, row: list) -> None:
    write_row(ws, row)  # user text is text, never a formula (core.spreadsheet)


def _move(ch: int | None) -> str:
    if ch is None:
        return "—"
    return f"进位{ch}" if ch > 0 else (f"退位{-ch}" if ch < 0 else "持平")


def result_workbook(result: dict) -> bytes:
    wb, ws = new_workbook("排名")
    title = f"{result['scheme']['name']}（{result['period_label']}）{'·已发布' if result.get('published') else ''}"
    _put(ws, [title])
    ws["A1"].font = Font(bold=True, size=13)
    _put(ws, [f"汇总方法：{AGGREGATIONS.get(result['aggregation'], '')}；"
              f"缺失数据：{MISSING.get(result['missing'], '')}；"
              f"敏感性模拟 {result['runs']} 次，权重扰动 ±{result['perturb'] * 100:.0f}%"])
    _put(ws, RANK_HEADERS)
    for c in ws[3]:
        c.font = Font(bold=True)
    for g in result["groups"]:
        for c in g["units"]:
            interval = f"{c['interval'][0]}–{c['interval'][1]}" if c.get("interval") else "—"
            sep = "" if c.get("separated") is None else ("是" if c["separated"] else "否：" + "、".join(
                c.get("not_separated_from", [])))
            reasons = "；".join(f"{a['label']}{a['points']:+g}分（{a['reason']}）" for a in c["adjustments"])
            _put(ws, [g["name"], c["rank"], c["name"], _num(c["score"]), _num(c["composite"]), c["adjustment"],
                      c.get("previous_rank"), _move(c.get("rank_change")), interval, c.get("median_rank"), sep,
                      "、".join(c["missing"]), c.get("light", {}).get("label", ""), reasons])
            light = c.get("light", {}).get("light")
            if light:
                ws.cell(row=ws.max_row, column=13).fill = light_fill(light)
    for col, w in zip("ABCDEFGHIJKLMN", [10, 6, 16, 8, 8, 8, 8, 8, 14, 8, 24, 20, 10, 50], strict=True):
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "A4"
    bd = wb.create_sheet("得分构成")
    _put(bd, ITEM_HEADERS)
    for c in bd[1]:
        c.font = Font(bold=True)
    for g in result["groups"]:
        for c in g["units"]:
            for i in c["items"]:
                raw = "缺失" if i["value"] is None else fmt(i["value"], i["unit"])
                _put(bd, [g["name"], c["name"], i["name"], raw, "按同类均值补齐" if i["imputed"] else "",
                          _num(i["normalised"]), fmt(i["weight_share"] * 100, "%"), _num(i["contribution"]),
                          _num(i["vs_class"])])
    for col, w in zip("ABCDEFGHI", [10, 16, 28, 14, 14, 10, 10, 10, 10], strict=True):
        bd.column_dimensions[col].width = w
    items = wb.create_sheet("方案指标")
    _put(items, ["指标", "权重", "方向", "标准化方法", "下限", "上限", "目标值"])
    for i in result["items"]:
        _put(items, [i["name"], i["weight"], "越高越好" if i["direction"] > 0 else "越低越好",
                     NORMALISATIONS.get(i["norm"], i["norm"]), i["lo"], i["hi"], i["target"]])
    return workbook_bytes(wb)


def _num(x: float | None) -> float | None:
    return None if x is None else round(x, 2)
