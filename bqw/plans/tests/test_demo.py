"""The demo step: plans, ≥ 40 江门 tasks, every light, idempotent; `bqw tasks lights --json` on it."""

import json
from io import StringIO

from django.core.management import call_command

from bqw.demo.scenario import build_organizations, demo_steps
from bqw.plans import demo
from bqw.plans.models import Plan, Task, TaskLead
from bqw.plans.selectors import light_counts_by_lead, tasks_for_user


def test_demo_step_builds_plans_with_every_light(persona, client, login):
    assert demo.step in demo_steps()
    orgs = build_organizations()
    demo.step(orgs)
    jm = Plan.objects.get(name=demo.JM_PLAN)
    assert list(jm.actions.values_list("name", flat=True)) == [
        "大抓产业发展", "大抓人居环境建设", "大抓公共服务和社会治理", "大抓社会力量参与"]
    assert Task.objects.filter(plan=jm, parent__isnull=True).count() >= 40
    assert Plan.objects.get(name=demo.ZQ_PLAN).actions.count() == 9
    xh = Plan.objects.get(name=demo.XH_PLAN)
    assert set(xh.actions.values_list("group", flat=True)) == {"十大行动", "十大建设"} and xh.actions.count() == 20
    assert TaskLead.objects.filter(task__plan=jm, assumed=True).exists()
    assert TaskLead.objects.get(task__plan=jm, task__content__contains="优质均衡",
                                organization__name="鹤山市百千万工程指挥部").assumed is False
    assert Task.objects.filter(plan=jm, parent__isnull=False).count() == 7  # decomposed to counties

    count = Task.objects.count()
    demo.step(orgs)  # idempotent
    assert Task.objects.count() == count

    rows = tasks_for_user(persona("gd_admin"))
    assert {r.status.light for r in rows} == {"green", "blue", "yellow", "red", "grey"}

    out = StringIO()
    call_command("tasks", "lights", "--json", stdout=out)
    counts = json.loads(out.getvalue())
    assert counts == light_counts_by_lead(rows)
    assert set(counts["江门市农业农村局"]) == {"green", "blue", "yellow", "red", "grey"}
    assert sum(sum(c.values()) for c in counts.values()) >= len(rows)

    login("jm_admin")
    for url in (f"/plans/{jm.pk}/", f"/plans/{jm.pk}/stats/", "/plans/", f"/plans/{xh.pk}/?light=yellow"):
        assert client.get(url).status_code == 200
    assert client.get(f"/plans/{Plan.objects.get(name=demo.ZQ_PLAN).pk}/").status_code == 404  # 肇庆: outside 江门
    parent = Task.objects.get(plan=jm, content=demo.DECOMPOSE, parent__isnull=True)
    assert "分解任务" in client.get(parent.get_absolute_url()).content.decode()
