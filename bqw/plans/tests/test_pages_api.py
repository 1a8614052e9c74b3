"""Pages and API: scope (out-of-scope persona 404, viewer 403), board filters, ledger, evidence download."""

from datetime import date
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from bqw.plans.models import Task, TaskState
from bqw.plans.services import report_submit


def test_pages_for_a_heshan_task(client, login, heshan_task):
    t = heshan_task
    login("xh_reporter")  # 新会: out of scope
    assert client.get(f"/plans/tasks/{t.pk}/").status_code == 404
    assert client.get(f"/plans/{t.plan_id}/").status_code == 404
    assert client.post(f"/plans/tasks/{t.pk}/report/", {"percent": 10, "text": "x"}).status_code == 404
    login("jm_viewer")  # read-only
    page = client.get(f"/plans/tasks/{t.pk}/")
    assert page.status_code == 200 and "建设鹤山测试项目" in page.content.decode()
    assert client.post(f"/plans/tasks/{t.pk}/report/", {"percent": 10, "text": "x"}).status_code == 403
    assert client.post(f"/plans/tasks/{t.pk}/close/").status_code == 403
    login("hs_reporter")  # sees 鹤山 but is not the lead unit
    assert client.post(f"/plans/tasks/{t.pk}/report/", {"percent": 10, "text": "x"}).status_code == 403
    login("hs_reviewer")  # lead unit
    r = client.post(f"/plans/tasks/{t.pk}/report/", {"percent": 140, "text": "完成主体工程"},
                    HTTP_REFERER=f"http://testserver/plans/tasks/{t.pk}/")
    page = r.content.decode()  # a business rule: the one error page with the reason and the way back, not a 500
    assert r.status_code == 400 and "操作未完成" in page and f'href="http://testserver/plans/tasks/{t.pk}/"' in page
    assert Task.objects.get(pk=t.pk).state != TaskState.SUBMITTED
    r = client.post(f"/plans/tasks/{t.pk}/report/", {"percent": 40, "text": "完成主体工程"})
    assert r.status_code == 302 and Task.objects.get(pk=t.pk).state == TaskState.SUBMITTED
    assert "建设鹤山测试项目" in client.get("/plans/my/").content.decode()
    login("jm_admin")
    rep = t.reports.get()
    assert client.post(f"/plans/reports/{rep.pk}/accept/").status_code == 302
    assert Task.objects.get(pk=t.pk).progress == 40
    assert client.post(f"/plans/tasks/{t.pk}/close/").status_code == 302
    assert Task.objects.get(pk=t.pk).state == TaskState.DONE


def test_board_filters_stats_and_ledger(client, login, make_task, plan, bureau):
    late = make_task(content="逾期的任务", deadline="2024年6月")
    make_task(content="年底的任务", deadline="2024年底前")
    login("jm_admin")
    page = client.get(f"/plans/{plan.pk}/?on=2024-07-10").content.decode()
    assert "逾期的任务" in page and "年底的任务" in page and "已逾期10天" in page
    part = client.get(f"/plans/{plan.pk}/?on=2024-07-10&light=red", HTTP_HX_REQUEST="true").content.decode()
    assert "逾期的任务" in part and "年底的任务" not in part and "<html" not in part
    part = client.get(f"/plans/{plan.pk}/?due_before=2024-06-30&lead={bureau.pk}", HTTP_HX_REQUEST="true")
    assert "年底的任务" not in part.content.decode()
    stats = client.get(f"/plans/{plan.pk}/stats/?on=2024-07-10").content.decode()
    assert "江门市农业农村局" in stats and "按期办结率" in stats
    resp = client.get(f"/plans/{plan.pk}/ledger.xlsx?on=2024-07-10")
    assert resp["Content-Disposition"].startswith("attachment")
    ws = load_workbook(BytesIO(resp.content)).active
    row = next(r for r in ws.iter_rows(min_row=3) if r[2].value == late.content)
    assert row[11].value == "红灯" and row[11].fill.fgColor.rgb.endswith("FFC7CE") and row[12].value == "逾期"
    assert "已逾期10天" in row[13].value
    login("xh_reporter")
    assert client.get(f"/plans/{plan.pk}/ledger.xlsx").status_code == 404
    assert client.get(f"/plans/{plan.pk}/import/").status_code == 404
    login("jm_viewer")
    assert client.get(f"/plans/{plan.pk}/import/").status_code == 403


