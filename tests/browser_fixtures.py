"""Debian's Chromium driven by Playwright (never a downloaded browser), one per test session, shared by all browser
tests."""

from __future__ import annotations

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
TIMEOUT_MS = 8000  # a step that takes longer than this is a failure, not slowness


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM} (`make test` installs it with apt-get)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context (its own cookies: one person) against the live server.

    Every browser test also checks the Content-Security-Policy: a script or style the policy blocked (Chromium
    reports it on the console) fails the test, since that behaviour silently went missing for the user.
    """
    contexts = []
    blocked: list[str] = []

    def watch(msg) -> None:
        if "Content Security Policy" in msg.text:
            blocked.append(msg.text)

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                      viewport={"width": width, "height": height})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("console", watch)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not blocked, "the Content-Security-Policy blocked: " + "\n".join(blocked)


# ---- helpers the browser tests share ----


def unique(prefix: str) -> str:
    """A name no other test used: the live database lives for the whole session."""
    import uuid

    return f"{prefix}{uuid.uuid4().hex[:8]}"


def login(page, username: str, password: str | None = None) -> None:
    from tests.factories.accounts import PASSWORD

    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password or PASSWORD)
    page.get_by_role("button", name="登录").click()


def next_button(page):
    import re

    return page.get_by_role("button", name=re.compile(r"^下一步"))
