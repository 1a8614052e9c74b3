"""Briefings: the 公文 layout of the Word file, numbers equal to the selectors', region scoping, numbering and
revocation, the background job's progress and failure, the Excel file and the command line."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document
from docx.shared import Pt
from openpyxl import load_workbook

from bqw.accounts.models import AuditEntry
from bqw.briefings import writer
from bqw.briefings.content import collect
from bqw.briefings.models import Briefing
from bqw.briefings.services import briefing_generate, briefing_request, briefing_revoke
from bqw.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from bqw.core.periods import Period
from bqw.core.status import Light
from bqw.indicators.status import region_statuses
from bqw.plans.selectors import lead_unit_stats, tasks_for_user

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PERIOD = "202406"


@pytest.fixture
def demo(db):
    """The 江门 indicators, targets, values and task lists of the demo."""
    from bqw.demo.scenario import build_organizations
    from bqw.indicators import demo as indicators_demo
    from bqw.plans import demo as plans_demo

    orgs = build_organizations()
    indicators_demo.step(orgs)
    plans_demo.step(orgs)
    return orgs


def issue(user, region, period=PERIOD, **kw) -> Briefing:
    b = briefing_request(actor=user, region=region, period=period, background=False, **kw)
    return briefing_generate(actor=user, briefing_id=b.pk)


def text_of(docx: bytes) -> str:
    doc = Document(io.BytesIO(docx))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_jiangmen_briefing_has_the_official_layout_and_the_selectors_numbers(demo, persona, region):
    b = issue(persona("jm_admin"), region("4407"))
    check_layout(b)
    check_numbers(b, persona("jm_admin"), region("4407"))


def check_layout(b: Briefing) -> None:
    doc = Document(io.BytesIO(bytes(b.docx)))
    s = doc.sections[0]
    mm = lambda length: round(length.mm, 1)  # noqa: E731 (stored in twips)
    assert (mm(s.page_width), mm(s.page_height)) == (210, 297)
    assert [mm(x) for x in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [37, 35, 28, 26]
    grid = s._sectPr.find(f"{W}docGrid")
    assert grid.get(f"{W}linePitch") == "579"  # 22 lines in 225 mm
    title = next(p for p in doc.paragraphs if p.text == b.title)
    assert title.runs[0].font.size == Pt(22) and title.runs[0].font.name == "方正小标宋简体"
    body = next(p for p in doc.paragraphs if p.text.startswith("现将截至"))
    run = body.runs[0]
    assert run.font.size == Pt(16)
    assert run._element.rPr.rFonts.get(f"{W}eastAsia") == "仿宋_GB2312"
    assert doc.settings.odd_and_even_pages_header_footer
    odd, even = s.footer.paragraphs[0], s.even_page_footer.paragraphs[0]
    for footer in (odd, even):
        assert footer.text.startswith("— ") and footer.text.endswith(" —")
        assert "PAGE" in "".join(footer._element.itertext())
        assert footer.runs[0].font.size == Pt(14) and footer.runs[0].font.name == "宋体"
    assert odd.alignment == 2 and even.alignment == 0  # right on odd pages, left on even pages
    text = text_of(bytes(b.docx))
    assert "江门市百千万工程指挥部办公室" in text and "印发" in text and "抄送：" in text  # signature and 版记
    assert f"{b.year}年第{b.number}期" in text


def check_numbers(b: Briefing, user, jm) -> None:
    snap = b.snapshot
    statuses = region_statuses(user, jm, PERIOD)
    assert snap["targets"]["total"] == len(statuses) > 0
    for light in Light:
        assert snap["targets"]["counts"][light.value] == sum(1 for s in statuses if s.status.light == light)
    on = Period.parse(PERIOD).end
    rows = tasks_for_user(user, region=jm, on=on)
    assert snap["tasks"]["total"] == len(rows) > 0
    stats = {s.organization: s for s in lead_unit_stats(rows, on=on)}
    for lead in snap["tasks"]["leads"]:
        assert lead["tasks"] == stats[lead["organization"]].tasks
        assert lead["overdue"] == stats[lead["organization"]].overdue
    text = text_of(bytes(b.docx))
    assert f"共跟踪目标{len(statuses)}项" in text and f"纳入督办的任务{len(rows)}项" in text
    book = load_workbook(io.BytesIO(bytes(b.xlsx)))
    assert {"概况", "滞后和有风险的目标", "各牵头单位", "逾期任务", "通报任务"} <= set(book.sheetnames)
    summary = {r[0]: r[1] for r in book["概况"].iter_rows(values_only=True) if r and r[0]}
    assert (summary["目标合计"], summary["任务合计"]) == (len(statuses), len(rows))
    assert summary["滞后"] == snap["targets"]["counts"]["red"]


def test_a_county_briefing_names_no_unit_outside_the_county(demo, persona, region):
    hs = region("440784")
    b = issue(persona("jm_admin"), hs)
    snap = b.snapshot
    names_in_heshan = set(hs.__class__.objects.within(hs).values_list("name", flat=True))
    for row in snap["targets"]["rows"]:
        assert set(row["lagging"]) <= names_in_heshan
    other = [r.name for r in region("4407").children.exclude(code=hs.code)]
    text = text_of(bytes(b.docx))
    assert not [name for name in other if f"{name}百千万" in text or f"{name}人民政府" in text]
    # and a reporter of another county cannot open it
    with pytest.raises(NotFoundError):
        from bqw.briefings.access import get_briefing_for_user
        get_briefing_for_user(persona("xh_reporter"), b.pk)


def test_numbering_reissue_refused_until_revoked(db, persona, region):
    admin, jm = persona("jm_admin"), region("4407")
    first = issue(admin, jm)
    second = issue(admin, jm, period="202407")
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(ConflictError):
        briefing_request(actor=admin, region=jm, period="202408", number=1, background=False)
    with pytest.raises(ApplicationError):
        briefing_revoke(actor=admin, briefing=first, reason="  ")
    briefing_revoke(actor=admin, briefing=first, reason="数据有误，重新印发")
    again = issue(admin, jm, number=1)
    assert again.number == 1 and again.pk != first.pk
    assert AuditEntry.objects.filter(action="briefing.revoke", object_id=str(first.pk)).exists()


def test_only_admins_of_the_region_issue_briefings(db, persona, region):
    with pytest.raises(ForbiddenError):
        briefing_request(actor=persona("hs_reviewer"), region=region("440784"), period=PERIOD)
    with pytest.raises(NotFoundError):  # 江门's admin does not see 肇庆
        briefing_request(actor=persona("jm_admin"), region=region("4412"), period=PERIOD)
    for bad in ("2024", "abc", "209901"):
        with pytest.raises(ApplicationError):
            briefing_request(actor=persona("jm_admin"), region=region("4407"), period=bad)
    assert not Briefing.objects.exists()


def test_background_job_reports_progress_and_finishes(db, persona, region, client,
                                                      django_capture_on_commit_callbacks):
    admin = persona("jm_admin")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/briefings/", {"region": "440700000000", "period": PERIOD})
    b = Briefing.objects.get()
    assert response.status_code == 302 and b.state == Briefing.State.QUEUED
    page = client.get(f"/briefings/{b.pk}/progress/")
    assert "排队中" in page.content.decode() and 'hx-trigger="every 1s"' in page.content.decode()
    # the request queued one job in the task framework's database queue; the worker (bqw worker) runs it
    from django_tasks_db.models import DBTaskResult

    job = DBTaskResult.objects.get()
    assert job.task_path.endswith("generate_briefing") and job.args_kwargs["args"] == [b.pk]
    job.task.call(*job.args_kwargs["args"])
    b.refresh_from_db()
    assert b.state == Briefing.State.DONE and b.progress == 100
    page = client.get(f"/briefings/{b.pk}/")
    assert "下载 Word" in page.content.decode()
    download = client.get(f"/briefings/{b.pk}/download.docx")
    assert download.status_code == 200 and download.content[:2] == b"PK"


def test_a_failed_generation_is_shown_not_swallowed(db, persona, region, client, monkeypatch):
    admin = persona("jm_admin")
    b = briefing_request(actor=admin, region=region("4407"), period=PERIOD, background=False)

    def broken(*args, **kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setattr("bqw.briefings.services.write_docx", broken)
    with pytest.raises(OSError):
        briefing_generate(actor=admin, briefing_id=b.pk)
    b.refresh_from_db()
    assert b.state == Briefing.State.FAILED and "磁盘已满" in b.error
    client.force_login(admin)
    page = client.get(f"/briefings/{b.pk}/").content.decode()
    assert "生成失败" in page and "磁盘已满" in page
    assert client.get(f"/briefings/{b.pk}/download.docx").status_code == 404


def test_user_text_never_becomes_a_formula_in_the_workbook():
    snap = {"region": {"code": "440700000000", "name": "江门市", "full_name": "江门市"}, "period": PERIOD,
            "period_label": "2024年6月", "as_of": "2024-06-30",
            "targets": {"total": 0, "counts": {k.value: 0 for k in Light}, "rows": []},
            "tasks": {"total": 1, "counts": {**{k.value: 0 for k in Light}, "red": 1}, "leads": [],
                      "overdue": [{"content": '=HYPERLINK("http://x","点此")', "leads": "@局", "deadline": "-1",
                                   "reason": "+逾期"}], "escalated": []},
            "sections": []}
    book = load_workbook(io.BytesIO(writer.write_xlsx(snap, number=1, year=2024, issuer="办公室",
                                                      issued_on=Period.parse(PERIOD).end)))
    row = [c for c in book["逾期任务"][2]]
    assert row[1].value == '=HYPERLINK("http://x","点此")' and row[1].data_type == "s"
    assert all(c.data_type == "s" for c in row[1:])


def test_command_line_writes_word_and_excel(db, tmp_path):
    out, xlsx = tmp_path / "brief.docx", tmp_path / "brief.xlsx"
    call_command("brief", region="4407", period=PERIOD, out=str(out), xlsx=str(xlsx), stdout=io.StringIO())
    assert "江门市百千万工程2024年6月工作推进情况通报" in text_of(out.read_bytes())
    assert load_workbook(xlsx).sheetnames[0] == "概况"


def test_pdf_and_page_images_through_libreoffice(db, tmp_path):
    """Where LibreOffice is installed (CI installs it), one briefing is printed to PDF and PNG pages under
    var/briefings/ for people to look at."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    outdir = Path(__file__).resolve().parents[3] / "var" / "briefings"
    outdir.mkdir(parents=True, exist_ok=True)
    docx, pdf = outdir / "briefing-4407.docx", outdir / "briefing-4407.pdf"
    call_command("brief", region="4407", period=PERIOD, out=str(docx), pdf=str(pdf), stdout=io.StringIO())
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(outdir / "briefing-4407-page")], check=True)
        assert list(outdir.glob("briefing-4407-page*.png"))


