"""One library, not two: a pairing's co-built projects are projects of the project library (source 帮扶),
their lifecycle in the library feeds the pairing indicators, and access follows each side's scope."""

from __future__ import annotations

from datetime import date

import pytest

from bqw.core.errors import ApplicationError, ForbiddenError
from bqw.indicators.models import Rollup
from bqw.pairing import coverage
from bqw.pairing.models import PairingProject
from bqw.pairing.services import pairing_project_create, pairing_project_update
from bqw.projects.models import Project
from bqw.projects.services import project_archive, project_transition
from bqw.regions.models import Region


def _rollup(code: str, region: Region, period: str) -> float | None:
    r = Rollup.objects.filter(indicator__code=code, region=region, period=period).first()
    return r.value if r else None


@pytest.fixture
def uni_pairing(town, make_org, pair):
    uni = make_org("测试理工大学", kind="university")
    return uni, pair(town, uni, kind="university", start=date(2025, 9, 1))


def test_cobuilt_project_appears_in_the_project_library_under_source_assistance(client, login, persona,
                                                                                 uni_pairing, town):
    uni, p = uni_pairing
    pr = pairing_project_create(actor=persona("jm_admin"), pairing=p, name="测试共建实验室",
                                started_on=date(2026, 3, 1), investment="5000000")
    assert (pr.source, pr.category, pr.stage, pr.region, pr.responsible) == (
        "assistance", "assistance", "building", town, uni)
    assert list(pr.pairings.all()) == [p] and list(p.projects.all()) == [pr]
    login("jm_admin")
    html = client.get("/projects/?source=assistance").content.decode()
    assert "测试共建实验室" in html and "<td>帮扶</td>" in html
    assert "测试共建实验室" not in client.get("/projects/?source=promotion").content.decode()
    assert "测试共建实验室" in client.get("/projects/?source=assistance&stage=building").content.decode()
    assert "测试共建实验室" not in client.get("/projects/?source=assistance&stage=completed").content.decode()
    ids = [x["id"] for x in client.get("/api/v1/projects/?source=assistance").json()["items"]]
    assert pr.pk in ids
    assert pr.pk not in [x["id"] for x in client.get("/api/v1/projects/?source=government").json()["items"]]
    detail = client.get(f"/api/v1/pairings/{p.pk}").json()
    assert [(x["id"], x["url"], x["stage_label"]) for x in detail["projects"]] == [(pr.pk, f"/projects/{pr.pk}/",
                                                                                    "在建")]
    page = client.get(f"/pairing/{p.pk}/").content.decode()
    assert f'href="/projects/{pr.pk}/"' in page


def test_the_pairing_page_form_enters_a_library_project(client, login, uni_pairing, town):
    uni, p = uni_pairing
    login("jm_admin")
    r = client.post(f"/pairing/{p.pk}/projects/", {"name": "表单登记的共建项目", "region": town.code,
                                                   "started_on": "2026-05-01", "investment": "800000"})
    assert r.status_code == 302
    pr = Project.objects.get(name="表单登记的共建项目")
    assert pr.source == "assistance" and pr.planned_investment == 800000 and pr.pairings.get() == p


def test_library_lifecycle_feeds_the_pairing_indicators_at_once(persona, uni_pairing, hs, jm):
    uni, p = uni_pairing
    admin = persona("jm_admin")
    pr = pairing_project_create(actor=admin, pairing=p, name="测试共建基地", intro_on=date(2026, 1, 5))
    assert pr.stage == "prep" and _rollup(coverage.PROJ_STARTED, hs, "2026Q2") == 0
    # a start recorded in the project library (not through pairing) reaches the pairing indicator
    project_transition(actor=admin, project=pr, to="building", on=date(2026, 4, 10), reason="开工")
    assert _rollup(coverage.PROJ_STARTED, hs, "2026Q2") == 1 and _rollup(coverage.PROJ_STARTED, jm, "2026Q2") == 1
    assert _rollup(coverage.PROJ_STARTED, hs, "2026Q1") == 0
    pr = pairing_project_update(actor=admin, project=pr, completed_on=date(2026, 9, 30))
    assert pr.stage == "completed" and _rollup(coverage.PROJ_DONE, hs, "2026Q3") == 1
    with pytest.raises(ApplicationError, match="开工日期不能更改"):
        pairing_project_update(actor=admin, project=pr, started_on=date(2026, 5, 1))
    # archived in the library: no longer counted
    project_archive(actor=admin, project=pr, reason="测试归档")
    assert _rollup(coverage.PROJ_DONE, hs, "2026Q3") == 0 and _rollup(coverage.PROJ_STARTED, hs, "2026Q3") == 0


def test_bad_or_unauthorised_cobuilt_project_writes_nothing(persona, uni_pairing):
    uni, p = uni_pairing
    before = Project.objects.count()
    with pytest.raises(ForbiddenError):
        pairing_project_create(actor=persona("hs_reporter"), pairing=p, name="越权项目")
    with pytest.raises(ApplicationError, match="完工的项目须有开工日期"):
        pairing_project_create(actor=persona("jm_admin"), pairing=p, name="无开工日期", completed_on=date(2026, 5, 1))
    with pytest.raises(ApplicationError, match="不能直接挂在省、市一级"):
        pairing_project_create(actor=persona("jm_admin"), pairing=p, name="挂在市级", region=p.region.parent.parent)
    assert Project.objects.count() == before and not PairingProject.objects.filter(pairing=p).exists()


def test_out_of_scope_user_gets_404_on_the_pairing_and_its_library_project(client, login, persona, uni_pairing):
    uni, p = uni_pairing
    pr = pairing_project_create(actor=persona("jm_admin"), pairing=p, name="测试共建中心", started_on=date(2026, 2, 1))
    login("xh_reporter")  # 新会 — the pairing and its project are in 鹤山
    assert client.get(f"/pairing/{p.pk}/").status_code == 404
    assert client.get(f"/projects/{pr.pk}/").status_code == 404
    assert client.get(f"/api/v1/projects/{pr.pk}").status_code == 404
    assert pr.pk not in [x["id"] for x in client.get("/api/v1/projects/?source=assistance").json()["items"]]
    assert "测试共建中心" not in client.get("/projects/?source=assistance").content.decode()


def test_helper_page_still_lists_only_its_own_pairings(client, login, uni_pairing, town, make_org, pair, persona):
    uni, p = uni_pairing
    other_uni = make_org("另一所测试大学", kind="university")
    village = town.children.filter(kind="admin").order_by("code").first()
    q = pair(village, other_uni, kind="university")
    pairing_project_create(actor=persona("jm_admin"), pairing=q, name="另一所的共建项目", started_on=date(2026, 2, 1))
    login("jm_admin")
    data = client.get(f"/api/v1/pairings/helpers/{uni.pk}").json()
    assert [x["id"] for x in data["pairings"]] == [p.pk]
    html = client.get(f"/pairing/helpers/{uni.pk}/").content.decode()
    assert p.helped_name in html and village.name not in html
