"""The steps of 行政调解 one by one: the request's conditions (arts 63-64), statement and docketing (arts 65-66),
absences (art. 67), the ownership limit (art. 70), signatures, the confirmation window and its exclusion."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from caseflow.cases.models import Case
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.deadlines import due_date
from caseflow.hearings import services as hearings
from caseflow.notices import deliveries, drafting, issuing
from tests.factories.accounts import UserFactory, unit

pytestmark = pytest.mark.usefixtures("session")


def ok(r, status=200):
    assert r.status_code == status, r.json
    return r.json


def refused(r, status=409):
    assert r.status_code == status, r.json
    return r.json["message"]


def file(api, people, body, **changes) -> Case:
    body = {**body, **changes}
    return db.session.get(Case, ok(api.post(people["applicant"], "/api/v1/mediation/requests", json=body), 201)["id"])


def act(api, user, case, action, status=200, **fields):
    r = api.act(user, case.id, action, case.version, **fields)
    assert r.status_code == status, r.json
    db.session.refresh(case)
    return r.json


def to_session(api, people, body, **changes) -> Case:
    officer = people["officer"]
    case = file(api, people, body, **changes)
    act(api, officer, case, "notify_respondent")
    act(api, officer, case, "record_statement", agrees="yes", statement="同意调解。")
    act(api, officer, case, "docket", body="office", decision_checked="yes")
    assert case.state == "in_session"
    return case


def to_agreement(api, people, body, **changes) -> Case:
    officer = people["officer"]
    case = to_session(api, people, body, **changes)
    act(api, officer, case, "record_agreement", terms="被请求人支付请求人人民币五万元。")
    act(api, officer, case, "record_signature", side="claimant")
    act(api, officer, case, "record_signature", side="respondent")
    assert case.state == "agreement"
    return case


# ---- the request (arts 63, 64) ----


def test_request_lists_the_art_63_categories_and_keeps_the_parties(api, people, med_body):
    from workflows.mediation import CATEGORIES

    assert set(CATEGORIES) == {"ownership", "inventorship", "remuneration", "provisional_fee", "damages", "other"}
    case = file(api, people, med_body, category="ownership")
    assert case.data["category"] == "ownership" and case.created_by == people["applicant"]
    assert {p.role.value: p.name for p in case.parties} == {"claimant": "重庆山城科技有限公司", "respondent": "张某"}


def test_damages_only_request_needs_the_infringement_decision(api, people, med_body):
    applicant = people["applicant"]
    r = api.post(applicant, "/api/v1/mediation/requests", json={**med_body, "category": "damages"})
    assert r.status_code == 422 and "处理决定书" in r.json["message"]
    r = api.post(applicant, "/api/v1/mediation/requests",
                 json={**med_body, "category": "damages", "decision_ref": "随便写的"})
    assert r.status_code == 422 and r.json["fields"]["decision_ref"].startswith("文号应形如")
    # A well-formed number this system did not issue: accepted, the officer checks the copy before docketing.
    case = file(api, people, med_body, category="damages", decision_ref="渝北知保裁字〔2025〕7号")
    assert case.data["decision_verified"] is False
    act(api, people["officer"], case, "notify_respondent")
    act(api, people["officer"], case, "record_statement", agrees="yes", statement="同意就赔偿数额调解。")
    msg = refused(api.act(people["officer"], case.id, "docket", case.version, body="office"))
    assert "核对" in msg and "第六十四条" in msg
    act(api, people["officer"], case, "docket", body="office", decision_checked="yes")
    assert case.state == "in_session"


def test_decision_issued_here_is_checked_against_its_outcome(api, people, med_body):
    from caseflow.notices.models import Notice, NoticeStatus

    adj = file(api, people, med_body)  # any case will do to hold the decision
    found = drafting.draft_notice(adj, "decision", actor=people["officer"], data={"outcome": "infringement"})
    db.session.flush()
    # Standing in for a decision issued by this system (issuing one takes a whole adjudication).
    db.session.execute(sa.update(Notice).where(Notice.id == found.id)
                       .values(status=NoticeStatus.ISSUED, number="渝中知保裁字〔2026〕3号"))
    db.session.expire_all()
    case = file(api, people, med_body, category="damages", decision_ref="渝中知保裁字〔2026〕3号")
    assert case.data["decision_verified"] is True and case.data["decision_case"] == adj.number
    db.session.execute(sa.update(Notice).where(Notice.id == found.id).values(data={"outcome": "dismissed"}))
    db.session.expire_all()
    r = api.post(people["applicant"], "/api/v1/mediation/requests",
                 json={**med_body, "category": "damages", "decision_ref": "渝中知保裁字〔2026〕3号"})
    assert r.status_code == 422 and "未认定侵权" in r.json["message"]


def test_a_stranger_learns_nothing_of_another_cases_decision_from_its_number(api, people, med_body):
    from caseflow.notices.models import Notice, NoticeStatus

    adj = file(api, people, med_body)  # the applicant's case, holding a decision that found no infringement
    found = drafting.draft_notice(adj, "decision", actor=people["officer"], data={"outcome": "dismissed"})
    db.session.flush()
    db.session.execute(sa.update(Notice).where(Notice.id == found.id)
                       .values(status=NoticeStatus.ISSUED, number="渝中知保裁字〔2026〕8号"))
    db.session.expire_all()
    stranger = people["other_applicant"]  # no party of that case
    answers = [api.post(stranger, "/api/v1/mediation/requests",
                        json={**med_body, "category": "damages", "decision_ref": ref})
               for ref in ("渝中知保裁字〔2026〕8号", "渝中知保裁字〔2026〕9号")]  # issued here / never issued
    assert [r.status_code for r in answers] == [201, 201]
    theirs = db.session.get(Case, answers[0].json["id"])
    assert theirs.data["decision_verified"] is False and "decision_case" not in theirs.data
    # The decision's own party is told what it found.
    r = api.post(people["applicant"], "/api/v1/mediation/requests",
                 json={**med_body, "category": "damages", "decision_ref": "渝中知保裁字〔2026〕8号"})
    assert r.status_code == 422 and "未认定侵权" in r.json["message"]


def test_provisional_fee_only_after_grant(api, people, med_body):
    r = api.post(people["applicant"], "/api/v1/mediation/requests", json={**med_body, "category": "provisional_fee"})
    assert r.status_code == 422 and "授予公告之后" in r.json["message"]
    assert file(api, people, med_body, category="provisional_fee", granted="yes").state == "submitted"


def test_generic_create_endpoint_takes_the_mediation_form(api, people, med_body):
    r = api.post(people["applicant"], "/api/v1/cases", json={**med_body, "procedure": "mediation"})
    assert r.status_code == 201 and r.json["procedure"] == "mediation"
    r = api.post(people["applicant"], "/api/v1/cases", json={**med_body, "procedure": "mediation", "kind": "trademark"})
    assert r.status_code == 422 and r.json["fields"] == {"kind": "未定义的字段"}


# ---- statement, docket, refusal (arts 65, 66) ----


def test_docket_waits_for_the_respondents_consent_and_refusal_issues_its_notice(api, people, med_body, notices_of,
                                                                                 deadline, shift):
    officer = people["officer"]
    case = file(api, people, med_body)
    act(api, officer, case, "notify_respondent")
    msg = refused(api.act(officer, case.id, "docket", case.version, body="office"))
    assert msg == "被请求人尚未书面同意调解，不能立案调解（第六十六条）"
    assert "陈述期尚未届满" in refused(api.act(officer, case.id, "close_statement_period", case.version))
    shift(16)
    act(api, officer, case, "close_statement_period")
    assert deadline(case, "MED_STATEMENT").status.value == "missed"
    assert deadline(case, "MED_DOCKET_OR_REFUSE") is not None
    act(api, officer, case, "refuse", ground="no_statement", reason="被请求人逾期未提交意见陈述书。")
    assert case.state == "refused" and case.closed_at is not None
    [notice] = notices_of(case, "rejection")
    assert notice.title == "专利纠纷调解不予受理通知书" and notice.parts["reasons"] == "被请求人逾期未提交意见陈述书。"
    issued = issuing.issue(notice, actor=people["supervisor"])
    assert issued.status == 200 and notice.number


def test_committee_mediation_names_the_committee(api, people, med_body):
    case = file(api, people, med_body)
    act(api, people["officer"], case, "notify_respondent")
    act(api, people["officer"], case, "record_statement", agrees="yes", statement="同意。")
    assert "调解委员会名称" in refused(api.act(people["officer"], case.id, "docket", case.version, body="committee"))
    act(api, people["officer"], case, "docket", body="committee", committee="渝中区知识产权纠纷人民调解委员会")
    assert case.data["committee"] == "渝中区知识产权纠纷人民调解委员会"


# ---- sessions: conflicts through the hearings domain ----


def test_sessions_are_checked_for_conflicts_and_remote_needs_a_link(api, people, med_body):
    hearings.add_room(unit("500103"), "M1", "第一调解室")
    day = (clock.today() + dt.timedelta(days=9)).isoformat()
    first = to_session(api, people, med_body)
    act(api, people["officer"], first, "schedule_session", session_date=day, start_time="09:30", hours="3",
        mode="in_person", room="M1")
    other_body = {**med_body, "claimants": [{"name": "王某", "id_type": "uscc", "id_number": "91500103MA5U8KJ84F"}],
                  "respondents": [{"name": "李某"}]}
    second = to_session(api, people, other_body)
    msg = refused(api.act(people["officer"], second.id, "schedule_session", second.version, session_date=day,
                          start_time="10:00", mode="in_person", room="M1"))
    assert msg.startswith("调解时间冲突") and "第一调解室" in msg and first.number in msg
    assert "远程调解应当填写调解链接" in refused(api.act(people["officer"], second.id, "schedule_session",
                                                         second.version, session_date=day, mode="remote"))
    act(api, people["officer"], second, "schedule_session", session_date=day, start_time="14:00", mode="remote",
        link="https://meeting.example.cn/med-2")
    assert second.data["scheduled"][0]["mode"] == "remote"


# ---- absences (art. 67) and failure ----


@pytest.mark.parametrize(("absence", "state", "words"), [
    ("requester", "withdrawn", "按照请求人撤回调解请求处理"),
    ("respondent", "failed", "以撤销案件的方式结案"),
])
def test_absence_is_handled_as_article_67_says(api, people, med_body, notices_of, absence, state, words):
    from caseflow.notices import rendering
    from caseflow.notices.context import build_context

    case = to_session(api, people, med_body)
    act(api, people["officer"], case, "hold_session", absence=absence, notes="经两次通知，一方未到场。")
    assert case.state == state and case.closed_at is not None
    [notice] = notices_of(case, "mediation_termination")
    # The legal consequence is the document's fixed sentence (art. 67), not an editable part.
    assert words in rendering.render_html("notices/mediation_termination.html", build_context(notice))
    assert {p.role.value for p in deliveries.recipient_parties(notice)} == {"claimant", "respondent"}


def test_fail_issues_the_termination_notice(api, people, med_body, notices_of):
    case = to_session(api, people, med_body)
    act(api, people["officer"], case, "fail", reason="双方对报酬数额分歧较大，未能达成协议。")
    assert case.state == "failed"
    [notice] = notices_of(case, "mediation_termination")
    assert notice.parts["reason"] == "双方对报酬数额分歧较大，未能达成协议。"


def test_applicant_withdraws_before_the_agreement(api, people, med_body):
    case = to_session(api, people, med_body)
    act(api, people["applicant"], case, "withdraw", reason="双方已自行和解。")
    assert case.state == "withdrawn"


# ---- ownership disputes (art. 70; 民诉解释 art. 355) ----


def test_ownership_limit_starts_at_docket_and_extends_once(api, people, med_body, deadline):
    case = to_session(api, people, med_body, category="ownership")
    limit = deadline(case, "MED_OWNERSHIP_LIMIT")
    assert limit.due_date == due_date(clock.today(), 2, "months").due
    req = act(api, people["officer"], case, "extend", status=202, reason="需要等待有关单位出具证明。")
    ok(api.post(people["supervisor"], f"/api/v1/approvals/{req['id']}/approve", json={}))
    db.session.refresh(limit)
    assert limit.due_date == due_date(due_date(clock.today(), 2, "months").unrolled, 1, "months").due
    msg = refused(api.act(people["supervisor"], case.id, "extend", case.version, reason="再次延长"))
    assert "已无可批准的延长" in msg


def test_extension_is_only_for_ownership_disputes(api, people, med_body):
    case = to_session(api, people, med_body)
    msg = refused(api.act(people["supervisor"], case.id, "extend", case.version, reason="延长"))
    assert msg == "只有权属纠纷的调解期限可以延长（第七十条）"


def test_ownership_agreement_cannot_be_sent_for_confirmation(api, people, med_body, deadline):
    case = to_agreement(api, people, med_body, category="ownership")
    assert deadline(case, "JC_APPLICATION") is None
    assert deadline(case, "MED_OWNERSHIP_LIMIT").status.value == "met"
    resume = deadline(case, "MED_OWNERSHIP_CNIPA_RESUME")
    assert resume.due_date == due_date(clock.today(), 15, "days").due
    msg = refused(api.act(people["officer"], case.id, "apply_confirmation", case.version, court="重庆市渝中区人民法院",
                          mode="joint", profile="statutory"))
    assert "权属" in msg and "第三百五十五条" in msg and "不予受理" in msg
    r = api.get(people["officer"], f"/api/v1/cases/{case.id}/mediation/confirmation-package")
    assert r.status_code == 409 and "第三百五十五条" in r.json["message"]
    act(api, people["officer"], case, "copy_to_cnipa", note="调解协议书副本已邮寄国家知识产权局。")
    assert deadline(case, "MED_OWNERSHIP_CNIPA_COPY").status.value == "met"
    act(api, people["officer"], case, "record_performance", note="已办理著录项目变更。")
    assert case.state == "performed"


# ---- signatures and the confirmation window ----


def test_signatures_once_per_side_and_only_by_the_parties_of_the_case(api, people, med_body):
    case = to_session(api, people, med_body)
    act(api, people["officer"], case, "record_agreement", terms="协议条款。")
    act(api, people["applicant"], case, "confirm_agreement", consent="yes")
    msg = refused(api.act(people["applicant"], case.id, "confirm_agreement", case.version, consent="yes"))
    assert msg == "请求人已经签署本调解协议书"
    r = api.act(people["other_applicant"], case.id, "confirm_agreement", case.version, consent="yes")
    assert r.status_code == 404  # not their case: it does not exist for them
    r = api.act(people["applicant"], case.id, "record_signature", case.version, side="respondent")
    assert r.status_code == 403
    assert case.state == "signing" and list(case.data["agreement"]["signatures"]) == ["claimant"]


def test_staff_are_offered_to_record_a_paper_signature_and_a_party_that_signed_is_not_asked_again(api, people,
                                                                                                  med_body):
    case = to_session(api, people, med_body)
    act(api, people["officer"], case, "record_agreement", terms="协议条款。")
    # The officer says on the form whose signature it records: the case lists the action before that choice.
    assert "record_signature" in ok(api.get(people["officer"], f"/api/v1/cases/{case.id}"))["actions"]
    assert "confirm_agreement" in ok(api.get(people["applicant"], f"/api/v1/cases/{case.id}"))["actions"]
    r = api.act(people["officer"], case.id, "record_signature", case.version)
    assert r.status_code == 422 and "side" in r.json["fields"]  # still chosen before it is recorded
    act(api, people["applicant"], case, "confirm_agreement", consent="yes")
    assert "confirm_agreement" not in ok(api.get(people["applicant"], f"/api/v1/cases/{case.id}"))["actions"]
    assert "record_signature" in ok(api.get(people["officer"], f"/api/v1/cases/{case.id}"))["actions"]


def test_confirmation_after_the_window_is_refused(api, people, med_body, shift, deadline):
    case = to_agreement(api, people, med_body)
    # The day after the thirty days; a last day on a holiday moves to the next working day (2026-12-02 + 30
    # falls on New Year's Day), so the shift is read from the deadline rather than fixed at 31.
    shift((deadline(case, "JC_APPLICATION").due_date - clock.today()).days + 1)
    msg = refused(api.act(people["officer"], case.id, "apply_confirmation", case.version, court="重庆市渝中区人民法院",
                          mode="joint", profile="statutory"))
    assert "三十日的司法确认申请期限已经届满" in msg


def test_the_agreement_gives_the_requests_account_as_the_requesters_not_as_agreed_facts(api, people, med_body,
                                                                                         notices_of):
    """Both parties sign the 调解协议书: its 纠纷的主要事实 starts from the request's account, said to be the
    requester's (请求人称), for the mediator to restate as the facts the parties agree on."""
    case = to_agreement(api, people, med_body)
    [agreement] = notices_of(case, "mediation_agreement")
    assert agreement.parts["facts"] == f"请求人称：{case.facts.strip()}"


