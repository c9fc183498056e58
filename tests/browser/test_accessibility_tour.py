"""Issue #16: the pages no journey passes through, each opened by a person allowed to see it and checked with
axe-core (no serious or critical violation): the account pages, the administrator's, the staff calendars, rooms,
sign-off, referrals, evidence pages, every statistics page, and the public document verification."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from caseflow.accounts.models import IdType
from caseflow.stats.sections import SECTIONS
from tests.browser_fixtures import check_page, login, unique, upload_evidence
from tests.evidence import helpers as h
from tests.factories.adjudication import DOCKET_CHECKS

pytestmark = [pytest.mark.browser, pytest.mark.live]

UNIT = "500108"  # 南岸区: an office the other browser tests leave alone


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, (url, response and response.status)
    expect(page.locator("main")).to_be_visible()
    check_page(page)


def test_every_other_page_passes_axe_core(new_page, live_server, tmp_path):
    holder_name, officer_name, head_name = unique("holder"), unique("officer"), unique("head")
    admin_name, city_name = unique("admin"), unique("city")
    live_server.add_user(holder_name, "applicant", display_name="重庆山城科技有限公司", id_type=IdType.USCC,
                         id_number="91500103MA5U8KJ84F")
    panel = [officer_name, unique("officer"), unique("officer")]
    for name in panel:
        live_server.add_user(name, "officer", UNIT)
    live_server.add_user(head_name, "supervisor", UNIT, display_name="南岸区负责人")
    live_server.add_user(admin_name, "admin", "500000", display_name="系统管理员")
    live_server.add_user(city_name, "supervisor", "500000", display_name="市局统计员")

    # A docketed case with an issued document and a piece of evidence.
    holder_token, head_token = live_server.token(holder_name), live_server.token(head_name)
    status, case = live_server.request("POST", "/api/v1/cases", {
        "procedure": "adjudication", "unit": UNIT, "kind": "patent_infringement", "ip_type": "invention",
        "right_number": "ZL202010123456.2", "asserted_claims": "权利要求1", "channel": "online",
        "title": "“一种防松脱管道卡箍”发明专利侵权纠纷", "facts": "被请求人销售涉嫌侵权的管道卡箍。",
        "claims": "责令被请求人停止销售。",
        "claimants": [{"name": "重庆山城科技有限公司", "id_type": "uscc", "id_number": "91500103MA5U8KJ84F",
                       "address": "重庆市渝中区", "phone": "13800000000"}],
        "respondents": [{"name": "重庆某某商贸有限公司", "address": "重庆市南岸区"}]}, token=holder_token)
    assert status == 201, case
    status, case = live_server.request("POST", f"/api/v1/cases/{case['id']}/actions/docket", {
        "version": case["version"], **DOCKET_CHECKS, "members": panel}, token=head_token)
    assert status == 200, case
    [draft] = [n for n in case["notices"] if n["kind"] == "acceptance"]
    status, acceptance = live_server.request("POST", f"/api/v1/notices/{draft['id']}/issue", {}, token=head_token)
    assert status == 200, acceptance
    invoice = tmp_path / "公证购买发票.pdf"
    invoice.write_bytes(h.pdf("invoice"))

    holder = new_page()
    login(holder, holder_name)
    holder.goto(f"/portal/cases/{case['id']}")
    upload_evidence(holder, invoice)
    check_page(holder)
    for url in ("/account/", "/account/password", f"/cases/{case['id']}/evidence"):
        visit(holder, url)

    officer = new_page()
    login(officer, officer_name)
    status, listed = live_server.request("GET", f"/api/v1/cases/{case['id']}", token=head_token)
    [evidence] = listed["evidence"]
    for url in (f"/cases/{case['id']}", f"/cases/{case['id']}/evidence",
                f"/cases/{case['id']}/evidence/{evidence['id']}", "/hearings/calendar", "/hearings/rooms",
                "/notices/signoff", "/referrals/incoming", "/cases/?view=overdue"):
        visit(officer, url)

    city = new_page()
    login(city, city_name)
    for section in SECTIONS:
        visit(city, f"/stats/{section}")

    admin = new_page()
    login(admin, admin_name)
    for url in ("/admin/calendar/", "/admin/users/", "/admin/users/new", "/admin/offices/", "/admin/events/"):
        visit(admin, url)
    admin.goto("/admin/users/")
    admin.get_by_label("用户名或姓名").fill(head_name)
    admin.get_by_role("button", name="查询").click()
    admin.get_by_role("link", name=head_name, exact=True).click()
    expect(admin.locator("main")).to_contain_text("南岸区负责人")
    check_page(admin)

    public = new_page()
    for url in ("/", "/verify", f"/verify/{acceptance['verify_code']}", "/decisions"):
        visit(public, url)
