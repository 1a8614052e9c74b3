"""Review workflow: documents, drafts, the review page, scope and audit."""

from __future__ import annotations

import io

import docx
import pytest

from bqw.accounts.models import AuditEntry
from bqw.accounts.services import system_user
from bqw.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from bqw.extraction import accept, services
from bqw.extraction.access import get_document_for_user
from bqw.extraction.models import SourceDocument
from bqw.extraction.selectors import documents_visible_to, highlight_segments

PARA = (
    "鹤山市2024年百千万工程工作要点\n"
    "到2025年，全市农村生活污水治理率达到80%以上，新建改造农村公路不少于300公里。\n"
    "由市农业农村局牵头，推动全市行政村集体经济收入全部达到10万元以上，年底前完成20个典型村创建。\n"
    "目前，全市已建成美丽圩镇45个。\n"
)


def make_doc(actor, text: str = PARA, **kw) -> SourceDocument:
    return services.document_create(actor=actor, title=kw.pop("title", "工作要点"), text=text, year=2024, **kw)


def docx_bytes(paragraphs: list[str]) -> bytes:
    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "牵头单位"
    table.rows[0].cells[1].text = "市住建局"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.mark.django_db
def test_document_create_extracts_statements_and_tasks(persona) -> None:
    hs = persona("hs_reviewer")
    doc = make_doc(hs)
    assert doc.region == hs.capture_scope and doc.year == 2024 and doc.uploaded_by == hs
    items = list(doc.items.order_by("seq"))
    kinds = [i.kind for i in items]
    assert kinds.count("target") == 4 and kinds.count("achieved") == 1 and kinds.count("task") == 2
    assert [i.seq for i in items] == list(range(1, len(items) + 1))
    assert all(doc.text[i.start : i.end] == i.quote for i in items)
    sewage = next(i for i in items if i.unit == "%")
    assert (sewage.comparator, sewage.value, sewage.deadline) == (">=", 80, "2025")
    task = next(i for i in items if i.kind == "task" and i.lead_units)
    assert task.lead_units == "市农业农村局" and task.deadline_text == "年底前(2024)"
    entry = AuditEntry.objects.get(action="extraction.document.create", object_id=str(doc.pk))
    assert entry.actor == hs and entry.region == doc.region and entry.after["items"] == len(items)


@pytest.mark.django_db
def test_document_create_reads_docx(persona) -> None:
    data = docx_bytes(["江门市2024年工作要点", "到2025年，建成美丽圩镇不少于30个。"])
    doc = services.document_create(actor=persona("jm_admin"), title="", docx_bytes=data, year=2024)
    assert doc.title == "江门市2024年工作要点"
    assert "牵头单位\t市住建局" in doc.text
    item = doc.items.get(kind="target")
    assert (item.comparator, item.value, item.unit, item.deadline) == (">=", 30, "个", "2025")


@pytest.mark.django_db
def test_document_create_rejects_bad_input(persona) -> None:
    with pytest.raises(ApplicationError, match="Word"):
        services.document_create(actor=persona("jm_admin"), title="x", docx_bytes=b"not a zip")
    with pytest.raises(ApplicationError, match="为空"):
        services.document_create(actor=persona("jm_admin"), title="x", text="  \n ")
    with pytest.raises(ForbiddenError):
        make_doc(persona("jm_viewer"))


def test_read_text_falls_back_to_gb18030() -> None:
    assert services.read_text("到2025年".encode("gb18030")) == "到2025年"
    assert services.read_text("\ufeff到2025年".encode()) == "到2025年"


