import pytest

pytestmark = pytest.mark.e2e


def test_library_filters_and_fits_a_phone(browser, live_url, tmp_path):
    context = browser.new_context(base_url=live_url, locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", "hs_reviewer")
    page.fill("#id_password", "Hs@review2024")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto("/projects/")
    assert "隆基硅能源项目" in page.content()
    page.select_option("select[name=light]", "red")
    page.wait_for_function("!document.querySelector('#projects').innerText.includes('隆基硅能源项目')")
    assert "严重滞后" in page.inner_text("#projects")
    page.screenshot(path=str(tmp_path / "library_390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    context.close()


def test_leader_sees_own_page_and_not_another_countys(page, sign_in, browser, live_url):
    sign_in("hs_leader", "Hs@leader2024")
    page.goto("/projects/leaders/")
    page.click("table a:has-text('鹤山市委书记')")
    page.wait_for_selector("text=联系项目")
    assert "隆基硅能源项目" in page.content()
    own = page.url
    context = browser.new_context(base_url=live_url, locale="zh-CN")
    other = context.new_page()
    other.goto("/accounts/login/")
    other.fill("#id_username", "xh_leader")
    other.fill("#id_password", "Xh@leader2024")
    other.click("button[type=submit]")
    other.wait_for_url("**/")
    assert other.goto(own).status == 404
    context.close()
