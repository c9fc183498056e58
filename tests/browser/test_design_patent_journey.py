"""Acceptance of issues #15 and #16 in Chromium: a design patent (外观设计) dispute from the online filing to the
issued 裁决书, each role's own journey. The rights holder files the request on the portal with its evidence and
later reads the decision it was served; the officer dockets the case (the head approves it in the approvals inbox),
issues and serves the documents, holds the hearing and drafts the decision (the head reads each document to be
issued in the inbox's preview before approving); every document is read from the PDF the page links to and
must say what a party should read (tests/document_checks.py).
Every page is checked with axe-core; screenshots of each role's key pages are kept under test-artifacts/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from caseflow.accounts.models import IdType
from caseflow.core import clock
from tests.browser_fixtures import act, check_page, fill_docket, issue, login, next_button, unique, upload_evidence
from tests.document_checks import DESIGN_ARTICLE, adjudication_problems, cn, pdf_text
from tests.evidence import helpers as h
from tests.factories.adjudication import FINDINGS
from tests.notices.conftest import needs_pdftotext

pytestmark = [pytest.mark.browser, pytest.mark.live, needs_pdftotext]

UNIT = "500106"  # 沙坪坝区: an office the other browser tests leave alone
CLAIMANT, RESPONDENT = "重庆巴渝保温器具有限公司", "重庆某某日用品商行"
PANEL = ("钱文博", "孙雅琴", "何志强")


def pdf_of(page, case_id: int, title: str) -> str:
    """The text of the case's issued document ``title``, downloaded from its link as the page's user."""
    page.goto(f"/cases/{case_id}" if "/portal/" not in page.url else f"/portal/cases/{case_id}")
    check_page(page, once=True)
    row = page.locator("tr.notice-row", has_text=title).first
    href = row.get_by_role("link", name="下载 PDF").get_attribute("href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf", (href, response.status)
    return pdf_text(response.body())


def serve(page, recipient: str, on: dt.date, *, method: str = "post") -> None:
    """Record a service of the document open on the page."""
    page.get_by_label("送达方式").select_option(method)
    page.get_by_label("受送达人").select_option(label=recipient)
    page.get_by_label("送达日期").fill(on.isoformat())
    if method == "post":
        page.get_by_label("邮件号或回执编号").fill(f"EMS{abs(hash(recipient)) % 10**9:09d}")
    else:
        page.get_by_label("签收人").fill("王经办")
    page.get_by_role("button", name="登记送达").click()
    expect(page.locator(".flash.success").first).to_be_visible()


def approve_in_inbox(page, number: str, label: str, snapshot=None) -> str:
    """The head finds the request in the approvals inbox, reads the document it would issue (the preview, a PDF
    draft) and approves it; returns the preview's text."""
    page.goto("/approvals/")
    card = page.locator(".card", has_text=number).filter(has_text=label)
    expect(card).to_be_visible()
    check_page(page)
    if snapshot:
        snapshot(page, f"supervisor-inbox-{label}")
    href = card.get_by_role("link", name="预览拟发文书（PDF 草稿）").get_attribute("href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf", (href, response.status)
    draft = re.sub("[草稿]", "", pdf_text(response.body()))  # the 草稿 watermark runs through the lines
    card.get_by_label("审批意见").fill("同意。")
    card.get_by_role("button", name="批准").click()
    expect(page.get_by_text(f"已批准：{label}")).to_be_visible()
    return draft


def test_a_design_patent_dispute_from_the_portal_to_the_decision_the_rights_holder_reads(
        new_page, live_server, tmp_path, snapshot):
    today = clock.today()
    holder_name, head_name = unique("baoyu"), unique("head")
    officers = [unique("officer") for _ in PANEL]
    live_server.add_user(holder_name, "applicant", display_name=CLAIMANT, id_type=IdType.USCC,
                         id_number="91500106MA5U3LXK45")
    for name, display in zip(officers, PANEL, strict=True):
        live_server.add_user(name, "officer", UNIT, display_name=display)
    live_server.add_user(head_name, "supervisor", UNIT, display_name="沙坪坝区负责人")
    names = (CLAIMANT, RESPONDENT)
    texts: dict[str, str] = {}

    # ---- the rights holder files the 处理请求书 online and adds its evidence ----
    holder = new_page()
    login(holder, holder_name)
    check_page(holder)
    holder.get_by_role("button", name="提交专利侵权纠纷处理请求").click()
    check_page(holder)
    holder.get_by_label("受理单位").select_option(UNIT)
    holder.get_by_label("专利类型").select_option(label="外观设计专利")
    holder.get_by_label("专利号").fill("2022301234562")
    # A design has no claims (专利法 art. 64(2)): the filer names the product; the drawings come on the review page.
    holder.get_by_label("主张的权利要求").fill("保温杯")
    next_button(holder).click()
    check_page(holder, once=True)
    holder.locator("#claimants-0-address").fill("重庆市沙坪坝区三峡广场1号")
    next_button(holder).click()
    holder.locator("#respondents-0-name").fill(RESPONDENT)
    holder.locator("#respondents-0-address").fill("重庆市沙坪坝区小龙坎正街8号")
    next_button(holder).click()
    holder.get_by_label("案由").fill("“保温杯”外观设计专利侵权纠纷")
    holder.get_by_label("事实与理由").fill("被请求人在其小龙坎门店销售的保温杯与涉案外观设计相近似。")
    holder.get_by_label("请求事项").fill("责令被请求人立即停止销售与涉案外观设计近似的保温杯。")
    next_button(holder).click()
    check_page(holder)
    snapshot(holder, "holder-review")
    holder.get_by_role("button", name="提交处理请求书").click()
    number_re = re.compile(rf"沙坪坝知裁〔{today.year}〕\d+号")
    expect(holder.locator("#receipt")).to_contain_text(number_re)
    number = number_re.search(holder.locator("#receipt").inner_text()).group(0)
    case_id = int(re.search(r"/portal/cases/(\d+)", holder.url).group(1))
    notarised = tmp_path / "公证购买保温杯的公证书.pdf"
    notarised.write_bytes(h.pdf("notarised purchase"))
    upload_evidence(holder, notarised)
    holder.reload()
    expect(holder.locator("#evidence").locator("xpath=..")).to_contain_text("公证购买保温杯的公证书")
    expect(holder.locator("#case-state")).to_have_text("已提交")
    check_page(holder)
    snapshot(holder, "holder-filed-with-evidence")

    # ---- the officer dockets it (the design's 评价报告, the 合议组); the head approves from the inbox ----
    officer = new_page()
    login(officer, officers[0])
    act(officer, case_id, "docket", lambda p: fill_docket(p, officers, evaluation_report="provided"))
    expect(officer.locator("#case-state")).to_have_text("已提交")  # waits for the head
    check_page(officer)
    head = new_page()
    login(head, head_name)
    draft = approve_in_inbox(head, number, "立案", snapshot)
    assert "专利侵权纠纷处理请求受理通知书" in draft and all(name in draft for name in PANEL)
    officer.reload()
    expect(officer.locator("#case-state")).to_have_text("已立案")
    check_page(officer)
    snapshot(officer, "officer-docketed")

    # ---- 受理通知书 to the requester; the request and 答辩通知书 to the respondent; the answer recorded ----
    issue(officer, case_id, "专利侵权纠纷处理请求受理通知书")
    serve(officer, CLAIMANT, today)
    texts["acceptance"] = pdf_of(officer, case_id, "专利侵权纠纷处理请求受理通知书")
    act(officer, case_id, "serve_respondent",
        lambda p: p.get_by_label("被请求人在中国境内没有住所").select_option("no"))
    expect(officer.locator("#case-state")).to_have_text("答辩期")
    issue(officer, case_id, "答辩通知书")
    served = today + dt.timedelta(days=2)
    serve(officer, RESPONDENT, today)
    texts["answer_notice"] = pdf_of(officer, case_id, "答辩通知书")
    act(officer, case_id, "record_answer",
        lambda p: p.get_by_label("答辩意见").fill("被诉产品的外观与涉案外观设计不相近似。"))
    expect(officer.locator("#case-state")).to_have_text("审查中")
    act(officer, case_id, "forward_answer",
        lambda p: p.get_by_label("请求人收到答辩书副本的日期（送达日期）").fill(today.isoformat()))

    # ---- the hearing: noticed and served on both, held on its day ----
    day = served + dt.timedelta(days=12)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    act(officer, case_id, "schedule_hearing", lambda p: (
        p.get_by_label("口头审理日期").fill(day.isoformat()),
        p.get_by_label("开始时间（如 09:30）").fill("14:30"),
        p.get_by_label("审理方式").select_option("remote"),
        p.get_by_label("远程审理链接").fill("https://meeting.example.cn/h/7")))
    expect(officer.locator("#case-state")).to_have_text("已排期口审")
    issue(officer, case_id, "口头审理通知书")
    serve(officer, CLAIMANT, today, method="direct")
    serve(officer, RESPONDENT, today)
    texts["hearing_notice"] = pdf_of(officer, case_id, "口头审理通知书")
    live_server.move_clock(dt.datetime.combine(day, dt.time(14, 0), clock.BEIJING))
    try:
        act(officer, case_id, "hold_hearing", lambda p: (
            p.get_by_label("口头审理笔录摘要").fill("双方到庭，就外观是否近似发表意见并质证。"),
            p.get_by_label("请求人到庭", exact=True).select_option("yes"),
            p.get_by_label("被请求人到庭").select_option("yes")))
        expect(officer.locator("#hearings tr.hearing")).to_contain_text("已审理")

        # ---- 合议, the decision proposed by the officer and approved by the head in the inbox ----
        act(officer, case_id, "deliberate", lambda p: (
            p.get_by_label("合议组多数意见").select_option("infringement"),
            p.get_by_label("合议意见（认定的事实、理由和处理意见）").fill(
                "被诉产品与涉案外观设计在整体视觉效果上无实质性差异。")))
        act(officer, case_id, "decide", lambda p: (
            p.get_by_label("裁决结果").select_option("infringement"),
            p.get_by_label("裁决理由").fill("被诉产品与涉案外观设计构成近似，落入外观设计专利权的保护范围。"),
            p.get_by_label("责令停止侵权行为的类型、对象和范围（第三十二条）").fill(
                "立即停止销售与涉案外观设计近似的保温杯"),
            p.get_by_label("主要措施").select_option("stop_acts")))
        check_page(officer)
        draft = approve_in_inbox(head, number, "作出裁决")
        assert f"{DESIGN_ARTICLE}、第六十五条" in draft and "请求人请求：" in draft
        officer.reload()
        expect(officer.locator("#case-state")).to_have_text("已裁决")
        # The officer writes what the panel found: the text changed after the head's approval, so the head signs
        # the decision off before it is issued.
        issue(officer, case_id, "专利侵权纠纷行政裁决书", {"经审理查明的事实": FINDINGS}, button="提请负责人签发")
        head.goto(officer.url)
        head.get_by_role("button", name="批准签发").click()
        expect(head.locator("body")).to_contain_text("已签发")
        officer.reload()
        decided = day
        serve(officer, CLAIMANT, decided, method="direct")
        serve(officer, RESPONDENT, decided)
        snapshot(officer, "officer-decision-served")

        # ---- the rights holder reads the decision it was served ----
        holder.goto(f"/portal/cases/{case_id}")
        expect(holder.locator("#case-state")).to_have_text("已裁决")
        decision_row = holder.locator("tr.notice-row[data-kind=decision]")
        expect(decision_row).to_contain_text(decided.isoformat())
        check_page(holder)
        snapshot(holder, "holder-reads-decision")
        texts["decision"] = text = pdf_of(holder, case_id, "专利侵权纠纷行政裁决书")
    finally:
        live_server.move_clock(clock.now())  # the other browser tests run at the test's clock

    assert number in text and "ZL202230123456.2" in text and f"{DESIGN_ARTICLE}、第六十五条" in text
    assert "请求人请求：责令被请求人立即停止销售与涉案外观设计近似的保温杯。" in text
    assert "被请求人辩称：被诉产品的外观与涉案外观设计不相近似" in text
    assert f"本局于{cn(today)}立案" in text
    assert cn(day) in texts["hearing_notice"] and "下午2时30分" in texts["hearing_notice"]
    for kind, text in texts.items():
        assert adjudication_problems(text, kind, names=names, panel=PANEL) == [], (kind, text)
