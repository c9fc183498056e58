"""先行发布禁令 in a real browser (issue 7, acceptance 2): inside an adjudication the rights holder applies with
evidence, the officer proposes the order, the head approves it in the approvals inbox, a breach is recorded with
evidence, a police referral is started from the breach, and the injunction shows as superseded once the
adjudication is decided. Assertions are about what a person sees."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caseflow.core import clock
from tests.browser_fixtures import check_page, login, unique, upload_evidence
from tests.evidence import helpers as h
from tests.factories.adjudication import DOCKET_CHECKS

pytestmark = [pytest.mark.browser, pytest.mark.live]

UNIT = "500104"  # 大渡口区: an office the other browser tests leave alone


def test_injunction_applied_approved_breached_referred_superseded(new_page, live_server, tmp_path):
    holder_name, officer_name, head_name = unique("holder"), unique("officer"), unique("head")
    live_server.add_user(holder_name, "applicant", display_name="重庆山城科技有限公司")
    live_server.add_user(officer_name, "officer", UNIT, display_name="张执法")
    live_server.add_user(head_name, "supervisor", UNIT, display_name="李局长")
    panel = [officer_name, unique("officer"), unique("officer")]
    for name in panel[1:]:
        live_server.add_user(name, "officer", UNIT)
    holder_token, head_token = live_server.token(holder_name), live_server.token(head_name)
    body = {"procedure": "adjudication", "unit": UNIT, "kind": "patent_infringement", "ip_type": "invention",
            "right_number": "ZL202010123456.2", "asserted_claims": "权利要求1", "channel": "online",
            "title": "“一种防松脱管道卡箍”发明专利侵权纠纷", "facts": "被请求人在网店销售涉嫌侵权的管道卡箍。",
            "claims": "请求责令停止销售。",
            "claimants": [{"name": "重庆山城科技有限公司", "id_type": "uscc", "id_number": "91500103MA5U8KJ84F",
                           "address": "重庆市渝中区", "phone": "13800000000"}],
            "respondents": [{"name": "重庆某某商贸有限公司", "address": "重庆市大渡口区"}]}
    status, case = live_server.request("POST", "/api/v1/cases", body, token=holder_token)
    assert status == 201, case
    status, case = live_server.request("POST", f"/api/v1/cases/{case['id']}/actions/docket", {
        "version": case["version"], **DOCKET_CHECKS, "members": panel}, token=head_token)
    assert status == 200 and case["state"] == "docketed", case
    invoice = tmp_path / "公证购买发票.pdf"
    invoice.write_bytes(h.pdf("invoice"))

    # The rights holder uploads its evidence and applies for an injunction on the portal.
    holder = new_page()
    login(holder, holder_name)
    holder.goto(f"/portal/cases/{case['id']}")
    upload_evidence(holder, invoice)
    holder.get_by_role("link", name="申请先行禁令").click()
    holder.get_by_label("申请理由及请求禁止的行为").fill("请求责令被请求人立即停止在网店销售JX-60型卡箍。")
    check_page(holder, once=True)
    holder.get_by_role("button", name="申请先行禁令").click()
    expect(holder.get_by_text("已完成：申请先行禁令")).to_be_visible()

    # The officer finds it linked to the adjudication and proposes the order (it needs the head's approval).
    officer = new_page()
    login(officer, officer_name)
    officer.goto(f"/cases/{case['id']}")
    linked = officer.locator("#linked-procedures")
    expect(linked).to_contain_text("已申请")
    number = re.search(r"大渡口知禁〔\d+〕\d+号", linked.inner_text()).group(0)
    check_page(officer, once=True)
    linked.get_by_role("link", name=number).click()
    expect(officer.locator("#case-state")).to_have_text("已申请")
    expect(officer.locator("#deadlines")).to_contain_text("先行发布禁令申请审查")
    officer.get_by_role("link", name=re.compile("^发布禁令")).click()
    officer.get_by_label("审查意见").fill("公证购买的产品与权利要求1的技术特征相同。")
    officer.get_by_label("责令停止的行为").select_option(["stop_selling", "take_down"])
    officer.get_by_label("涉嫌侵权产品及范围").fill("JX-60型管道卡箍")
    check_page(officer, once=True)
    officer.get_by_role("button", name="发布禁令").click()
    expect(officer.get_by_text("应当写明需通知的电子商务平台")).to_be_visible()  # a take-down names the platform
    # The form again with what was typed: only the platform is added.
    expect(officer.get_by_label("审查意见")).to_have_value("公证购买的产品与权利要求1的技术特征相同。")
    expect(officer.get_by_label("涉嫌侵权产品及范围")).to_have_value("JX-60型管道卡箍")
    officer.get_by_label("电子商务平台").fill("某电子商务平台")
    officer.get_by_label("涉嫌侵权的网络销售链接或商品编号").fill("商品编号 6627183920")
    officer.get_by_role("button", name="发布禁令").click()
    expect(officer.get_by_text("已提交负责人审批")).to_be_visible()
    injunction_page = officer.url

    # The head approves it in the approvals inbox.
    head = new_page()
    login(head, head_name)
    head.goto("/approvals/")
    card = head.locator(".card", has_text=number)
    expect(card).to_contain_text("发布禁令")
    check_page(head, once=True)
    card.get_by_role("button", name="批准").click()
    head.goto(injunction_page)
    expect(head.locator("#case-state")).to_have_text("已发布")
    expect(head.locator("#injunction-measures")).to_contain_text("立即停止销售涉嫌侵权产品")
    documents = head.locator(".card", has=head.locator("#notices"))
    expect(documents).to_contain_text("先行禁令决定书")
    expect(documents).to_contain_text("协助删除侵权链接通知书")

    # A breach, with the evidence that shows it, uploaded on the injunction's page.
    officer.goto(injunction_page)
    screenshot = tmp_path / "网店页面截图.pdf"
    screenshot.write_bytes(h.pdf("shop"))
    upload_evidence(officer, screenshot)
    officer.get_by_role("link", name="登记违反禁令").click()
    officer.get_by_label("发现日期").fill(clock.today().isoformat())
    officer.get_by_label("发现方式").select_option(label="网络巡查")
    officer.get_by_label("违反禁令的情况").fill("被申请人网店仍在销售JX-60型卡箍。")
    officer.get_by_label(re.compile("^证据编号")).fill("1")
    check_page(officer, once=True)
    officer.get_by_role("button", name="登记违反禁令").click()
    expect(officer.locator("#case-state")).to_have_text("违反禁令")
    expect(officer.locator("#injunction-checks")).to_contain_text("被申请人网店仍在销售")

    # The breach starts a police referral; the injunction lists it with its state.
    officer.get_by_role("link", name="发起移送").click()
    officer.get_by_label("移送类型").select_option(label="涉嫌犯罪移送公安机关")
    officer.get_by_label("接收机关").fill("重庆市公安局大渡口区分局")
    officer.get_by_label(re.compile("^移送理由")).fill("违反禁令继续销售，涉嫌假冒专利罪。")
    officer.get_by_label("移送期间本案").select_option(label="本案继续办理（不停止已作出的非罚款措施）")
    check_page(officer, once=True)
    officer.get_by_role("button", name="发起移送").click()
    expect(officer.get_by_text("已完成：发起移送")).to_be_visible()
    referrals = officer.locator("#linked-procedures")
    expect(referrals).to_contain_text("涉嫌犯罪移送公安机关")
    expect(referrals).to_contain_text("拟移送")

    # The adjudication is decided; the injunction then shows as superseded.
    status, case = live_server.request("GET", f"/api/v1/cases/{case['id']}", token=head_token)
    for action, fields in (("serve_respondent", {}), ("record_answer", {"answer": "不构成侵权。"}),
                           ("deliberate", {"outcome": "infringement", "opinion": "落入保护范围。"}),
                           ("decide", {"outcome": "infringement", "reasons": "落入保护范围。",
                                       "measures": "立即停止销售", "measure_kind": "stop_acts"})):
        status, case = live_server.request("POST", f"/api/v1/cases/{case['id']}/actions/{action}",
                                           {"version": case["version"], **fields}, token=head_token)
        assert status == 200, (action, case)
    officer.goto(injunction_page)
    expect(officer.locator("#case-state")).to_have_text("随主案结案失效")
    expect(officer.locator("#linked-procedures")).to_contain_text("拟移送")  # the referral goes on
