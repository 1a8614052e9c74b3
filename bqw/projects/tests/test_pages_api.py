"""Pages and API: library with filters, project page, team funnel, leader pages scoped, letter with .docx."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from bqw.accounts.models import Role
from bqw.accounts.services import system_user, user_ensure
from bqw.core.errors import ApplicationError
from bqw.orgs.models import Organization
from bqw.projects.models import Project, ProjectEvidence
from bqw.projects.services import (
    assignment_ensure,
    lead_create,
    leader_ensure,
    letter_ensure,
    project_report_submit,
    team_ensure,
)
from bqw.regions.models import Region

YI = Decimal(100_000_000)


def test_library_filters_and_project_page(client, login, make_project, shaping):
    make_project("大项目页面测试", planned=3 * YI, region=shaping)
    make_project("小项目页面测试", planned=YI / 10)
    login("jm_viewer")
    r = client.get("/projects/")
    assert r.status_code == 200 and "大项目页面测试" in r.text and "3亿元" in r.text
    r = client.get("/projects/?major=1", HTTP_HX_REQUEST="true")
    assert "大项目页面测试" in r.text and "小项目页面测试" not in r.text and "<html" not in r.text
    r = client.get("/projects/?region=440784001000&stage=idea")
    assert r.status_code == 200
    pk = Project.objects.get(name="大项目页面测试").pk
    r = client.get(f"/projects/{pk}/")
    assert r.status_code == 200 and "未开工" in r.text and "阶段变更" not in r.text  # viewer cannot move it
    assert client.post(f"/projects/{pk}/transition/", {"to": "signed", "reason": "x"}).status_code == 403
    r = client.get("/projects/export.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_outsider_gets_404_and_refused_transition_is_400_in_chinese(client, login, make_project):
    p = make_project("外区不可见项目")
    login("xh_reporter")
    assert client.get(f"/projects/{p.pk}/").status_code == 404
    assert client.get(f"/api/v1/projects/{p.pk}").status_code == 404
    assert "外区不可见项目" not in client.get("/projects/").text
    login("jm_admin")
    r = client.post(f"/api/v1/projects/{p.pk}/transition", {"to": "producing", "reason": "跳过"},
                    content_type="application/json")
    assert r.status_code == 400 and "不能从“谋划”直接进入“投产”" in r.json()["message"]
    r = client.post(f"/api/v1/projects/{p.pk}/transition", {"to": "signed", "reason": "签约", "on": "2023-04-01"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["stage"] == "signed" and len(r.json()["history"]) == 2


def test_api_list_and_summary(client, login, make_project):
    make_project("接口项目一", planned=2 * YI)
    make_project("接口项目二", planned=YI / 2, stage="building", started_on=date(2023, 5, 1))
    login("hs_reviewer")
    r = client.get("/api/v1/projects/?region=440784&major=true")
    assert r.status_code == 200 and r.json()["summary"]["count"] == 1
    s = client.get("/api/v1/projects/summary?region=440784").json()
    assert s["count"] == 2 and s["planned_yi"] == 2.5 and s["stages"]["building"]["count"] == 1


def test_team_page_shows_the_funnel(client, login, persona, hs, shaping):
    admin = persona("jm_admin")
    hq = Organization.objects.get(region=hs, kind=Organization.Kind.HEADQUARTERS)
    head = leader_ensure(actor=admin, name="组长（模拟）", post="鹤山市副市长", organization=hq)
    team = team_ensure(actor=admin, name="页面招商小组", region=hs, head=head)
    lead_create(actor=admin, team=team, name="页面线索", region=shaping, planned_investment=YI)
    login("hs_reviewer")
    r = client.get(f"/projects/teams/{team.pk}/")
    assert r.status_code == 200 and "线索 1 个（100.0%）" in r.text and "转化率" in r.text
    assert client.get(f"/api/v1/projects/teams/{team.pk}").json()["funnel"]["total"] == 1
    login("xh_reporter")
    assert client.get(f"/projects/teams/{team.pk}/").status_code == 404


def test_leader_pages_own_and_other_county(client, persona, hs, make_project):
    admin = persona("jm_admin")
    hq = Organization.objects.get(region=hs, kind=Organization.Kind.HEADQUARTERS)
    xh = Region.objects.get(code="440705000000")
    xh_hq = Organization.objects.get(region=xh, kind=Organization.Kind.HEADQUARTERS)
    hs_user = user_ensure(actor=system_user(), username="hs_leader_t", password="Hs@leader2024", organization=hq,
                          role=Role.VIEWER, view_scope=hs, capture_scope=None)
    xh_user = user_ensure(actor=system_user(), username="xh_leader_t", password="Xh@leader2024", organization=xh_hq,
                          role=Role.VIEWER, view_scope=xh, capture_scope=None)
    hs_leader = leader_ensure(actor=admin, name="鹤山市委书记（模拟）", post="鹤山市委书记", organization=hq,
                              user=hs_user)
    leader_ensure(actor=admin, name="新会区委书记（模拟）", post="新会区委书记", organization=xh_hq, user=xh_user)
    p = make_project("书记挂钩项目")
    make_project("不相干项目")
    assignment_ensure(actor=admin, leader=hs_leader, project=p)
    client.force_login(hs_user)
    r = client.get(f"/projects/leaders/{hs_leader.pk}/")
    assert r.status_code == 200 and "书记挂钩项目" in r.text and "不相干项目" not in r.text
    assert [x["name"] for x in client.get(f"/api/v1/projects/leaders/{hs_leader.pk}").json()["projects"]] == [
        "书记挂钩项目"]
    client.force_login(xh_user)
    assert client.get(f"/projects/leaders/{hs_leader.pk}/").status_code == 404
    assert client.get(f"/api/v1/projects/leaders/{hs_leader.pk}").status_code == 404


def test_letter_page_and_docx(client, login, persona, hs):
    letter = letter_ensure(actor=persona("jm_admin"), year=2023, region=hs)
    login("hs_reviewer")
    r = client.get(f"/projects/letters/{letter.pk}/")
    assert r.status_code == 200 and "2023年鹤山市“百千万工程”目标责任书" in r.text
    r = client.get(f"/projects/letters/{letter.pk}/docx")
    doc = Document(io.BytesIO(r.content))
    assert doc.paragraphs[0].text == "2023年鹤山市“百千万工程”目标责任书"
    assert client.get(f"/api/v1/projects/letters/{letter.pk}").json()["light"] == "grey"
    login("xh_reporter")
    assert client.get(f"/projects/letters/{letter.pk}/docx").status_code == 404


def test_api_import_rejects_bad_rows_with_422_and_writes_nothing(client, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login("jm_admin")
    bad = ("项目名称,所在地区,计划总投资（万元）,责任单位,入库日期\n"
           "接口导入,沙坪街道,abc,鹤山市百千万工程指挥部,2023-01-05\n")
    r = client.post("/api/v1/projects/import", {"region": "440784", "file": SimpleUploadedFile(
        "p.csv", bad.encode())})
    assert r.status_code == 422 and not Project.objects.filter(name="接口导入").exists()
    good = bad.replace("abc", "12000")
    r = client.post("/api/v1/projects/import", {"region": "440784", "file": SimpleUploadedFile(
        "p.csv", good.encode())})
    assert r.status_code == 200 and r.json()["applied"] is True
    assert Project.objects.get(name="接口导入").planned_investment == 120_000_000
    login("xh_reporter")
    r = client.post("/api/v1/projects/import", {"region": "440784", "file": SimpleUploadedFile("p.csv", good.encode())})
    assert r.status_code == 404


def test_project_evidence_is_checked_stored_and_served_as_an_attachment_within_scope(client, login, persona,
                                                                                      make_project, settings,
                                                                                      tmp_path):
    """The one evidence way (core.evidence): checked on upload, downloadable by who sees the project only."""
    settings.MEDIA_ROOT = tmp_path
    p = make_project("佐证测试项目")
    with pytest.raises(ApplicationError, match="不符"):
        project_report_submit(actor=persona("jm_admin"), project=p, text="x",
                              files=[SimpleUploadedFile("假.pdf", b"<html>")])
    assert not p.reports.exists()
    r = project_report_submit(actor=persona("jm_admin"), project=p, text="进展",
                              files=[SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n0000")])
    ev = ProjectEvidence.objects.get(report=r)
    assert ev.file.name.startswith("projects/evidence/") and "现场" not in ev.file.name
    login("jm_admin")
    assert f"/projects/evidence/{ev.pk}/" in client.get(f"/projects/{p.pk}/").content.decode()
    resp = client.get(f"/projects/evidence/{ev.pk}/")
    assert resp.status_code == 200 and resp["Content-Type"] == "image/png"
    assert resp["Content-Disposition"].startswith("attachment") and resp["X-Content-Type-Options"] == "nosniff"
    login("xh_reporter")
    assert client.get(f"/projects/evidence/{ev.pk}/").status_code == 404
    assert client.get("/projects/evidence/999999/").status_code == 404
