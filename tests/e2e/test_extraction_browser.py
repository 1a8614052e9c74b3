import pytest

pytestmark = pytest.mark.e2e

TEXT = (
    "江门市2024年工作要点\n"
    "到2025年，全市农村生活污水治理率达到80%以上，新建改造农村公路不少于300公里。\n"
    "由市农业农村局牵头，推动全市行政村集体经济收入全部达到10万元以上。\n"
)


def test_review_page_highlights_focus_rows_and_reject_greys_the_mark(page, sign_in):
    sign_in("jm_admin", "Jm@admin2024")
    page.goto("/extraction/")
    page.fill("textarea[name=text]", TEXT)
    page.fill("input[name=year]", "2024")
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector("#doc-text mark")
    mark = page.locator("#doc-text mark.k-target", has_text="不少于300公里")
    item = mark.get_attribute("data-item")
    mark.click()
    row = page.locator(f"#item-{item}")
    assert "focus" in row.get_attribute("class")
    row.locator("button", has_text="驳回").click()
    page.wait_for_selector(f"#item-{item}[data-state=rejected]")
    page.wait_for_selector(f"#doc-text mark[data-item='{item}'].s-rejected")
    page.locator(f"#item-{item} button", has_text="恢复").click()
    page.wait_for_selector(f"#item-{item}[data-state=pending]")
    page.locator(f"#item-{item} button", has_text="编辑").click()
    page.fill(f"#item-{item} input[name=value]", "320")
    page.locator(f"#item-{item} button", has_text="保存").click()
    page.wait_for_selector(f"#item-{item} td.num:text-is('320')")


def test_an_error_answer_to_htmx_is_shown_not_dropped(page, sign_in):
    """core.middleware answers an htmx request with the error card; base.html's htmx config shows it."""
    sign_in("jm_admin", "Jm@admin2024")
    page.goto("/extraction/")
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate("htmx.ajax('GET', '/extraction/items/99999999/', {target: 'main', swap: 'beforeend'})")
    card = page.wait_for_selector("#htmx-error .error-card")
    assert "未找到" in card.inner_text() and page.locator("main h1, main h2").count() >= 1
