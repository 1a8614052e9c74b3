"""Decomposition, weighted progress, reports with evidence, accept / return / close, all audited."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bqw.accounts.models import AuditEntry
from bqw.core.errors import ApplicationError, ForbiddenError
from bqw.plans.models import Evidence, Notification, ReportState, Task, TaskState
from bqw.plans.services import report_accept, report_return, report_submit, task_close, task_decompose

PDF = b"%PDF-1.4 test"


def test_decompose_city_task_into_counties_then_towns(make_task, persona):
    admin = persona("jm_admin")
    t = make_task(content="完成村卫生站规范化建设")
    subs = task_decompose(actor=admin, task=t, level=3)
    assert len(subs) == 7 and {s.region.code[:6] for s in subs} >= {"440784", "440705"}
    hs_sub = next(s for s in subs if s.region.code.startswith("440784"))
    assert hs_sub.lead_links.get().organization.name == "鹤山市百千万工程指挥部"
    assert hs_sub.deadline_text == "2024年底前" and hs_sub.due_on == date(2024, 12, 31)
    assert task_decompose(actor=admin, task=t, level=3) == []  # idempotent
    towns = task_decompose(actor=admin, task=hs_sub, level=4)
    assert len(towns) == 10 and all(x.parent_id == hs_sub.pk for x in towns)
    assert any(x.lead_links.get().organization.name == "沙坪街道办事处" for x in towns)
    assert AuditEntry.objects.filter(action="task.decompose", object_id=str(t.pk)).exists()
    with pytest.raises(ForbiddenError):
        task_decompose(actor=persona("jm_viewer"), task=t, level=3)
    with pytest.raises(ApplicationError):
        task_decompose(actor=admin, task=t, level=2)


def test_parent_progress_is_the_weighted_progress_of_children(make_task, persona):
    admin, reviewer = persona("jm_admin"), persona("hs_reviewer")
    t = make_task()
    subs = task_decompose(actor=admin, task=t, level=3)
    Task.objects.filter(pk__in=[s.pk for s in subs]).update(weight=1)
    hs_sub = next(s for s in subs if s.region.code.startswith("440784"))
    Task.objects.filter(pk=hs_sub.pk).update(weight=4)  # 4 of 10 weight
    hs_sub.refresh_from_db()
    r = report_submit(actor=reviewer, task=hs_sub, percent=50, text="已完成一半")
    report_accept(actor=admin, report=r)
    t.refresh_from_db()
    assert t.progress == 20 and t.state == TaskState.IN_PROGRESS  # 4*50 / 10
    task_close(actor=admin, task=hs_sub, on=date(2024, 6, 1))
    t.refresh_from_db()
    assert t.progress == 40  # 4*100 / 10


def test_report_with_evidence_accept_return_close(make_task, persona, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    admin, reviewer = persona("jm_admin"), persona("hs_reviewer")
    t = make_task(leads=[reviewer.organization])
    f = SimpleUploadedFile("进展<script>.pdf", PDF, content_type="text/html")
    r = report_submit(actor=reviewer, task=t, percent=30, text="完成选址", files=[f], on=date(2024, 3, 1))
    ev = Evidence.objects.get(report=r)
    assert ev.content_type == "application/pdf" and ev.name == "进展<script>.pdf"
    assert "<" not in ev.file.name and ev.file.name.endswith(".pdf") and (tmp_path / ev.file.name).exists()
    t.refresh_from_db()
    assert t.state == TaskState.SUBMITTED and t.last_report_on == date(2024, 3, 1)
    with pytest.raises(ApplicationError, match="理由"):
        report_return(actor=admin, report=r, reason=" ")
    report_return(actor=admin, report=r, reason="缺少佐证照片")
    assert r.state == ReportState.RETURNED and Task.objects.get(pk=t.pk).state == TaskState.RETURNED
    assert Notification.objects.filter(user=reviewer, kind="returned", body__contains="缺少佐证照片").exists()
    r2 = report_submit(actor=reviewer, task=t, percent=60, text="补充照片")
    report_accept(actor=admin, report=r2)
    assert Task.objects.get(pk=t.pk).progress == 60
    task_close(actor=admin, task=t, on=date(2024, 12, 20))
    t.refresh_from_db()
    assert (t.state, t.progress, t.done_on) == (TaskState.DONE, 100, date(2024, 12, 20))
    actions = set(AuditEntry.objects.filter(region=t.region).values_list("action", flat=True))
    assert {"task.report", "task.report.return", "task.report.accept", "task.close"} <= actions


@pytest.mark.parametrize("name,data,msg", [
    ("a.html", b"<html>", "不支持的文件类型"),
    ("a.exe", b"MZ", "不支持的文件类型"),
    ("fake.pdf", b"<html><script>", "不符"),
    ("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * 2048, "大小限制"),
])
def test_evidence_type_and_size_limits(make_task, persona, settings, tmp_path, name, data, msg):
    settings.MEDIA_ROOT = tmp_path
    settings.BQW_EVIDENCE_MAX_BYTES = 1024
    reviewer = persona("hs_reviewer")
    t = make_task(leads=[reviewer.organization])
    with pytest.raises(ApplicationError, match=msg):
        report_submit(actor=reviewer, task=t, percent=10, text="x", files=[SimpleUploadedFile(name, data)])
    assert not t.reports.exists()


def test_only_lead_unit_users_report_and_only_admins_review(make_task, persona):
    reviewer = persona("hs_reviewer")
    t = make_task(leads=[reviewer.organization])
    with pytest.raises(ForbiddenError):
        report_submit(actor=persona("hs_reporter"), task=t, percent=10, text="x")
    r = report_submit(actor=reviewer, task=t, percent=10, text="x")
    with pytest.raises(ForbiddenError):
        report_accept(actor=reviewer, report=r)
    with pytest.raises(ForbiddenError):
        task_close(actor=persona("jm_viewer"), task=t)
