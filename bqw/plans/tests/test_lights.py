"""Each light with its reason, at fixed dates."""

from datetime import date

from bqw.plans.lights import task_light
from bqw.plans.models import Task, TaskState


def light(task: Task, on: date):
    task = Task.objects.select_related("plan").prefetch_related("milestones").get(pk=task.pk)
    return task_light(task, on)


def set_(task, **kw):
    Task.objects.filter(pk=task.pk).update(**kw)


def test_grey_when_not_started_and_nothing_expected_yet(make_task):
    s = light(make_task(), date(2024, 1, 20))
    assert (s.light, s.label, s.colour) == ("grey", "未开始", "灰灯") and "尚未开始" in s.reason


def test_grey_before_the_start_date(make_task):
    t = make_task(deadline="2024年3月—6月")
    s = light(t, date(2024, 2, 1))
    assert s.light == "grey" and "2024年3月1日" in s.reason


def test_green_on_track_and_green_done_on_time(make_task):
    t = make_task()
    set_(t, progress=60, state=TaskState.IN_PROGRESS)
    s = light(t, date(2024, 7, 1))
    assert (s.light, s.label) == ("green", "正常推进") and "应完成约50%，实际60%" in s.reason
    set_(t, progress=100, state=TaskState.DONE, done_on=date(2024, 11, 30))
    s = light(t, date(2025, 3, 1))
    assert (s.light, s.label) == ("green", "已办结") and "2024年11月30日办结，按期完成" in s.reason


def test_blue_when_due_within_seven_days(make_task):
    t = make_task(deadline="2024年6月")
    set_(t, progress=90, state=TaskState.IN_PROGRESS)
    s = light(t, date(2024, 6, 25))
    assert (s.light, s.label) == ("blue", "即将到期") and "还剩5天" in s.reason and "当前进度90%" in s.reason
    assert light(t, date(2024, 6, 22)).light == "green"  # 8 days left


def test_yellow_when_behind_the_time_elapsed(make_task):
    t = make_task()
    set_(t, progress=20, state=TaskState.IN_PROGRESS)
    s = light(t, date(2024, 7, 1))
    assert (s.light, s.label) == ("yellow", "滞后") and s.reason == "进度滞后：按时间进度应完成约50%，实际20%"


def test_yellow_when_a_milestone_is_missed(make_task):
    t = make_task(milestones=[("完成规划编制", date(2024, 3, 31), False)])
    set_(t, progress=40, state=TaskState.IN_PROGRESS)
    s = light(t, date(2024, 4, 10))
    assert s.light == "yellow" and "节点“完成规划编制”应于2024年3月31日完成" in s.reason


def test_red_when_overdue(make_task):
    t = make_task(deadline="2024年6月")
    set_(t, progress=70, state=TaskState.IN_PROGRESS)
    s = light(t, date(2024, 7, 10))
    assert (s.light, s.label, s.colour) == ("red", "逾期", "红灯")
    assert s.reason.startswith("已逾期10天（完成时限：2024年6月") and "70%" in s.reason


def test_recurring_and_ongoing_tasks(make_task):
    q = make_task(deadline="每季度")
    assert light(q, date(2024, 6, 26)).light == "blue"
    assert "本期将于2024年6月30日到期" in light(q, date(2024, 6, 26)).reason
    set_(q, last_report_on=date(2024, 6, 20), state=TaskState.IN_PROGRESS)
    assert light(q, date(2024, 6, 26)).light == "green"
    assert light(q, date(2024, 9, 28)).light == "blue"  # next quarter, not reported yet
    o = make_task(deadline="长期坚持")
    assert light(o, date(2024, 6, 1)).light == "grey"
    set_(o, progress=30, state=TaskState.IN_PROGRESS)
    assert light(o, date(2024, 6, 1)).reason == "长期坚持，持续推进（进度30%）"