def test_package_needs_the_issued_agreement(api, people, med_body, notices_of):
    case = to_agreement(api, people, med_body)
    r = api.get(people["officer"], f"/api/v1/cases/{case.id}/mediation/confirmation-package")
    assert r.status_code == 409 and "尚未签发" in r.json["message"]
    issuing.issue(notices_of(case, "mediation_agreement")[0], actor=people["officer"])
    r = api.get(people["applicant"], f"/api/v1/cases/{case.id}/mediation/confirmation-package")
    assert r.status_code == 200
    stranger = UserFactory()
    assert api.get(stranger, f"/api/v1/cases/{case.id}/mediation/confirmation-package").status_code == 404


def test_court_rejection_is_recorded_with_its_case_number(api, people, med_body):
    case = to_agreement(api, people, med_body)
    act(api, people["officer"], case, "apply_confirmation", court="重庆市渝中区人民法院", mode="joint",
        profile="statutory")
    act(api, people["officer"], case, "record_confirmation_rejected", outcome="rejected",
        court_case="（2026）渝0103民特14号", reason="协议内容不明确。")
    assert case.state == "confirmation_rejected"
    assert case.data["confirmation"]["outcome"] == "rejected"
    assert case.data["confirmation"]["court_case"] == "（2026）渝0103民特14号"


