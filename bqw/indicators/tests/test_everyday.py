"""Everyday work: the reporting window on every path, the 工作台 per role, the nav per role, a unit approved in
one action, the review page's previous value and changes, numbers as offices write them."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from openpyxl import Workbook

from bqw.accounts.models import AuditEntry
from bqw.accounts.services import api_token_create
from bqw.core.errors import ConflictError, ImportRejected
from bqw.core.numbers import fmt, fmt_change, fmt_gap
from bqw.core.periods import Period, PeriodError, check_reporting_period
from bqw.indicators.models import DataValue
from bqw.indicators.services import datavalue_save, datavalues_approve
from bqw.indicators.values_exchange import HEADERS, values_import

FUTURE, EARLY = "203012", "202212"  # 202212: before the program window (BQW_PROGRAM_START); 199901 no longer parses


@pytest.mark.parametrize("text", ["0000Q1", "203012", "199901", "202212", "2099Q1"])
def test_absurd_future_and_pre_program_periods_are_outside_the_window(text, settings):
    settings.BQW_PROGRAM_START = "202301"
    with pytest.raises(PeriodError):
        check_reporting_period(Period.parse(text))


def test_the_window_reaches_the_current_period_and_no_further():
    from datetime import date

    today = date(2026, 11, 30)
    assert check_reporting_period(Period.parse("202611"), today=today)
    assert check_reporting_period(Period.parse("2026Q4"), today=today)  # the current quarter may be entered
    with pytest.raises(PeriodError, match="尚未开始"):
        check_reporting_period(Period.parse("202612"), today=today)


def test_a_future_or_out_of_window_period_is_refused_on_every_path(client, login, tree, catalog, persona):
    user = login("hs_reporter")
    a, inc = tree["A"], catalog["t_inc"]
    before = DataValue.objects.count()
    # the entry page
    for period in (FUTURE, EARLY):
        r = client.get(f"/indicators/entry/?region={a.code}&period={period}")
        assert r.status_code == 400, period
        r = client.post(f"/indicators/entry/?region={a.code}&period={period}",
                        {"region": a.code, "period": period, f"v{inc.id}": "5", "action": "submit"})
        assert r.status_code == 400 and "不能填报" in r.content.decode()
    # the API: one value and a whole form
    api = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(actor=user, user=user)}")
    for period in (FUTURE, EARLY):
        r = api.put(f"/api/v1/values/{a.code}/t_inc/{period}", json.dumps({"value": "5"}),
                    content_type="application/json")
        assert r.status_code == 400 and "不能填报" in r.json()["message"], r.content
        r = api.put(f"/api/v1/forms/{a.code}/{period}", json.dumps({"values": [{"indicator": "t_inc", "value": "5"}]}),
                    content_type="application/json")
        assert r.status_code == 400, r.content
    r = api.put(f"/api/v1/values/{a.code}/t_inc/0000Q1", json.dumps({"value": "5"}), content_type="application/json")
    assert r.status_code in (400, 404)
    # the service itself
    with pytest.raises(Exception, match="不能填报"):
        datavalue_save(actor=user, region=a, indicator=inc, period=FUTURE, value=5)
    # an import
    wb = Workbook()
    wb.active.append(HEADERS)
    wb.active.append([a.code, "", "t_inc", "", "", FUTURE, 5, None, ""])
    wb.active.append([a.code, "", "t_inc", "", "", "202401", 5, None, ""])
    wb.active.append([a.code, "", "t_inc", "", "", "2030年12月", 5, None, ""])  # as the template writes periods
    wb.active.append([tree["B"].code, "", "t_inc", "", "", FUTURE, 5, None, ""])  # checked once, each row told
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ImportRejected) as exc:
        values_import(actor=user, data=buf.getvalue(), filename="v.xlsx")
    assert any(e.row == 2 and "不能填报" in e.message for e in exc.value.errors)
    assert any(e.row == 4 and "不能填报" in e.message for e in exc.value.errors)
    assert any(e.row == 5 and "不能填报" in e.message for e in exc.value.errors)
    assert DataValue.objects.count() == before  # nothing written anywhere


def test_nav_shows_only_what_the_role_can_use(client, login):
    login("jm_viewer")
    page = client.get("/?workbench=1").content.decode()  # a viewer's "/" is the cockpit
    assert "/indicators/entry/" not in page and "/indicators/review/" not in page and "/indicators/targets/" in page
    login("hs_reporter")
    page = client.get("/").content.decode()
    assert '<a href="/indicators/entry/">填报</a>' in page and '<a href="/indicators/review/">审核</a>' not in page
    login("hs_reviewer")
    assert '<a href="/indicators/review/">审核</a>' in client.get("/").content.decode()


def test_reporter_workbench_counts_due_reported_and_returned(client, login, tree, catalog, persona):
    reporter, reviewer = login("hs_reporter"), persona("hs_reviewer")
    period = Period.of_date(__import__("django.utils.timezone", fromlist=["x"]).localdate()).shift(-1)
    dv = datavalue_save(actor=reporter, region=tree["A"], indicator=catalog["t_inc"], period=period, value=5,
                        submit=True)
    from bqw.indicators.services import datavalue_return

    datavalue_return(actor=reviewer, value=dv, reason="请核实", version=dv.version)
    page = client.get("/").content.decode()
    card = page.split('data-card="reporter"', 1)[1].split("</section>", 1)[0]
    assert f"{period.label} 应报" in card and "被退回，待修改" in card
    assert card.split("被退回，待修改", 1)[1].split("</strong>", 1)[0].endswith(">1")
    # the form opens on the month that is due (last month: not everything submitted yet)
    r = client.get("/indicators/entry/")
    assert f"{period.label}" in r.content.decode()


def test_reviewer_approves_a_whole_unit_in_one_action_audited_per_value(client, login, tree, catalog, persona):
    reporter = persona("hs_reporter")
    a, b = tree["A"], tree["B"]
    for m in ("202401", "202402"):
        datavalue_save(actor=reporter, region=a, indicator=catalog["t_inc"], period=m, value=100, submit=True)
    datavalue_save(actor=reporter, region=a, indicator=catalog["t_avg"], period="202402", value=3, submit=True)
    other = datavalue_save(actor=reporter, region=b, indicator=catalog["t_inc"], period="202402", value=9, submit=True)
    login("hs_reviewer")
    page = client.get("/indicators/review/").content.decode()
    unit = page.split(f'data-unit="{a.code}"', 1)[1].split("</section>", 1)[0]
    assert "本单位 3 项全部通过" in unit and "村集体经营性收入" in unit and "100万元" in unit
    assert "+0.0%" in unit  # 环比 of 202402 against 202401
    tokens = [t.split('"')[0] for t in unit.split('name="value" value="')[1:]]
    assert len(tokens) == 3
    r = client.post("/indicators/review/approve/", {"value": tokens})
    assert r.status_code == 302
    assert set(DataValue.objects.filter(region=a).values_list("state", flat=True)) == {"approved"}
    assert DataValue.objects.get(pk=other.pk).state == "submitted"  # another unit is untouched
    assert AuditEntry.objects.filter(action="datavalue.approve", region=a).count() == 3
    # a stale page approves nothing
    other_dv = DataValue.objects.get(pk=other.pk)
    with pytest.raises(ConflictError):
        other_dv.version -= 1
        datavalues_approve(actor=persona("hs_reviewer"), values=[other_dv])
    assert DataValue.objects.get(pk=other.pk).state == "submitted"


def test_a_reporter_cannot_bulk_approve(client, login, tree, catalog, persona):
    dv = datavalue_save(actor=persona("hs_reporter"), region=tree["A"], indicator=catalog["t_inc"], period="202401",
                        value=1, submit=True)
    login("hs_reporter")
    assert client.post("/indicators/review/approve/", {"value": f"{dv.pk}:{dv.version}"}).status_code == 403
    login("xh_reporter")  # outside the view scope
    assert client.post("/indicators/review/approve/", {"value": f"{dv.pk}:{dv.version}"}).status_code == 404
    assert DataValue.objects.get(pk=dv.pk).state == "submitted"


def test_numbers_as_offices_write_them():
    assert fmt(100_000_000_000, "元") == "1000亿元"
    assert fmt(125_000, "元") == "12.5万元"
    assert fmt(1337, "户") == "1337户"
    assert fmt(76, "%") == "76.0%"
    assert fmt(1, "", yes_no=True) == "是" and fmt(0, "", yes_no=True) == "否"
    assert fmt_gap(6.44, "%") == "6.4 个百分点"
    assert fmt_change(80, 76, "%") == "+4.0 个百分点" and fmt_change(110, 100, "元") == "+10.0%"


def test_targets_page_counts_filters_and_lagging_units(client, login, tree):
    from bqw.accounts.services import system_user
    from bqw.indicators.services import datavalues_bulk_load, indicator_ensure, target_ensure

    ind = indicator_ensure(actor=system_user(), code="t_cov", name="污水治理覆盖率", unit="%", level=5)
    t = target_ensure(actor=system_user(), indicator=ind, region=tree["沙坪"], deadline="2024", value=90,
                      scope="level", scope_level=5, baseline_period="202312", comparator=">=")
    datavalues_bulk_load([(tree["A"].code, "t_cov", "202406", 95), (tree["B"].code, "t_cov", "202406", 10),
                          (tree["C"].code, "t_cov", "202312", 50)], actor=system_user())
    login("hs_reviewer")
    page = client.get("/indicators/targets/?region=沙坪街道&period=202406&indicator=t_cov").content.decode()
    assert "≥ 90.0%" in page and "查看落后单位" in page and 'id="light-counts"' in page
    assert client.get("/indicators/targets/?region=沙坪街道&period=202406&light=green&indicator=t_cov"
                      ).content.decode().count("查看落后单位") == 0
    units = client.get(f"/indicators/targets/{t.pk}/units/?region={tree['沙坪'].code}&period=202406").content.decode()
    assert tree["B"].name in units and tree["A"].name not in units


def test_audit_page_reads_as_sentences_filtered_by_person_object_and_date(client, login, tree, catalog, persona):
    reporter, reviewer = persona("hs_reporter"), persona("hs_reviewer")
    dv = datavalue_save(actor=reporter, region=tree["A"], indicator=catalog["t_inc"], period="202401", value=100,
                        submit=True)
    from bqw.indicators.services import datavalue_return

    datavalue_return(actor=reviewer, value=dv, reason="请核实口径", version=dv.version)
    login("jm_admin")
    page = client.get("/accounts/audit/?person=hs_reviewer").content.decode()
    assert "退回了数据" in page and "状态：已提交 → 已退回" in page and "原因：（空） → 请核实口径" in page
    assert "填报了数据" not in page  # another person's entries are filtered out
    assert "{&#x27;" not in page and "datavalue.return" not in page  # no raw dicts or codes
    assert "填报了数据" in client.get("/accounts/audit/?person=hs_reporter&since=2020-01-01").content.decode()
    assert "暂无记录" in client.get("/accounts/audit/?person=hs_reporter&until=2020-01-01").content.decode()
    assert client.get("/accounts/audit/?since=昨天").status_code == 400
