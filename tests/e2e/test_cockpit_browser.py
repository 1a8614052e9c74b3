"""The cockpit in a real browser: a 沙坪街道 value submitted and approved shows at once in the 鹤山 cockpit;
the 江门 map is drawn, a click on it drills to 鹤山, table rows drill to a 鹤山 village profile; a reporter of
another county's town cannot open it; no console errors. Screenshots go to var/screenshots/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils import timezone

from bqw.core.numbers import fmt
from bqw.core.periods import Period

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
PERIOD = Period.of_date(timezone.localdate()).id  # the current month in China time, as the app counts it
# the month being reported: the only future a clerk may enter is none (the program window ends today)
HS, SP = "440784000000", "440784001000"
INDICATOR, VILLAGE, AMOUNT, NOTE = "v_income", 5, 4321000, "本月快报数（驾驶舱联动）"


def _login(browser, live_url, user, password, width=1366, height=768):
    context = browser.new_context(base_url=live_url, locale="zh-CN", viewport={"width": width, "height": height})
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto("/accounts/login/")
    page.fill("#id_username", user)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.errors.clear()  # the login page's own favicon request is not the cockpit's
    return page


def _drawn(page, selector="#cp-map"):
    page.wait_for_selector(f"{selector}[data-drawn='1'] canvas", timeout=15000)
    return page.evaluate(f"document.querySelector(\"{selector} canvas\").width") > 0


def _unreviewed(page) -> int:
    """N of the "含未审核值（N 条）" note (0 without a note)."""
    import re

    if page.locator("#cp-unreviewed").count() == 0:
        return 0
    m = re.search(r"（(\d+) 条）", page.inner_text("#cp-unreviewed"))
    return int(m.group(1)) if m else 0


def _row(page, name):
    return page.locator("#cp-children tr", has=page.locator(f"a:text-is('{name}')"))


def _child_value(page, parent: str, child: str, indicator: str) -> float:
    """The child's value in the cockpit JSON (what the page's table shows), 0 without one."""
    data = json.loads(page.request.get(f"/api/v1/cockpit/{parent}?period={PERIOD}&indicator={indicator}").text())
    return next(c["value"] or 0.0 for c in data["children"] if c["code"] == child)


def test_submitted_value_reaches_the_county_cockpit_and_the_map_drills_down(browser, live_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    reporter = _login(browser, live_url, "hs_reporter", "Hs@report2024")
    reviewer = _login(browser, live_url, "hs_reviewer", "Hs@review2024")

    # the town reports monthly for its villages (the demo has no monthly town-level indicator): 村级集体经营性
    # 收入 of one 沙坪街道 village for the month being reported (villages 1–3 belong to the other browser tests)
    reporter.goto(f"/indicators/entry/?period={PERIOD}")
    village = reporter.locator("select[name=region] option").nth(VILLAGE).get_attribute("value")
    assert village.startswith(SP[:9])
    before = _child_value(reviewer, HS, SP, INDICATOR)
    reporter.goto(f"/indicators/entry/?region={village}&period={PERIOD}")
    row = reporter.locator(f"tr.entry-row[data-indicator='{INDICATOR}']")
    row.locator("input[name^=v]:not([type=hidden])").fill(str(AMOUNT))
    row.locator("input[name^=c]").fill(NOTE)  # a jump from earlier months needs a comment
    reporter.click("button[value=submit]")
    assert "已提交" in row.inner_text()
    after = before + AMOUNT

    reviewer.goto(f"/cockpit/{HS}/?period={PERIOD}&indicator={INDICATOR}")
    assert _child_value(reviewer, HS, SP, INDICATOR) == pytest.approx(after)  # live, before review …
    assert fmt(after, "元") in _row(reviewer, "沙坪街道").inner_text()
    unreviewed = _unreviewed(reviewer)
    assert unreviewed >= 1  # … and said to be unreviewed
    assert _drawn(reviewer)  # the county's map of towns is a ranked bar chart

    reviewer.goto("/indicators/review/")
    reviewer.locator("tr", has_text=NOTE).first.locator("button", has_text="通过").click()
    reviewer.wait_for_load_state()
    reviewer.goto(f"/cockpit/{HS}/?period={PERIOD}&indicator={INDICATOR}")
    assert fmt(after, "元") in _row(reviewer, "沙坪街道").inner_text()
    assert _unreviewed(reviewer) == unreviewed - 1
    assert reviewer.errors == [] and reporter.errors == []

    viewer = _login(browser, live_url, "jm_viewer", "Jm@view2024")
    viewer.goto("/")  # the leader's home page is the city cockpit
    viewer.wait_for_url("**/cockpit/440700000000/")
    viewer.goto("/cockpit/440700000000/?period=202406")
    assert _drawn(viewer)
    assert len(viewer.locator("#cp-children tbody tr").all()) == 7
    viewer.screenshot(path=str(SHOTS / "cockpit_jiangmen_1366.png"), full_page=True)
    # a click on 鹤山 in the map (its centre, converted to pixels by the chart) drills down to its cockpit
    x, y = viewer.evaluate("""() => {
        const el = document.querySelector('#cp-map');
        const p = echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, [112.93, 22.72]);
        const r = el.getBoundingClientRect();
        return [r.left + p[0], r.top + p[1]];
    }""")
    viewer.mouse.click(x, y)
    viewer.wait_for_url(f"**/cockpit/{HS}/**")
    assert "鹤山市驾驶舱" in viewer.inner_text("h1")
    # table rows: the town, then its first village → the village profile
    _row(viewer, "沙坪街道").locator("td").nth(1).click()
    viewer.wait_for_url(f"**/cockpit/{SP}/**")
    _drawn(viewer)
    viewer.locator("#cp-children tbody tr").first.locator("td").nth(1).click()
    viewer.wait_for_url("**/regions/440784001*/**")
    assert "单位概况" in viewer.content() and "目标与状态" in viewer.content()
    viewer.wait_for_selector("#profile-chart[data-drawn='1']")
    village = viewer.url.split("/regions/")[1].split("/")[0]
    viewer.screenshot(path=str(SHOTS / "village_profile_1366.png"), full_page=True)
    assert viewer.errors == []

    small = _login(browser, live_url, "jm_viewer", "Jm@view2024", width=390, height=844)
    small.goto("/cockpit/440700000000/?period=202406")
    assert _drawn(small)
    assert small.evaluate("document.documentElement.scrollWidth") <= 390  # no horizontal scroll
    small.screenshot(path=str(SHOTS / "cockpit_jiangmen_390.png"), full_page=True)
    small.goto(f"/regions/{village}/?period=202406")
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    small.screenshot(path=str(SHOTS / "village_profile_390.png"), full_page=True)
    big = _login(browser, live_url, "jm_viewer", "Jm@view2024", width=1920, height=1080)
    big.goto("/cockpit/440700000000/?period=202406&big=1")
    assert _drawn(big) and big.locator("#cp-fullscreen").count() == 1
    big.screenshot(path=str(SHOTS / "cockpit_jiangmen_big.png"))
    assert small.errors == [] and big.errors == []

    other = _login(browser, live_url, "xh_reporter", "Xh@report2024")  # 新会 会城街道
    assert other.goto(f"/regions/{SP}/").status == 404
    assert other.goto(f"/regions/{village}/").status == 404
    assert other.goto(f"/cockpit/{HS}/").status == 404
