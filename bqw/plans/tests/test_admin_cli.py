"""`bqw plans create` then `bqw tasks import FILE --plan NAME --confirm` on a database with no plans, and a token
made by `bqw tokens create` reading /api/v1/plans/ until it is revoked."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from bqw.plans.models import Plan, Task


def task_list(path) -> str:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "任务内容", "牵头单位", "配合单位", "完成时限"])
    ws.append([1, "推进农村生活污水治理", "鹤山市农业农村局", "鹤山市生态环境局", "2026年底前"])
    ws.append([2, "建设典型镇", "鹤山市住房和城乡建设局", "", "2026年6月底"])
    wb.save(path)
    return str(path)


def test_plans_create_then_tasks_import_confirm(tmp_path, db):
    assert not Plan.objects.exists()
    out = io.StringIO()
    call_command("plans", "create", "--name", "2026年鹤山市百千万工程工作要点", "--region", "440784",
                 "--start", "2026-01-01", "--end", "2026-12-31", stdout=out)
    assert "已创建计划" in out.getvalue()
    plan = Plan.objects.get(name="2026年鹤山市百千万工程工作要点")
    assert plan.region.code == "440784000000"
    f = task_list(tmp_path / "tasks.xlsx")
    call_command("tasks", "import", f, "--plan", plan.name, stdout=io.StringIO())
    assert not Task.objects.filter(plan=plan).exists()  # preview only
    out = io.StringIO()
    call_command("tasks", "import", f, "--plan", plan.name, "--confirm", stdout=out)
    assert "已导入 2 项任务" in out.getvalue()
    lead = Task.objects.get(plan=plan, number="1").lead_units.get()
    assert lead.name == "鹤山市农业农村局" and lead.region.code == "440784000000"


def test_plans_create_refuses_duplicates_and_bad_dates(db):
    call_command("plans", "create", "--name", "计划甲", "--region", "4407", stdout=io.StringIO())
    with pytest.raises(CommandError, match="同名"):
        call_command("plans", "create", "--name", "计划甲", "--region", "4407", stdout=io.StringIO())
    with pytest.raises(CommandError, match="截止日期"):
        call_command("plans", "create", "--name", "计划乙", "--region", "4407", "--start", "2026-05-01",
                     "--end", "2026-01-01", stdout=io.StringIO())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("plans", "create", "--name", "计划丙", "--region", "4407", "--start", "2026年",
                     stdout=io.StringIO())


def test_cli_token_reads_plans_until_revoked(client, db):
    call_command("plans", "create", "--name", "计划甲", "--region", "440784", stdout=io.StringIO())
    out = io.StringIO()
    call_command("tokens", "create", "--user", "hs_reviewer", "--name", "网格平台", stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip()
    r = client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert r.status_code == 200 and any(p["name"] == "计划甲" for p in r.json())
    call_command("tokens", "revoke", "--user", "hs_reviewer", "--name", "网格平台", stdout=io.StringIO())
    assert client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