def test_enforcement_after_confirmation(api, people, med_body):
    case = to_agreement(api, people, med_body)
    act(api, people["officer"], case, "apply_confirmation", court="重庆市渝中区人民法院", mode="joint",
        profile="statutory")
    act(api, people["officer"], case, "record_confirmation", court_case="（2026）渝0103民特15号")
    act(api, people["officer"], case, "record_enforcement", court="重庆市渝中区人民法院",
        court_case="（2026）渝0103执1号")
    assert case.state == "enforcement"
    act(api, people["officer"], case, "record_performance", note="经强制执行履行完毕。")
    assert case.state == "performed"


# ---- from a complaint (convert) ----


def test_mediation_starts_from_a_complaint(api, people, deadline):
    from tests.api.conftest import COMPLAINT_BODY

    officer = people["officer"]
    complaint = db.session.get(Case, ok(api.post(people["applicant"], "/api/v1/cases", json=COMPLAINT_BODY), 201)["id"])
    act(api, officer, complaint, "accept")
    act(api, officer, complaint, "convert", procedure="mediation")
    [child] = complaint.children
    assert (child.procedure, child.state, child.created_by) == ("mediation", "submitted", people["applicant"])
    assert deadline(child, "MED_NOTICE") is not None
    assert refused(api.act(officer, child.id, "notify_respondent", child.version)) == "请先登记纠纷类型（第六十三条）"
    r = api.act(officer, child.id, "set_category", child.version, category="damages", decision_ref="不是文号")
    assert r.status_code == 422 and "文号" in r.json["message"]
    db.session.refresh(child)
    assert "category" not in child.data  # refused input changes nothing
    act(api, officer, child, "set_category", category="inventorship")
    act(api, officer, child, "notify_respondent")
    assert child.state == "awaiting_statement"


