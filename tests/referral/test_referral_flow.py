"""移送 through the API (issue 7, acceptance 3): a police referral runs through the special team's report, the head's
approval, the 24-hour transfer, the police refusal, reconsideration and procuratorate supervision, with every hour-
and day-based deadline computed and shown, and its evidence package verifies; agency and court referrals, incoming
referrals, and what the parent case shows."""

from __future__ import annotations

import datetime as dt

import pytest

from caseflow.cases.models import Case
from caseflow.core import clock
from caseflow.core.clock import BEIJING
from caseflow.core.db import db
from caseflow.deadlines import due_date
from caseflow.deadlines.reading import deadlines_json
from tests.injunction.conftest import child_of
from tests.notices.conftest import needs_pdftotext, text_of

pytestmark = pytest.mark.usefixtures("session")

DAY_RULES = ("REF_APPROVE", "REF_POLICE_DECIDE", "REF_SUPPLEMENT_MATERIALS", "REF_RECONSIDER_REQUEST",
             "REF_RECONSIDER_DECIDE",
             "REF_PROCURATORATE", "REF_HANDOVER")


def _three_days(deadline_row):
    return due_date(deadline_row.trigger_date, 3, "days").due


def test_police_referral_through_refusal_reconsideration_and_supervision(flow, people, adj_body, deadline,
                                                                        notices_of, app, client, web, tmp_path):
    officer, officer2, supervisor = people["officer"], people["officer2"], people["supervisor"]
    case = flow.adjudication(adj_body)
    flow.upload(people["applicant"], case, name="公证书.pdf", title="公证书")
    flow.upload(officer, case, name="现场检查笔录.pdf", title="现场检查笔录")

    # Any case may start a referral; this one waits for it.
    flow.act(officer, case, "start_referral", kind="police", target="重庆市公安局渝中区分局",
             reason="销售数量巨大，涉嫌假冒专利罪。", parent_effect="suspend")
    ref = child_of(case, "referral")
    assert ref.state == "drafted" and ref.data["parent_effect"] == "suspend"
    assert deadline(ref, "REF_APPROVE") is None  # runs from the written report

    # The special team of two or more officers writes the report; the head then has 3 days.
    r = flow.api.act(officer, ref.id, "submit_report", ref.version, team=[officer.username],
                     threshold="reasonable_suspicion", report="报告")
    assert r.status_code == 409 and "两名或者两名以上" in r.json["message"]
    r = flow.api.act(officer, ref.id, "approve", ref.version)
    assert r.status_code == 403  # only the head approves
    r = flow.api.act(supervisor, ref.id, "approve", ref.version)
    assert r.status_code == 409 and "书面报告" in r.json["message"]
    flow.act(officer, ref, "submit_report", team=[officer.username, officer2.username],
             threshold="reasonable_suspicion", report="经查，被请求人销售假冒专利产品一千余件，存在犯罪的合理嫌疑。")
    approve = deadline(ref, "REF_APPROVE")
    assert approve.unit == "days" and approve.due_date == _three_days(approve)

    # Approval starts the 24-hour transfer, counted from the moment of approval.
    flow.act(supervisor, ref, "approve", opinion="同意移送。")
    assert ref.state == "approved" and deadline(ref, "REF_APPROVE").status.value == "met"
    transfer = deadline(ref, "REF_TRANSFER")
    assert transfer.unit == "hours" and transfer.due_at - transfer.trigger_at == dt.timedelta(hours=24)
    shown = next(d for d in deadlines_json(ref) if d["rule"] == "REF_TRANSFER")
    assert shown["due"] == transfer.due_at.astimezone(BEIJING).isoformat() and shown["due"].endswith("+08:00")

    # The transfer: the 涉嫌犯罪案件移送书 and the evidence package.
    flow.act(officer, ref, "transfer")
    assert ref.state == "transferred" and deadline(ref, "REF_TRANSFER").status.value == "met"
    [letter] = notices_of(ref, "criminal_referral")
    assert letter.parts["addressee"] == "重庆市公安局渝中区分局"
    package = ref.data["package"]
    assert [f["title"] for f in package["files"]] == ["公证书", "现场检查笔录"]
    assert any(e.tag == "evidence:package" for e in case.events)
    r = client.get(f"/api/v1/cases/{ref.id}/referral-package.zip",
                   headers={"Authorization": f"Bearer {flow.api.token(officer)}"})
    assert r.status_code == 200 and r.mimetype == "application/zip"
    zip_path = tmp_path / "package.zip"
    zip_path.write_bytes(r.data)
    r.close()
    result = app.test_cli_runner().invoke(args=["caseflow", "verify-package", str(zip_path)])
    assert result.exit_code == 0 and "证据包校验通过" in result.output, result.output
    assert client.get(f"/api/v1/cases/{ref.id}/referral-package.zip",
                      headers={"Authorization": f"Bearer {flow.api.token(people['applicant'])}"}).status_code == 404
    assert client.get(f"/api/v1/cases/{ref.id}/referral-package.zip",
                      headers={"Authorization": f"Bearer {flow.api.token(people['other_district'])}"}
                      ).status_code == 404  # another district's staff: as if it did not exist
    decide = deadline(ref, "REF_POLICE_DECIDE")
    assert decide.binds == "external" and decide.due_date == _three_days(decide)

    # The police ask for missing materials: the office supplies them within 3 days.
    r = flow.api.act(officer, ref.id, "supplement_materials", ref.version, note="检验报告")
    assert r.status_code == 409 and "没有待补充" in r.json["message"]
    flow.act(officer, ref, "record_materials_request", items="涉案产品检验报告。")
    supply = deadline(ref, "REF_SUPPLEMENT_MATERIALS")
    assert supply.due_date == _three_days(supply)
    flow.act(officer, ref, "supplement_materials", note="已补充检验报告一份。")
    assert deadline(ref, "REF_SUPPLEMENT_MATERIALS").status.value == "met" and ref.state == "transferred"

    # The police refuse; the office asks them to reconsider, they keep refusing, the procuratorate is asked.
    flow.act(officer, ref, "record_police_decision", decision="declined",
             document_number="渝公（渝中）不立字〔2026〕3号",
             note="认为涉案金额未达追诉标准。")
    assert ref.state == "declined_by_police"
    ask = deadline(ref, "REF_RECONSIDER_REQUEST")
    assert ask.due_date == _three_days(ask)
    flow.act(officer, ref, "request_reconsideration", grounds="涉案产品数量已超过追诉标准。")
    assert ref.state == "reconsideration" and deadline(ref, "REF_RECONSIDER_REQUEST").status.value == "met"
    [request] = notices_of(ref, "reconsideration_request")
    assert request.parts["addressee"] == "重庆市公安局渝中区分局" and "不立字〔2026〕3号" in request.parts["decision"]
    reply = deadline(ref, "REF_RECONSIDER_DECIDE")
    assert reply.due_date == _three_days(reply)
    flow.act(officer, ref, "record_reconsideration", decision="declined", note="维持不予立案决定。")
    assert ref.state == "declined_after_reconsideration"
    propose = deadline(ref, "REF_PROCURATORATE")
    assert propose.due_date == _three_days(propose)
    flow.act(officer, ref, "propose_supervision", procuratorate="重庆市渝中区人民检察院",
             grounds="公安机关应当立案而不立案。")
    assert ref.state == "supervision" and deadline(ref, "REF_PROCURATORATE").status.value == "met"
    [proposal] = notices_of(ref, "supervision_proposal")
    assert proposal.parts["addressee"] == "重庆市渝中区人民检察院" and "复议维持不予立案" in proposal.parts["history"]
    assert "不予立案通知书、复议决定书及有关材料" in _text(proposal)
    flow.act(officer, ref, "record_supervision_result", decision="accepted", note="检察院通知立案后公安机关已立案。")
    assert ref.state == "accepted_by_police"
    hand = deadline(ref, "REF_HANDOVER")
    assert hand.due_date == _three_days(hand)

    # Every period is on the referral's page with its computed date.
    web.login(officer.username)
    html = client.get(f"/cases/{ref.id}").data.decode()
    for rule_id in ("REF_TRANSFER", *DAY_RULES):
        row = deadline(ref, rule_id)
        assert f'data-rule="{rule_id}"' in html and row.label in html, rule_id
        assert row.due_date.isoformat() in html or row.due_date.strftime("%Y年") in html, rule_id
    assert "下载证据包" in html and "专案组" in html
    parent_html = client.get(f"/cases/{case.id}").data.decode()
    assert ref.number in parent_html and "公安已立案" in parent_html and "本案中止，待移送结果" in parent_html
    flow.act(officer, ref, "set_parent_effect", parent_effect="continue", note="公安机关已立案，本案继续处理行政部分。")
    assert "本案继续办理" in client.get(f"/cases/{case.id}").data.decode()
    db.session.refresh(case)
    assert any(e.tag == "case:referral:parent_effect" for e in case.events)

    # Exhibits handed over within 3 days of the 立案 notice: a custody event on the referred case.
    flow.act(officer, ref, "hand_over", items="涉案卡箍1200件及账册2本。", receiver="刘警官")
    assert ref.state == "handed_over" and ref.closed_at is not None
    assert deadline(ref, "REF_HANDOVER").status.value == "met"
    db.session.refresh(case)
    assert any(e.tag == "evidence:handover" and "刘警官" in e.summary for e in case.events)


