"""Debian's Chromium driven by Playwright (never a downloaded browser), one per test session, shared by all browser
tests. Every page a browser test visits is checked with axe-core (issue #16) as it stands when the test leaves it,
and every test may keep screenshots under test-artifacts/ (gitignored; pytest names the directory in its summary)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
TIMEOUT_MS = 8000  # a step that takes longer than this is a failure, not slowness
#: The axe-core findings a page must not have (issue #16): what bars a screen-reader or keyboard user.
AXE_IMPACTS = ("serious", "critical")
#: Lesser findings held to as well: a column a screen reader announces without a name.
AXE_RULES = ("empty-table-header",)
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


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


def axe_findings(page) -> list[str]:
    """The serious and critical axe-core violations of the page as it stands, one line each (none for a PDF or a
    blank page)."""
    from axe_playwright_python.sync_playwright import Axe

    if not page.url.startswith("http") or page.evaluate("document.contentType") != "text/html":
        return []
    results = Axe().run(page).response
    return [f"{page.url}: {v['id']} ({v['impact']}) {v['help']}: "
            + "; ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:5])
            for v in results["violations"] if v["impact"] in AXE_IMPACTS or v["id"] in AXE_RULES]


def page_kind(url: str) -> str | None:
    """The page a URL shows, whatever its ids ("/cases/{n}/actions/docket"); None for what is not a page."""
    path = re.sub(r"^https?://[^/]+", "", url).split("?", maxsplit=1)[0].split("#", maxsplit=1)[0]
    if not url.startswith("http") or path.startswith("/static/") or path.endswith((".pdf", ".png", ".csv", ".zip")):
        return None
    return re.sub(r"/\d+", "/{n}", path) or "/"


class _Audit:
    """Per test: the pages visited and checked, and what axe-core found."""

    def __init__(self) -> None:
        self.visited: dict[str, str] = {}  # page kind → first URL seen
        self.checked: set[str] = set()
        self.findings: list[str] = []


_AUDITS: dict[int, _Audit] = {}  # id(page) → its test's audit, while the test runs


def check_page(page, *, once: bool = False) -> None:
    """Check the page as it stands with axe-core (issue #16); ``once``: not again if this kind of page was already
    checked in this test. A browser test checks every kind of page it visits (the fixture fails it otherwise)."""
    audit = _AUDITS[id(page)]
    kind = page_kind(page.url)
    if kind is None or (once and kind in audit.checked):
        return
    audit.findings.extend(axe_findings(page))
    audit.checked.add(kind)


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context (its own cookies: one person) against the live server.

    Every browser test also checks the Content-Security-Policy: a script or style the policy blocked (Chromium
    reports it on the console) fails the test, since that behaviour silently went missing for the user. And every
    kind of page it visits must have been checked with axe-core (check_page; each page is checked once more as the
    test leaves it): a serious or critical violation, or a page never checked, fails the test.
    """
    contexts = []
    pages = []
    audit = _Audit()
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

        def arrived(frame) -> None:  # no call into the browser here: the test's own steps run meanwhile
            kind = page_kind(frame.url) if frame.parent_frame is None else None
            if kind is not None:
                audit.visited.setdefault(kind, frame.url)

        page.on("framenavigated", arrived)
        _AUDITS[id(page)] = audit
        pages.append(page)
        return page

    yield make
    try:
        for page in pages:
            if not page.is_closed():
                check_page(page)
    finally:
        for page in pages:
            _AUDITS.pop(id(page), None)
        for context in contexts:
            context.close()
    assert not blocked, "the Content-Security-Policy blocked: " + "\n".join(blocked)
    assert not audit.findings, "axe-core (serious, critical):\n" + "\n".join(dict.fromkeys(audit.findings))
    unchecked = {kind: url for kind, url in audit.visited.items() if kind not in audit.checked}
    assert not unchecked, "pages visited but never checked with axe-core (check_page): " + ", ".join(
        f"{kind} ({url})" for kind, url in unchecked.items())


@pytest.fixture
def snapshot(request):
    """snapshot(page, "name") keeps a full-page screenshot under test-artifacts/<test>/ (numbered in order)."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    taken: list[Path] = []

    def take(page, name: str) -> Path:
        if not taken:  # a test's screenshots are of its last run only
            shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{len(taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        taken.append(path)
        return path

    return take


# ---- helpers the browser tests share ----


def unique(prefix: str) -> str:
    """A name no other test used: the live database lives for the whole session."""
    import uuid

    return f"{prefix}{uuid.uuid4().hex[:8]}"


def login(page, username: str, password: str | None = None) -> None:
    from tests.factories.accounts import PASSWORD

    page.goto("/login")
    check_page(page, once=True)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password or PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login" not in url)
    check_page(page, once=True)  # the page a person lands on


def next_button(page):
    import re

    return page.get_by_role("button", name=re.compile(r"^下一步"))


def act(page, case_id: int, action: str, fill=None, *, button: str | None = None) -> None:
    """Open an action's form on the case page, fill it, submit; land back on the case page."""
    page.goto(f"/cases/{case_id}/actions/{action}")
    check_page(page, once=True)
    if fill:
        fill(page)
    if page.locator('input[name="confirmed"]').count():  # an irreversible step asks for a ticked "我已核对"
        page.get_by_label("我已核对，确认执行此操作").check()
    heading = page.locator("h1").inner_text().split(" · ")[0]
    page.get_by_role("button", name=button or heading, exact=True).click()


def submit_labelled(page, label: str, fields: dict) -> None:
    """On an action's form headed ``label``: fill fields by label (selects by option text, ticks checkboxes), confirm
    an irreversible step, submit, and wait for the case page's "已完成"."""
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name=re.compile(label))).to_be_visible()
    check_page(page, once=True)
    for name, value in fields.items():
        field = page.get_by_label(name, exact=True)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        elif field.get_attribute("type") == "checkbox":
            field.check()
        else:
            field.fill(value)
    if page.locator('input[name="confirmed"]').count():  # an irreversible step asks for a ticked "我已核对"
        page.get_by_label("我已核对，确认执行此操作").check()
    page.get_by_role("button", name=label, exact=True).click()
    expect(page.get_by_text(f"已完成：{label}")).to_be_visible()