def test_convert_with_category_then_runs_to_agreement(api, people, deadline):
    from tests.api.conftest import COMPLAINT_BODY

    officer = people["officer"]
    complaint = db.session.get(Case, ok(api.post(people["applicant"], "/api/v1/cases", json=COMPLAINT_BODY), 201)["id"])
    act(api, officer, complaint, "accept")
    act(api, officer, complaint, "convert", procedure="mediation", category="other")
    [child] = complaint.children
    assert child.data["category"] == "other" and child.data["origin"] == complaint.number
    act(api, officer, child, "notify_respondent")
    act(api, officer, child, "record_statement", agrees="yes", statement="同意。")
    act(api, officer, child, "docket", body="office")
    act(api, officer, child, "record_agreement", terms="被投诉人停止销售并赔偿一万元。")
    act(api, people["applicant"], child, "confirm_agreement", consent="yes")
    act(api, officer, child, "record_signature", side="respondent")
    assert child.state == "agreement" and deadline(child, "JC_APPLICATION").status.value == "running"


def test_openapi_describes_the_mediation_endpoints(api):
    doc = api.client.get("/api/v1/openapi.json").json
    request = doc["paths"]["/api/v1/mediation/requests"]["post"]
    schema = request["requestBody"]["content"]["application/json"]["schema"]
    assert "ownership" in schema["properties"]["category"]["enum"]
    assert "/api/v1/cases/{id}/mediation/confirmation-package" in doc["paths"]


def test_court_period_runs_from_the_recorded_acceptance_date(api, people, med_body, deadline, shift):
    case = to_agreement(api, people, med_body)
    applied = clock.today()
    act(api, people["officer"], case, "apply_confirmation", court="重庆市渝中区人民法院", mode="joint",
        profile="statutory")
    later = shift(6)
    accepted = applied + dt.timedelta(days=2)
    msg = refused(api.act(people["officer"], case.id, "record_court_acceptance", case.version,
                          court_case="（2026）渝0103民特16号", accepted_on=(later + dt.timedelta(days=1)).isoformat()),
                  422)
    assert msg == "受理日期不能晚于今天"
    act(api, people["officer"], case, "record_court_acceptance", court_case="（2026）渝0103民特16号",
        accepted_on=accepted.isoformat())
    row = deadline(case, "JC_DECISION")
    assert row.trigger_date == accepted and row.due_date == due_date(accepted, 30, "days").due
