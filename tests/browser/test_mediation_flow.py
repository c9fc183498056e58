"""行政调解 end to end in a real browser (issue 7, acceptance): a rights holder requests mediation on the portal;
the officer sends the 陈述意见通知书; the respondent claims the access code and agrees; the case is docketed, a
remote session is scheduled and held, the terms are recorded; both parties confirm the 调解协议书 online; the
30-day confirmation window shows from the effective date; the application, the court's acceptance and its ruling
are recorded. An ownership agreement shows why it cannot be sent for confirmation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from caseflow.accounts.models import IdType
from caseflow.core import clock
from tests.browser_fixtures import check_page, login, submit_labelled, unique

pytestmark = [pytest.mark.browser, pytest.mark.live]


CONSENT = "本人已阅读调解协议书全文，同意其内容，以在线确认作为签名"  # the party's signing checkbox


def do(page, label: str, **fields) -> None:
    """Open an action's form from the case page, fill it (labels → values; selects by option text), submit."""
    page.get_by_role("link", name=label, exact=True).click()
    submit_labelled(page, label, fields)


def issue_drafts(live_server, token: str, case_id: int) -> list[str]:
    """Issue every draft document of the case (the officer's 签发), returning the numbers."""
    status, body = live_server.request("GET", f"/api/v1/cases/{case_id}/notices", token=token)
    assert status == 200, body
    numbers = []
    for n in body["items"]:
        if n["status"] == "draft":
            status, issued = live_server.request("POST", f"/api/v1/notices/{n['id']}/issue", {}, token=token)
            assert status == 200, issued
            numbers.append(issued["number"])
    return numbers


def test_mediation_from_request_to_confirmed_agreement(new_page, live_server):
    holder_name, respondent_name, officer_name = unique("holder"), unique("resp"), unique("officer")
    live_server.add_user(holder_name, "applicant", display_name="重庆山城科技有限公司", id_type=IdType.USCC,
                         id_number="91500103MA5U8KJ84F")
    live_server.add_user(respondent_name, "respondent", display_name="张某")
    live_server.add_user(officer_name, "officer", "500103", display_name="李调解")
    officer_token = live_server.token(officer_name)
    today = clock.today()

    # The 调解请求书 on the portal.
    holder = new_page()
    login(holder, holder_name)
    holder.get_by_role("link", name="请求行政调解").click()
    expect(holder.get_by_role("heading", name=re.compile("请求行政调解"))).to_be_visible()
    holder.get_by_label("受理单位").select_option("500103")
    holder.get_by_label(re.compile("^纠纷类型")).select_option(label="职务发明奖励报酬纠纷")
    holder.get_by_label("专利类型").select_option(label="发明专利")
    holder.get_by_label("专利号或专利申请号").fill("2020101234562")
    expect(holder.locator("#claimants-0-name")).to_have_value("重庆山城科技有限公司")
    holder.locator("#respondents-0-name").fill("张某")
    holder.get_by_label("纠纷名称").fill("职务发明奖励报酬纠纷")
    holder.get_by_label("事实和理由").fill("请求人完成的职务发明已实施，被请求人未支付报酬。")
    holder.get_by_label("请求调解的事项").fill("请求就职务发明报酬数额进行调解。")
    check_page(holder, once=True)
    holder.get_by_role("button", name="提交调解请求").click()
    receipt = holder.locator("#receipt")
    number_re = re.compile(rf"渝中知调〔{today.year}〕\d+号")
    expect(receipt).to_contain_text(number_re)
    expect(holder.locator("#case-state")).to_have_text("已申请")
    check_page(holder, once=True)
    expect(holder.locator("#med-category")).to_have_text("职务发明奖励报酬纠纷")
    holder_case = holder.url.split("?")[0]
    case_id = int(holder_case.rstrip("/").rsplit("/", 1)[1])

    # The officer sends the 陈述意见通知书 (and with it the respondent's access code).
    officer = new_page()
    login(officer, officer_name)
    officer.goto(f"/cases/{case_id}")
    check_page(officer, once=True)
    officer.get_by_role("button", name="通知被请求人陈述意见").click()
    expect(officer.locator("#case-state")).to_have_text("待陈述意见")
    code = officer.locator("#access-codes code").inner_text()

    # The respondent claims the code and agrees to mediate.
    respondent = new_page()
    login(respondent, respondent_name)
    respondent.goto("/hearings/access")
    respondent.locator("input[name=code]").fill(code)
    check_page(respondent, once=True)
    respondent.get_by_role("button", name="关联案件").click()
    expect(respondent.locator("#case-state")).to_have_text("待陈述意见")
    do(respondent, "提交意见陈述书", 是否同意调解="是", 意见陈述="同意调解。")

    # Docket, a remote session, the mediator's notes, the agreed terms.
    officer.reload()
    do(officer, "立案调解", 主持调解的组织="本局（行政调解）")
    expect(officer.locator("#case-state")).to_have_text("调解中")
    day = today + dt.timedelta(days=7)
    do(officer, "安排调解", 调解日期=day.isoformat(), 调解方式="远程调解（在线）",
       远程调解链接="https://meeting.example.cn/med-1")
    expect(officer.locator("#mediation-panel")).to_contain_text("https://meeting.example.cn/med-1")
    do(officer, "登记调解情况", 到场情况="双方均到场", **{"调解笔录（调解员记录）": "双方陈述了意见。"})
    do(officer, "达成调解协议", 双方同意的协议内容="被请求人向请求人支付职务发明报酬人民币三万元。")
    expect(officer.locator("#case-state")).to_have_text("协议待签署")
    issue_drafts(live_server, officer_token, case_id)

    # Both parties confirm online: each confirmation is their signature.
    holder.goto(holder_case)
    expect(holder.locator("#agreement-terms")).to_contain_text("人民币三万元")
    do(holder, "在线确认调解协议", **{CONSENT: True})
    expect(holder.locator("#agreement-signatures")).to_contain_text("请求人：已签署")
    expect(holder.locator("#agreement-signatures")).to_contain_text("被请求人：尚未签署")
    respondent.goto(holder_case)
    do(respondent, "在线确认调解协议", **{CONSENT: True})
    expect(respondent.locator("#case-state")).to_have_text("协议已生效")
    expect(respondent.locator("#agreement-effective")).to_have_text(today.isoformat())

    # The 30-day window, from the effective date, as the deadline engine computed it.
    _status, detail = live_server.request("GET", f"/api/v1/cases/{case_id}", token=officer_token)
    [window] = [d for d in detail["deadlines"] if d["rule"] == "JC_APPLICATION"]
    assert f"调解协议生效之日 {today.isoformat()} 起 30" in window["explanation"], window
    assert dt.date.fromisoformat(window["due"]) >= today + dt.timedelta(days=30)
    officer.reload()
    expect(officer.locator("#confirmation-window")).to_contain_text(
        f"自 {today.isoformat()}（调解协议生效之日）起三十日，至 {window['due']} 届满")

    # The package for the court, the application, the court's acceptance and ruling.
    package = officer.request.get(f"/cases/{case_id}/mediation/confirmation-package.pdf")
    assert package.status == 200 and package.headers["content-type"] == "application/pdf"
    do(officer, "申请司法确认", 受理申请的人民法院="重庆市渝中区人民法院", 申请方式="双方当事人共同申请",
       法院审查期限口径="法定期限：立案之日起三十日（民事诉讼法第一百八十七条）")
    expect(officer.locator("#case-state")).to_have_text("已申请司法确认")
    do(officer, "登记法院受理", 法院案号="（2026）渝0103民特21号")
    do(officer, "登记确认裁定", 法院案号="（2026）渝0103民特21号")
    expect(officer.locator("#case-state")).to_have_text("已司法确认")
    expect(officer.locator("#court-case")).to_have_text("（2026）渝0103民特21号")
    numbers = issue_drafts(live_server, officer_token, case_id)
    assert numbers and all("〔" in n for n in numbers)
    _status, listed = live_server.request("GET", f"/api/v1/cases/{case_id}/notices", token=officer_token)
    assert {n["kind"] for n in listed["items"] if n["status"] == "issued"} == {
        "statement_notice", "acceptance", "mediation_agreement", "confirmation_notice"}

    holder.goto(holder_case)
    expect(holder.locator("#case-state")).to_have_text("已司法确认")