@pytest.mark.django_db
def test_update_edits_fields_and_keeps_quote_on_span(persona) -> None:
    hs = persona("hs_reviewer")
    doc = make_doc(hs)
    item = doc.items.get(unit="公里")
    item = services.draft_item_update(actor=hs, item=item, indicator="农村公路里程", value="350",
                                      deadline="2025-12-31")
    assert (item.indicator, item.value, item.deadline) == ("农村公路里程", 350, "2025-12-31")
    item = services.draft_item_update(actor=hs, item=item, start=item.start + 4)
    assert item.quote == doc.text[item.start : item.end] == "农村公路不少于300公里"
    entry = AuditEntry.objects.filter(action="extraction.item.update", object_id=str(item.pk)).order_by("id")[0]
    assert entry.before["value"] == "300.000000" and entry.after["value"] == "350"
    with pytest.raises(ApplicationError, match="完成时限"):
        services.draft_item_update(actor=hs, item=item, deadline="下辈子")
    with pytest.raises(ApplicationError, match="原文位置"):
        services.draft_item_update(actor=hs, item=item, end=len(doc.text) + 5)
    with pytest.raises(ApplicationError, match="不可修改"):
        services.draft_item_update(actor=hs, item=item, state="accepted")


@pytest.mark.django_db
def test_reject_and_reopen(persona) -> None:
    hs = persona("hs_reviewer")
    item = make_doc(hs).items.get(kind="achieved")
    item = services.draft_item_reject(actor=hs, item=item)
    assert item.state == "rejected" and item.decided_by == hs
    with pytest.raises(ConflictError):
        services.draft_item_update(actor=hs, item=item, value=1)
    with pytest.raises(ConflictError):
        services.draft_item_reject(actor=hs, item=item)
    item = services.draft_item_reopen(actor=hs, item=item)
    assert item.state == "pending"
    actions = list(AuditEntry.objects.filter(object_id=str(item.pk), object_type="extraction.DraftItem")
                   .values_list("action", flat=True))
    assert set(actions) == {"extraction.item.reject", "extraction.item.reopen"}


@pytest.mark.django_db
def test_accepting_achieved_facts_is_refused(persona) -> None:
    hs = persona("hs_reviewer")
    item = make_doc(hs).items.get(kind="achieved")
    with pytest.raises(ApplicationError, match="已实现"):
        services.draft_item_accept(actor=hs, item=item)


@pytest.mark.django_db
def test_scope_of_documents(persona) -> None:
    hs, xh, viewer = persona("hs_reporter"), persona("xh_reporter"), persona("jm_viewer")
    doc = make_doc(hs)  # belongs to 沙坪街道, hs_reporter's capture scope
    assert doc.region.name == "沙坪街道"
    assert get_document_for_user(viewer, doc.pk) == doc  # 江门 viewer may read
    with pytest.raises(NotFoundError):
        get_document_for_user(xh, doc.pk)
    with pytest.raises(ForbiddenError):
        get_document_for_user(viewer, doc.pk, write=True)
    with pytest.raises(NotFoundError):
        services.draft_item_reject(actor=xh, item=doc.items.first())
    with pytest.raises(ForbiddenError):
        services.draft_item_update(actor=viewer, item=doc.items.first(), unit="个")
    assert doc in documents_visible_to(user=viewer)
    assert doc not in documents_visible_to(user=xh)


@pytest.mark.django_db
def test_highlight_segments_nest_statements_in_tasks(persona) -> None:
    doc = make_doc(persona("hs_reviewer"))
    items = list(doc.items.order_by("seq"))
    segs = highlight_segments(doc.text, items)
    assert "".join(s.text for s in segs) == doc.text
    for it in items:
        if it.kind != "task":
            marked = "".join(s.text for s in segs if s.item is not None and s.item.pk == it.pk)
            assert marked == it.quote
    task = next(i for i in items if i.kind == "task" and i.lead_units)
    assert any(s.item == task and s.text.startswith("由市农业农村局牵头") for s in segs)
    assert any("in-task" in s.css for s in segs)


def test_name_similarity_ranks_indicators() -> None:
    class Ind:
        def __init__(self, name: str) -> None:
            self.name = name

    cands = [Ind("农村公路总里程"), Ind("农村生活污水治理率"), Ind("美丽圩镇数量")]
    assert accept.rank_by_name("全市农村生活污水治理率", cands)[0].name == "农村生活污水治理率"
    assert accept.rank_by_name("美丽圩镇", cands)[0].name == "美丽圩镇数量"
    assert accept.rank_by_name("高标准农田", cands) == []


# ---------------------------------------------------------------- pages