def test_supervision_straight_after_a_refusal_encloses_no_reconsideration_decision(flow, people, adj_body,
                                                                                   notices_of):
    """国务院令310 art. 9 lets the office go to the procuratorate straight after the police refuse: its 立案监督建议书
    then encloses no 复议决定书, since there is none."""
    officer, officer2, supervisor = people["officer"], people["officer2"], people["supervisor"]
    case = flow.adjudication(adj_body)
    flow.act(officer, case, "start_referral", kind="police", target="重庆市公安局渝中区分局",
             reason="销售数量巨大，涉嫌假冒专利罪。", parent_effect="continue")
    ref = child_of(case, "referral")
    flow.act(officer, ref, "submit_report", team=[officer.username, officer2.username],
             threshold="reasonable_suspicion", report="经查，存在犯罪的合理嫌疑。")
    flow.act(supervisor, ref, "approve", opinion="同意移送。")
    flow.act(officer, ref, "transfer")
    flow.act(officer, ref, "record_police_decision", decision="declined", document_number="渝公不立字〔2026〕5号")
    flow.act(officer, ref, "propose_supervision", procuratorate="重庆市渝中区人民检察院", grounds="应当立案而不立案。")
    [proposal] = notices_of(ref, "supervision_proposal")
    text = _text(proposal)
    assert "随函附送案件移送书、不予立案通知书及有关材料" in text and "复议决定书" not in text


