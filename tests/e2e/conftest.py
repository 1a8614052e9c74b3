"""Browser tests: a real gunicorn server on its own SQLite file with the 江门 demo, driven by Debian's Chromium.

They skip (with the reason) where Chromium or Playwright is missing; CI installs both.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.servers import gunicorn_server

CHROMIUM = os.environ.get("BQW_CHROMIUM", "/usr/bin/chromium")


def _require_browser() -> None:
    """Skip, with the reason, where Debian's Chromium or Playwright is missing (whichever fixture runs first)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def _server(tmp_path_factory, name: str, commands: list[list[str]]):
    """A gunicorn server on its own SQLite file, prepared by the given `bqw` commands; yields its URL."""
    for url, _env in gunicorn_server(tmp_path_factory, name, commands):
        yield url


@pytest.fixture(scope="session")
def live_url(tmp_path_factory):
    """The 江门 demo: `bqw init && bqw demo`."""
    _require_browser()
    yield from _server(tmp_path_factory, "e2e", [["init"], ["demo"]])


FRESH_ADMIN = ("gd_admin", "Gd@fresh2026")


@pytest.fixture(scope="session")
def fresh_url(tmp_path_factory):
    """A fresh installation: only `bqw init`, then the province admin made on the command line (issue 11)."""
    _require_browser()
    user, password = FRESH_ADMIN
    yield from _server(tmp_path_factory, "fresh", [
        ["init"], ["users", "create", "--username", user, "--org", "广东省百千万工程指挥部", "--role", "admin",
                   "--view", "44", "--password", password, "--name", "省指挥部管理员"]])


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture
def page(browser, live_url):
    context = browser.new_context(base_url=live_url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def sign_in(page):
    def as_(username: str, password: str):
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url("**/")
        return page

    return as_
