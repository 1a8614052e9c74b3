import pytest

pytestmark = pytest.mark.e2e


def test_city_admin_sees_coverage_filters_pairings_and_opens_one(page, sign_in):
    sign_in("jm_admin", "Jm@admin2024")
    page.goto("/pairing/")
    coverage = page.inner_text("#coverage")
    assert "江门市（合计）" in coverage and "%" in coverage
    page.select_option("select[name=kind]", "county")
    page.wait_for_function("document.querySelector('#pairings').innerText.includes('共 3 个结对')")
    assert "恩平市" in page.inner_text("#pairings")
    page.click("#pairings a:text-is('恩平市')")
    page.wait_for_selector("text=帮扶承诺与到位")
    assert "蓬江区" in page.content() and "江海区" in page.content()


def test_pairing_pages_fit_a_phone(browser, live_url):
    ctx = browser.new_context(base_url=live_url, locale="zh-CN", viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", "jm_admin")
    page.fill("#id_password", "Jm@admin2024")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    for path in ("/pairing/", "/pairing/1/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    ctx.close()