def _text(notice) -> str:
    """The document's text as it will print (its HTML without the tags)."""
    import re

    from caseflow.notices import catalogue, context, rendering

    return re.sub(r"<[^>]+>|\s+", "", rendering.render_html(catalogue.kind(notice.kind).template,
                                                            context.build_context(notice)))


def test_agency_referral_tells_the_requester_first(flow, people, adj_body, notices_of):
    officer, supervisor = people["officer"], people["supervisor"]
    case = flow.adjudication(adj_body)
    flow.act(officer, case, "start_referral", kind="agency", target="重庆市江北区知识产权局",
             reason="被诉侵权行为地和被请求人住所地均在江北区。", parent_effect="continue")
    ref = child_of(case, "referral")
    r = flow.api.act(officer, ref.id, "submit_report", ref.version, team=[officer.username, supervisor.username],
                     threshold="threshold_met", report="x")
    assert r.status_code == 409  # the special team belongs to police referrals
    flow.act(supervisor, ref, "approve")
    assert ref.state == "approved"
    r = flow.api.act(officer, ref.id, "transfer", ref.version)
    assert r.status_code == 409 and "告知请求人" in r.json["message"]
    flow.act(officer, ref, "inform_requester", method="written", note="本案将移送重庆市江北区知识产权局处理。")
    flow.act(officer, ref, "transfer")
    assert ref.state == "transferred" and len(notices_of(ref, "case_transfer")) == 1
    flow.act(officer, ref, "record_receipt", receipt="江北区知识产权局已签收。")
    assert ref.state == "closed"


def test_court_enforcement_referral_still_created_by_the_adjudication(flow, people, notices_of):
    from caseflow.cases.services import create_case
    from tests.factories.accounts import unit

    officer = people["officer"]
    parent = create_case(procedure="adjudication", unit=unit("500103"), actor=officer,
                         fields={"title": "裁决", "kind": "patent_infringement", "ip_type": "invention"}, parties=[])
    from caseflow.cases.effects import create_referral

    create_referral(case=parent, actor=officer,
                    data={"kind": "court", "target": "渝中区人民法院", "reason": "申请执行"},
                    fired=None)
    ref = db.session.get(Case, parent.data["referral"])
    flow.act(people["supervisor"], ref, "approve")
    flow.act(officer, ref, "transfer")
    assert ref.state == "transferred" and len(notices_of(ref, "enforcement_application")) == 1
    flow.act(officer, ref, "record_receipt", receipt="法院已立案执行。")
    assert ref.state == "closed"


