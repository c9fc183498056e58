"""先行发布禁令 through the API (issue 7, acceptance 2): applied for inside an adjudication, approved, served,
breached, a police referral started from the breach, superseded when the adjudication is decided; plus the
configuration (periods, approver, maximum duration, switch), the hand-over at a complaint's conversion and lifting."""

from __future__ import annotations

import datetime as dt

import pytest

from caseflow.core import clock
from caseflow.core.db import db
from caseflow.deadlines import due_date
from caseflow.injunction.services import expire_due
from caseflow.notices import deliveries, issuing
from tests.api.conftest import COMPLAINT_BODY
from tests.injunction.conftest import child_of

pytestmark = pytest.mark.usefixtures("session")

BREACH = {"found_on": None, "method": "online_check", "description": "被申请人网店仍在销售JX-60型卡箍。"}
ORDER = {"findings": "公证购买的产品与专利权利要求1的全部技术特征相同。",
         "measures": ["stop_selling", "stop_offering", "take_down"],
         "products": "JX-60型管道卡箍（门店及网店）", "platform": "某电子商务平台",
         "listings": "商品编号 6627183920"}


def test_injunction_inside_an_adjudication_runs_to_superseded(flow, people, adj_body, deadline, notices_of, web):
    officer, supervisor, applicant = people["officer"], people["supervisor"], people["applicant"]
    today = clock.today()
    case = flow.adjudication(adj_body)

    # The rights holder applies, with its evidence, on the API; the injunction is a case linked to the main case.
    flow.upload(applicant, case)
    flow.act(applicant, case, "request_injunction", reason="请求责令被请求人立即停止销售JX-60型卡箍。")
    inj = child_of(case, "injunction")
    assert inj.state == "requested" and inj.parent_id == case.id
    assert inj.data["applied_by"] == "rights_holder" and inj.data["main_case"] == case.number
    review = deadline(inj, "INJ_REVIEW")
    assert review.due_date == due_date(today, 2, "working_days").due and review.unit == "working_days"
    seen = flow.ok(flow.api.get(applicant, f"/api/v1/cases/{inj.id}"))  # the rights holder follows it
    assert seen["state"] == "requested"
    assert [(c["number"], c["state"]) for c in flow.ok(flow.api.get(officer, f"/api/v1/cases/{case.id}"))
            ["linked"]["linked"]] == [(inj.number, "requested")]

    # Taking down listings needs the platform and the listings; then the head approves the order.
    r = flow.api.act(officer, inj.id, "propose_issue", inj.version, **{**ORDER, "platform": ""})
    assert r.status_code == 409 and "电子商务平台" in r.json["message"]
    r = flow.api.act(officer, inj.id, "propose_issue", inj.version, **{**ORDER, "measures": ["stop_flying"]})
    assert r.status_code == 422
    pending = flow.act(officer, inj, "propose_issue", status=202, **ORDER)
    assert inj.state == "requested"
    flow.approve(pending)
    db.session.refresh(inj)
    assert inj.state == "issued" and deadline(inj, "INJ_REVIEW").status.value == "met"
    assert deadline(inj, "INJ_MAX_DURATION") is None  # default: until the main case's 结案
    [order] = notices_of(inj, "injunction_order")
    assert "立即停止销售涉嫌侵权产品" in order.parts["measures"] and "商品编号 6627183920" in order.parts["measures"]
    assert "先行发布禁令" in order.parts["legal_basis"] and "至主案办结之日止" in order.parts["duration"]
    [platform] = notices_of(inj, "platform_notice")
    assert platform.parts["addressee"] == "某电子商务平台"

    # The order is issued and served on the suspected infringer.
    issuing.issue(order, actor=supervisor)
    respondent = next(p for p in inj.parties if p.role.value == "respondent")
    delivery = deliveries.record_delivery(order, actor=officer, method="direct", party_id=respondent.id,
                                       delivered_on=today, signed_by="被请求人经营者")
    assert delivery.party_id == respondent.id

    # A breach is recorded with its evidence (numbers of evidence on the injunction).
    r = flow.api.act(officer, inj.id, "record_breach", inj.version, **{**BREACH, "found_on": today.isoformat(),
                                                                       "evidence": "1"})
    assert r.status_code == 422 and "证据" in r.json["message"]
    flow.upload(officer, inj, name="网店截图.pdf", title="网店页面公证书")
    flow.act(officer, inj, "record_breach", **{**BREACH, "found_on": today.isoformat(), "evidence": "1"})
    assert inj.state == "breached"
    [entry] = inj.data["checks"]
    assert entry["kind"] == "breach" and entry["evidence"][0]["title"] == "网店页面公证书"

    # The breach starts a police referral; the injunction shows it and goes on.
    flow.act(officer, inj, "start_referral", kind="police", target="重庆市公安局渝中区分局",
             reason="被申请人违反禁令继续销售，涉嫌假冒专利罪。", parent_effect="continue")
    referral = child_of(inj, "referral")
    assert referral.state == "drafted" and referral.data["referral_kind"] == "police"
    assert referral.created_by_id is None  # internal: the rights holder does not see referrals
    linked = flow.ok(flow.api.get(officer, f"/api/v1/cases/{inj.id}"))["linked"]["linked"]
    assert [(c["kind"], c["state_title"], c["parent_status"]) for c in linked] == [
        ("police", "拟移送", "本案继续办理（不停止已作出的非罚款措施）")]
    assert flow.api.get(applicant, f"/api/v1/cases/{referral.id}").status_code == 404
    # The rights holder reads the order on the portal, from the main case and on its own page; never the referral.
    web.login(applicant.username)
    main_page = web.get(f"/portal/cases/{case.id}").data.decode()
    assert inj.number in main_page and "立即停止销售涉嫌侵权产品" in main_page and referral.number not in main_page
    inj_page = web.get(f"/portal/cases/{inj.id}").data.decode()
    assert 'id="injunction-measures"' in inj_page and "JX-60型管道卡箍（门店及网店）" in inj_page
    assert "违反禁令 1 次" in inj_page and referral.number not in inj_page

    # The adjudication runs to its decision; the injunction is superseded, the referral goes on.
    flow.act(officer, case, "serve_respondent")
    flow.act(officer, case, "record_answer", answer="被诉产品不落入保护范围。")
    assert case.state == "examination"
    flow.act(officer, case, "deliberate", outcome="infringement", opinion="落入保护范围。")
    flow.act(supervisor, case, "decide", outcome="infringement", reasons="落入保护范围。",
             measures="立即停止销售", measure_kind="stop_acts")
    db.session.refresh(inj)
    db.session.refresh(referral)
    assert case.state == "decided"
    assert inj.state == "superseded" and inj.closed_at is not None and inj.closing_action == "supersede"
    assert case.number in inj.data["supersede"]["reason"]
    last = [e for e in inj.events if e.action == "supersede"][-1]
    assert last.actor_id is None and last.data["via"] == "system"
    assert referral.state == "drafted" and referral.closed_at is None
    page = flow.ok(flow.api.get(officer, f"/api/v1/cases/{case.id}"))
    assert [(c["number"], c["state_title"]) for c in page["linked"]["linked"]] == [(inj.number, "随主案结案失效")]


