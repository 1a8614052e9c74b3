"""The cockpit JSON, pages, Excel download, maps and unit profiles, with personas in and out of scope."""

from __future__ import annotations

import io
import json
import re
import types

from openpyxl import load_workbook

from bqw.cockpit import maps

JM, HS = "440700000000", "440784000000"


def test_api_lists_the_seven_counties_with_a_light_per_key_target(demo, client, login):
    login("jm_viewer")
    r = client.get("/api/v1/cockpit/4407?period=202406")
    assert r.status_code == 200
    data = r.json()
    assert data["region"]["name"] == "江门市" and data["period"] == {"id": "202406", "label": "2024年6月"}
    names = [c["name"] for c in data["children"]]
    assert names == ["蓬江区", "江海区", "新会区", "台山市", "开平市", "鹤山市", "恩平市"]
    keys = {str(k["id"]) for k in data["key_targets"]}
    assert len(keys) >= 3
    for c in data["children"]:
        assert set(c["lights"]) == keys
        assert all(s["light"] in ("green", "blue", "yellow", "red", "grey") and s["label"] for s in
                   c["lights"].values())
    heshan = next(c for c in data["children"] if c["name"] == "鹤山市")
    assert any(s["light"] != "grey" for s in heshan["lights"].values())  # 鹤山 has simulated village values
    assert data["cards"] and all(c["reason"] for c in data["cards"])
    assert data["map"]["url"] == "/cockpit/maps/440700000000.json" and data["map"]["missing"] == []
    assert data["trend"]["periods"][-1] in ("202406", "2024Q2", "2024")


def test_cockpit_out_of_scope_and_bad_input(demo, client, login):
    login("xh_reporter")  # 新会: may not look at 鹤山 or at the city
    assert client.get("/api/v1/cockpit/440784?period=202406").status_code == 404
    assert client.get("/cockpit/440700000000/").status_code == 404
    assert client.get("/regions/440784001001/").status_code == 404
    login("jm_viewer")
    r = client.get("/api/v1/cockpit/4407?period=2024-13")
    assert r.status_code == 400 and "无法识别的期间" in r.json()["message"]
    assert client.get("/api/v1/cockpit/9999?period=202406").status_code == 404


def test_page_export_and_drill_down_to_a_village(demo, client, login):
    login("jm_viewer")
    assert client.get("/").url == "/cockpit/440700000000/"  # the viewers' home page
    page = client.get("/cockpit/440700000000/?period=202406")
    text = page.content.decode()
    assert page.status_code == 200 and "江门市驾驶舱" in text and "鹤山市" in text and 'id="cp-map"' in text
    assert "/cockpit/440784000000/?period=202406" in text  # a row drills to the county
    county = client.get("/cockpit/440784000000/?period=202406").content.decode()
    assert "沙坪街道" in county and "/cockpit/440784001000/?period=202406" in county
    town = client.get("/cockpit/440784001000/?period=202406").content.decode()
    village = re.findall(r"/regions/(440784001(?!000)\d{3})/\?period=202406", town)[0]  # a row to a village
    assert client.get(f"/cockpit/{village}/").url == f"/regions/{village}/"
    profile = client.get(f"/regions/{village}/?period=202406").content.decode()
    assert "单位概况" in profile and "目标与状态" in profile and "村级集体经营性收入" in profile
    wb = load_workbook(io.BytesIO(client.get("/cockpit/440700000000/export.xlsx?period=202406").content))
    assert wb.sheetnames[:4] == ["目标", "下级单位", "趋势", "排名"]
    assert [r[0].value for r in wb["下级单位"].iter_rows(min_row=3)][:2] == ["蓬江区", "江海区"]
    big = client.get("/cockpit/440700000000/?period=202406&big=1").content.decode()
    assert 'class="cockpit big"' in big and 'data-refresh="60"' in big


def test_unreviewed_values_are_flagged(demo, client, login, persona):
    from django.utils import timezone

    from bqw.core.periods import Period
    from bqw.indicators.models import Indicator
    from bqw.indicators.services import datavalue_save
    from bqw.regions.models import Region

    period = Period.of_date(timezone.localdate()).id  # the month being reported (沙坪街道's is still empty)
    login("jm_viewer")
    before = client.get(f"/api/v1/cockpit/4407?period={period}").json()["unreviewed"]["count"]
    village = Region.objects.filter(parent__code="440784001000", level=5).order_by("code").first()
    datavalue_save(actor=persona("hs_reporter"), region=village, indicator=Indicator.objects.get(code="v_trees"),
                   period=period, value=12, comment="核实", submit=True)
    note = client.get(f"/api/v1/cockpit/4407?period={period}").json()["unreviewed"]
    assert note["count"] == before + 1 and f"含未审核值（{before + 1} 条）" in note["note"]


