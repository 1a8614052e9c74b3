"""Import of a realistic task list: varied headers, deadline wordings, unit matching, two steps, rejection."""

from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from bqw.core.errors import ApplicationError, ForbiddenError, ImportRejected
from bqw.core.imports import error_workbook, read_table
from bqw.orgs.models import Organization
from bqw.plans.imports import task_import
from bqw.plans.models import Task


def workbook(headers, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


HEADERS = ["序号", "重点任务", "责任单位", "配合单位", "时间节点", "所属行动", "备注"]
ROWS = [
    [1, "建好丝苗米产业集群及13个省级以上现代农业产业园", "市农业农村局", "市财政局、各县（市、区）",
     "2024年12月底", "大抓产业发展", ""],
    [2, "完成80%以上行政村整村厕所改造提升", "江门市农业农村", "", "2024年6月", "大抓人居环境建设", ""],
    [3, "新增公办基础教育学位超1.4万个", "市教育局", "市发展改革局", "2024年底前", "大抓公共服务和社会治理", ""],
    [4, "做深做实智慧网格，规范网格员队伍", "市委政法委", "", "长期坚持", "大抓公共服务和社会治理", ""],
    [5, "报送帮扶项目库进展", "市农业农村局", "", "每季度", "大抓社会力量参与", "按季报送"],
    [6, "建设美丽圩镇“七个一”", "市住房城乡建设局", "", "2023—2025年", "大抓人居环境建设", ""],
    [7, "完成鹤山义务教育优质均衡创建", "市教育局", "", datetime(2024, 9, 30), "大抓公共服务和社会治理", ""],
]


@pytest.fixture
def agri(bureau):
    return bureau  # 江门市农业农村局


def test_preview_then_apply_with_confirmation(plan, agri, persona):
    admin = persona("jm_admin")
    data = workbook(HEADERS, ROWS)
    orgs_before = Organization.objects.count()
    pre = task_import(actor=admin, plan=plan, data=data, filename="清单.xlsx")
    assert not pre.applied and Task.objects.filter(plan=plan).count() == 0
    assert Organization.objects.count() == orgs_before
    assert pre.preview.mapping == {"number": "序号", "content": "重点任务", "lead": "责任单位",
                                   "cooperating": "配合单位", "deadline": "时间节点", "action": "所属行动"}
    assert pre.preview.unmapped == ["备注"]
    units = {u.name: u for u in pre.units}
    assert units["市农业农村局"].action == "match" and units["市农业农村局"].organization == agri
    assert units["江门市农业农村"].action == "similar" and units["江门市农业农村"].organization == agri
    assert units["市教育局"].action == "create" and units["市教育局"].rows == [4, 8]
    assert units["各县（市、区）"].action == "create"  # brackets are not split
    assert pre.needs_confirm and set(pre.new_actions) == {"大抓产业发展", "大抓人居环境建设",
                                                           "大抓公共服务和社会治理", "大抓社会力量参与"}

    with pytest.raises(ApplicationError, match="江门市农业农村"):  # an unsure match is never confirmed blindly
        task_import(actor=admin, plan=plan, data=data, filename="清单.xlsx", confirm=True)
    done = task_import(actor=admin, plan=plan, data=data, filename="清单.xlsx", confirm=True,
                       decisions={"江门市农业农村": f"org:{agri.pk}"})
    assert done.applied and done.created == 7
    tasks = {t.number: t for t in Task.objects.filter(plan=plan)}
    assert (tasks["1"].due_on, tasks["2"].due_on, tasks["3"].due_on) == (
        date(2024, 12, 31), date(2024, 6, 30), date(2024, 12, 31))
    assert tasks["4"].deadline_kind == "ongoing" and tasks["4"].due_on is None
    assert tasks["5"].deadline_kind == "recurring" and tasks["5"].every == "Q"
    assert (tasks["6"].start_on, tasks["6"].due_on) == (date(2023, 1, 1), date(2025, 12, 31))
    assert tasks["7"].due_on == date(2024, 9, 30)
    assert tasks["2"].lead_units.get() == agri  # similar match confirmed
    assert tasks["3"].lead_units.get().name == "江门市教育局"  # created under the city's name
    assert {o.name for o in tasks["1"].cooperating_units.all()} == {"江门市财政局", "各县（市、区）"}
    assert tasks["1"].action.name == "大抓产业发展" and tasks["3"].action == tasks["4"].action


def test_other_header_wordings(plan, agri, persona):
    data = workbook(["工作任务", "牵头单位", "完成时限", "权重"],
                    [["推进海洋牧场建设", "江门市农业农村局", "2024年第三季度", 2]])
    r = task_import(actor=persona("jm_admin"), plan=plan, data=data, filename="x.xlsx", confirm=True)
    t = Task.objects.get(plan=plan)
    assert r.preview.mapping["content"] == "工作任务" and t.due_on == date(2024, 9, 30) and t.weight == 2
    assert t.action is None


def test_bad_rows_reject_the_file_and_write_nothing(plan, agri, persona):
    rows = [
        [1, "正常任务", "市农业农村局", "", "2024年底前", "大抓产业发展", ""],
        [2, "没有牵头单位的任务", "", "", "2024年底前", "大抓产业发展", ""],
        [3, "时限写不清的任务", "市农业农村局", "", "尽快", "大抓产业发展", ""],
        [4, "正常任务", "市农业农村局", "", "2024年6月", "大抓产业发展", ""],
        [5, "", "市新单位局", "", "2024年6月", "新行动", ""],
    ]
    before = (Task.objects.count(), Organization.objects.count())
    with pytest.raises(ImportRejected) as exc:
        task_import(actor=persona("jm_admin"), plan=plan, data=workbook(HEADERS, rows), filename="x.xlsx",
                    confirm=True)
    errors = {(e.row, e.column): e.message for e in exc.value.errors}
    assert errors[(3, "责任单位")] == "不能为空"
    assert "无法识别的完成时限" in errors[(4, "时间节点")]
    assert errors[(5, "重点任务")] == "与第2行重复"
    assert errors[(6, "重点任务")] == "不能为空"
    assert (Task.objects.count(), Organization.objects.count()) == before
    assert not plan.actions.exists()
    marked = load_workbook(BytesIO(error_workbook(read_table(workbook(HEADERS, rows), "x.xlsx"), exc.value.errors)))
    assert marked.active.cell(row=4, column=5).fill.fgColor.rgb.endswith("FFC7CE")


def test_missing_required_column_and_permissions(plan, persona):
    with pytest.raises(ImportRejected, match="导入被拒绝") as exc:
        task_import(actor=persona("jm_admin"), plan=plan, data=workbook(["序号", "内容说明"], [[1, "x"]]),
                    filename="x.xlsx")
    assert {e.column for e in exc.value.errors} >= {"任务内容", "牵头单位", "完成时限"}
    with pytest.raises(ForbiddenError):
        task_import(actor=persona("jm_viewer"), plan=plan, data=workbook(HEADERS, ROWS), filename="x.xlsx")


@pytest.mark.parametrize(("data", "name"), [(bytes(range(256)), "t.xlsx"), (b"\x89PNG\r\n\x1a\n", "t.csv"),
                                            (b'[{"a": 1', "t.json"), (None, "missing.xlsx"), (None, "")])
def test_the_tasks_import_command_never_prints_a_traceback(plan, tmp_path, data, name):
    """`bqw tasks import` on a bad file ends in one CommandError line (no traceback) naming the problem."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / name if name else tmp_path
    if data is not None:
        path.write_bytes(data)
    with pytest.raises(CommandError) as exc:
        call_command("tasks", "import", str(path), plan=plan.name)
    assert "无法读取文件" in str(exc.value)


@pytest.mark.parametrize("q", ["action=99999999999999999999", "lead=abc", "region=²", "region=" + "9" * 40,
                               "on=0000-01-01", "due_before=99999-1-1"])
def test_board_filters_with_oversized_or_odd_values_are_ignored(client, login, plan, q):
    login("gd_admin")
    assert client.get(f"/plans/{plan.pk}/?{q}").status_code == 200


def test_the_ledger_keeps_task_text_as_text_never_a_formula(client, login, plan, make_task):
    """CWE-1236: a task whose text starts with = + - @ reaches the 台账 download as text."""
    from tests.test_workbooks_safe import HOSTILE, assert_no_formula

    for text in HOSTILE:
        make_task(content=text)
    login("gd_admin")
    r = client.get(f"/plans/{plan.pk}/ledger.xlsx")
    assert r.status_code == 200
    assert assert_no_formula(b"".join(r.streaming_content) if r.streaming else r.content) >= len(HOSTILE)


def test_a_task_import_killed_after_some_rows_leaves_nothing(plan, agri, persona, monkeypatch):
    """A crash after three tasks were written rolls the whole file back (tasks, actions, units, audit)."""
    from bqw.accounts.models import AuditEntry
    from bqw.plans import imports
    from bqw.plans.models import Action

    real, calls = imports.task_create, []

    def dying(**kwargs):
        calls.append(1)
        if len(calls) > 3:
            raise RuntimeError("killed mid-import")
        return real(**kwargs)

    before = (Task.objects.count(), Action.objects.count(), Organization.objects.count(), AuditEntry.objects.count())
    monkeypatch.setattr(imports, "task_create", dying)
    with pytest.raises(RuntimeError):
        task_import(actor=persona("jm_admin"), plan=plan, data=workbook(HEADERS, ROWS), filename="x.xlsx",
                    confirm=True, decisions={"江门市农业农村": f"org:{agri.pk}"})
    assert len(calls) == 4
    assert (Task.objects.count(), Action.objects.count(), Organization.objects.count(),
            AuditEntry.objects.count()) == before
