"""Under the Content-Security-Policy (no inline script), the shared page behaviours still work: a confirming
button asks first and does nothing when the question is declined. (Every browser test also fails on anything the
policy blocks: see tests/browser_fixtures.py.)"""

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import check_page, login, unique

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_confirm_before_deleting_a_draft(new_page, live_server):
    name = unique("holder")
    live_server.add_user(name, "applicant", id_type="uscc", id_number="91500103MA5U8KJ84F")
    page = new_page()
    response = page.goto("/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    login(page, name)
    page.get_by_role("button", name="新建投诉举报").click()
    check_page(page)
    page.goto("/portal/")
    drafts = page.locator("#drafts tbody tr")
    expect(drafts).to_have_count(1)

    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.get_by_role("button", name="删除").click()
    # Playwright's click waits for a navigation it started: had the form been submitted, it would be done now.
    assert asked == ["确定删除该草稿吗？删除后不能恢复。"]
    page.reload()
    expect(drafts).to_have_count(1)

    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="删除").click()
    expect(page.locator("#drafts")).to_have_count(0)
