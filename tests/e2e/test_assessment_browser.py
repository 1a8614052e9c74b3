"""The 赛马 pages in a real browser: charts draw, the editor's preview follows the weights, no sideways scroll at
390 px."""

import pytest

pytestmark = pytest.mark.e2e

COUNTY_SCHEME = "江门市县域分类赛马（演示）"


def _open_scheme(page):
    page.goto("/assessment/")
    page.click(f"table a:text-is('{COUNTY_SCHEME}')")
    page.wait_for_selector("#chart-grid canvas")


def test_results_charts_and_editor_preview(page, sign_in):
    sign_in("jm_admin", "Jm@admin2024")
    _open_scheme(page)
    assert page.locator("#chart-grid canvas").count() >= 4  # score bars and rank ranges of both classes
    assert "创先类" in page.content() and "位次区间" in page.content()
    page.click("a:text-is('编辑指标与权重')")
    page.wait_for_selector("#preview table")
    first = page.locator("input.w").first
    first.fill("0")
    page.locator("input.w").nth(1).fill("100")
    page.wait_for_function("document.querySelector('#preview h2 small').textContent.includes('模拟')")
    page.wait_for_timeout(1500)
    assert page.locator("#preview table").count() == 2
    for k in range(page.locator("input.w").count()):
        page.locator("input.w").nth(k).fill("0")
    page.wait_for_selector("#preview .errors", timeout=10000)
    assert "至少一项指标的权重须大于 0" in page.inner_text("#preview")


def test_narrow_screen_has_no_sideways_scroll(browser, live_url):
    context = browser.new_context(base_url=live_url, locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", "jm_viewer")
    page.fill("#id_password", "Jm@view2024")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    _open_scheme(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path="/tmp/bqw_assessment_390.png", full_page=True)
    context.close()
