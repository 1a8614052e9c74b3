"""Pages, API, CLI and Excel export, with an admin, a viewer and an out-of-scope user."""

from __future__ import annotations

import io
import json

from django.core.management import call_command
from openpyxl import load_workbook

from bqw.assessment.models import Publication, Scheme
from bqw.assessment.services import adjustment_add
from bqw.regions.models import Region


def test_result_page_for_viewer_and_outsider(county_scheme, client, login):
    login("jm_viewer")
    r = client.get(f"/assessment/{county_scheme.pk}/?period=2026Q3")
    assert r.status_code == 200
    html = r.content.decode()
    assert "创先类" in html and "鹤山市" in html and "位次区间" in html and "编辑指标与权重" not in html
    assert "echarts.min.js" in html
    assert client.get("/assessment/").status_code == 200
    assert "/assessment/" in client.get("/").content.decode()  # the home page links the module
    login("xh_reporter")
    assert client.get(f"/assessment/{county_scheme.pk}/").status_code == 404
    assert client.get(f"/assessment/{county_scheme.pk}/?period=abc").status_code == 404


def test_bad_period_is_a_clear_error(county_scheme, client, login):
    login("jm_viewer")
    r = client.get(f"/assessment/{county_scheme.pk}/?period=2026Q9")
    assert r.status_code == 400 and "无法识别的期间" in r.content.decode()


def test_unit_breakdown_page(county_scheme, client, login):
    login("jm_viewer")
    r = client.get(f"/assessment/{county_scheme.pk}/units/440784/?period=2026Q3")
    assert r.status_code == 200 and "测试GDP增速" in r.content.decode()
    assert client.get(f"/assessment/{county_scheme.pk}/units/440784001/?period=2026Q3").status_code == 404


