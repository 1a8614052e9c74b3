"""Everyday work in a real browser at desktop (1440×900) and phone (390×844) sizes: the reporter's 工作台 → entry →
a bad form rejected whole → a good form submitted; the reviewer approving a unit in one action; the admin
filtering targets and opening a target's lagging units; no sideways scrolling at 390 px on the entry and task
pages."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
PASSWORDS = {"hs_reporter": "Hs@report2024", "hs_reviewer": "Hs@review2024", "jm_admin": "Jm@admin2024"}


def _page(browser, live_url, size: str, username: str):
    context = browser.new_context(base_url=live_url, locale="zh-CN", viewport=SIZES[size])
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORDS[username])
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return page


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


@pytest.mark.parametrize("size,village", [("desktop", 2), ("phone", 3)])  # village 1: test_reporting_flow
def test_reporter_workbench_entry_bad_form_rejected_whole_good_form_submitted(browser, live_url, size, village):
    page = _page(browser, live_url, size, "hs_reporter")
    card = page.locator("[data-card=reporter]")
    assert "应报" in card.inner_text() and "被退回" in card.inner_text()
    assert page.locator("nav a", has_text="审核").count() == 0  # a reporter has nothing to review
    card.locator("a", has_text="应报").first.click()
    page.wait_for_url("**/indicators/entry/**")
    code = page.locator("select[name=region] option").nth(village).get_attribute("value")
    page.goto(page.url.split("?")[0] + "?" + page.url.split("?")[1] + f"&region={code}")
    if size == "phone":
        _no_sideways_scroll(page)
    rows = page.locator("tr.entry-row", has=page.locator("input[inputmode=decimal]"))
    assert rows.count() >= 2
    first, second = rows.nth(0), rows.nth(1)
    first.locator("input[inputmode=decimal]").fill("abc")
    second.locator("input[inputmode=decimal]").fill("7")
    second.locator("input[name^=c]").fill("已核实")
    with page.expect_navigation():
        page.click("button[value=submit]")
    assert "本表未保存任何数据" in page.content()
    assert "不是数字" in first.inner_text()
    assert "未填" in second.inner_text()  # the good value was not saved either: all or nothing
    if size == "phone":
        _no_sideways_scroll(page)
    first.locator("input[inputmode=decimal]").fill("8")
    first.locator("input[name^=c]").fill("已核实")
    with page.expect_navigation():
        page.click("button[value=submit]")
    assert "并提交审核" in page.content()
    assert "已提交" in first.inner_text() and "已提交" in second.inner_text()
    page.context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_reviewer_approves_a_unit_in_one_action(browser, live_url, size):
    page = _page(browser, live_url, size, "hs_reviewer")
    assert "待审核" in page.locator("[data-card=reviewer]").inner_text()
    page.goto("/indicators/review/")
    unit = page.locator("section.review-unit").first
    name = unit.get_attribute("data-unit")
    n = unit.locator("tbody tr").count()
    assert n >= 1
    with page.expect_navigation():
        unit.locator("form.approve-unit button").click()
    assert f"已审核通过 {n} 项" in page.content()
    assert page.locator(f"section.review-unit[data-unit='{name}']").count() == 0
    page.context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_admin_filters_targets_and_opens_the_lagging_units(browser, live_url, size):
    page = _page(browser, live_url, size, "jm_admin")
    page.goto("/indicators/targets/")
    assert page.locator("#light-counts").is_visible()
    page.select_option("#target-filters select[name=scope]", "level")
    with page.expect_navigation():
        page.click("#target-filters button")
    rows = page.locator("#targets-table tbody tr[data-light]")
    assert rows.count() >= 1
    assert "scope=level" in page.url
    red = page.locator("#light-counts a[data-light=red] strong").inner_text()
    page.select_option("#target-filters select[name=light]", "red")
    with page.expect_navigation():
        page.click("#target-filters button")
    lights = {rows.nth(k).get_attribute("data-light") for k in range(rows.count())}
    assert lights <= {"red"}
    if not lights:  # no red multi-unit target at this date: open any multi-unit target's units
        assert red is not None
        page.select_option("#target-filters select[name=light]", "")
        with page.expect_navigation():
            page.click("#target-filters button")
    page.locator("a.lagging-link").first.click()
    page.wait_for_url("**/units/**")
    assert page.locator("#units-table").is_visible() and "落后" in page.content()
    if size == "phone":
        _no_sideways_scroll(page)
    page.context.close()


def test_task_page_has_no_sideways_scroll_on_a_phone(browser, live_url):
    page = _page(browser, live_url, "phone", "jm_admin")
    page.goto("/plans/")
    page.locator("main a[href^='/plans/']").first.click()
    page.locator("a[href^='/plans/tasks/']").first.click()
    page.wait_for_url("**/plans/tasks/**")
    _no_sideways_scroll(page)
    page.context.close()