def test_evidence_is_always_an_attachment(client, login, heshan_task, persona, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    r = report_submit(actor=persona("hs_reviewer"), task=heshan_task, percent=10, text="x",
                      files=[SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\nxxxx", content_type="text/html")])
    ev = r.evidence.get()
    login("hs_reporter")
    resp = client.get(f"/plans/evidence/{ev.pk}/")
    assert resp.status_code == 200 and resp["Content-Type"] == "image/png"
    assert resp["Content-Disposition"].startswith("attachment") and resp["X-Content-Type-Options"] == "nosniff"
    login("xh_reporter")
    assert client.get(f"/plans/evidence/{ev.pk}/").status_code == 404


def test_api_scope_and_workflow(client, login, heshan_task):
    t = heshan_task
    login("xh_reporter")
    assert client.get(f"/api/v1/plans/tasks/{t.pk}").status_code == 404
    assert client.get(f"/api/v1/plans/{t.plan_id}/tasks").status_code == 404
    assert all(p["id"] != t.plan_id for p in client.get("/api/v1/plans/").json())
    login("jm_viewer")
    body = client.get(f"/api/v1/plans/tasks/{t.pk}?on=2024-12-28").json()
    assert body["status"]["light"] == "blue" and "还剩3天" in body["status"]["reason"]
    assert client.post(f"/api/v1/plans/tasks/{t.pk}/reports", {"percent": 10, "text": "x"}).status_code == 403
    assert client.post(f"/api/v1/plans/tasks/{t.pk}/close").status_code == 403
    login("hs_reviewer")
    r = client.post(f"/api/v1/plans/tasks/{t.pk}/reports", {"percent": 55, "text": "推进中"})
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert client.post(f"/api/v1/plans/reports/{rid}/accept").status_code == 403
    login("jm_admin")
    r = client.post(f"/api/v1/plans/reports/{rid}/return", {"reason": ""}, content_type="application/json")
    assert r.status_code == 400 and "理由" in r.json()["message"]
    assert client.post(f"/api/v1/plans/reports/{rid}/accept").json()["state"] == "accepted"
    lights = client.get(f"/api/v1/plans/{t.plan_id}/lights?on=2024-07-01").json()
    assert lights == {"鹤山市百千万工程指挥部": {"green": 1, "blue": 0, "yellow": 0, "red": 0, "grey": 0}}
    assert client.get(f"/api/v1/plans/{t.plan_id}/tasks?light=green&on=2024-07-01").json()[0]["progress"] == 55
    assert client.get(f"/api/v1/plans/tasks/{t.pk}/light?on=2025-01-05").json()["light"] == "red"
    assert client.post(f"/api/v1/plans/tasks/{t.pk}/close").json()["state"] == "done"
    _ = date


def test_a_rejected_task_list_shows_the_one_rejected_import_partial_and_writes_nothing(client, login, plan):
    login("jm_admin")
    before = Task.objects.count()
    rows = "任务内容,牵头单位,完成时限\n推进某项工作,江门市农业农村局,不知何时\n"
    bad = SimpleUploadedFile("清单.csv", rows.encode())
    r = client.post(f"/plans/{plan.pk}/import/", {"file": bad})
    page = r.content.decode()
    assert r.status_code == 422 and 'id="import-errors"' in page and "<td>完成时限</td>" in page
    assert "下载标注了错误单元格的工作簿" in page and Task.objects.count() == before
