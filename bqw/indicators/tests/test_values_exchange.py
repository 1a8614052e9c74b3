"""Excel/CSV in and out: template in the capture scope, every bad row named, all-or-nothing, error workbook."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from bqw.core.errors import ImportRejected
from bqw.core.imports import error_workbook, read_table
from bqw.core.periods import Period
from bqw.indicators.models import DataValue
from bqw.indicators.services import datavalue_approve, datavalue_save
from bqw.indicators.values_exchange import HEADERS, template_workbook, values_export, values_import


def xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_template_is_prefilled_with_the_capture_scope(tree, catalog, persona):
    user = persona("hs_reporter")
    datavalue_save(actor=user, region=tree["A"], indicator=catalog["t_inc"], period="202401", value=7)
    wb = load_workbook(io.BytesIO(template_workbook(user, Period.parse("202401"))))
    rows = list(wb.active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    units = {r[0] for r in rows[1:]}
    assert tree["A"].code in units and tree["D"].code not in units  # 龙口 is outside 沙坪's capture scope
    assert all(r[0].startswith("440784001") for r in rows[1:])
    a = next(r for r in rows[1:] if r[0] == tree["A"].code and r[2] == "t_inc")
    assert (a[5], a[6], a[7]) == ("2024年1月", 7, 1)  # the period as written; it reads back (Period.read)
    assert "沙坪街道" in a[1]
    assert not {r[2] for r in rows[1:]} & {"t_rate", "t_share", "t_cnt"}


def test_every_kind_of_bad_row_is_reported_and_nothing_is_written(tree, catalog, persona):
    reporter, reviewer = persona("hs_reporter"), persona("hs_reviewer")
    a, b, c = tree["A"], tree["B"], tree["C"]
    locked = datavalue_save(actor=reporter, region=c, indicator=catalog["t_inc"], period="202401", value=5,
                            submit=True)
    datavalue_approve(actor=reviewer, value=locked, version=locked.version)
    datavalue_save(actor=reporter, region=b, indicator=catalog["t_avg"], period="202401", value=5)
    data = xlsx([
        [a.code, "", "t_inc", "", "", "202401", 10, None, ""],  # 2 good
        ["440784001999", "", "t_inc", "", "", "202401", 10, None, ""],  # 3 unknown unit
        [tree["D"].code, "", "t_inc", "", "", "202401", 10, None, ""],  # 4 outside capture scope
        ["441900003001", "", "t_inc", "", "", "202401", 10, None, ""],  # 5 outside view scope (东莞)
        [a.code, "", "no_such", "", "", "202401", 10, None, ""],  # 6 unknown indicator
        [b.code, "", "t_inc", "", "", "202401", "十", None, ""],  # 7 text in a number cell
        [a.code, "", "t_inc", "", "", "202401", 11, None, ""],  # 8 duplicate of row 2
        [c.code, "", "t_inc", "", "", "202401", 6, 3, ""],  # 9 locked
        [b.code, "", "t_avg", "", "", "202401", 6, 7, ""],  # 10 stale version
        [b.code, "", "t_min", "", "", "2024Q1", 6, None, ""],  # 11 wrong period kind
    ])
    with pytest.raises(ImportRejected) as exc:
        values_import(actor=reporter, data=data, filename="v.xlsx")
    got = {(e.row, e.column): e.message for e in exc.value.errors}
    assert set(got) == {(3, "单位代码"), (4, "单位代码"), (5, "单位代码"), (6, "指标代码"), (7, "数值"),
                        (8, "单位代码"), (9, "数值"), (10, "版本"), (11, "期间")}
    assert "未找到" in got[(3, "单位代码")]
    assert "填报权限" in got[(4, "单位代码")]
    assert "管辖范围" in got[(5, "单位代码")]
    assert "不是数字" in got[(7, "数值")]
    assert "重复" in got[(8, "单位代码")]
    assert "锁定" in got[(9, "数值")]
    assert "当前版本 1" in got[(10, "版本")]
    assert not DataValue.objects.filter(region=a).exists()
    wb = load_workbook(io.BytesIO(error_workbook(read_table(data, "v.xlsx"), exc.value.errors)))
    ws = wb.active
    assert ws.cell(row=7, column=7).comment.text.startswith("“十”不是数字")
    assert ws.cell(row=7, column=7).fill.fgColor.rgb.endswith("FFC7CE")
    assert "锁定" in ws.cell(row=9, column=len(HEADERS) + 1).value


def test_good_file_imports_and_rollups_follow(tree, catalog, persona):
    reporter = persona("hs_reporter")
    data = ("单位代码,指标代码,期间,数值\n" + f"{tree['A'].code},t_inc,202401,30\n{tree['B'].code},t_inc,202401,40\n"
            ).encode()
    done = values_import(actor=reporter, data=data, filename="v.csv")
    assert len(done) == 2
    from bqw.indicators.models import Rollup

    assert Rollup.objects.get(region=tree["鹤山"], indicator=catalog["t_inc"], period="202401").value == 70
    out = values_export(reporter, tree["沙坪"], Period.parse("202401"), "csv").decode("utf-8-sig")
    assert out.splitlines()[0] == ",".join(HEADERS) and f"{tree['B'].code}," in out
    again = values_export(reporter, tree["沙坪"], Period.parse("202401"), "xlsx")
    assert values_import(actor=reporter, data=again, filename="again.xlsx") == []  # unchanged rows are skipped
    wb = load_workbook(io.BytesIO(again))
    wb.active.cell(row=2, column=7, value=33)
    buf = io.BytesIO()
    wb.save(buf)
    done = values_import(actor=reporter, data=buf.getvalue(), filename="again.xlsx")  # versions carried
    assert [(d.value, d.version) for d in done] == [(33, 2)]


def test_an_imported_outlier_needs_a_comment_on_its_row(tree, catalog, persona):
    reporter = persona("hs_reporter")
    a, b = tree["A"], tree["B"]
    for unit in (a, b):
        for m, v in ((1, 100), (2, 110), (3, 90)):
            datavalue_save(actor=reporter, region=unit, indicator=catalog["t_inc"], period=f"2024{m:02d}", value=v)
    data = xlsx([
        [a.code, "", "t_inc", "", "", "202404", 1000, None, ""],  # 2 outlier without a comment
        [b.code, "", "t_inc", "", "", "202404", 105, None, ""],  # 3 in line with its history
        [b.code, "", "t_inc", "", "", "202405", 2, None, ""],  # 4 outlier against the stored months 2 and 3
    ])
    with pytest.raises(ImportRejected) as exc:
        values_import(actor=reporter, data=data, filename="v.xlsx")
    assert [(e.row, e.column) for e in exc.value.errors] == [(2, "说明"), (4, "说明")]
    assert "请填写说明" in exc.value.errors[0].message
    assert not DataValue.objects.filter(period__in=["202404", "202405"]).exists()
