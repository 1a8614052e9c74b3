"""The supervision ladder: reminder → 督办单 → briefing; idempotent; set-based."""

from datetime import date
from io import StringIO

from django.core import mail
from django.core.management import call_command

from bqw.accounts.models import AuditEntry
from bqw.accounts.services import system_user
from bqw.plans.delivery import delivery_attempt
from bqw.plans.models import Delivery, Notification, SupervisionNotice, Task, TaskState
from bqw.plans.supervision import briefing_tasks, supervise_run


def run_deliveries() -> None:
    """What the background runner does with the deliveries queued after commit."""
    for pk in Delivery.objects.filter(state="pending").values_list("pk", flat=True):
        delivery_attempt(pk)


def test_the_ladder_and_its_idempotence(make_task, persona, django_capture_on_commit_callbacks):
    reviewer = persona("hs_reviewer")
    reviewer.email = "hs@example.org"
    reviewer.save()
    t = make_task(content="完成镇级污水设施建设", deadline="2024年6月", leads=[reviewer.organization])
    quiet = make_task(content="另一个任务", deadline="2024年底前")

    # 1. Reminder 5 days before the deadline: in-app + e-mail (a recorded delivery the background runner sends).
    with django_capture_on_commit_callbacks(execute=True):
        r = supervise_run(actor=system_user(), on=date(2024, 6, 25))
    assert (r.reminders, r.notices, r.briefings, r.emails) == (1, 0, 0, 1)
    assert mail.outbox == []
    run_deliveries()
    assert Notification.objects.filter(user=reviewer, task=t, kind="reminder").count() == 1
    assert len(mail.outbox) == 1 and "到期提醒" in mail.outbox[0].subject and "2024年6月30日" in mail.outbox[0].body
    # Twice the same day, and again the next day: nothing sent twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert supervise_run(actor=system_user(), on=date(2024, 6, 25)).as_dict()["reminders"] == 0
        assert supervise_run(actor=system_user(), on=date(2024, 6, 26)).reminders == 0
    run_deliveries()
    assert len(mail.outbox) == 1 and Notification.objects.filter(task=t).count() == 1

    # 2. Overdue: a numbered 督办单 addressed to the lead unit with a reply deadline.
    r = supervise_run(actor=system_user(), on=date(2024, 7, 2))
    assert r.notices == 1 and r.numbers == ["督办〔2024〕1号"]
    n = SupervisionNotice.objects.get(task=t, kind="notice")
    assert n.organization == reviewer.organization and n.reply_due == date(2024, 7, 7)
    assert str(n) == "督办〔2024〕1号"
    assert Notification.objects.filter(user=reviewer, kind="notice", title__startswith="督办〔2024〕1号").exists()
    assert supervise_run(actor=system_user(), on=date(2024, 7, 2)).notices == 0
    assert list(briefing_tasks()) == []

    # 3. Reply deadline passed and still not done: listed in the briefing.
    r = supervise_run(actor=system_user(), on=date(2024, 7, 8))
    assert (r.notices, r.briefings) == (0, 1)
    assert list(briefing_tasks()) == [t]
    assert supervise_run(actor=system_user(), on=date(2024, 7, 9)).briefings == 0
    Task.objects.filter(pk=t.pk).update(state=TaskState.DONE, done_on=date(2024, 7, 10))
    assert list(briefing_tasks()) == []
    assert not SupervisionNotice.objects.filter(task=quiet).exists()
    assert AuditEntry.objects.filter(action="supervise.run").count() >= 6

    # 督办单 numbers continue through the year.
    late = make_task(content="第二个逾期任务", deadline="2024年5月")
    assert supervise_run(actor=system_user(), on=date(2024, 7, 10)).numbers == ["督办〔2024〕2号"]
    assert late.supervision.get(kind="notice").seq == 2


def test_recurring_task_missing_last_quarter_gets_a_notice(make_task):
    t = make_task(deadline="每季度")
    r = supervise_run(actor=system_user(), on=date(2024, 7, 3))
    assert r.notices == 1 and SupervisionNotice.objects.get(task=t, kind="notice").cycle_due == date(2024, 6, 30)
    Task.objects.filter(pk=t.pk).update(last_report_on=date(2024, 9, 1))
    assert supervise_run(actor=system_user(), on=date(2024, 9, 25)).reminders == 0  # reported this quarter


def test_the_pass_is_set_based(make_task, django_assert_max_num_queries, plan, bureau):
    from bqw.plans.models import TaskLead

    tasks = Task.objects.bulk_create([
        Task(plan=plan, region=plan.region, content=f"批量任务{i}", deadline_text="2024年6月", due_on=date(2024, 6, 30))
        for i in range(300)])
    TaskLead.objects.bulk_create([TaskLead(task=t, organization=bureau) for t in tasks])
    with django_assert_max_num_queries(15):
        r = supervise_run(actor=system_user(), on=date(2024, 7, 5))
    assert r.notices == 300 and r.numbers[-1] == "督办〔2024〕300号"


def test_supervise_command(make_task):
    make_task(deadline="2024年6月")
    out = StringIO()
    call_command("supervise", "--date", "2024-06-28", stdout=out)
    assert "到期提醒 1" in out.getvalue()
    out = StringIO()
    call_command("supervise", "--date", "2024-06-28", stdout=out)
    assert "到期提醒 0" in out.getvalue()


def test_notice_as_official_word_document(make_task, persona, client):
    """The 督办单 downloads as a Word document in 公文 layout, addressed to the lead unit; out of scope: 404."""
    import io

    from docx import Document

    reviewer = persona("hs_reviewer")
    t = make_task(content="完成镇级污水设施建设", deadline="2024年6月", leads=[reviewer.organization])
    supervise_run(actor=system_user(), on=date(2024, 7, 2))
    n = SupervisionNotice.objects.get(task=t, kind="notice")
    client.force_login(persona("jm_admin"))
    response = client.get(f"/plans/notices/{n.pk}.docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "督办〔2024〕1号" in text and f"{reviewer.organization.name}：" in text
    assert "完成镇级污水设施建设" in text and "2024年7月7日前" in text
    assert round(doc.sections[0].top_margin.mm) == 37
    client.force_login(persona("xh_reporter"))
    assert client.get(f"/plans/notices/{n.pk}.docx").status_code == 404


def test_concurrent_runs_wait_for_each_other_on_postgresql(make_task):
    """While one pass's transaction is open, another cannot take the supervision lock (it would wait)."""
    import pytest
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's IMMEDIATE transactions already serialise the passes")
    import psycopg

    from bqw.plans.supervision import SUPERVISION_LOCK

    make_task(deadline="2024年5月")
    supervise_run(actor=system_user(), on=date(2024, 7, 2))  # the test's transaction is still open: the lock is held
    s = connection.settings_dict
    with psycopg.connect(host=s["HOST"], port=s["PORT"] or 5432, user=s["USER"], dbname=s["NAME"],
                         password=s["PASSWORD"] or None) as other:
        assert other.execute("SELECT pg_try_advisory_xact_lock(%s)", [SUPERVISION_LOCK]).fetchone()[0] is False
