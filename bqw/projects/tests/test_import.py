"""Excel import of projects and investment: all or nothing with row errors; export never writes formulas."""

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from bqw.core.errors import ImportRejected
from bqw.projects.imports import export_workbook, investment_import, project_import
from bqw.projects.models import Project
from bqw.projects.selectors import project_rows, projects_for_user

HEAD = ["项目名称", "所在地区", "项目类别", "计划总投资（亿元）", "责任单位", "项目阶段", "入库日期", "开工日期"]


def _xlsx(rows, head=HEAD) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(head)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_good_file_is_imported(persona, hs):
    data = _xlsx([["导入项目一", "沙坪街道", "产业", 2.5, "鹤山市百千万工程指挥部", "在建", "2023-02-01",
                   "2023年3月5日"],
                  ["导入项目二", "440784", "民生", 0.3, "百千万工程指挥部", "谋划", date(2023, 4, 1), None]])
    r = project_import(actor=persona("jm_admin"), region=hs, data=data, filename="p.xlsx")
    assert r.applied and len(r.specs) == 2
    p = Project.objects.get(name="导入项目一")
    assert p.planned_investment == 250_000_000 and p.region.name == "沙坪街道" and p.stage == "building"
    assert p.started_on == date(2023, 3, 5)
    assert investment_import(actor=persona("jm_admin"), region=hs, filename="i.csv",
                             data="项目名称,月份,完成投资（万元）\n导入项目一,202304,1200\n".encode()) == 1
    p.refresh_from_db()
    assert p.completed_investment == 12_000_000


def test_bad_rows_are_rejected_with_nothing_written(persona, hs):
    data = _xlsx([
        ["好项目", "沙坪街道", "产业", 1, "鹤山市百千万工程指挥部", "谋划", "2023-02-01", None],
        ["错地区", "会城街道", "产业", 1, "鹤山市百千万工程指挥部", "谋划", "2023-02-01", None],
        ["错金额", "沙坪街道", "产业", "一亿", "鹤山市百千万工程指挥部", "谋划", "2023-02-01", None],
        ["错单位", "沙坪街道", "产业", 1, "鹤山市百千万工程指挥", "谋划", "2023-02-01", None],
        ["他县单位", "沙坪街道", "产业", 1, "新会区百千万工程指挥部", "谋划", "2023-02-01", None],
        ["未开工", "沙坪街道", "产业", 1, "鹤山市百千万工程指挥部", "在建", "2023-02-01", None],
        ["错日期", "沙坪街道", "产业", 1, "鹤山市百千万工程指挥部", "谋划", "去年", None],
    ])
    with pytest.raises(ImportRejected) as exc:
        project_import(actor=persona("jm_admin"), region=hs, data=data, filename="p.xlsx")
    errors = {(e.row, e.column): e.message for e in exc.value.errors}
    assert errors[(3, "所在地区")] == "未找到单位“会城街道”"
    assert errors[(4, "计划总投资（亿元）")] == "“一亿”不是数字"
    assert "是否指“鹤山市百千万工程指挥部”" in errors[(5, "责任单位")]
    assert errors[(6, "责任单位")].startswith("未找到单位“新会区百千万工程指挥部”")  # never another county's
    assert "须填写开工日期" in errors[(7, "项目阶段")]
    assert "不是日期" in errors[(8, "入库日期")]
    assert not Project.objects.filter(name="好项目").exists()


def test_out_of_scope_region_and_viewer_are_refused(persona, hs):
    from bqw.core.errors import ForbiddenError, NotFoundError

    data = _xlsx([["x", "沙坪街道", "产业", 1, "鹤山市百千万工程指挥部", "谋划", "2023-02-01", None]])
    with pytest.raises(NotFoundError):
        project_import(actor=persona("xh_reporter"), region=hs, data=data, filename="p.xlsx")
    with pytest.raises(ForbiddenError):
        project_import(actor=persona("jm_viewer"), region=hs, data=data, filename="p.xlsx")


def test_export_writes_user_text_never_as_formula(persona, make_project):
    make_project("=HYPERLINK(\"http://x\")")
    rows = project_rows(projects_for_user(persona("jm_admin")), on=date(2023, 6, 1))
    ws = load_workbook(io.BytesIO(export_workbook(rows))).active
    assert ws["A2"].value == "=HYPERLINK(\"http://x\")" and ws["A2"].data_type == "s"


def test_cli_imports_milestones_and_assignments_all_or_nothing(persona, hs, tmp_path, make_project):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from bqw.orgs.models import Organization
    from bqw.projects.models import Assignment
    from bqw.projects.services import leader_ensure

    p = make_project("命令行项目")
    hq = Organization.objects.get(region=hs, kind=Organization.Kind.HEADQUARTERS)
    leader_ensure(actor=persona("jm_admin"), name="副市长乙（模拟）", post="鹤山市副市长", organization=hq)
    f = tmp_path / "m.csv"
    f.write_text("项目名称,节点,计划日期,实际日期\n命令行项目,供地,2023-05-01,2023-05-03\n命令行项目,开工,2023年6月,\n")
    out = StringIO()
    call_command("projects", "import", str(f), "--region", "440784", "--kind", "milestones", stdout=out)
    assert "已导入 2 个项目节点" in out.getvalue()
    assert p.milestones.get(name="供地").actual_on == date(2023, 5, 3)
    a = tmp_path / "a.csv"
    a.write_text("领导,联系方式,联系地区,联系项目\n副市长乙（模拟）,挂钩联系,沙坪街道,\n"
                 "副市长乙（模拟）,挂钩联系,,不存在的项目\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第3行 联系项目：鹤山市范围内没有项目“不存在的项目”"):
        call_command("projects", "import", str(a), "--region", "440784", "--kind", "assignments")
    assert not Assignment.objects.exists()
    a.write_text("领导,联系方式,联系地区,联系项目\n副市长乙（模拟）,挂钩联系,沙坪街道,\n"
                 "副市长乙（模拟）,包保,,命令行项目\n", encoding="utf-8")
    call_command("projects", "import", str(a), "--region", "440784", "--kind", "assignments", stdout=out)
    assert Assignment.objects.filter(leader__name="副市长乙（模拟）").count() == 2
