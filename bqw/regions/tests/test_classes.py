"""Unit classes: the shipped 典型县 list, and imports that are all-or-nothing."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from bqw.accounts.models import AuditEntry
from bqw.core.errors import ForbiddenError, ImportRejected
from bqw.core.imports import error_workbook, read_table
from bqw.regions.models import RegionClass
from bqw.regions.services import region_class_set, region_classes_import


def test_first_typical_county_list_is_shipped(region):
    typical = RegionClass.objects.filter(scheme="典型县", year=2023)
    assert typical.count() == 22
    assert typical.get(region=region("440784")).value == "创先类"
    assert set(typical.values_list("value", flat=True)) == {"创先类", "消薄类", "进位类"}
    assert typical.filter(value="消薄类").count() == 3


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


def test_import_by_code_and_by_full_name_writes_and_audits(persona, region):
    admin = persona("jm_admin")
    data = _csv("单位,类别\n440784,创先类\n江门市新会区,进位类\n广东省江门市台山市,消薄类\n")
    before = AuditEntry.objects.filter(action="regionclass.set").count()
    done = region_classes_import(actor=admin, data=data, filename="c.csv", scheme="县域分类", year=2024)
    assert [rc.region.code[:6] for rc in done] == ["440784", "440705", "440781"]
    assert RegionClass.objects.get(region=region("440705"), scheme="县域分类", year=2024).value == "进位类"
    entries = AuditEntry.objects.filter(action="regionclass.set").order_by("id")
    assert entries.count() == before + 3
    last = entries.last()
    assert last.actor == admin and last.after["value"] == "消薄类" and last.before is None


def test_unknown_ambiguous_and_out_of_scope_rows_reject_the_whole_file(persona):
    admin = persona("jm_admin")
    data = _csv("单位,类别\n江门市鹤山市,创先类\n江门市不存在县,进位类\n新村村委会,消薄类\n肇庆市四会市,创先类\n")
    with pytest.raises(ImportRejected) as exc:
        region_classes_import(actor=admin, data=data, filename="c.csv", scheme="县域分类", year=2025)
    errors = exc.value.errors
    assert [(e.row, e.column) for e in errors] == [(3, "单位"), (4, "单位"), (5, "单位")]
    assert "未找到" in errors[0].message
    assert "同名" in errors[1].message
    assert "管辖范围" in errors[2].message
    assert not RegionClass.objects.filter(scheme="县域分类", year=2025).exists()


def test_duplicate_rows_and_bad_year_are_named(persona):
    admin = persona("gd_admin")
    data = _csv("单位,类别,分类方案,年度\n江门市鹤山市,创先类,县域分类,2024\n440784,进位类,县域分类,2024\n"
                "江门市新会区,进位类,县域分类,二〇二四\n")
    with pytest.raises(ImportRejected) as exc:
        region_classes_import(actor=admin, data=data, filename="c.csv")
    got = {(e.row, e.column) for e in exc.value.errors}
    assert got == {(3, "单位"), (4, "年度")}
    assert not RegionClass.objects.filter(scheme="县域分类").exists()


def test_missing_column_is_reported_on_the_header_row(persona):
    with pytest.raises(ImportRejected) as exc:
        region_classes_import(actor=persona("gd_admin"), data=_csv("单位\n440784\n"), filename="c.csv",
                              scheme="x", year=2024)
    assert exc.value.errors[0].row == 1 and exc.value.errors[0].column == "类别"


def test_excel_import_with_varied_headers_and_error_workbook(persona):
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "县(市、区)", "分类"])
    ws.append([1, "江门市恩平市", "消薄类"])
    ws.append([2, "江门市恩平", "消薄类"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ImportRejected) as exc:
        region_classes_import(actor=persona("jm_admin"), data=buf.getvalue(), filename="c.xlsx",
                              scheme="县域分类", year=2026)
    assert [(e.row, e.column) for e in exc.value.errors] == [(3, "县(市、区)")]
    marked = load_workbook(io.BytesIO(error_workbook(read_table(buf.getvalue(), "c.xlsx"), exc.value.errors))).active
    assert marked.cell(row=3, column=2).comment.text.startswith("未找到")
    assert marked.cell(row=2, column=2).comment is None
    assert "未找到" in marked.cell(row=3, column=4).value


def test_only_admins_may_set_classes(persona, region):
    with pytest.raises(ForbiddenError):
        region_class_set(actor=persona("hs_reviewer"), region=region("440784"), scheme="s", year=2024, value="v")
