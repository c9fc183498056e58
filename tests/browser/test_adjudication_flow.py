"""A patent-infringement adjudication (行政裁决) end to end in a real browser (issue 6).

The rights holder files the 处理请求书 on the portal; the office dockets it, forms the panel and serves the
respondent, whose access code opens a respondent's account; the respondent consents to electronic service, reads
the served 答辩通知书 and files the answer; a hearing is scheduled (the 3-working-day notice rule refuses a date too
near) and held; the decision is issued, served and published on the public page; the case is closed. Assertions are
about what people see: states, documents, deadlines with their triggers and due dates.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from caseflow.accounts.models import IdType
from caseflow.core import clock
from caseflow.deadlines import due_date
from tests.browser_fixtures import act, check_page, fill_docket, issue, login, next_button, unique
from tests.factories.adjudication import FINDINGS

pytestmark = [pytest.mark.browser, pytest.mark.live]


def deadline_row(page, rule: str):
    return page.locator(f"tr.deadline[data-rule={rule}]").first


def test_adjudication_from_request_to_closing(new_page, live_server):
    today = clock.today()
    holder_name, officer_names = unique("shancheng"), [unique("officer") for _ in range(3)]
    supervisor_name = unique("head")
    live_server.add_user(holder_name, "applicant", display_name="重庆山城科技有限公司", id_type=IdType.USCC,
                         id_number="91500103MA5U8KJ84F")
    for i, name in enumerate(officer_names):
        live_server.add_user(name, "officer", "500103", display_name=f"办案人员{i + 1}")
    live_server.add_user(supervisor_name, "supervisor", "500103", display_name="渝中区负责人")

    # ---- the rights holder files the 处理请求书 on the portal ----
    holder = new_page()
    login(holder, holder_name)
    holder.get_by_role("button", name="提交专利侵权纠纷处理请求").click()
    expect(holder.get_by_role("heading", name="填写专利侵权纠纷处理请求书")).to_be_visible()
    holder.get_by_label("受理单位").select_option("500103")
    expect(holder.get_by_label("投诉类型")).to_have_count(0)  # a 处理请求书 is not a 投诉
    holder.get_by_label("专利类型").select_option(label="发明专利")
    holder.get_by_label("专利号").fill("2020101234562")
    holder.get_by_label("主张的权利要求").fill("权利要求1-3")
    check_page(holder, once=True)
    next_button(holder).click()
    expect(holder.locator(".steps [aria-current=step]")).to_have_text(re.compile("请求人"))
    holder.locator("#claimants-0-address").fill("重庆市渝中区民生路1号")
    next_button(holder).click()
    expect(holder.locator(".steps [aria-current=step]")).to_have_text(re.compile("被请求人"))
    holder.locator("#respondents-0-name").fill("重庆某某商贸有限公司")
    holder.locator("#respondents-0-address").fill("重庆市渝中区解放碑")
    next_button(holder).click()
    holder.get_by_label("案由").fill("“一种防松脱管道卡箍”发明专利侵权纠纷")
    holder.get_by_label("事实与理由").fill("被请求人在解放碑门店销售涉嫌侵权的管道卡箍。")
    holder.get_by_label("请求事项").fill("请求责令被请求人停止销售侵权产品。")
    next_button(holder).click()
    check_page(holder, once=True)
    holder.get_by_role("button", name="提交处理请求书").click()
    receipt = holder.locator("#receipt")
    number_re = re.compile(rf"渝中知裁〔{today.year}〕\d+号")
    expect(receipt).to_contain_text(number_re)
    number = number_re.search(receipt.inner_text()).group(0)
    case_id = int(re.search(r"/portal/cases/(\d+)", holder.url).group(1))
    expect(holder.locator("#case-state")).to_have_text("已提交")

    # ---- the office dockets it, forms the panel and serves the respondent ----
    head = new_page()
    login(head, supervisor_name)
    act(head, case_id, "docket", lambda p: fill_docket(p, officer_names))
    expect(head.get_by_text("已完成：立案")).to_be_visible()
    expect(head.locator("#case-state")).to_have_text("已立案")
    officer = new_page()
    login(officer, officer_names[0])
    issue(officer, case_id, "专利侵权纠纷处理请求受理通知书")
    act(officer, case_id, "serve_respondent",
        lambda p: p.get_by_label("被请求人在中国境内没有住所").select_option("no"))
    expect(officer.locator("#case-state")).to_have_text("答辩期")
    code = officer.locator("#access-codes code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    issue(officer, case_id, "答辩通知书")

    # ---- the respondent: an account from the access code, consent, the served document, the answer ----
    respondent = new_page()
    respondent.goto("/login")
    respondent.get_by_role("link", name="使用访问码").click()
    respondent.get_by_label("访问码").fill(code)
    respondent.get_by_label("用户名").fill(unique("moushangmao"))
    respondent.get_by_label("设置密码").fill("pass-word-9")
    respondent.get_by_label("确认密码").fill("pass-word-9")
    check_page(respondent, once=True)
    respondent.get_by_role("button", name="关联案件").click()
    expect(respondent.get_by_text(f"已关联案件 {number}")).to_be_visible()
    expect(respondent.locator("#case-state")).to_have_text("答辩期")
    respondent.get_by_role("button", name="同意电子送达").click()
    expect(respondent.get_by_text("您已同意电子送达")).to_be_visible()
    served = respondent.locator("tr.notice-row[data-kind=answer_notice]")
    expect(served).to_contain_text(f"电子送达，{today.isoformat()}")
    expect(served.get_by_role("link", name="下载 PDF")).to_be_visible()
    answer_due = due_date(today, 15, "days").due
    expect(deadline_row(respondent, "ADJ_ANSWER")).to_contain_text(answer_due.isoformat())
    expect(deadline_row(respondent, "ADJ_ANSWER")).to_contain_text("被请求人收到请求书副本之日")
    respondent.get_by_role("link", name="登记答辩").click()
    respondent.get_by_label("答辩意见").fill("被诉产品的卡箍结构不同，不落入权利要求1的保护范围。")
    check_page(respondent, once=True)
    respondent.get_by_role("button", name="登记答辩", exact=True).click()
    expect(respondent.locator("#case-state")).to_have_text("审查中")

    # ---- the hearing: a date too near is refused; then scheduled, its notice issued, held ----
    tomorrow = today + dt.timedelta(days=1)
    act(officer, case_id, "schedule_hearing", lambda p: (
        p.get_by_label("口头审理日期").fill(tomorrow.isoformat()),
        p.get_by_label("审理方式").select_option("remote"),
        p.get_by_label("远程审理链接").fill("https://meeting.example.cn/h/1")))
    expect(officer.locator(".flash.danger")).to_contain_text("三个工作日前")
    day = today + dt.timedelta(days=10)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    act(officer, case_id, "schedule_hearing", lambda p: (
        p.get_by_label("口头审理日期").fill(day.isoformat()),
        p.get_by_label("开始时间（如 09:30）").fill("09:30"),
        p.get_by_label("审理方式").select_option("remote"),
        p.get_by_label("远程审理链接").fill("https://meeting.example.cn/h/1")))
    expect(officer.locator("#case-state")).to_have_text("已排期口审")
    expect(officer.locator("#hearings tr.hearing")).to_contain_text(f"{day.isoformat()} 09:30")
    issue(officer, case_id, "口头审理通知书")
    # Held on its day only, on a notice served on both parties 3 working days ahead (局令81 art. 26): the respondent
    # was served electronically on issue, the claimant signs for it at the office.
    hearing_record = lambda p: (  # noqa: E731 - the same form twice
        p.get_by_label("口头审理笔录摘要").fill("双方到庭，陈述意见并质证。"),
        p.get_by_label("请求人到庭", exact=True).select_option("yes"),
        p.get_by_label("被请求人到庭").select_option("yes"))
    officer.get_by_label("送达方式").select_option("direct")
    officer.get_by_label("受送达人").select_option(label="重庆山城科技有限公司")
    officer.get_by_label("送达日期").fill(today.isoformat())
    officer.get_by_label("签收人").fill("王请求")
    officer.get_by_role("button", name="登记送达").click()
    expect(officer.locator("body")).to_contain_text("王请求")
    act(officer, case_id, "hold_hearing", hearing_record)
    expect(officer.locator(".flash.danger")).to_contain_text("不能在此之前")
    live_server.move_clock(dt.datetime.combine(day, dt.time(9, 0), clock.BEIJING))
    try:
        act(officer, case_id, "hold_hearing", hearing_record)
        expect(officer.locator("#case-state")).to_have_text("审查中")
        expect(officer.locator("#hearings tr.hearing")).to_contain_text("已审理")
        expect(officer.locator("#hearings tr.hearing")).to_contain_text("请求人到庭；被请求人到庭")

        # ---- 合议, then the decision (the stop-order measures are required), issued, served, published ----
        def decision(with_measures: bool):
            def fill(p):
                p.get_by_label("裁决结果").select_option("infringement")
                p.get_by_label("裁决理由").fill("被诉侵权产品落入涉案专利权利要求1的保护范围。")
                if with_measures:
                    p.get_by_label("责令停止侵权行为的类型、对象和范围（第三十二条）").fill(
                        "责令被请求人立即停止销售被诉侵权产品。")
                    p.get_by_label("主要措施").select_option("stop_acts")
            return fill

        act(head, case_id, "decide", decision(True))
        expect(head.locator(".flash.danger")).to_contain_text("第二十五条")
        act(officer, case_id, "deliberate", lambda p: (
            p.get_by_label("合议组多数意见").select_option("infringement"),
            p.get_by_label("合议意见（认定的事实、理由和处理意见）").fill("被诉产品落入权利要求1的保护范围。")))
        expect(officer.get_by_text("已完成：合议")).to_be_visible()
        act(head, case_id, "decide", decision(False))
        expect(head.locator(".flash.danger")).to_contain_text("第三十二条")
        act(head, case_id, "decide", decision(True))
        expect(head.locator("#case-state")).to_have_text("已裁决")
        issue(head, case_id, "专利侵权纠纷行政裁决书", {"经审理查明的事实": FINDINGS})
        # The respondent was served electronically on issue; the claimant is served in person at the office.
        head.get_by_label("送达方式").select_option("direct")
        head.get_by_label("受送达人").select_option(label="重庆山城科技有限公司")
        head.get_by_label("送达日期").fill(day.isoformat())
        head.get_by_label("签收人").fill("李明")
        head.get_by_role("button", name="登记送达").click()
        expect(head.locator("body")).to_contain_text("李明")
        act(officer, case_id, "publish", lambda p: (
            p.get_by_label("删除的个人隐私、商业秘密、国家秘密").fill("解放碑"),
            p.get_by_label("列为典型案例").select_option("yes")))
        public = new_page()
        public.goto("/decisions")
        check_page(public, once=True)
        row = public.locator("tr", has_text=number)
        expect(row).to_contain_text("典型案例")
        row.get_by_role("link", name=number).click()
        expect(public.locator("main")).to_contain_text("责令被请求人立即停止销售被诉侵权产品")
        expect(public.locator("main")).not_to_contain_text("解放碑")

        # ---- closed; the case page shows every document issued and every deadline from its trigger ----
        act(officer, case_id, "record_compliance",
            lambda p: p.get_by_label("履行情况").fill("被请求人已停止销售并下架。"))
        expect(officer.locator("#case-state")).to_have_text("已结案归档")
        for kind in ("acceptance", "answer_notice", "hearing_notice", "decision"):
            expect(officer.locator(f"tr.notice-row[data-kind={kind}]")).to_have_attribute("data-status", "issued")
        officer.locator("#deadlines details summary").click()
        answer = deadline_row(officer, "ADJ_ANSWER")
        expect(answer).to_contain_text(answer_due.isoformat())
        expect(answer).to_contain_text("被请求人收到请求书副本之日")
        expect(answer).to_contain_text("已按期完成")
        expect(answer).not_to_contain_text("暂代")
        suit = deadline_row(officer, "ADJ_ADMIN_SUIT")
        expect(suit).to_contain_text(due_date(day, 15, "days").due.isoformat())
        expect(suit).to_contain_text("当事人收到行政裁决书之日")
        expect(deadline_row(officer, "ADJ_CASE_LIMIT")).to_contain_text(due_date(today, 3, "months").due.isoformat())
        expect(deadline_row(officer, "ADJ_PUBLICATION")).to_contain_text("已按期完成")
        # The rights holder sees the closed case.
        holder.goto(f"/portal/cases/{case_id}")
        expect(holder.locator("#case-state")).to_have_text("已结案归档")
    finally:
        live_server.move_clock(clock.now())  # the other browser tests run at the test's clock