def test_the_enforcement_application_states_the_offices_reasons_not_the_requests_account(flow, people, notices_of):
    """The 强制执行申请书's 事实和理由 is the office's: the 申请事由 it gave, never the requester's own allegation."""
    from caseflow.cases.effects import create_referral
    from caseflow.cases.services import create_case
    from tests.factories.accounts import unit

    officer = people["officer"]
    parent = create_case(procedure="adjudication", unit=unit("500103"), actor=officer,
                         fields={"title": "裁决", "kind": "patent_infringement", "ip_type": "invention",
                                 "facts": "被请求人大量制造销售侵权产品，获利逾百万元。"}, parties=[])
    create_referral(case=parent, actor=officer, fired=None,
                    data={"kind": "court", "target": "渝中区人民法院", "reason": "被申请人经催告逾期仍未停止销售。"})
    ref = db.session.get(Case, parent.data["referral"])
    flow.act(people["supervisor"], ref, "approve")
    flow.act(officer, ref, "transfer")
    [application] = notices_of(ref, "enforcement_application")
    assert application.parts["facts"] == "被申请人经催告逾期仍未停止销售。"
    assert "获利逾百万元" not in str(application.parts)


INCOMING = {"source": "police", "sender": "重庆市公安局渝中区分局", "document_number": "渝公（渝中）移字〔2026〕5号",
            "kind": "patent_counterfeit", "ip_type": "invention", "title": "假冒专利（公安机关移送）",
            "facts": "经审查不构成犯罪，但应当给予行政处罚。", "respondent_name": "重庆某某五金经营部"}


def test_incoming_referral_becomes_a_new_case(flow, people, web):
    officer = people["officer"]
    body = {**INCOMING, "received_on": clock.today().isoformat()}
    created = flow.ok(flow.api.post(officer, "/api/v1/referrals/incoming", json=body), 201)
    case = db.session.get(Case, created["id"])
    assert case.procedure == "complaint" and case.channel == "transfer" and case.state == "submitted"
    assert case.data["incoming_referral"]["sender"] == "重庆市公安局渝中区分局"
    assert [p.name for p in case.parties] == ["重庆某某五金经营部"]

    r = flow.api.post(officer, "/api/v1/referrals/incoming", json={**body, "received_on": "2999-01-01"})
    assert r.status_code == 422 and "晚于今天" in r.json["message"]
    r = flow.api.post(officer, "/api/v1/referrals/incoming", json={**body, "source": "aliens"})
    assert r.status_code == 422
    assert flow.api.post(people["applicant"], "/api/v1/referrals/incoming", json=body).status_code == 403

    web.login(officer.username)
    assert "/referrals/incoming" in web.get("/cases/").data.decode()  # the queue links to the form
    page = web.get("/referrals/incoming")
    assert page.status_code == 200 and "登记移送来案" in page.data.decode()
    r = web.post_form("/referrals/incoming", {**INCOMING, "title": "", "received_on": clock.today().isoformat()})
    assert r.status_code == 422 and "请填写“案由”" in r.data.decode()
    r = web.post_form("/referrals/incoming", {**INCOMING, "source": "agency", "sender": "重庆市江北区市场监督管理局",
                                              "received_on": clock.today().isoformat()})
    assert r.status_code == 303
    new = db.session.get(Case, int(r.headers["Location"].rstrip("/").split("/")[-1]))
    assert new.data["incoming_referral"]["source"] == "agency"


def test_openapi_describes_the_referral_routes(app, client):
    doc = client.get("/api/v1/openapi.json").json
    routes = {r.rule for r in app.url_map.iter_rules()}
    assert "/api/v1/cases/<int:case_id>/referral-package.zip" in routes
    assert "/api/v1/referrals/incoming" in routes
    assert "get" in doc["paths"]["/api/v1/cases/{id}/referral-package.zip"]
    assert "post" in doc["paths"]["/api/v1/referrals/incoming"]
    propose = doc["components"]["schemas"]["Actions"]["properties"]["injunction.propose_issue"]
    assert propose["properties"]["measures"]["type"] == "array"
    assert "take_down" in propose["properties"]["measures"]["items"]["enum"]


