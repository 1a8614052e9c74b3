"""The task board: its rows carry every task's relations and light, and the number of queries for a board (the
selector, the API list, the page) does not grow with the number of tasks."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bqw.accounts.services import system_user
from bqw.orgs.services import organization_ensure
from bqw.plans.lights import task_light
from bqw.plans.models import Milestone, Task
from bqw.plans.selectors import UNREAD_ON_BOARDS, task_rows, tasks_for_user
from bqw.plans.services import action_ensure

ON = date(2024, 7, 10)


def _add_tasks(make_task, plan, jm, n: int, start: int) -> None:
    """n tasks with two lead units, a cooperating unit, milestones and an action each."""
    sys = system_user()
    action = action_ensure(actor=sys, plan=plan, name="测试行动", number=1)
    a = organization_ensure(actor=sys, name="江门市住房和城乡建设局", region=jm)
    b = organization_ensure(actor=sys, name="江门市交通运输局", region=jm)
    coop = organization_ensure(actor=sys, name="江门市财政局", region=jm)
    for k in range(start, start + n):
        deadline = ["2024年6月", "2024年7月15日", "2024年底前"][k % 3]
        t = make_task(content=f"看板任务{k}", deadline=deadline, leads=[b, a] if k % 2 else [a, b],
                      milestones=[(f"节点{k}", date(2024, 3 + k % 6, 20), k % 4 == 0)])
        Task.objects.filter(pk=t.pk).update(action=action, progress=k * 7 % 100)
        t.cooperating_units.add(coop)


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as c:
        fn()
    return len(c.captured_queries)


def test_board_queries_do_not_grow_with_the_number_of_tasks(client, login, persona, make_task, plan, jm):
    admin = login("jm_admin")
    api = f"/api/v1/plans/{plan.pk}/tasks?on={ON}"

    def counts():
        return (_queries(lambda: tasks_for_user(admin, plan=plan, on=ON)),
                _queries(lambda: client.get(api)),
                _queries(lambda: client.get(f"/plans/{plan.pk}/?on={ON}")),
                _queries(lambda: client.get(f"/plans/{plan.pk}/stats/?on={ON}")),
                _queries(lambda: client.get(f"/plans/{plan.pk}/ledger.xlsx?on={ON}")))

    _add_tasks(make_task, plan, jm, 3, 0)
    few = counts()
    _add_tasks(make_task, plan, jm, 6, 3)
    assert len(tasks_for_user(admin, plan=plan, on=ON)) == 9
    assert counts() == few
    assert len(client.get(api).json()) == 9
    login("xh_reporter")  # 新会: outside 江门, leads none of them
    assert tasks_for_user(persona("xh_reporter"), plan=plan, on=ON) == []
    assert client.get(api).status_code == 404


def test_board_rows_carry_each_tasks_own_relations_and_light(persona, make_task, plan, jm):
    _add_tasks(make_task, plan, jm, 6, 0)
    rows = tasks_for_user(persona("jm_admin"), plan=plan, on=ON)
    assert len(rows) == 6
    for r in rows:
        t = Task.objects.select_related("plan").get(pk=r.task.pk)  # the task read alone, its relations per task
        assert r.status == task_light(t, ON)
        assert [(link.organization_id, link.organization.name, link.assumed) for link in r.leads] == [
            (link.organization_id, link.organization.name, link.assumed) for link in t.lead_links.all()]
        assert [m.pk for m in r.milestones] == list(Milestone.objects.filter(task=t).values_list("pk", flat=True))
        assert [o.name for o in r.cooperating] == [o.name for o in t.cooperating_units.all()] == ["江门市财政局"]
        assert (r.task.plan, r.task.region, r.task.action.name) == (t.plan, t.region, "测试行动")
    assert {r.status.light for r in rows} >= {"red", "yellow", "blue"}  # the board has more than one light
    first = [r.leads[0].organization.name for r in rows]
    assert "江门市住房和城乡建设局" in first and "江门市交通运输局" in first  # each task keeps its own lead order


def test_board_tasks_are_the_tasks_as_loaded_from_the_database(persona, make_task, plan, jm):
    """The board fills its Task instances from value rows: each must equal the task read the ordinary way in every
    column it loads, count as loaded (saved, from this database), and leave only the unread columns deferred."""
    _add_tasks(make_task, plan, jm, 4, 0)
    Task.objects.filter(plan=plan).update(number="1.2", weight="2.50", state="in_progress")
    rows = tasks_for_user(persona("jm_admin"), plan=plan, on=ON)
    assert rows
    loaded = [f.attname for f in Task._meta.concrete_fields if f.name not in UNREAD_ON_BOARDS]
    for r in rows:
        t = Task.objects.get(pk=r.task.pk)
        assert r.task == t
        assert {n: getattr(r.task, n) for n in loaded} == {n: getattr(t, n) for n in loaded}
        assert (r.task._state.adding, r.task._state.db) == (False, t._state.db)
        assert r.task.get_deferred_fields() == set(UNREAD_ON_BOARDS)
        assert (r.task.get_state_display(), r.task.get_absolute_url()) == ("进行中", f"/plans/tasks/{t.pk}/")
    r = rows[0]
    with CaptureQueriesContext(connection) as c:
        (r.task.plan.name, r.task.region.name, r.task.action.name, r.task.deadline, r.task.due_at(ON))
    assert not c.captured_queries  # plan, region and action come with the board
    before = Task.objects.get(pk=r.task.pk)
    r.task.progress = 55
    r.task.save()  # saves what it loaded, and stamps `updated` though it was not read
    after = Task.objects.get(pk=r.task.pk)
    assert (after.progress, after.created, after.content) == (55, before.created, before.content)
    assert after.updated > before.updated
    r = rows[1]
    assert r.task.updated == Task.objects.get(pk=r.task.pk).updated  # a deferred column still reads (one query)


def test_board_rows_keep_each_tasks_leads_when_the_order_has_ties(make_task, plan, jm):
    """Tasks and their lead links come in one query: a board ordered only by plan (every task ties) must still
    give each task once, with its own two leads in their order."""
    _add_tasks(make_task, plan, jm, 5, 0)
    rows = task_rows(Task.objects.filter(plan=plan).order_by("plan_id"), ON)
    assert sorted(r.task.pk for r in rows) == sorted(Task.objects.filter(plan=plan).values_list("pk", flat=True))
    for r in rows:
        assert [link.organization_id for link in r.leads] == list(
            Task.objects.get(pk=r.task.pk).lead_links.values_list("organization_id", flat=True))
        assert len(r.leads) == 2
