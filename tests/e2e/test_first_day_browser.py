"""Issue 11, done-when: the first day of a county office on a fresh database (only `bqw init`, plus the province
admin made with `bqw users create`). The province admin creates the 鹤山市 headquarters and its admin; that admin
creates a plan, imports a task list, adds a task by hand, defines indicators with a validation rule and a target
for every village of the county, and creates a reporter for one town; the reporter enters a value the rule
rejects, then one it accepts, and the target's status changes."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from tests.e2e.conftest import FRESH_ADMIN

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

pytestmark = pytest.mark.e2e

PERIOD = "202610"
VALUE = "input[name^=v]:not([type=hidden])"  # the value box of an entry row
HS_ADMIN = ("hs_admin", "Hs@admin2026")
HS_REPORTER = ("hs_sp_reporter", "Sp@report2026")


def sign_in(browser, url: str, user: tuple[str, str]):
    page = browser.new_context(base_url=url, locale="zh-CN", viewport={"width": 1366, "height": 768}).new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", user[0])
    page.fill("#id_password", user[1])
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return page


def task_list(path) -> str:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "任务内容", "牵头单位", "配合单位", "完成时限"])
    ws.append([1, "全面推进自然村生活污水治理", "鹤山市农业农村局", "鹤山市生态环境局", "2026年底前"])
    ws.append([2, "打造典型镇", "鹤山市住房和城乡建设局", "", "2026年6月底"])
    wb.save(path)
    return str(path)


def messages(page) -> str:
    return page.locator("main").inner_text()


def target_row_text(page, village: str) -> str:
    page.goto(f"/indicators/targets/?region={village}&period={PERIOD}")
    return page.locator("tr", has_text="已完成污水治理自然村数").first.inner_text()


def test_first_day_of_a_county_office(browser, fresh_url, tmp_path):
    # the province admin: the 鹤山市 headquarters and its admin
    gd = sign_in(browser, fresh_url, FRESH_ADMIN)
    gd.goto("/orgs/")
    form = gd.locator("#org-form")
    form.locator("input[name=name]").fill("鹤山市百千万工程指挥部")
    form.locator("select[name=kind]").select_option("hq")
    form.locator("input[name=region]").fill("江门市鹤山市")
    form.locator("button[type=submit]").click()
    assert "已新建机构" in messages(gd)
    gd.goto("/accounts/users/new/")
    gd.fill("input[name=username]", HS_ADMIN[0])
    gd.fill("input[name=display_name]", "鹤山市指挥部管理员")
    gd.locator("select[name=organization]").select_option(label="鹤山市 · 鹤山市百千万工程指挥部")
    gd.locator("select[name=role]").select_option("admin")
    gd.fill("input[name=view_scope]", "江门市鹤山市")
    gd.fill("input[name=capture_scope]", "江门市鹤山市")
    gd.fill("input[name=password]", HS_ADMIN[1])
    gd.click("text=创建用户")
    assert "已创建用户 hs_admin" in messages(gd)

    # the county admin: a plan, a task list, a task by hand
    hs = sign_in(browser, fresh_url, HS_ADMIN)
    hs.goto("/plans/manage/")
    form = hs.locator("#plan-form")
    form.locator("input[name=name]").fill("2026年鹤山市“百千万工程”工作要点")
    assert form.locator("input[name=region]").input_value() == "江门市鹤山市"
    form.locator("input[name=start_on]").fill("2026-01-01")
    form.locator("input[name=end_on]").fill("2026-12-31")
    form.locator("button[type=submit]").click()
    assert "已创建计划" in messages(hs)
    hs.click("text=导入任务清单")
    hs.set_input_files("input[name=file]", task_list(tmp_path / "任务清单.xlsx"))
    hs.click("text=上传预览")
    assert "鹤山市农业农村局" in messages(hs)
    hs.locator("button", has_text="确认导入").click()
    assert "已导入 2 项任务" in messages(hs)
    hs.click("text=添加任务")
    hs.fill("textarea[name=content]", "建立污水治理设施运维台账")
    hs.fill("input[name=deadline]", "2026年9月底")
    hs.locator("select[name=leads]").select_option(label="鹤山市农业农村局")
    hs.locator("#task-form button[type=submit]").click()
    assert "已添加任务" in messages(hs) and "建立污水治理设施运维台账" in messages(hs)

    # indicators, a validation rule, a target for every village of the county
    for code, name in (("hs_villages", "自然村总数"), ("hs_sewage_done", "已完成污水治理自然村数")):
        hs.goto("/indicators/catalog/")
        form = hs.locator("#indicator-form")
        form.locator("input[name=code]").fill(code)
        form.locator("input[name=name]").fill(name)
        form.locator("input[name=unit]").fill("个")
        form.locator("input[name=integer]").check()
        form.locator("button[type=submit]").click()
        assert f"已新建指标“{name}”" in messages(hs)
    hs.goto("/indicators/rules/")
    form = hs.locator("#rule-form")
    form.locator("input[name=name]").fill("已治理村数不超过自然村数")
    form.locator("input[name=left]").fill("{已完成污水治理自然村数}")
    form.locator("select[name=operator]").select_option("<=")
    form.locator("input[name=right]").fill("{自然村总数}")
    form.locator("button[type=submit]").click()
    assert "已完成污水治理自然村数 ≤ 自然村总数" in messages(hs)
    hs.goto("/indicators/targets/manage/")
    form = hs.locator("#target-form")
    form.locator("input[name=indicator]").fill("已完成污水治理自然村数")
    form.locator("select[name=scope]").select_option("level")
    form.locator("select[name=scope_level]").select_option("5")
    form.locator("input[name=value]").fill("1")
    form.locator("input[name=deadline]").fill("2026")
    form.locator("input[name=baseline_period]").fill("202601")
    form.locator("input[name=source_document]").fill("2026年鹤山市工作要点")
    form.locator("select[name=stage]").select_option("2027")
    # the live preview (htmx) shows the status as typed, before anything is saved
    expect(hs.locator("#target-preview")).to_contain_text("个单位", timeout=10000)
    expect(hs.locator("#target-preview")).to_contain_text("无数据")
    form.locator("button[type=submit]").click()
    assert "已新建目标" in messages(hs)

    # a reporter for one town
    hs.goto("/accounts/users/new/")
    hs.fill("input[name=username]", HS_REPORTER[0])
    hs.locator("select[name=organization]").select_option(label="鹤山市 · 鹤山市百千万工程指挥部")
    hs.locator("select[name=role]").select_option("reporter")
    hs.fill("input[name=view_scope]", "江门市鹤山市")
    hs.fill("input[name=capture_scope]", "江门市鹤山市沙坪街道")
    hs.fill("input[name=password]", HS_REPORTER[1])
    hs.click("text=创建用户")
    assert "已创建用户 hs_sp_reporter" in messages(hs)

    # the reporter: a value the rule rejects, then one it accepts; the target's status changes
    rp = sign_in(browser, fresh_url, HS_REPORTER)
    rp.goto(f"/indicators/entry/?period={PERIOD}")
    village = rp.locator("form.card input[name=region]").input_value()
    assert village.startswith("440784001")
    before = target_row_text(rp, village)
    assert "无数据" in before
    rp.goto(f"/indicators/entry/?region={village}&period={PERIOD}")
    rp.locator("tr", has_text="自然村总数").locator(VALUE).fill("6")
    rp.click("button[value=save]")
    rp.locator("tr", has_text="已完成污水治理自然村数").locator(VALUE).fill("9")
    rp.click("button[value=save]")
    row = rp.locator("tr", has_text="已完成污水治理自然村数")
    assert "不符合校验规则" in row.inner_text() and "已完成污水治理自然村数 ≤ 自然村总数" in row.inner_text()
    rp.goto(f"/indicators/entry/?region={village}&period={PERIOD}")
    assert rp.locator("tr", has_text="已完成污水治理自然村数").locator(VALUE).input_value() == ""  # not saved
    rp.locator("tr", has_text="已完成污水治理自然村数").locator(VALUE).fill("5")
    rp.click("button[value=save]")
    assert "不符合校验规则" not in messages(rp) and "已保存" in messages(rp)
    after = target_row_text(rp, village)
    assert "无数据" not in after and "已达成" in after
