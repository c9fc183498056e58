"""The upload card in a real browser (Debian's Chromium): several files, one progress bar and message each."""

from __future__ import annotations

import os
import uuid

import pytest

from tests.evidence import helpers as h
from tests.factories.accounts import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.live]

@pytest.fixture
def chromium(browser):
    """The session's shared Chromium (one Playwright instance per run: two would collide)."""
    return browser


def test_applicant_uploads_several_files_with_progress(chromium, live_server, tmp_path):
    from playwright.sync_api import expect

    username = "evidence_ui_" + uuid.uuid4().hex[:8]
    live_server.add_user(username, "applicant", display_name="重庆山城科技有限公司")
    status, case = live_server.request("POST", "/api/v1/cases", h.COMPLAINT, token=live_server.token(username))
    assert status == 201, case
    good, bad = tmp_path / "购买发票.pdf", tmp_path / "伪装.pdf"
    good.write_bytes(h.pdf("invoice"))
    bad.write_bytes(h.html())
    photo = tmp_path / "门店照片.png"
    photo.write_bytes(h.png("orange", (640, 480)))
    empty = tmp_path / "空白.pdf"
    empty.write_bytes(b"")

    context = chromium.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1100, "height": 900})
    context.set_default_timeout(8000)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"/portal/cases/{case['id']}")

    form = page.locator("form.evidence-upload")
    expect(form).to_be_visible()
    form.locator('input[type="file"]').set_input_files([str(good), str(bad), str(photo), str(empty)])
    queue = form.locator("[data-queue] li")
    expect(queue).to_have_count(4)
    expect(queue.nth(3).locator(".ev-msg")).to_contain_text("空文件")  # refused before sending
    expect(queue.nth(0).locator('input[type="text"]')).to_have_value("购买发票")  # per-file title from the name
    form.get_by_label("证据种类").select_option(label="书证")
    form.get_by_role("button", name="上传").click()

    expect(queue.nth(1).locator(".ev-msg")).to_contain_text("HTML 网页")
    expect(queue.nth(0).locator(".ev-msg")).to_contain_text("已提交证据1")
    expect(queue.nth(2).locator(".ev-msg")).to_contain_text("已提交证据2")
    expect(queue.nth(0).locator("progress")).to_have_attribute("value", "100")
    expect(form.locator("[data-status]")).to_contain_text("失败 1 个")
    page.screenshot(path=str(tmp_path / "upload.png"), full_page=True)

    page.reload()
    card = page.locator("#evidence").locator("..")
    expect(card.get_by_role("link", name="购买发票")).to_be_visible()
    expect(card.get_by_role("link", name="门店照片")).to_be_visible()
    expect(card.locator("img.ev-thumb")).to_have_count(2)
    for img in card.locator("img.ev-thumb").element_handles():
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img)
    page.screenshot(path=str(tmp_path / "after.png"), full_page=True)
    card.get_by_role("link", name="购买发票").click()
    expect(page.get_by_role("heading", name="保管记录")).to_be_visible()
    page.screenshot(path=str(tmp_path / "detail.png"), full_page=True)
    if os.environ.get("CASEFLOW_SCREENSHOTS"):
        import shutil

        for name in ("upload.png", "after.png", "detail.png"):
            shutil.copy(tmp_path / name, os.path.join(os.environ["CASEFLOW_SCREENSHOTS"], "evidence-" + name))
    context.close()