def fill_docket(page, members: list[str], *, evaluation_report: str | None = None) -> None:
    """The 立案 form's art. 12 filing checks answered for a patentee's admissible request, and the 合议组."""
    page.get_by_label("请求人主体资格（第十二条第（一）项）").select_option("patentee")
    page.get_by_label("有明确的请求事项和具体事实、理由（第十二条第（三）项）").select_option("yes")
    page.get_by_label("管辖依据（第六条、第十二条第（四）项）").select_option("infringement_place")
    page.get_by_label("任何一方已就该纠纷向人民法院起诉（第十二条第（五）项）").select_option("no")
    page.get_by_label("双方约定了其他纠纷解决方式（第十二条第（五）项）").select_option("no")
    page.get_by_label("专利权状态（专利登记簿副本，第十四条）").select_option("valid")
    if evaluation_report:
        page.get_by_label("专利权评价报告（实用新型、外观设计，第十四条第二款）").select_option(evaluation_report)
    page.get_by_label("合议组成员（三名以上单数办案人员，第二十条）").select_option(members)


def issue(page, case_id: int, title: str, parts: dict[str, str] | None = None, button: str = "签发") -> None:
    """Open a drafted document from the case page, write ``parts`` (label → text) into it and issue (签发) it, or
    with ``button="提请负责人签发"`` send it to the head for sign-off."""
    from playwright.sync_api import expect

    page.goto(f"/cases/{case_id}")
    check_page(page, once=True)
    page.locator("#notices").locator("xpath=..").get_by_role("link", name=title, exact=True).last.click()
    check_page(page, once=True)
    if parts:
        for label, text in parts.items():
            page.get_by_label(label).fill(text)
        page.get_by_role("button", name="保存草稿").click()
        expect(page.locator("body")).to_contain_text("已保存")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator("body")).to_contain_text("已签发" if button == "签发" else "已提交负责人签发")


def upload_evidence(page, path, kind: str = "书证") -> None:
    """Submit a file through the evidence card of the case page open (the portal's or the workspace's)."""
    from playwright.sync_api import expect

    form = page.locator("form.evidence-upload")
    form.locator('input[type="file"]').set_input_files([str(path)])
    form.get_by_label("证据种类").select_option(label=kind)
    # Once every file is in, the page reloads itself (static/evidence.js): wait for that reload, or the caller's
    # next navigation races it and is aborted.
    with page.expect_navigation(timeout=30_000):
        form.get_by_role("button", name="上传").click()
    expect(page.locator(".ev-body").filter(has_text=path.name).first).to_be_visible()