@needs_pdftotext
@pytest.mark.parametrize("opinion", [False, True])
def test_the_referral_letter_states_the_offices_facts_and_only_the_materials_on_record(flow, people, adj_body,
                                                                                     notices_of, opinion):
    """国务院令310 art. 6: the 移送书 states the facts as the office found them (not the request's own account) and
    encloses an 检验报告或者鉴定意见 only when the record holds one."""
    officer, supervisor = people["officer"], people["supervisor"]
    case = flow.adjudication(adj_body)
    flow.upload(officer, case, name="现场检查笔录.pdf", title="现场检查笔录")
    if opinion:
        flow.upload(officer, case, name="鉴定意见书.pdf", title="技术鉴定意见书", kind="expert_opinion")
    flow.act(officer, case, "start_referral", kind="police", target="重庆市公安局渝中区分局",
             reason="现场检查查获假冒专利产品一千二百件。", parent_effect="continue")
    ref = child_of(case, "referral")
    flow.act(officer, ref, "submit_report", team=[officer.username, people["officer2"].username],
             threshold="reasonable_suspicion", report="经查，存在犯罪的合理嫌疑。")
    flow.act(supervisor, ref, "approve", opinion="同意移送。")
    flow.act(officer, ref, "transfer")
    [letter] = notices_of(ref, "criminal_referral")
    text = text_of(letter)
    assert "现场检查查获假冒专利产品一千二百件" in text
    assert adj_body["facts"].rstrip("。") not in text  # the request's own account
    assert "涉嫌犯罪案件调查报告" in text and "其他有关涉嫌犯罪的材料" in text
    assert ("检验报告或者鉴定意见" in text) is opinion


def _referred_as_a_whole(people, kind):
    from tests.factories.cases import advance, complaint

    case = complaint(people["applicant"], kind="trademark", ip_type="trademark")
    advance(case, ("accept", people["officer"], None),
            ("refer", people["officer"], {"kind": kind, "target": "重庆市公安局渝中区分局" if kind == "police"
                                          else "重庆市江北区市场监督管理局", "reason": "销售数量巨大，涉嫌犯罪。"}))
    return case, db.session.get(Case, case.data["referral"])


def test_a_complaint_referred_as_a_whole_resumes_when_the_head_does_not_approve(people, deadline, client, web):
    """全案移送 waits for the head: a 不批准移送 gives the office its penalty case back, its 90 days running on."""
    from tests.factories.cases import advance

    case, ref = _referred_as_a_whole(people, "police")
    assert (case.state, case.closed_at, ref.state) == ("referring", None, "drafted")
    db.session.flush()
    web.login(people["officer"].username)
    for page in (client.get(f"/cases/{case.id}"), client.get(f"/cases/{ref.id}")):
        assert "本案待移送后以“已移送”结案" in page.get_data(as_text=True)
    assert deadline(case, "PEN_DECISION").status.value == "running"
    advance(ref, ("decline", people["supervisor"], {"reason": "尚未达到刑事追诉标准。"}))
    assert (ref.state, case.state, case.closed_at) == ("not_referred", "accepted", None)
    assert deadline(case, "PEN_DECISION").status.value == "running"
    [resumed] = [e for e in case.events if e.action == "referral_declined"]
    assert resumed.data["fields"]["reason"] == "尚未达到刑事追诉标准。" and resumed.to_state == "accepted"
    advance(case, ("conclude", people["officer"], {"outcome": "已作出行政处罚决定。"}))
    assert case.state == "concluded" and deadline(case, "PEN_DECISION").status.value == "met"


def test_a_complaint_referred_as_a_whole_ends_as_referred_once_the_matter_is_sent(people, deadline):
    from tests.factories.cases import advance

    case, ref = _referred_as_a_whole(people, "agency")
    advance(ref, ("approve", people["supervisor"], None),
            ("inform_requester", people["officer"], {"method": "written", "note": "本案将移送江北区处理。"}))
    assert case.state == "referring" and case.closed_at is None  # approved, not yet sent
    advance(ref, ("transfer", people["officer"], None))
    assert (ref.state, case.state, case.closing_action) == ("transferred", "referred", "referral_transferred")
    assert case.closed_at is not None and deadline(case, "PEN_DECISION").status.value == "cancelled"
    # Once sent the complainant can no more withdraw than before; nothing is left to do on the complaint.
    from caseflow.cases.services import available_actions
    assert available_actions(case, people["applicant"]) == []
