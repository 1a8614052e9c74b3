"""Plans and tasks by hand (issue 11): a 鹤山 admin creates, edits, archives a plan and adds, edits, moves and
deletes a task; the sibling 开平 admin gets 404 on every one of these pages."""

from __future__ import annotations

import pytest

from bqw.accounts.models import AuditEntry
from bqw.accounts.services import system_user
from bqw.accounts.tests.personas import HESHAN, KAIPING, county_admin
from bqw.orgs.services import organization_ensure
from bqw.plans.models import Action, Plan, Task
from bqw.regions.models import Region


@pytest.fixture
def hs_admin(db):
    return county_admin(HESHAN, "hs_admin")


@pytest.fixture
def kp_admin(db):
    return county_admin(KAIPING, "kp_admin")


@pytest.fixture
def bureaus(hs_admin):
    hs = Region.objects.get(code=HESHAN)
    return [organization_ensure(actor=hs_admin, name=n, region=hs) for n in ("鹤山市农业农村局", "鹤山市财政局")]


def make_plan(client) -> Plan:
    r = client.post("/plans/manage/", {"name": "2026年鹤山市工作要点", "region": "江门市鹤山市",
                                       "start_on": "2026-01-01", "end_on": "2026-12-31",
                                       "doc_number": "鹤百千万〔2026〕1号"})
    assert r.status_code == 302, r.content.decode()[:800]
    return Plan.objects.get(name="2026年鹤山市工作要点")


def test_admin_creates_plan_and_task_by_hand(client, hs_admin, bureaus):
    client.force_login(hs_admin)
    plan = make_plan(client)
    assert plan.region.code == HESHAN and plan.doc_number == "鹤百千万〔2026〕1号"
    assert client.get("/plans/manage/").status_code == 200
    r = client.post(f"/plans/{plan.pk}/edit/", {"op": "action", "action_name": "兴村行动", "group": "富县强镇兴村"})
    assert r.status_code == 302
    action = Action.objects.get(plan=plan)
    r = client.post(f"/plans/{plan.pk}/tasks/new/", {
        "content": "完成全市自然村生活污水治理", "deadline": "2026年6月底", "leads": [bureaus[0].pk],
        "cooperating": [bureaus[1].pk], "action": action.pk, "weight": "2", "ms_name": ["完成方案"],
        "ms_due": ["2026年3月底"]})
    assert r.status_code == 302, r.content.decode()[:800]
    task = Task.objects.get(plan=plan)
    assert str(task.due_on) == "2026-06-30" and task.milestones.get().name == "完成方案"
    assert list(task.lead_units.all()) == [bureaus[0]] and list(task.cooperating_units.all()) == [bureaus[1]]
    assert client.get(f"/plans/tasks/{task.pk}/edit/").status_code == 200
    r = client.post(f"/plans/tasks/{task.pk}/edit/", {
        "content": "完成全市自然村生活污水治理（提速）", "deadline": "2026年底前", "leads": [bureaus[1].pk],
        "weight": "1"})
    assert r.status_code == 302
    task.refresh_from_db()
    assert str(task.due_on) == "2026-12-31" and list(task.lead_units.all()) == [bureaus[1]]
    assert AuditEntry.objects.filter(action="task.update", object_id=str(task.pk), actor=hs_admin).exists()
    client.post(f"/plans/tasks/{task.pk}/move/", {"action": ""})
    task.refresh_from_db()
    assert task.action is None
    r = client.post(f"/plans/{plan.pk}/edit/", {"op": "archive"})
    plan.refresh_from_db()
    assert plan.archived and "2026年鹤山市工作要点" not in client.get("/plans/").content.decode()
    client.post(f"/plans/{plan.pk}/edit/", {"op": "restore"})
    r = client.post(f"/plans/tasks/{task.pk}/delete/")
    assert r.status_code == 302 and not Task.objects.filter(pk=task.pk).exists()


def test_task_form_errors_are_chinese_and_nothing_is_written(client, hs_admin, bureaus):
    client.force_login(hs_admin)
    plan = make_plan(client)
    r = client.post(f"/plans/{plan.pk}/tasks/new/", {"content": "x", "deadline": "某天", "leads": [bureaus[0].pk]})
    assert r.status_code == 200 and "无法识别的完成时限" in r.content.decode()
    other = organization_ensure(actor=system_user(), name="开平市财政局", region=Region.objects.get(code=KAIPING))
    r = client.post(f"/plans/{plan.pk}/tasks/new/", {"content": "x", "deadline": "2026年底", "leads": [other.pk]})
    assert "不在本计划所属地区" in r.content.decode()
    assert not Task.objects.filter(plan=plan).exists()


def test_sibling_county_admin_is_refused_on_every_plan_admin_page(client, hs_admin, kp_admin, bureaus):
    client.force_login(hs_admin)
    plan = make_plan(client)
    client.post(f"/plans/{plan.pk}/tasks/new/", {"content": "任务", "deadline": "2026年底", "leads": [bureaus[0].pk]})
    task = Task.objects.get(plan=plan)
    client.force_login(kp_admin)
    client.get("/")  # the admin's flash messages are shown (and consumed) here
    assert "2026年鹤山市工作要点" not in client.get("/plans/manage/").content.decode()
    for url in (f"/plans/{plan.pk}/edit/", f"/plans/{plan.pk}/tasks/new/", f"/plans/tasks/{task.pk}/edit/"):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"op": "archive", "content": "x"}).status_code == 404, url
    for url in (f"/plans/tasks/{task.pk}/move/", f"/plans/tasks/{task.pk}/delete/"):
        assert client.post(url).status_code == 404, url
    r = client.post("/plans/manage/", {"name": "越权计划", "region": "江门市鹤山市", "start_on": "2026-01-01",
                                       "end_on": "2026-12-31"})
    assert "不在您的管辖范围内" in r.content.decode() and not Plan.objects.filter(name="越权计划").exists()


def test_reviewer_may_read_but_not_administer(client, login, hs_admin, bureaus):
    client.force_login(hs_admin)
    plan = make_plan(client)
    login("hs_reviewer")
    assert client.get(f"/plans/{plan.pk}/").status_code == 200
    assert client.get(f"/plans/{plan.pk}/edit/").status_code == 403
    assert client.get("/plans/manage/").status_code == 403
