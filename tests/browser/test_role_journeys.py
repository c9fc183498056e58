"""Issue #16 acceptance, the journeys of the roles the other browser tests do not walk: a mediator who runs the
session and records both parties' signatures on the paper 调解协议书, and the city office's supervisor comparing
the districts (统计 · 区县对比). (The rights holder, officer and supervisor walk theirs in
test_design_patent_journey.py.) Every page is checked with axe-core; screenshots are kept under test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from caseflow.accounts.models import IdType
from caseflow.core import clock
from tests.browser_fixtures import check_page, issue, login, submit_labelled, unique

pytestmark = [pytest.mark.browser, pytest.mark.live]

HOLDER = {"name": "重庆山城科技有限公司", "id_type": "uscc", "id_number": "91500103MA5U8KJ84F",
          "address": "重庆市渝中区民生路1号", "phone": "13800000000"}


def call(live_server, token: str, path: str, body=None, status: int = 200):
    got, answer = live_server.request("POST" if body is not None else "GET", path, body, token=token)
    assert got == status, (path, answer)
    return answer


def do(page, case_id: int, label: str, **fields) -> None:
    """Open an action from the case page by its link, fill its fields by label, submit it."""
    page.goto(f"/cases/{case_id}")
    check_page(page, once=True)
    page.get_by_role("link", name=label, exact=True).first.click()
    submit_labelled(page, label, fields)


def test_a_mediator_runs_the_session_and_records_both_signatures(new_page, live_server, snapshot):
    holder_name, officer_name, mediator_name = unique("holder"), unique("officer"), unique("mediator")
    live_server.add_user(holder_name, "applicant", display_name=HOLDER["name"], id_type=IdType.USCC,
                         id_number=HOLDER["id_number"])
    live_server.add_user(officer_name, "officer", "500103", display_name="李受理")
    live_server.add_user(mediator_name, "mediator", "500103", display_name="陈调解")
    holder, officer = live_server.token(holder_name), live_server.token(officer_name)

    # Requested, the mediator named, the respondent agrees, 立案 (the office's steps, through the API).
    case = call(live_server, holder, "/api/v1/mediation/requests", {
        "unit": "500103", "category": "remuneration", "ip_type": "invention", "right_number": "ZL202010123456.2",
        "title": "“一种防松脱管道卡箍”职务发明奖励报酬纠纷",
        "facts": "请求人完成的职务发明已实施，被请求人未支付奖励和报酬。", "claims": "请求就奖励报酬数额进行调解。",
        "claimants": [HOLDER], "respondents": [{"name": "张某", "address": "重庆市渝中区解放碑"}]}, status=201)
    case_id = case["id"]

    def step(action: str, **fields) -> None:
        version = call(live_server, officer, f"/api/v1/cases/{case_id}")["version"]
        call(live_server, officer, f"/api/v1/cases/{case_id}/actions/{action}", {"version": version, **fields})

    step("mediator", mediator=mediator_name)
    step("notify_respondent")
    step("record_statement", agrees="yes", statement="同意调解。")
    step("docket", body="office")

    # The mediator's own work: the session, the notes, the agreed terms, the signatures on paper.
    mediator = new_page()
    login(mediator, mediator_name)
    expect(mediator.get_by_role("link", name=case["number"])).to_be_visible()  # in the mediator's queue
    snapshot(mediator, "mediator-queue")
    day = clock.today().isoformat()
    do(mediator, case_id, "安排调解", 调解日期=day, 调解方式="远程调解（在线）",
       远程调解链接="https://meeting.example.cn/med-7")
    do(mediator, case_id, "登记调解情况", 到场情况="双方均到场",
       **{"调解笔录（调解员记录）": "双方就奖励数额陈述了意见。"})
    do(mediator, case_id, "达成调解协议", 双方同意的协议内容="被请求人向请求人支付职务发明奖励及报酬人民币五万元。")
    expect(mediator.locator("#case-state")).to_have_text("协议待签署")
    issue(mediator, case_id, "专利纠纷调解协议书")
    # The signing step is a button on the case page; its form asks for a ticked "我已核对".
    do(mediator, case_id, "登记当事人签名", 签名的当事人="请求人")
    expect(mediator.locator("#agreement-signatures")).to_contain_text("请求人：已签署")
    expect(mediator.locator("#agreement-signatures")).to_contain_text("被请求人：尚未签署")
    snapshot(mediator, "mediator-first-signature")
    do(mediator, case_id, "登记当事人签名", 签名的当事人="被请求人")
    expect(mediator.locator("#case-state")).to_have_text("协议已生效")
    expect(mediator.locator("#agreement-effective")).to_have_text(clock.today().isoformat())
    check_page(mediator)
    snapshot(mediator, "mediator-agreement-in-force")


def test_the_city_supervisor_compares_the_districts(new_page, live_server, snapshot):
    city_name, district_name = unique("city"), unique("head")
    live_server.add_user(city_name, "supervisor", "500000", display_name="市局统计员")
    live_server.add_user(district_name, "supervisor", "500105", display_name="江北区负责人")

    city = new_page()
    login(city, city_name)
    city.goto("/stats/")
    check_page(city)
    city.locator("nav.stats-nav").get_by_role("link", name="区县对比").click()
    expect(city.get_by_role("heading", name="统计 · 区县对比")).to_be_visible()
    table = city.locator("table.stats").first
    for area in ("江北区", "渝北区", "渝中区", "合计"):
        expect(table.locator("tbody tr", has_text=area).first).to_be_visible()
    for figure in ("收案", "结案率", "法定审限结案率", "超期案件"):
        expect(table.locator("thead")).to_contain_text(figure)
    # Each figure's definition is stated once on the page.
    expect(city.locator("#def-close_rate")).to_have_count(1)
    expect(city.locator("#def-close_rate")).to_contain_text("结案率")
    check_page(city)
    snapshot(city, "city-supervisor-districts")

    # A district's supervisor sees its own office only.
    district = new_page()
    login(district, district_name)
    district.goto("/stats/districts")
    check_page(district)
    rows = district.locator("table.stats").first.locator("tbody tr")
    expect(rows.filter(has_text="渝中区")).to_have_count(0)
    expect(rows.filter(has_text="江北区").first).to_be_visible()
    snapshot(district, "district-supervisor-districts")