def test_editor_preview_and_save(county_scheme, client, login):
    items = {i.indicator.code: i for i in county_scheme.items.all()}
    g, s = items["t_growth"].pk, items["t_sewage"].pk
    login("jm_viewer")
    assert client.get(f"/assessment/{county_scheme.pk}/edit/").status_code == 403
    assert client.post(f"/assessment/{county_scheme.pk}/preview/", {f"w{g}": 1}).status_code == 403
    login("jm_admin")
    assert client.get(f"/assessment/{county_scheme.pk}/edit/?period=2026Q3").status_code == 200
    # all weight on sewage: 新会 (95%) leads the 创先类 in the preview; nothing saved
    r = client.post(f"/assessment/{county_scheme.pk}/preview/", {f"w{g}": "0", f"w{s}": "1", "period": "2026Q3"},
                    HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and html.index("新会区") < html.index("鹤山市")
    assert county_scheme.items.get(pk=g).weight == 0.6
    r = client.post(f"/assessment/{county_scheme.pk}/preview/", {f"w{g}": "abc", "period": "2026Q3"})
    assert r.status_code == 200 and "不是数字" in r.content.decode()
    r = client.post(f"/assessment/{county_scheme.pk}/items/", {f"w{g}": "0.5", f"w{s}": "0.5", f"n{s}": "rank"})
    assert r.status_code == 302
    assert {i.indicator.code: (i.weight, i.normalisation) for i in county_scheme.items.all()} == {
        "t_growth": (0.5, "minmax"), "t_sewage": (0.5, "rank")}
    r = client.post(f"/assessment/{county_scheme.pk}/items/", {f"w{g}": "x"})
    assert r.status_code == 400 and county_scheme.items.count() == 2
    assert client.get(f"/assessment/{county_scheme.pk}/items/").status_code == 405


def test_publish_page_and_publication(county_scheme, client, login):
    login("jm_viewer")
    assert client.post(f"/assessment/{county_scheme.pk}/publish/", {"period": "2026Q3"}).status_code == 403
    login("jm_admin")
    r = client.post(f"/assessment/{county_scheme.pk}/publish/", {"period": "2026Q3"})
    pub = Publication.objects.get(scheme=county_scheme, period="2026Q3")
    assert r.status_code == 302 and r["Location"] == pub.get_absolute_url()
    page = client.get(pub.get_absolute_url()).content.decode()
    assert "冻结" in page and "鹤山市" in page
    assert client.post(f"/assessment/{county_scheme.pk}/publish/", {"period": "2026Q3"}).status_code == 409
    login("xh_reporter")
    assert client.get(pub.get_absolute_url()).status_code == 404


def test_excel_export_keeps_user_text_as_text(county_scheme, client, login, persona):
    adjustment_add(actor=persona("jm_admin"), scheme=county_scheme, region=Region.objects.get(code="440785000000"),
                   period="2026Q3", points=1, reason="=HYPERLINK(\"http://x\",\"点我\")")
    login("jm_viewer")
    r = client.get(f"/assessment/{county_scheme.pk}/export.xlsx?period=2026Q3")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb["排名"]
    names = [ws.cell(row=k, column=3).value for k in range(4, ws.max_row + 1)]
    assert set(names) == {"蓬江区", "江海区", "新会区", "台山市", "开平市", "鹤山市", "恩平市"}
    reason_cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert reason_cells and all(c.data_type == "s" for c in reason_cells)
    assert "得分构成" in wb.sheetnames and wb["得分构成"].max_row == 1 + 7 * 2


def test_api(county_scheme, client, login):
    login("jm_viewer")
    r = client.get(f"/api/v1/assessment/schemes/{county_scheme.pk}/result?period=2026Q3&runs=100")
    assert r.status_code == 200
    body = r.json()
    assert len(body["units"]) == 7 and body["runs"] == 100
    hs = next(u for u in body["units"] if u["name"] == "鹤山市")
    assert hs["class"] == "创先类" and hs["rank"] == 1 and hs["rank_change"] == 0 and len(hs["interval"]) == 2
    r = client.get(f"/api/v1/assessment/schemes/{county_scheme.pk}/units/440705?period=2026Q3")
    assert r.status_code == 200 and [i["code"] for i in r.json()["items"]] == ["t_growth", "t_sewage"]
    assert client.post(f"/api/v1/assessment/schemes/{county_scheme.pk}/publish", {"period": "2026Q3"},
                       content_type="application/json").status_code == 403
    assert [s["name"] for s in client.get("/api/v1/assessment/schemes").json()] == ["测试县域赛马"]
    login("jm_admin")
    r = client.post(f"/api/v1/assessment/schemes/{county_scheme.pk}/publish", {"period": "2026Q3"},
                    content_type="application/json")
    assert r.status_code == 201
    pid = r.json()["id"]
    assert client.get(f"/api/v1/assessment/publications/{pid}").json()["units"][0]["rank"] == 1
    r = client.post("/api/v1/assessment/external-rankings",
                    {"region": "440784106", "list_name": "全国镇域经济500强", "year": 2023, "rank": 344,
                     "source": ""}, content_type="application/json")
    assert r.status_code == 400 and "来源" in r.json()["message"]
    login("xh_reporter")
    assert client.get(f"/api/v1/assessment/schemes/{county_scheme.pk}/result").status_code == 404
    assert client.get("/api/v1/assessment/schemes").json() == []


def test_cli_rank_json(county_scheme, capsys):
    call_command("rank", scheme="测试县域赛马", period="2026Q3", json=True, runs=100)
    out = json.loads(capsys.readouterr().out)
    assert out["period"] == "2026Q3" and len(out["units"]) == 7
    for u in out["units"]:
        assert {"score", "rank", "rank_change", "interval", "class"} <= set(u)
        assert u["interval"][0] <= u["rank"] <= u["interval"][1]
    call_command("rank", scheme="测试县域赛马", period="2026Q3")
    text = capsys.readouterr().out
    assert "【创先类】" in text and "鹤山市" in text


def test_new_scheme_page(db, client, login):
    login("jm_viewer")
    assert client.get("/assessment/new/").status_code == 403
    login("hs_reviewer")
    assert client.get("/assessment/new/").status_code == 403
    login("jm_admin")
    assert client.get("/assessment/new/").status_code == 200
    form = {"name": "鹤山镇街测试", "region": "440784", "level": "4", "aggregation": "arith", "missing": "impute"}
    r = client.post("/assessment/new/", form)
    assert r.status_code == 302
    scheme = Scheme.objects.get(name="鹤山镇街测试")
    assert (scheme.region.code, scheme.level, scheme.missing) == ("440784000000", 4, "impute")
    assert client.post("/assessment/new/", form).status_code == 400  # the name is taken
    assert client.post("/assessment/new/", form | {"name": "x", "region": "999"}).status_code == 400
    assert client.post("/assessment/new/", form | {"name": "y", "level": "3"}).status_code == 400
    login("xh_reporter")
    assert client.get(f"/assessment/{scheme.pk}/").status_code == 404


def test_scheme_settings_form(county_scheme, client, login):
    login("jm_viewer")
    assert client.post(f"/assessment/{county_scheme.pk}/settings/", {"aggregation": "geo"}).status_code == 403
    login("jm_admin")
    form = {"aggregation": "geo", "missing": "impute", "period": "2026Q2", "red_task_points": "-2",
            "late_notice_points": "-1", "perturb": "0.3", "runs": "500", "seed": "7"}
    assert client.post(f"/assessment/{county_scheme.pk}/settings/", form).status_code == 302
    county_scheme.refresh_from_db()
    assert (county_scheme.aggregation, county_scheme.missing, county_scheme.runs, county_scheme.perturb,
            county_scheme.alternatives, county_scheme.red_task_points) == ("geo", "impute", 500, 0.3, False, -2)
    for bad in ({"runs": "many"}, {"perturb": "x"}, {"perturb": "5"}, {"period": "2026Q7"}, {"aggregation": "max"}):
        r = client.post(f"/assessment/{county_scheme.pk}/settings/", form | bad)
        assert r.status_code == 400, bad
    county_scheme.refresh_from_db()
    assert county_scheme.runs == 500
