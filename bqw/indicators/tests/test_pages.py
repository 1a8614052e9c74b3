"""Pages: entry form with checks, review queue approve/return, returned reason shown, targets with statuses."""

from __future__ import annotations

import base64
from io import BytesIO

from openpyxl import load_workbook

from bqw.accounts.services import system_user
from bqw.indicators.models import DataValue
from bqw.indicators.services import datavalue_save, target_ensure


def test_entry_form_saves_submits_and_shows_outlier_errors(client, login, tree, catalog):
    user = login("hs_reporter")
    a, inc = tree["A"], catalog["t_inc"]
    url = f"/indicators/entry/?region={a.code}&period=202401"
    r = client.get(url)
    page = r.content.decode()
    assert r.status_code == 200 and "村集体经营性收入" in page and "自然村生活污水治理率" not in page
    r = client.post(url, {"region": a.code, "period": "202401", f"v{inc.id}": "100", "action": "submit"})
    assert r.status_code == 302
    dv = DataValue.objects.get(region=a, indicator=inc, period="202401")
    assert dv.state == "submitted" and dv.updated_by == user
    for m, v in (("202402", 100), ("202403", 100)):
        datavalue_save(actor=user, region=a, indicator=inc, period=m, value=v)
    r = client.post(f"/indicators/entry/?region={a.code}&period=202404",
                    {"region": a.code, "period": "202404", f"v{inc.id}": "5000", "action": "save"})
    assert r.status_code == 200 and "请填写说明" in r.content.decode()
    assert not DataValue.objects.filter(region=a, indicator=inc, period="202404").exists()
    assert client.get(f"/indicators/entry/?region={tree['D'].code}&period=202401").status_code == 403
    assert client.get("/indicators/entry/?region=440705001001&period=202401").status_code == 404


def test_review_queue_approve_and_return_with_reason(client, login, persona, tree, catalog):
    reporter = persona("hs_reporter")
    dv1 = datavalue_save(actor=reporter, region=tree["A"], indicator=catalog["t_inc"], period="202401", value=1,
                         submit=True, simulated=True)
    dv2 = datavalue_save(actor=reporter, region=tree["B"], indicator=catalog["t_inc"], period="202401", value=2,
                         submit=True)
    login("hs_reviewer")
    page = client.get("/indicators/review/").content.decode()
    assert "待审核 2 项" in page and "模拟" in page
    r = client.post(f"/indicators/review/{dv1.pk}/approve/", {"version": dv1.version})
    assert r.status_code == 302
    r = client.post(f"/indicators/review/{dv2.pk}/return/", {"version": dv2.version, "reason": "数据偏小请核实"})
    assert DataValue.objects.get(pk=dv2.pk).state == "returned"
    login("hs_reporter")
    assert client.post(f"/indicators/review/{dv1.pk}/reopen/", {"version": 3, "reason": "x"}).status_code == 403
    page = client.get(f"/indicators/entry/?region={tree['A'].code}&period=202401").content.decode()
    assert "数据偏小请核实" in page
    login("xh_reporter")
    assert client.post(f"/indicators/review/{dv2.pk}/approve/", {"version": 4}).status_code == 404


def test_targets_page_shows_lights_and_explanations(client, login, tree, catalog, persona):
    datavalue_save(actor=persona("gd_admin"), region=tree["A"], indicator=catalog["t_inc"], period="202412",
                   value=500)
    target_ensure(actor=system_user(), indicator=catalog["t_inc"], region=tree["A"], deadline="2025", value=400,
                  baseline_value=100, baseline_period="202312", source_document="测试文件", source_quote="收入400万元")
    login("hs_reporter")
    page = client.get(f"/indicators/targets/?region={tree['沙坪'].code}&period=202412").content.decode()
    assert 'class="light green" title="绿灯"></span>已达成' in page and "收入400万元" in page
    assert "≥ 400" in page and 'class="light blue" title="正常推进"></span>正常推进' in page  # the legend
    login("xh_reporter")
    assert client.get(f"/indicators/targets/?region={tree['沙坪'].code}&period=202412").status_code == 404


def test_template_download_and_upload_errors_page(client, login, tree, catalog):
    login("hs_reporter")
    r = client.get("/indicators/template/?period=202401")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("v.csv", f"单位代码,指标代码,期间,数值\n{tree['A'].code},t_inc,202401,abc\n".encode())
    r = client.post("/indicators/upload/", {"file": bad})
    page = r.content.decode()
    assert r.status_code == 422 and "<td>数值</td><td>“abc”不是数字</td>" in page
    assert 'id="import-errors"' in page and "下载标注了错误单元格的工作簿" in page  # the one rejected-import partial
    b64 = page.split("base64,", 1)[1].split('"', 1)[0]
    ws = load_workbook(BytesIO(base64.b64decode(b64))).active
    assert ws.cell(row=2, column=4).fill.fgColor.rgb.endswith("FFC7CE") and "不是数字" in ws.cell(row=2, column=5).value


def test_entry_form_with_3_bad_values_of_5_saves_nothing_and_shows_each_error_beside_its_field(
        client, login, tree, catalog):
    login("hs_reporter")
    a, c = tree["A"], catalog
    url = f"/indicators/entry/?region={a.code}&period=202401"
    posted = {"t_inc": "100", "t_treated": "4", "t_avg": "abc", "t_min": "NaN", "t_max": "12元"}
    data = {"region": a.code, "period": "202401", "action": "submit"}
    data |= {f"v{c[code].id}": v for code, v in posted.items()}
    before = DataValue.objects.count()
    r = client.post(url, data)
    page = r.content.decode()
    assert r.status_code == 200 and DataValue.objects.count() == before  # all or nothing: not even the good two
    assert page.count('class="errors field-error"') == 3 and "有 3 项未通过检查" in page
    for code, reason in (("t_avg", "“abc”不是数字"), ("t_min", "“NaN”不是有限数字"), ("t_max", "“12元”不是数字")):
        # the reason sits in the row of its own indicator, right after that indicator's input
        row = page.split(f'name="v{c[code].id}"', 1)[1].split("</tr>", 1)[0]
        assert f'data-indicator="{code}"><li>{reason}</li>' in row
    i = c["t_inc"].id
    assert f'name="v{i}" id="v{i}" size="12" inputmode="decimal" autocomplete="off" value="100"' in page  # comes back
    data[f"v{c['t_avg'].id}"], data[f"v{c['t_min'].id}"], data[f"v{c['t_max'].id}"] = "3", "1", "12"
    r = client.post(url, data)
    assert r.status_code == 302 and DataValue.objects.filter(region=a, period="202401", state="submitted").count() == 5
