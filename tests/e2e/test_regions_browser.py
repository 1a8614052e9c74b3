import pytest

pytestmark = pytest.mark.e2e


def test_reporter_browses_heshan_and_cannot_open_xinhui(page, sign_in, tmp_path):
    sign_in("hs_reporter", "Hs@report2024")
    assert "工作台" in page.content()
    page.click("nav a:text-is('区划')")
    page.wait_for_selector("text=沙坪街道")
    assert "鹤山市" in page.inner_text("h1")
    assert "创先类" in page.content()
    page.click("table a:text-is('沙坪街道')")
    page.wait_for_selector("table")
    assert "沙坪街道" in page.inner_text("h1")
    page.screenshot(path=str(tmp_path / "town.png"), full_page=True)
    page.goto("/regions/440784000000/")
    page.screenshot(path="/tmp/bqw_heshan.png")
    response = page.goto("/regions/440705000000/")
    assert response.status == 404 and "未找到" in page.content()


def test_wrong_password_shows_a_chinese_error(page):
    page.goto("/accounts/login/")
    page.fill("#id_username", "hs_reporter")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.content()