def test_periods_and_approver_are_configuration(flow, people, adj_body, deadline, shift, app, monkeypatch, web):
    officer, applicant = people["officer"], people["applicant"]
    monkeypatch.setitem(app.config, "INJUNCTION_REVIEW", "24 hours")
    monkeypatch.setitem(app.config, "INJUNCTION_APPROVER", "none")
    monkeypatch.setitem(app.config, "INJUNCTION_MAX_DURATION", "1 months")
    case = flow.adjudication(adj_body)
    flow.act(officer, case, "request_injunction", reason="展会期间依职权制止。")
    inj = child_of(case, "injunction")
    assert inj.data["applied_by"] == "ex_officio" and inj.data["config"]["review"] == {"amount": 24, "unit": "hours"}
    review = deadline(inj, "INJ_REVIEW")
    assert review.unit == "hours" and review.due_at - review.trigger_at == dt.timedelta(hours=24)
    assert "INJUNCTION_REVIEW" in review.basis

    # Without evidence on the injunction or its main case the order cannot be issued.
    r = flow.api.act(officer, inj.id, "propose_issue", inj.version, **{**ORDER, "measures": ["stop_selling"]})
    assert r.status_code == 409 and "证据" in r.json["message"]
    web.login(officer.username)
    assert "请先上传证据，方可发布禁令" in web.get(f"/cases/{inj.id}").data.decode()  # why the button is missing
    flow.upload(applicant, case)
    page = web.get(f"/cases/{inj.id}").data.decode()
    assert "请先上传证据" not in page
    assert "发布禁令" in page and "发布禁令（需审批）" not in page  # the button says what will happen
    flow.act(officer, inj, "propose_issue", **{**ORDER, "measures": ["stop_selling"]})  # no approval configured
    assert inj.state == "issued"
    issued_on = clock.today()
    maximum = deadline(inj, "INJ_MAX_DURATION")
    assert maximum.due_date == due_date(issued_on, 1, "months").due
    assert "1个月" in inj.data["duration_text"]

    # A later change of configuration does not move this injunction's period.
    monkeypatch.setitem(app.config, "INJUNCTION_MAX_DURATION", "0 months")
    assert expire_due() == []
    shift((maximum.due_date - issued_on).days + 1)
    assert expire_due() == [inj]
    db.session.refresh(inj)
    assert inj.state == "expired" and "届满" in inj.data["expire"]["reason"]
    assert expire_due() == []