@pytest.mark.django_db
def test_page_paste_creates_document_and_shows_highlights(client, login) -> None:
    login("hs_reviewer")
    assert client.get("/extraction/").status_code == 200
    r = client.post("/extraction/", {"title": "要点", "text": PARA, "year": "2024"})
    assert r.status_code == 302
    doc = SourceDocument.objects.latest("id")
    page = client.get(r["Location"]).content.decode()
    item = doc.items.get(unit="公里")
    assert f'data-item="{item.pk}"' in page and f'id="item-{item.pk}"' in page
    assert "新建改造农村公路不少于300公里</mark>" in page


@pytest.mark.django_db
def test_page_docx_upload(client, login) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    login("jm_admin")
    data = docx_bytes(["江门市2024年工作要点", "到2025年，建成美丽圩镇不少于30个。"])
    f = SimpleUploadedFile("要点.docx", data)
    r = client.post("/extraction/", {"title": "", "text": "", "file": f, "year": "2024"})
    assert r.status_code == 302
    doc = SourceDocument.objects.latest("id")
    assert doc.filename == "要点.docx" and doc.items.filter(kind="target").count() == 1
    r = client.post("/extraction/", {"file": SimpleUploadedFile("a.pdf", b"%PDF")})
    assert r.status_code == 200 and "仅支持" in r.content.decode()


