"""Complaint intake end to end in a real browser (issue 2, item 8).

A rights holder registers, files a complaint step by step (saving, leaving and resuming the draft), submits and
gets a receipt with the office's case number; an officer accepts it from the queue; the rights holder sees the
new state. Assertions are about what a person sees.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caseflow.accounts.models import IdType
from caseflow.core import clock
from tests.browser_fixtures import check_page, login, next_button, unique

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_rights_holder_files_officer_accepts_holder_sees_it(new_page, live_server):
    holder = new_page()

    # Register as an organisation; registration logs in and lands on "my cases".
    username = unique("shancheng")
    holder.goto("/register")
    holder.get_by_label("注册类型").select_option(label="法人或其他组织")
    holder.get_by_label("姓名/单位名称").fill("重庆山城科技有限公司")
    holder.get_by_label("居民身份证号/统一社会信用代码").fill("91500103MA5U8KJ84F")
    holder.get_by_label("手机号码").fill("13800000000")
    holder.get_by_label("用户名").fill(username)
    holder.get_by_label(re.compile(r"^密码")).fill("pass-word-9")
    holder.get_by_label("确认密码").fill("pass-word-9")
    check_page(holder, once=True)
    holder.get_by_role("button", name="注册").click()
    expect(holder.get_by_role("heading", name="我的案件")).to_be_visible()
    expect(holder.get_by_text("注册成功")).to_be_visible()

    # Step 1: the office and the right (the patent number in its bare 13-digit form).
    check_page(holder, once=True)
    holder.get_by_role("button", name="新建投诉举报").click()
    expect(holder.get_by_role("heading", name="填写投诉举报")).to_be_visible()
    holder.get_by_label("受理单位").select_option("500103")
    holder.get_by_label("投诉类型").select_option(label="专利侵权")
    holder.get_by_label("权利类型").select_option(label="发明专利")
    holder.get_by_label("权利编号").fill("2020101234562")
    holder.get_by_label("主张的权利要求").fill("权利要求1-3")
    check_page(holder, once=True)
    next_button(holder).click()

    # Step 2: the filer is prefilled as the first claimant.
    expect(holder.locator(".steps [aria-current=step]")).to_have_text(re.compile("投诉人"))
    expect(holder.locator("#claimants-0-name")).to_have_value("重庆山城科技有限公司")
    expect(holder.locator("#claimants-0-id_number")).to_have_value("91500103MA5U8KJ84F")
    holder.locator("#claimants-0-address").fill("重庆市渝中区民生路1号")
    next_button(holder).click()

    # Step 3: a respondent; save the draft, leave, and resume it from the draft list.
    expect(holder.locator(".steps [aria-current=step]")).to_have_text(re.compile("被投诉人"))
    holder.locator("#respondents-0-name").fill("重庆某某商贸有限公司")
    holder.locator("#respondents-0-address").fill("重庆市渝中区解放碑")
    holder.get_by_role("button", name="保存草稿").click()
    expect(holder.get_by_text("草稿已保存")).to_be_visible()
    holder.get_by_role("link", name="我的案件").click()
    drafts = holder.locator("#drafts")
    expect(drafts).to_contain_text("第 3 步")
    drafts.get_by_role("link", name="继续填写").click()
    expect(holder.locator("#respondents-0-name")).to_have_value("重庆某某商贸有限公司")
    holder.locator("#respondents-0-name").press("Enter")  # Enter means "next", never "remove a row"

    # Step 4: facts and requests, then the review page shows what will be filed.
    expect(holder.locator(".steps [aria-current=step]")).to_have_text(re.compile("事实与请求"))
    holder.get_by_label("案由").fill("销售侵犯发明专利权的空气净化器")
    holder.get_by_label("事实与理由").fill("被投诉人在解放碑门店销售涉嫌侵权的空气净化器。")
    holder.get_by_label("请求事项").fill("请求责令停止销售。")
    next_button(holder).click()
    expect(holder.get_by_role("heading", name="确认提交")).to_be_visible()
    for shown in ("专利侵权", "发明专利", "ZL202010123456.2", "重庆某某商贸有限公司", "请求责令停止销售。"):
        expect(holder.locator("main")).to_contain_text(shown)
    check_page(holder, once=True)
    holder.get_by_role("button", name="提交投诉").click()

    # The receipt carries the office's number; the case starts as 已提交.
    receipt = holder.locator("#receipt")
    expect(receipt).to_be_visible()
    number_re = re.compile(rf"渝中知投〔{clock.today().year}〕\d+号")
    expect(receipt).to_contain_text(number_re)
    number = number_re.search(receipt.inner_text()).group(0)
    expect(holder.locator("#case-state")).to_have_text("已提交")
    case_page = holder.url.split("?")[0]

    # An officer of 渝中区 opens it from the queue of unassigned cases and accepts it.
    officer_name = unique("officer")
    live_server.add_user(officer_name, "officer", "500103", display_name="张执法")
    officer = new_page()
    login(officer, officer_name)
    expect(officer.get_by_role("heading", name="案件")).to_be_visible()
    check_page(officer, once=True)
    officer.get_by_role("link", name="本单位待分配").click()
    officer.get_by_role("link", name=number).click()
    expect(officer.locator("#case-state")).to_have_text("已提交")
    check_page(officer, once=True)
    # 受理 cannot be undone: its form asks for a ticked "我已核对" (no script involved).
    officer.get_by_role("link", name="受理", exact=True).click()
    officer.get_by_role("button", name="受理", exact=True).click()
    expect(officer.locator("#confirmed-error")).to_have_text("请勾选“我已核对”后再提交")
    check_page(officer, once=True)
    officer.get_by_label("我已核对，确认执行此操作").check()
    officer.get_by_role("button", name="受理", exact=True).click()
    expect(officer.get_by_text("已完成：受理")).to_be_visible()
    expect(officer.locator("#case-state")).to_have_text("已受理")

    # The rights holder reloads the case page and sees the new state.
    holder.goto(case_page)
    expect(holder.locator("#case-state")).to_have_text("已受理")
    expect(holder.locator(".timeline")).to_contain_text("受理")
    expect(holder.locator("#receipt")).to_have_count(0)


def test_portal_pages_fit_a_phone(new_page, live_server):
    """At 390 px wide nothing on the portal scrolls sideways."""
    username = unique("phone")
    live_server.add_user(username, "applicant", display_name="重庆山城科技有限公司", id_type=IdType.USCC,
                         id_number="91500103MA5U8KJ84F")
    body = {"procedure": "complaint", "unit": "500103", "kind": "patent_infringement", "ip_type": "invention",
            "right_number": "ZL202010123456.2", "asserted_claims": "权利要求1-3",
            "title": "销售侵犯发明专利权的空气净化器（线上店铺与线下门店同时销售，涉及多个型号）",
            "facts": "被投诉人在解放碑门店销售涉嫌侵权的空气净化器。" * 8, "claims": "请求责令停止销售。",
            "channel": "online",
            "claimants": [{"name": "重庆山城科技有限公司", "id_type": "uscc", "id_number": "91500103MA5U8KJ84F",
                           "address": "重庆市渝中区民生路1号", "phone": "13800000000"}],
            "respondents": [{"name": "重庆某某商贸有限公司", "address": "重庆市渝中区解放碑步行街88号"}]}
    status, case = live_server.request("POST", "/api/v1/cases", body, token=live_server.token(username))
    assert status == 201, case

    page = new_page(390, 844)
    login(page, username)

    def assert_fits(what: str) -> None:
        page.wait_for_load_state("load")  # measured with the stylesheet applied
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{what} scrolls sideways at 390 px: {widths}"
        check_page(page, once=True)  # and readable on a phone

    expect(page.get_by_role("heading", name="我的案件")).to_be_visible()
    assert_fits("my cases")
    page.goto(f"/portal/cases/{case['id']}?receipt=1")
    expect(page.locator("#case-state")).to_have_text("已提交")
    assert_fits("the case page")
    page.goto("/portal/")
    page.get_by_role("button", name="新建投诉举报").click()
    expect(page.get_by_role("heading", name="填写投诉举报")).to_be_visible()
    assert_fits("filing step 1")
    next_button(page).click()  # nothing filled in: the step shows its errors
    expect(page.get_by_text("请修改标出的内容")).to_be_visible()
    assert_fits("filing step 1 with errors")