def test_ownership_agreement_shows_why_it_cannot_be_confirmed(new_page, live_server):
    holder_name, officer_name = unique("holder"), unique("officer")
    live_server.add_user(holder_name, "applicant", display_name="重庆山城科技有限公司", id_type=IdType.USCC,
                         id_number="91500103MA5U8KJ84F")
    live_server.add_user(officer_name, "officer", "500103", display_name="李调解")
    body = {"unit": "500103", "category": "ownership", "ip_type": "invention", "right_number": "ZL202010123456.2",
            "title": "专利权权属纠纷", "facts": "双方对专利权归属有争议。", "claims": "请求调解专利权归属。",
            "claimants": [{"name": "重庆山城科技有限公司", "id_type": "uscc", "id_number": "91500103MA5U8KJ84F"}],
            "respondents": [{"name": "张某"}]}
    status, case = live_server.request("POST", "/api/v1/mediation/requests", body, token=live_server.token(holder_name))
    assert status == 201, case
    token = live_server.token(officer_name)
    version = case["version"]
    for action, fields in (("notify_respondent", {}), ("record_statement", {"agrees": "yes", "statement": "同意。"}),
                           ("docket", {"body": "office"}), ("record_agreement", {"terms": "专利权归请求人所有。"}),
                           ("record_signature", {"side": "claimant"}), ("record_signature", {"side": "respondent"})):
        status, case = live_server.request("POST", f"/api/v1/cases/{case['id']}/actions/{action}",
                                           {"version": version, **fields}, token=token)
        assert status == 200, case
        version = case["version"]

    officer = new_page()
    login(officer, officer_name)
    officer.goto(f"/cases/{case['id']}")
    expect(officer.locator("#case-state")).to_have_text("协议已生效")
    expect(officer.locator("#confirmation-blocked")).to_contain_text("不能申请司法确认")
    expect(officer.locator("#confirmation-blocked")).to_contain_text("第三百五十五条")
    expect(officer.get_by_role("link", name="申请司法确认")).to_have_count(0)
    # Going to the form's address anyway: the engine refuses with the same reason.
    officer.goto(f"/cases/{case['id']}/actions/apply_confirmation")
    officer.get_by_label("受理申请的人民法院").fill("重庆市渝中区人民法院")
    officer.get_by_label("申请方式").select_option(label="双方当事人共同申请")
    officer.get_by_label("法院审查期限口径").select_option(label="法定期限：立案之日起三十日（民事诉讼法第一百八十七条）")
    check_page(officer, once=True)
    officer.get_by_role("button", name="申请司法确认").click()
    # The form again, with the engine's reason and what was typed; the case is as it was.
    expect(officer.locator("#refusal")).to_contain_text("知识产权确权")
    expect(officer.get_by_label("受理申请的人民法院")).to_have_value("重庆市渝中区人民法院")
    officer.get_by_role("link", name="返回").click()
    expect(officer.locator("#case-state")).to_have_text("协议已生效")