def test_collect_reads_as_the_requesting_user(db, persona, region):
    """A reviewer of 鹤山 sees only 鹤山: collecting 江门 as them is refused."""
    with pytest.raises(NotFoundError):
        collect(persona("hs_reviewer"), region("4407"), Period.parse(PERIOD))


def test_projects_join_the_briefing_as_their_own_section(db, persona, region):
    """An app above the briefing's inputs adds its section through core.hooks (here: the project library)."""
    from datetime import date
    from decimal import Decimal

    from bqw.orgs.models import Organization
    from bqw.projects.services import ProjectSpec, project_create

    hs = region("440784")
    hq = Organization.objects.get(region=hs, kind=Organization.Kind.HEADQUARTERS)
    project_create(actor=persona("jm_admin"), spec=ProjectSpec(
        name="鹤山测试产业园", region=hs, planned_investment=Decimal(5 * 10**8), responsible=hq,
        intro_on=date(2024, 1, 10)))
    b = issue(persona("jm_admin"), hs)
    section = next(s for s in b.snapshot["sections"] if s["title"] == "重大项目推进情况")
    assert "项目库共有项目1个（其中亿元以上1个），计划总投资5亿元" in section["paragraphs"][0]
    assert "重大项目推进情况" in text_of(bytes(b.docx))
    # another county's briefing does not see it
    other = issue(persona("jm_admin"), region("440705"))
    assert not [s for s in other.snapshot["sections"] if s["title"] == "重大项目推进情况"]


def test_the_background_job_retries_a_transient_failure_and_surfaces_a_permanent_one(db, persona, region,
                                                                                      monkeypatch):
    from bqw.briefings import tasks

    admin = persona("jm_admin")
    monkeypatch.setattr(tasks, "RETRY_DELAY", 0)
    real, calls = tasks.briefing_generate, []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("磁盘忙")
        return real(**kwargs)

    monkeypatch.setattr(tasks, "briefing_generate", flaky)
    b = briefing_request(actor=admin, region=region("4407"), period=PERIOD, background=False)
    tasks.generate_briefing.call(b.pk)
    b.refresh_from_db()
    assert len(calls) == 2 and b.state == Briefing.State.DONE

    def broken(*args, **kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setattr("bqw.briefings.services.write_docx", broken)
    calls.clear()
    b2 = briefing_request(actor=admin, region=region("4407"), period=PERIOD, number=b.number + 1, background=False)
    with pytest.raises(OSError):
        tasks.generate_briefing.call(b2.pk)
    b2.refresh_from_db()
    assert len(calls) == tasks.ATTEMPTS and b2.state == Briefing.State.FAILED and "磁盘已满" in b2.error