def test_injunctions_can_be_switched_off(flow, people, adj_body, app, monkeypatch):
    monkeypatch.setitem(app.config, "INJUNCTION_ENABLED", False)
    case = flow.adjudication(adj_body)
    r = flow.api.act(people["applicant"], case.id, "request_injunction", case.version, reason="请求禁令。")
    assert r.status_code == 409 and "未开展先行发布禁令" in r.json["message"]
    db.session.refresh(case)
    assert [c for c in case.children if c.procedure == "injunction"] == []


def test_conversion_hands_the_injunction_to_the_new_case(flow, people):
    officer = people["officer"]
    from caseflow.cases.models import Case

    created = flow.ok(flow.api.post(people["applicant"], "/api/v1/cases", json=COMPLAINT_BODY), 201)
    complaint = db.session.get(Case, created["id"])
    flow.act(officer, complaint, "accept")
    flow.act(officer, complaint, "request_injunction", reason="依职权先行禁令。")
    inj = child_of(complaint, "injunction")
    flow.act(officer, complaint, "convert", procedure="adjudication")
    new = db.session.get(Case, complaint.data["converted_to"])
    db.session.refresh(inj)
    assert inj.state == "requested" and inj.parent_id == new.id and inj.data["main_case"] == new.number
    assert inj.data["previous_main_case"] == complaint.number