def test_totals_that_include_unapproved_values_say_so(demo, client, login, persona):
    from django.utils import timezone

    from bqw.core.periods import Period
    from bqw.indicators.models import Indicator
    from bqw.indicators.services import datavalue_approve, datavalue_save
    from bqw.regions.models import Region

    period = Period.of_date(timezone.localdate()).id
    login("jm_viewer")
    url = f"/api/v1/cockpit/440784000000?period={period}&indicator=v_trees"

    def marks() -> tuple[int, int]:
        data = client.get(url).json()
        town = next(r for r in data["children"] if r["code"] == "440784001000")
        return data["indicator"]["total_pending"], town["pending"]

    county, town = marks()
    village = Region.objects.filter(parent__code="440784001000", level=5).order_by("code").first()
    dv = datavalue_save(actor=persona("hs_reporter"), region=village, indicator=Indicator.objects.get(code="v_trees"),
                        period=period, value=12, comment="核实", submit=True)
    assert marks() == (county + 1, town + 1)
    page = client.get(f"/cockpit/440784000000/?period={period}&indicator=v_trees").content.decode()
    assert f"含未审核 {county + 1} 项" in page and f"含未审核 {town + 1} 项" in page
    datavalue_approve(actor=persona("hs_reviewer"), value=dv)
    assert marks() == (county, town)
    login("xh_reporter")  # outside 鹤山: no figures, marked or not
    assert client.get(url).status_code == 404


def test_maps_are_small_and_keyed_by_code():
    province = maps.TARGET / "440000000000.json"
    assert province.stat().st_size < 300_000
    names = {f["properties"]["name"] for f in json.loads(province.read_text())["features"]}
    assert len(names) == 21 and "440700000000" in names
    jm = json.loads((maps.TARGET / "440700000000.json").read_text())
    assert {f["properties"]["label"] for f in jm["features"]} == {"蓬江区", "江海区", "新会区", "台山市", "开平市",
                                                                  "鹤山市", "恩平市"}
    assert maps.douglas_peucker([(0, 0), (1, 0.001), (2, 0), (3, 5)], 0.01) == [(0, 0), (2, 0), (3, 5)]


def test_shenzhen_guangming_is_a_known_gap(db, client, login):
    login("gd_admin")
    data = client.get("/api/v1/cockpit/4403?period=202406").json()
    assert [m["name"] for m in data["map"]["missing"]] == ["光明区"]


def test_later_apps_add_panels_without_being_imported(db, client, login, monkeypatch):
    from bqw.cockpit import panels

    module = types.SimpleNamespace(__name__="bqw.projects.cockpit_panels", COCKPIT=[
        lambda user, region, period: {"key": "projects", "title": "项目", "columns": ["项目数"], "rows": [[3]]},
        lambda user, region, period: None])
    monkeypatch.setattr(panels, "app_modules", lambda name: [module] if name == "cockpit_panels" else [])
    login("jm_viewer")
    data = client.get("/api/v1/cockpit/4407?period=202406").json()
    assert data["panels"] == [{"key": "projects", "title": "项目", "columns": ["项目数"], "rows": [[3]]}]
    assert "panel-projects" in client.get("/cockpit/440700000000/?period=202406").content.decode()


def test_the_project_library_shows_its_panel_on_the_county_cockpit(db, client, login, persona):
    """The real projects panel (bqw/projects/cockpit_panels.py) arrives through the hook, with the library's
    figures as offices write them; another county's cockpit has no such panel."""
    from datetime import date
    from decimal import Decimal

    from bqw.orgs.models import Organization
    from bqw.projects.services import ProjectSpec, project_create
    from bqw.regions.models import Region

    hs = Region.objects.get(code="440784000000")
    hq = Organization.objects.get(region=hs, kind=Organization.Kind.HEADQUARTERS)
    project_create(actor=persona("jm_admin"), spec=ProjectSpec(
        name="鹤山测试产业园", region=hs, planned_investment=Decimal(5 * 10**8), responsible=hq,
        intro_on=date(2024, 1, 10)))
    login("jm_viewer")
    panels = {p["key"]: p for p in client.get("/api/v1/cockpit/440784?period=202406").json()["panels"]}
    assert panels["projects"]["rows"][0][:3] == [1, 1, "5亿元"]
    other = {p["key"] for p in client.get("/api/v1/cockpit/440705?period=202406").json()["panels"]}
    assert "projects" not in other
