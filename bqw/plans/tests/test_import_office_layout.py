"""A task list laid out as offices lay it out: a title row and a blank row above the header, merged cells in the
action and lead columns, a 注：… row under the table; names matched to the right bureau, never across levels
and never on generic words; a new task not yellow on its first day; every message in Chinese."""

from __future__ import annotations

from datetime import date
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from bqw.accounts.services import system_user
from bqw.core.errors import ImportRejected
from bqw.orgs.models import Organization
from bqw.orgs.services import organization_ensure
from bqw.plans.imports import task_import
from bqw.plans.lights import task_light
from bqw.plans.models import Plan, Task
from bqw.plans.services import plan_ensure
from bqw.regions.models import Region


def office_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["附件2 江门市2026年百千万工程重点任务清单"])
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append(["序号", "重点任务", "牵头单位", "责任单位/配合单位", "完成时限", "所属行动"])
    ws.append([1, "推进丝苗米产业集群建设", "江门市农业农村局", "鹤山市农业农村局", "2026年12月底", "大抓产业发展"])
    ws.append([2, "建设现代农业产业园", "鹤山市农业农村局", "江门市财政局", "2027年6月", None])
    ws.append([3, "开展农村人居环境整治", "江门市民政局", "", "2027年底前", "大抓人居环境建设"])
    ws.append([4, "完善农村养老服务", None, "", "2027年底前", None])
    ws.merge_cells("F4:F5")  # 大抓产业发展 for tasks 1 and 2
    ws.merge_cells("C6:C7")  # 江门市民政局 leads tasks 3 and 4
    ws.merge_cells("F6:F7")
    ws.append(["注：1. 牵头单位负责统筹推进；2. 完成时限以文件为准。"])
    ws.merge_cells("A8:F8")
    ws.append(["", "这行在注释之后，不是任务", "某单位", "", "2027年", ""])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def jm_plan(db):
    jm = Region.objects.get(code="440700000000")
    return plan_ensure(actor=system_user(), name="江门市2026年重点任务", region=jm, start_on=date(2026, 1, 1),
                       end_on=date(2027, 12, 31))


@pytest.fixture
def bureaus(db):
    jm, hs = Region.objects.get(code="440700000000"), Region.objects.get(code="440784000000")
    s = system_user()
    return {"jm_agri": organization_ensure(actor=s, name="江门市农业农村局", region=jm),
            "hs_agri": organization_ensure(actor=s, name="鹤山市农业农村局", region=hs),
            "jm_civil": organization_ensure(actor=s, name="江门市民政局", region=jm),
            "jm_fin": organization_ensure(actor=s, name="江门市财政局", region=jm)}


def test_title_blank_merged_and_notes_rows_import_with_every_lead_matched(jm_plan, bureaus, persona):
    admin = persona("jm_admin")
    pre = task_import(actor=admin, plan=jm_plan, data=office_workbook(), filename="清单.xlsx")
    assert pre.preview.mapping["content"] == "重点任务" and pre.preview.mapping["lead"] == "牵头单位"
    assert pre.preview.mapping["cooperating"] == "责任单位/配合单位"
    assert len(pre.preview.rows) == 4  # the notes row and what follows it are not tasks
    units = {u.name: u for u in pre.units}
    assert all(u.action == "match" for u in units.values()), units
    assert units["鹤山市农业农村局"].organization == bureaus["hs_agri"]  # the county bureau, not the city's
    done = task_import(actor=admin, plan=jm_plan, data=office_workbook(), filename="清单.xlsx", confirm=True,
                       today=date(2026, 11, 30))
    assert done.created == 4
    tasks = {t.number: t for t in Task.objects.filter(plan=jm_plan)}
    assert tasks["1"].lead_units.get() == bureaus["jm_agri"]
    assert list(tasks["1"].cooperating_units.all()) == [bureaus["hs_agri"]]
    assert tasks["2"].lead_units.get() == bureaus["hs_agri"]
    assert tasks["4"].lead_units.get() == bureaus["jm_civil"]  # merged lead cell
    assert tasks["2"].action.name == "大抓产业发展" and tasks["4"].action.name == "大抓人居环境建设"  # merged
    # the clock starts at import: not yellow on day one
    assert tasks["1"].start_on == date(2026, 11, 30)
    assert task_light(tasks["1"], date(2026, 11, 30)).light not in ("yellow", "red")


def test_names_never_match_across_levels_or_on_generic_words(jm_plan, bureaus, persona):
    wb = Workbook()
    ws = wb.active
    ws.append(["任务内容", "牵头单位", "完成时限"])
    ws.append(["任务甲", "江门市不存在局", "2027年"])
    ws.append(["任务乙", "鹤山市民政局", "2027年"])
    out = BytesIO()
    wb.save(out)
    pre = task_import(actor=persona("jm_admin"), plan=jm_plan, data=out.getvalue(), filename="x.xlsx")
    units = {u.name: u for u in pre.units}
    assert units["江门市不存在局"].action == "create"  # not 江门市民政局 because 局 and 江门市 agree
    assert units["鹤山市民政局"].action == "create"  # a county bureau never matches the city's


def test_skip_and_match_decisions_per_name(jm_plan, bureaus, persona):
    wb = Workbook()
    ws = wb.active
    ws.append(["任务内容", "牵头单位", "配合单位", "完成时限"])
    ws.append(["任务甲", "江门市农业农村", "江门市某协会", "2027年"])
    out = BytesIO()
    wb.save(out)
    admin = persona("jm_admin")
    pre = task_import(actor=admin, plan=jm_plan, data=out.getvalue(), filename="x.xlsx")
    assert {u.name: u.action for u in pre.units} == {"江门市农业农村": "similar", "江门市某协会": "create"}
    before = Organization.objects.count()
    task_import(actor=admin, plan=jm_plan, data=out.getvalue(), filename="x.xlsx", confirm=True,
                decisions={"江门市农业农村": f"org:{bureaus['jm_agri'].pk}", "江门市某协会": "skip"})
    t = Task.objects.get(plan=jm_plan)
    assert t.lead_units.get() == bureaus["jm_agri"] and not t.cooperating_units.exists()
    assert Organization.objects.count() == before


def test_a_bad_date_is_reported_in_chinese(jm_plan, bureaus, persona):
    wb = Workbook()
    ws = wb.active
    ws.append(["任务内容", "牵头单位", "完成时限"])
    ws.append(["任务甲", "江门市农业农村局", "2026-13-01"])
    out = BytesIO()
    wb.save(out)
    with pytest.raises(ImportRejected) as exc:
        task_import(actor=persona("jm_admin"), plan=jm_plan, data=out.getvalue(), filename="x.xlsx")
    msg = str(exc.value.errors[0])
    assert "第2行" in msg and "完成时限" in msg and "bad month" not in msg and "无法识别" in msg


def test_cli_import_then_confirm(jm_plan, bureaus, tmp_path: Path):
    path = tmp_path / "清单.xlsx"
    path.write_bytes(office_workbook())
    out = StringIO()
    call_command("tasks", "import", str(path), "--plan", jm_plan.name, stdout=out)
    assert Task.objects.filter(plan=jm_plan).count() == 0 and "鹤山市农业农村局：已匹配" in out.getvalue()
    call_command("tasks", "import", str(path), "--plan", jm_plan.name, "--confirm", stdout=out)
    assert Task.objects.filter(plan=Plan.objects.get(pk=jm_plan.pk)).count() == 4