def test_lifting_needs_reasons_and_approval(flow, people, adj_body, notices_of, web):
    officer = people["officer"]
    case = flow.adjudication(adj_body)
    flow.upload(people["applicant"], case)
    flow.act(officer, case, "request_injunction", reason="请求禁令。")
    inj = child_of(case, "injunction")
    web.login(officer.username)
    assert "发布禁令（需审批）" in web.get(f"/cases/{inj.id}").data.decode()  # the default: the head approves
    pending = flow.act(officer, inj, "propose_issue", status=202, **{**ORDER, "measures": ["stop_making", "take_down"]})
    web.login(people["supervisor"].username)
    inbox = web.get("/approvals/").data.decode()
    assert "立即停止制造涉嫌侵权产品、立即删除" in inbox and "stop_making" not in inbox  # read as titles
    flow.approve(pending)
    db.session.refresh(inj)
    flow.act(officer, inj, "record_compliance", checked_on=clock.today().isoformat(), method="site_inspection",
             result="现场未发现涉嫌侵权产品。")
    assert inj.state == "complied"
    r = flow.api.act(officer, inj.id, "lift", inj.version, ground="right_lapsed")
    assert r.status_code == 422  # the reasons are required
    flow.approve(flow.act(officer, inj, "lift", status=202, ground="right_lapsed", reason="涉案专利权已被宣告无效。"))
    db.session.refresh(inj)
    assert inj.state == "lifted" and inj.closing_action == "lift"
    [lift] = notices_of(inj, "injunction_lift")
    assert "宣告无效" in lift.parts["reason"]
    # The main case's later 结案 leaves a lifted injunction alone.
    flow.act(people["supervisor"], case, "revoke", reason="请求人撤回请求。", ground="withdrawn")
    db.session.refresh(inj)
    assert inj.state == "lifted"


def test_expire_command(app):
    result = app.test_cli_runner().invoke(args=["caseflow", "injunctions-expire"])
    assert result.exit_code == 0, result.output
    assert "件禁令期满失效" in result.output


def test_bad_input_loses_nothing(flow, people, adj_body):
    officer = people["officer"]
    case = flow.adjudication(adj_body)
    flow.upload(people["applicant"], case)
    flow.act(officer, case, "request_injunction", reason="请求禁令。")
    inj = child_of(case, "injunction")
    version = inj.version
    # Measures are a list of known values; a bare string or an unknown value is refused with a message.
    r = flow.api.act(officer, inj.id, "propose_issue", version, **{**ORDER, "measures": "stop_selling"})
    assert r.status_code == 422 and "格式不正确" in r.json["message"]
    r = flow.api.act(officer, inj.id, "propose_issue", version, **{**ORDER, "measures": []})
    assert r.status_code == 422 and "责令停止的行为" in r.json["message"]
    # Someone else's district: as if it did not exist; a stale version: 409; nothing changed meanwhile.
    r = flow.api.act(people["other_district"], inj.id, "refuse", version, ground="other", reason="x")
    assert r.status_code == 404
    flow.act(officer, inj, "refuse", ground="insufficient_evidence", reason="证据不足。")
    r = flow.api.act(officer, inj.id, "refuse", version, ground="other", reason="再次提交")
    assert r.status_code == 409
    db.session.refresh(inj)
    assert inj.state == "refused" and inj.data["refuse"]["reason"] == "证据不足。"
    # A closed injunction starts nothing more.
    r = flow.api.act(officer, inj.id, "start_referral", inj.version, kind="police", target="公安", reason="x",
                     parent_effect="continue")
    assert r.status_code == 409


def test_an_exhibition_case_is_reviewed_within_hours(flow, people, adj_body, deadline, app, monkeypatch):
    officer = people["officer"]
    monkeypatch.setitem(app.config, "INJUNCTION_EXHIBITION_REVIEW", "12 hours")
    case = flow.adjudication(adj_body)
    flow.act(officer, case, "request_injunction", reason="展会期间展出涉嫌侵权产品。")
    inj = child_of(case, "injunction")
    flow.act(officer, inj, "mark_exhibition", exhibition="中国西部国际博览会", closes_on=clock.today().isoformat())
    assert deadline(inj, "INJ_REVIEW").status.value == "met"
    fast = deadline(inj, "INJ_REVIEW_EXHIBITION")
    assert fast.unit == "hours" and fast.due_at - fast.trigger_at == dt.timedelta(hours=12)
    r = flow.api.act(officer, inj.id, "mark_exhibition", inj.version, exhibition="x",
                     closes_on=clock.today().isoformat())
    assert r.status_code == 409
    flow.act(officer, inj, "refuse", ground="no_urgency", reason="展品已撤展。")
    assert deadline(inj, "INJ_REVIEW_EXHIBITION").status.value == "met"
