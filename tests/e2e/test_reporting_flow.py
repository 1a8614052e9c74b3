"""A month-end round trip in the browser: a value entered and submitted by the town reporter,
returned by the 鹤山 reviewer with a reason, corrected, approved — and the county total moves at once."""

import json

import pytest
from django.utils import timezone

from bqw.core.periods import Period

pytestmark = pytest.mark.e2e

# the month being reported, in China time as the app counts it: the demo leaves 沙坪街道's open
PERIOD = Period.of_date(timezone.localdate()).id


def _county_total(page, indicator: str, period: str) -> float | None:
    body = page.goto(f"/api/v1/rollups/440784/{period}/own").text()
    row = json.loads(body).get(indicator)
    return None if row is None else float(row["value"])


def test_enter_submit_return_correct_approve(browser, live_url):
    reporter = browser.new_context(base_url=live_url, locale="zh-CN").new_page()
    reviewer = browser.new_context(base_url=live_url, locale="zh-CN").new_page()
    for page, user, pw in ((reporter, "hs_reporter", "Hs@report2024"), (reviewer, "hs_reviewer", "Hs@review2024")):
        page.goto("/accounts/login/")
        page.fill("#id_username", user)
        page.fill("#id_password", pw)
        page.click("button[type=submit]")
        page.wait_for_url("**/")

    reporter.goto(f"/indicators/entry/?period={PERIOD}")
    row = reporter.locator("tr.entry-row", has=reporter.locator("input[inputmode=decimal]")).first
    indicator = row.get_attribute("data-indicator")
    period = row.get_attribute("data-period")
    before = _county_total(reviewer, indicator, period) or 0.0
    row.locator("input[inputmode=decimal]").first.fill("12")
    row.locator("input[name^=c]").fill("新口径，已核实")  # a jump from earlier periods needs a comment
    reporter.click("button[value=submit]")
    assert "已提交" in row.inner_text()
    assert _county_total(reviewer, indicator, period) == pytest.approx(before + 12)

    reviewer.goto("/indicators/review/")
    row = reviewer.locator("tr", has_text="新口径，已核实").first
    row.locator("input[name=reason]").fill("数值偏低，请核实")
    row.locator("button", has_text="退回").click()

    reporter.goto(f"/indicators/entry/?period={PERIOD}")
    assert "数值偏低，请核实" in reporter.content()
    reporter.locator("input[name^=v]").first.fill("15")
    reporter.click("button[value=submit]")
    assert _county_total(reviewer, indicator, period) == pytest.approx(before + 15)

    reviewer.goto("/indicators/review/")
    row = reviewer.locator("tr", has_text="新口径，已核实").first
    row.locator("button", has_text="通过").click()
    reporter.goto(f"/indicators/entry/?period={PERIOD}")
    assert "已审核" in reporter.content()
    assert _county_total(reviewer, indicator, period) == pytest.approx(before + 15)