@pytest.mark.django_db
def test_page_edit_and_reject_rows(client, login) -> None:
    hs = login("hs_reviewer")
    doc = make_doc(hs)
    item = doc.items.get(unit="公里")
    r = client.get(f"/extraction/items/{item.pk}/edit/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'name="indicator"' in r.content.decode()
    data = {"kind": "target", "indicator": "农村公路里程", "comparator": ">=", "value": "320", "unit": "公里",
            "deadline": "2025", "subject": "鹤山市", "lead_units": "", "deadline_text": "",
            "start": item.start, "end": item.end}
    r = client.post(f"/extraction/items/{item.pk}/edit/", data, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "农村公路里程" in r.content.decode() and "<tr" in r.content.decode()
    item.refresh_from_db()
    assert item.value == 320 and item.indicator == "农村公路里程"
    r = client.post(f"/extraction/items/{item.pk}/edit/", {**data, "deadline": "某年"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "无法识别的完成时限" in r.content.decode()
    r = client.post(f"/extraction/items/{item.pk}/reject/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "已驳回" in r.content.decode()
    item.refresh_from_db()
    assert item.state == "rejected"
    r = client.post(f"/extraction/items/{item.pk}/reject/", HTTP_HX_REQUEST="true")
    assert "不能再修改" in r.content.decode()


@pytest.mark.django_db
def test_page_scope(client, login, persona) -> None:
    doc = make_doc(persona("hs_reporter"))
    item = doc.items.first()
    login("xh_reporter")
    assert client.get(f"/extraction/{doc.pk}/").status_code == 404
    assert client.post(f"/extraction/items/{item.pk}/reject/").status_code == 404
    assert client.get(f"/extraction/items/{item.pk}/edit/").status_code == 404
    assert doc.title not in client.get("/extraction/").content.decode()
    login("jm_viewer")
    page = client.get(f"/extraction/{doc.pk}/")
    assert page.status_code == 200 and "只读" in page.content.decode() and "驳回</button>" not in page.content.decode()
    assert client.post(f"/extraction/items/{item.pk}/reject/").status_code == 403
    assert client.post(f"/extraction/items/{item.pk}/accept/").status_code == 403
    assert client.post(f"/extraction/items/{item.pk}/edit/", {"unit": "个"}).status_code == 403
    assert client.post("/extraction/", {"text": PARA}).status_code == 403
    assert client.get("/extraction/99999999/").status_code == 404
    item.refresh_from_db()
    assert item.state == "pending"


@pytest.mark.django_db
def test_accept_without_indicators_and_plans_apps_says_so(client, login, monkeypatch) -> None:
    monkeypatch.setattr(accept, "targets_enabled", lambda: False)
    monkeypatch.setattr(accept, "tasks_enabled", lambda: False)
    hs = login("hs_reviewer")
    doc = make_doc(hs)
    item = doc.items.filter(kind="target").first()
    with pytest.raises(ApplicationError, match="尚未启用"):
        services.draft_item_accept(actor=hs, item=item)
    r = client.get(f"/extraction/items/{item.pk}/accept/", HTTP_HX_REQUEST="true")
    assert "目标/任务模块尚未启用" in r.content.decode()
    task = doc.items.filter(kind="task").first()
    r = client.post(f"/extraction/items/{task.pk}/accept/", {"action": "p1"}, HTTP_HX_REQUEST="true")
    assert "目标/任务模块尚未启用" in r.content.decode()
    item.refresh_from_db()
    assert item.state == "pending"


# ---------------------------------------------------------------- accept into plans

needs_plans = pytest.mark.skipif(not accept.tasks_enabled(), reason="plans app not installed")


@pytest.fixture
def jm_plan(db):
    from datetime import date

    from bqw.plans.services import action_ensure, plan_ensure
    from bqw.regions.models import Region

    plan = plan_ensure(actor=system_user(), name="提取测试工作要点", region=Region.objects.get(code="440700000000"),
                       start_on=date(2024, 1, 1), end_on=date(2025, 12, 31))
    return plan, action_ensure(actor=system_user(), plan=plan, name="县域经济创先进位行动")


@needs_plans
@pytest.mark.django_db
def test_accept_task_creates_plan_task_with_leads_and_deadline(persona, jm_plan) -> None:
    plan, action = jm_plan
    admin = persona("jm_admin")
    doc = make_doc(admin)
    item = doc.items.get(kind="task", lead_units="市农业农村局")
    item = services.draft_item_accept(actor=admin, item=item, plan=plan, action=action)
    task = item.task
    assert item.state == "accepted" and item.object_type == "plans.Task" and item.object_id == str(task.pk)
    assert task.plan == plan and task.action == action and task.content.startswith("推动全市行政村")
    assert [o.name for o in task.lead_units.all()] == ["江门市农业农村局"]
    assert str(task.due_on) == "2024-12-31" and task.deadline_text == "年底前"
    assert task.draft_items.get() == item and item.quote in doc.text  # the source quote stays with the task
    other = doc.items.filter(kind="task").exclude(pk=item.pk).get()
    task2 = services.draft_item_accept(actor=admin, item=other, plan=plan).task
    assert str(task2.due_on) == "2025-12-31"  # "到2025年"
    assert task2.lead_links.get().assumed  # no lead named: the headquarters, marked as assumed
    actions = set(AuditEntry.objects.filter(object_id=str(item.pk), object_type="extraction.DraftItem")
                  .values_list("action", flat=True))
    assert actions == {"extraction.item.accept"}
    assert AuditEntry.objects.filter(action="task.create", object_id=str(task.pk)).exists()
    with pytest.raises(ConflictError):
        services.draft_item_accept(actor=admin, item=item, plan=plan)


@needs_plans
@pytest.mark.django_db
def test_accept_task_needs_plan_admin(persona, jm_plan, region) -> None:
    from datetime import date

    from bqw.plans.services import plan_ensure

    jm, _ = jm_plan
    hs_plan = plan_ensure(actor=system_user(), name="鹤山提取测试计划", region=region("440784"),
                          start_on=date(2024, 1, 1), end_on=date(2024, 12, 31))
    hs = persona("hs_reviewer")
    item = make_doc(hs).items.filter(kind="task").first()
    with pytest.raises(ForbiddenError):
        services.draft_item_accept(actor=hs, item=item, plan=hs_plan)  # a reviewer, not an admin
    with pytest.raises(NotFoundError):
        services.draft_item_accept(actor=hs, item=item, plan=jm)  # 江门's plan is outside 鹤山
    item.refresh_from_db()
    assert item.state == "pending" and item.task is None
    assert "没有可加入任务的计划" in str(accept.accept_options(user=hs, item=item)["message"])
    target = item.document.items.filter(kind="target").first()
    if accept.targets_enabled():
        assert "管理员" in accept.accept_options(user=hs, item=target)["message"]
        with pytest.raises(ForbiddenError):
            services.draft_item_accept(actor=hs, item=target)


@needs_plans
@pytest.mark.django_db
def test_page_accepts_pasted_tasks_into_a_plan_action(client, login, jm_plan) -> None:
    plan, action = jm_plan
    login("jm_admin")
    r = client.post("/extraction/", {"title": "要点", "text": PARA, "year": "2024"})
    doc = SourceDocument.objects.get(pk=int(r["Location"].rstrip("/").split("/")[-1]))
    item = doc.items.get(kind="task", lead_units="市农业农村局")
    form = client.get(f"/extraction/items/{item.pk}/accept/", HTTP_HX_REQUEST="true").content.decode()
    assert f'value="a{action.pk}"' in form and f'value="p{plan.pk}"' in form
    r = client.post(f"/extraction/items/{item.pk}/accept/", {"action": f"a{action.pk}"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "已采纳" in r.content.decode()
    item.refresh_from_db()
    assert item.task.action == action and f"/plans/tasks/{item.task_id}/" in r.content.decode()
    r = client.post(f"/extraction/items/{item.pk}/accept/", {"action": f"a{action.pk}"}, HTTP_HX_REQUEST="true")
    assert "不能再修改" in r.content.decode()
    other = doc.items.filter(kind="task").exclude(pk=item.pk).get()
    r = client.post(f"/extraction/items/{other.pk}/accept/", {"action": ""}, HTTP_HX_REQUEST="true")
    assert "请选择" in r.content.decode()


# ---------------------------------------------------------------- accept into indicators

needs_indicators = pytest.mark.skipif(not accept.targets_enabled(), reason="indicators app not installed")


@needs_indicators
@pytest.mark.django_db
def test_accept_target_matches_an_indicator_or_creates_one(persona) -> None:
    from bqw.indicators.services import indicator_ensure

    admin = persona("jm_admin")
    sewage = indicator_ensure(actor=system_user(), code="T_SEWAGE", name="农村生活污水治理率", unit="%",
                              periodicity="Y", rule="mean")
    doc = make_doc(admin)
    item = doc.items.get(unit="%")
    from bqw.indicators.models import Target

    item = services.draft_item_accept(actor=admin, item=item)
    target = Target.objects.get(pk=item.object_id)
    assert item.object_type == "indicators.Target" and item.state == "accepted" and item.target == target
    assert target.indicator == sewage and target.region == doc.region
    assert (target.comparator, target.value, target.deadline) == (">=", 80, "2025")
    assert target.source_quote == item.quote and target.source_document == doc.title
    road = doc.items.get(unit="公里")
    services.draft_item_accept(actor=admin, item=road)
    road.refresh_from_db()
    new = Target.objects.get(pk=road.object_id)
    assert new.indicator.name == road.indicator and new.indicator.unit == "公里"
    assert AuditEntry.objects.filter(action="indicator.create", object_id=str(new.indicator.pk)).exists()
    assert AuditEntry.objects.filter(action="target.create", object_id=str(new.pk)).exists()


@needs_indicators
@pytest.mark.django_db
def test_accept_target_refuses_approximate_comparator(persona) -> None:
    admin = persona("jm_admin")
    item = make_doc(admin).items.get(unit="%")
    item = services.draft_item_update(actor=admin, item=item, comparator="approx")
    with pytest.raises(ApplicationError, match="比较方式"):
        services.draft_item_accept(actor=admin, item=item)


@needs_indicators
@needs_plans
@pytest.mark.django_db
def test_review_page_turns_a_pasted_paragraph_into_targets_and_tasks(client, login, jm_plan) -> None:
    """End to end: paste, edit one item, reject one, accept the rest as targets and tasks."""
    from bqw.indicators.models import Target

    plan, action = jm_plan
    login("jm_admin")
    r = client.post("/extraction/", {"title": "2024年要点", "text": PARA, "year": "2024"})
    doc = SourceDocument.objects.get(pk=int(r["Location"].rstrip("/").split("/")[-1]))
    page = client.get(r["Location"]).content.decode()
    assert page.count("<mark ") >= 6
    achieved = doc.items.get(kind="achieved")
    assert client.post(f"/extraction/items/{achieved.pk}/reject/").status_code == 200
    villages = doc.items.get(unit="元")
    edit = {"kind": "target", "indicator": "村集体经济收入", "comparator": ">=", "value": "100000", "unit": "元",
            "deadline": "2025", "subject": "江门市各行政村", "lead_units": "", "deadline_text": "",
            "start": villages.start, "end": villages.end}
    assert client.post(f"/extraction/items/{villages.pk}/edit/", edit).status_code == 200
    for item in doc.items.filter(state="pending"):
        form = client.get(f"/extraction/items/{item.pk}/accept/").content.decode()
        if item.kind == "task":
            data = {"action": f"a{action.pk}"}
        else:
            assert 'name="region"' in form and 'name="indicator"' in form
            data = {"region": "440700000000", "indicator": "new",
                    "scope_level": "5" if item.pk == villages.pk else ""}
        r = client.post(f"/extraction/items/{item.pk}/accept/", data)
        assert r.status_code == 200 and "已采纳" in r.content.decode(), r.content.decode()
    states = dict(doc.items.values_list("pk", "state"))
    assert states.pop(achieved.pk) == "rejected" and set(states.values()) == {"accepted"}
    targets = Target.objects.filter(source_document="2024年要点")
    assert targets.count() == 4 and plan.tasks.count() == 2
    village_target = targets.get(indicator__name="村集体经济收入")
    assert (village_target.scope, village_target.scope_level, village_target.value) == ("level", 5, 100000)
    assert all(t.source_quote and t.source_quote in doc.text for t in targets)
    assert all(i.quote in doc.text for i in doc.items.filter(kind="task"))


@needs_plans
@needs_indicators
@pytest.mark.django_db
def test_a_task_accepted_after_its_sentences_target_serves_that_target(persona, jm_plan) -> None:
    plan, action = jm_plan
    admin = persona("jm_admin")
    doc = make_doc(admin, text="由市农业农村局牵头，年底前完成80%以上行政村整村厕所改造提升。")
    target_item = services.draft_item_accept(actor=admin, item=doc.items.get(kind="target"))
    task = services.draft_item_accept(actor=admin, item=doc.items.get(kind="task"), plan=plan, action=action).task
    assert list(task.targets.all()) == [target_item.target]
    assert AuditEntry.objects.filter(action="task.targets.set", object_id=str(task.pk)).exists()


@needs_indicators
@pytest.mark.django_db
def test_accept_form_proposes_scope_similar_indicator_first_and_flags_a_duplicate(persona) -> None:
    """Issue 20 items 2 and 4: 每个行政村 → every village; the most similar indicator by name, unit and
    level comes first; accepting the same target twice is flagged (and updates, never duplicates)."""
    from bqw.indicators.models import Target
    from bqw.indicators.services import indicator_ensure

    admin = persona("jm_admin")
    indicator_ensure(actor=system_user(), code="T_INC_CITY", name="村集体经营性收入", unit="元", level=2,
                     periodicity="Y", rule="sum")
    village = indicator_ensure(actor=system_user(), code="T_INC_VIL", name="村集体经营性收入", unit="元", level=5,
                               periodicity="Y", rule="sum")
    indicator_ensure(actor=system_user(), code="T_INC_PCT", name="村集体经营性收入", unit="%", level=5,
                     periodicity="Y", rule="mean")
    text = "江门市2025年工作要点\n到2025年，每个行政村村集体经营性收入达到20万元以上。\n"
    item = make_doc(admin, text=text).items.get(unit="元")
    options = accept.accept_options(user=admin, item=item)
    assert options["scope_level"] == 5
    assert options["indicators"][0] == village and all(i.unit == "元" for i in options["indicators"])
    assert options["duplicate"] is None
    services.draft_item_accept(actor=admin, item=item, indicator=village, scope_level=5)
    again = make_doc(admin, text=text).items.get(unit="元")
    dup = accept.accept_options(user=admin, item=again)["duplicate"]
    assert dup is not None and dup.indicator == village and dup.scope_level == 5
    services.draft_item_accept(actor=admin, item=again, indicator=village, scope_level=5)
    assert Target.objects.filter(indicator=village, scope_level=5).count() == 1
    outsider = persona("xh_reporter")
    assert accept.accept_options(user=outsider, item=again)["enabled"] is False
