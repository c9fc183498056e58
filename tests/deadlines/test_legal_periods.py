"""Issue #15, periods (items 7-11): the right clock for each matter, counted the way the law counts it.

7  假冒专利 found ex officio: 5 working days to 立案; a report: 10 (专利行政执法办法 2015 art. 28).
8  A complaint converted to an adjudication keeps the day its request was received (局令81 art. 20).
9  Extensions run from the original expiry (民法典 arts 201-202) and are recorded with their approval; the case
   clock stops for 和解, 公告, 检验鉴定 and an applied-for 举证期限 extension (局令81 art. 37), not for
   office-led mediation alone.
10 The office's 3-month window to apply for court enforcement, and the right holder's fallback (局令81 art. 80).
11 A party period ending in a year without a published holiday schedule is not closed on a provisional date.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from caseflow.cases.models import Case, PartyRole
from caseflow.cases.services import create_case, perform
from caseflow.core import clock as core_clock
from caseflow.core.db import db
from caseflow.core.errors import Conflict, Invalid
from caseflow.deadlines import due_date, lifecycle, overrides
from caseflow.deadlines.models import Deadline, DeadlineStatus
from caseflow.notices.models import Notice
from tests.factories.accounts import unit
from tests.factories.adjudication import docket_data, issue_decision
from tests.factories.cases import advance, complaint

D = dt.date



def rows(case, rule_id=None):
    stmt = sa.select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.id)
    if rule_id:
        stmt = stmt.where(Deadline.rule_id == rule_id)
    return list(db.session.scalars(stmt))


def one(case, rule_id):
    found = rows(case, rule_id)
    assert len(found) == 1, [(d.rule_id, d.status) for d in rows(case)]
    return found[0]


def notices(case, kind=None):
    stmt = sa.select(Notice).where(Notice.case_id == case.id).order_by(Notice.id)
    return [n for n in db.session.scalars(stmt) if kind is None or n.kind == kind]


def adjudication(applicant, ip_type="invention"):
    return create_case(
        procedure="adjudication", unit=unit("500103"), actor=applicant,
        fields={"title": "侵犯专利权纠纷", "facts": "被请求人制造销售侵权产品。", "claims": "请求责令停止侵权。",
                "kind": "patent_infringement", "ip_type": ip_type, "right_number": "ZL202010123456.2"},
        parties=[{"role": PartyRole.CLAIMANT, "name": applicant.display_name, "user_id": applicant.id},
                 {"role": PartyRole.RESPONDENT, "name": "重庆某某制造有限公司"}],
    )


# ---------------------------------------------------------------------------
# 7. 假冒专利: found ex officio 5 working days, reported 10
# ---------------------------------------------------------------------------


def test_counterfeiting_found_ex_officio_is_filed_within_five_working_days(staff, clock):
    clock.set("2026-03-02")  # a Monday
    officer = staff["officer"]
    found = create_case(
        procedure="complaint", unit=unit("500103"), actor=officer,
        fields={"kind": "patent_counterfeit", "ip_type": "utility_model", "right_number": "ZL201920765432.1",
                "title": "商品标注虚假专利号", "facts": "执法检查中发现商品包装标注他人专利号。",
                "claims": "依职权查处。", "channel": "ex_officio"},
        parties=[{"role": PartyRole.RESPONDENT, "name": "重庆某某商贸有限公司"}])
    reported = complaint(staff["applicant"], kind="patent_counterfeit", ip_type="utility_model")
    filing = one(found, "FAKE_PATENT_FILE")
    assert (filing.due_date, filing.binds) == (D(2026, 3, 9), "office")
    assert filing.basis == "专利行政执法办法（2015年修订）第二十八条" and "发现之日" in filing.explanation
    assert one(reported, "CPL_ACCEPT_PATENT_COUNTERFEIT").due_date == D(2026, 3, 16)
    assert rows(found, "CPL_ACCEPT_PATENT_COUNTERFEIT") == []
    clock.set("2026-03-09")
    advance(found, ("accept", officer, {}))
    assert filing.status == DeadlineStatus.MET
    assert notices(found) == []  # no complainant to send a 受理通知书 to


def test_only_staff_register_a_case_found_ex_officio(staff):
    with pytest.raises(Invalid, match="依职权发现"):
        complaint(staff["applicant"], kind="patent_counterfeit", channel="ex_officio")


# ---------------------------------------------------------------------------
# 8. A converted complaint keeps the day its request was received
# ---------------------------------------------------------------------------


def test_converted_adjudication_keeps_the_receipt_date_one_docket_clock_one_acceptance(staff, clock):
    officer, supervisor = staff["officer"], staff["supervisor"]
    clock.set("2026-03-02")
    request = complaint(staff["applicant"], kind="patent_infringement")
    clock.set("2026-03-03")
    advance(request, ("accept", officer, {}))
    assert notices(request) == []  # screening a dispute request is no 受理 of its own
    clock.set("2026-03-05")
    advance(request, ("convert", officer, {"procedure": "adjudication"}))
    case = db.session.get(Case, request.data["converted_to"])
    assert core_clock.beijing_date(case.received_at) == D(2026, 3, 2)
    assert case.channel == "online"  # the request came online, it was not transferred from elsewhere
    docket = one(case, "ADJ_DOCKET")
    # One 立案 period from the receipt of the request (5 working days → 3月9日), not a new one from 3月5日.
    assert (docket.trigger_date, docket.due_date) == (D(2026, 3, 2), D(2026, 3, 9))
    clock.set("2026-03-09")
    advance(case, ("docket", supervisor, docket_data(case)))
    assert docket.status == DeadlineStatus.MET
    [acceptance] = notices(request) + notices(case)
    from caseflow.notices.context import build_context

    assert acceptance.case_id == case.id
    assert build_context(acceptance)["case"]["received"] == "2026年3月2日"


def test_a_late_docket_after_conversion_is_missed(staff, clock):
    officer = staff["officer"]
    clock.set("2026-03-02")
    request = complaint(staff["applicant"], kind="patent_infringement")
    clock.set("2026-03-06")
    advance(request, ("accept", officer, {}), ("convert", officer, {"procedure": "adjudication"}))
    case = db.session.get(Case, request.data["converted_to"])
    clock.set("2026-03-12")
    advance(case, ("docket", staff["supervisor"], docket_data(case)))
    assert one(case, "ADJ_DOCKET").status == DeadlineStatus.MISSED


# ---------------------------------------------------------------------------
# 9. Extensions from the original expiry, recorded with their approval; excluded periods
# ---------------------------------------------------------------------------


def test_case_limit_extension_runs_from_the_original_expiry(staff, clock):
    clock.set("2026-08-31")
    case = adjudication(staff["applicant"])
    advance(case, ("docket", staff["supervisor"], docket_data(case)))
    limit = one(case, "ADJ_CASE_LIMIT")
    assert limit.due_date == D(2026, 11, 30)  # no 31 November: the month's last day
    clock.set("2026-10-15")
    advance(case, ("extend", staff["supervisor"], {"reason": "案件复杂"}))
    # One month from 30 November is 30 December (four months from 31 August would be 31 December).
    assert limit.due_date == D(2026, 12, 30)
    assert "经批准延长 1 个月，自原届满日 2026-11-30 起算为 2026-12-30" in limit.explanation


def test_docket_extension_of_five_working_days_is_recorded_with_its_approval(staff, clock):
    from caseflow.approvals.services import approve_request

    officer, supervisor = staff["officer"], staff["supervisor"]
    clock.set("2026-03-02")
    case = adjudication(staff["applicant"])
    docket = one(case, "ADJ_DOCKET")
    assert docket.due_date == D(2026, 3, 9)
    clock.set("2026-03-05")
    outcome = perform(case, "extend_docket", actor=officer, data={"version": case.version, "reason": "案情特别复杂"})
    assert outcome.status == 202 and docket.due_date == D(2026, 3, 9)
    approve_request(outcome.approval, actor=supervisor)
    assert docket.due_date == D(2026, 3, 16)
    [ext] = docket.extensions
    assert (ext["amount"], ext["unit"], ext["approver"]) == (5, "working_days", "department_head")
    assert (ext["by"], ext["approved_by"], ext["approval_id"]) == (officer.username, supervisor.username,
                                                                   outcome.approval.id)
    assert ext["reason"] == "案情特别复杂"
    with pytest.raises(Conflict, match="已无可批准的延长"):
        perform(case, "extend_docket", actor=officer, data={"version": case.version, "reason": "再延长"})


def test_complaint_check_extension_of_fifteen_working_days(staff, clock):
    supervisor = staff["supervisor"]
    clock.set("2026-03-02")
    report = complaint(staff["applicant"], kind="trademark", ip_type="trademark")
    check = one(report, "CPL_ACCEPT_TRADEMARK")
    assert check.due_date == D(2026, 3, 23)
    advance(report, ("extend_acceptance", supervisor, {"reason": "涉及多个商标，需要核查"}))
    assert check.due_date == due_date("2026-03-02", 30, "working_days").due == D(2026, 4, 14)
    assert check.extensions[0]["approved_by"] == supervisor.username
    with pytest.raises(Conflict, match="已无可批准的延长"):
        advance(report, ("extend_acceptance", supervisor, {"reason": "再延长"}))
    # A copyright complaint's 15 days (著作权行政处罚实施办法 art. 13) cannot be extended.
    other = complaint(staff["applicant"], kind="copyright", ip_type="copyright")
    with pytest.raises(Conflict, match="依法不能延长"):
        advance(other, ("extend_acceptance", supervisor, {"reason": "需要核查"}))


def examined(staff, clock, on="2026-03-04"):
    clock.set(on)
    case = adjudication(staff["applicant"])
    officer = staff["officer"]
    return advance(case, ("docket", staff["supervisor"], docket_data(case)), ("serve_respondent", officer, {}),
                   ("record_answer", officer, {"answer": "不构成侵权。"}))


@pytest.mark.parametrize(("period", "label"), [("settlement", "当事人和解期间"), ("public_notice", "公告期间"),
                                                ("appraisal", "检验、鉴定期间")])
def test_settlement_public_notice_and_appraisal_are_not_counted(staff, clock, period, label):
    officer = staff["officer"]
    case = examined(staff, clock)
    limit = one(case, "ADJ_CASE_LIMIT")
    assert limit.due_date == D(2026, 6, 4)
    clock.set("2026-04-01")
    advance(case, ("start_excluded_period", officer, {"period": period, "detail": "已开始"}))
    assert limit.status == DeadlineStatus.PAUSED
    with pytest.raises(Conflict, match="已在计算中"):
        advance(case, ("start_excluded_period", officer, {"period": period, "detail": "再次开始"}))
    clock.set("2026-04-21")
    advance(case, ("end_excluded_period", officer, {"period": period}))
    assert (limit.status, limit.paused_days) == (DeadlineStatus.RUNNING, 20)
    assert limit.due_date == D(2026, 6, 24)
    assert limit.pauses[0]["reason"] == f"登记不计入办案期限的期间：{label}"


def test_overlapping_excluded_periods_count_each_day_once(staff, clock):
    officer = staff["officer"]
    case = examined(staff, clock)
    limit = one(case, "ADJ_CASE_LIMIT")
    clock.set("2026-04-01")
    advance(case, ("start_excluded_period", officer, {"period": "appraisal", "detail": "委托技术鉴定"}))
    clock.set("2026-04-11")
    advance(case, ("suspend", officer, {"reason": "force_majeure", "detail": "不可抗力"}))
    clock.set("2026-04-21")
    advance(case, ("end_excluded_period", officer, {"period": "appraisal"}))
    assert limit.status == DeadlineStatus.PAUSED  # still suspended: the clock stays stopped
    clock.set("2026-05-01")
    advance(case, ("resume", officer, {}))
    # 4月1日 to 5月1日: 30 days, the 10 days of overlap counted once.
    assert (limit.status, limit.paused_days) == (DeadlineStatus.RUNNING, 30)
    assert limit.due_date == due_date("2026-03-04", 3, "months", paused_days=30).due


def test_an_applied_for_evidence_extension_is_not_counted(staff, clock):
    officer = staff["officer"]
    case = examined(staff, clock)
    limit = one(case, "ADJ_CASE_LIMIT")
    clock.set("2026-03-10")
    advance(case, ("set_evidence_period", officer, {"days": "15"}))
    evidence = one(case, "ADJ_EVIDENCE_PERIOD")
    assert evidence.due_date == D(2026, 3, 25)
    advance(case, ("extend_evidence_period", officer, {"days": "10", "reason": "请求人申请补充公证证据"}))
    # 10 more days from 3月25日: 4月4日, in the 清明 holiday → 4月7日.
    assert evidence.due_date == D(2026, 4, 7)
    [ext] = evidence.extensions
    assert (ext["amount"], ext["unit"], ext["approver"]) == (10, "days", "department")
    # The 13 days the party was given are excluded from the case limit (局令81 art. 37).
    assert limit.pauses[-1]["from"] == "2026-03-25" and limit.pauses[-1]["to"] == "2026-04-07"
    assert limit.paused_days == 13 and limit.due_date == D(2026, 6, 17)
    # A party may apply again; the office decides each time.
    advance(case, ("extend_evidence_period", officer, {"days": "5", "reason": "被请求人申请"}))
    assert len(evidence.extensions) == 2 and limit.paused_days == 13 + (evidence.due_date - D(2026, 4, 7)).days


def test_public_notice_service_is_not_counted(staff, clock):
    from caseflow.notices import deliveries, issuing

    officer = staff["officer"]
    clock.set("2026-03-04")
    case = adjudication(staff["applicant"])
    advance(case, ("docket", staff["supervisor"], docket_data(case)), ("serve_respondent", officer, {}))
    limit = one(case, "ADJ_CASE_LIMIT")
    [answer_notice] = notices(case, "answer_notice")
    issuing.issue(answer_notice, actor=staff["supervisor"])
    respondent = next(p for p in case.parties if p.role == PartyRole.RESPONDENT)
    clock.set("2026-03-10")
    deliveries.record_delivery(answer_notice, actor=officer, method="public_notice", party_id=respondent.id,
                               published_on=D(2026, 3, 10))
    # Served 30 days after publication; those 30 days are not counted on the case clock.
    assert limit.paused_days == 30 and limit.due_date == due_date("2026-03-04", 3, "months", paused_days=30).due
    assert "公告送达" in limit.pauses[-1]["reason"]


# ---------------------------------------------------------------------------
# 10. The enforcement window after a stop order, and the right holder's fallback
# ---------------------------------------------------------------------------

STOP_ORDER = {"outcome": "infringement", "reasons": "落入保护范围", "measures": "立即停止销售被诉侵权产品"}


def decided(staff, clock, decision=STOP_ORDER):
    case = examined(staff, clock)
    clock.set("2026-04-01")
    deliberation = {"outcome": decision["outcome"], "opinion": "合议组一致认为……"}
    return advance(case, ("deliberate", staff["officer"], deliberation),
                   ("decide", staff["supervisor"], decision))


def serve_decision(staff, case, on):
    from caseflow.notices import deliveries

    [decision] = notices(case, "decision")
    if decision.status.value != "issued":
        issue_decision(decision, staff["supervisor"])
    for party in case.parties:
        deliveries.record_delivery(decision, actor=staff["officer"], method="direct", party_id=party.id,
                                   delivered_on=on)


def test_a_stop_order_opens_the_three_month_enforcement_window_from_the_end_of_the_period_to_sue(staff, clock):
    case = decided(staff, clock)
    suit, window = one(case, "ADJ_ADMIN_SUIT"), one(case, "ADJ_ENFORCEMENT_APPLICATION")
    assert (window.binds, window.trigger_estimated) == ("office", True)
    assert window.trigger_date == suit.due_date
    clock.set("2026-04-07")
    serve_decision(staff, case, D(2026, 4, 7))
    # The period to sue runs 15 days from service (4月22日); the office's window 3 months from its end.
    assert suit.due_date == D(2026, 4, 22)
    assert (window.trigger_date, window.due_date, window.trigger_estimated) == (D(2026, 4, 22), D(2026, 7, 22), False)
    assert "法定起诉期限届满之日" in window.trigger_label and "第八十条" in window.basis


def test_the_window_lapsing_unmet_starts_the_right_holders_six_months(staff, clock):
    case = decided(staff, clock)
    clock.set("2026-04-07")
    serve_decision(staff, case, D(2026, 4, 7))
    clock.set("2026-07-23")
    assert one(case, "ADJ_ENFORCEMENT_APPLICATION") in lifecycle.mark_missed(case)
    fallback = one(case, "ADJ_ENFORCEMENT_RIGHT_HOLDER")
    assert (fallback.binds, fallback.trigger_date, fallback.due_date) == ("party", D(2026, 7, 22), D(2027, 1, 22))


def test_applying_in_time_meets_the_window(staff, clock):
    from caseflow.notices import deliveries, issuing

    officer = staff["officer"]
    case = decided(staff, clock)
    clock.set("2026-04-07")
    serve_decision(staff, case, D(2026, 4, 7))
    clock.set("2026-04-23")
    advance(case, ("issue_reminder", officer, {}))
    [reminder] = notices(case, "reminder")
    issuing.issue(reminder, actor=officer)
    respondent = next(p for p in case.parties if p.role == PartyRole.RESPONDENT)
    deliveries.record_delivery(reminder, actor=officer, method="direct", party_id=respondent.id,
                               delivered_on=D(2026, 4, 23))
    clock.set("2026-05-20")
    advance(case, ("apply_enforcement", officer, {"target": "重庆知识产权法院"}))
    window = one(case, "ADJ_ENFORCEMENT_APPLICATION")
    assert window.status == DeadlineStatus.MET
    assert rows(case, "ADJ_ENFORCEMENT_RIGHT_HOLDER") == []


def test_no_window_for_a_dismissal_and_a_suit_makes_it_moot(staff, clock):
    dismissed = decided(staff, clock, {"outcome": "dismissed", "reasons": "未落入保护范围"})
    assert rows(dismissed, "ADJ_ENFORCEMENT_APPLICATION") == []
    case = decided(staff, clock)
    clock.set("2026-04-10")
    advance(case, ("record_litigation", staff["officer"], {"court_case": "（2026）渝01行初1号"}))
    window = one(case, "ADJ_ENFORCEMENT_APPLICATION")
    assert (window.status, window.ended_by) == (DeadlineStatus.CANCELLED, "record_litigation")


# ---------------------------------------------------------------------------
# 11. A party period ending on a provisional date
# ---------------------------------------------------------------------------


def served_at_year_end(staff, clock):
    clock.set("2026-12-28")
    case = adjudication(staff["applicant"])
    advance(case, ("docket", staff["supervisor"], docket_data(case)), ("serve_respondent", staff["officer"], {}))
    answer = one(case, "ADJ_ANSWER")
    # 15 days → 2027年1月12日, in a year whose holiday schedule is not published yet.
    assert (answer.due_date, answer.provisional) == (D(2027, 1, 12), True)
    clock.set("2027-01-13")
    with pytest.raises(Conflict, match="暂定日期"):
        advance(case, ("close_answer_period", staff["officer"], {}))
    assert case.state == "answering"
    return case, answer


def test_a_provisional_answer_period_is_closed_once_the_year_is_published(staff, clock):
    from tests.deadlines.test_services import INVENTED_2027

    case, answer = served_at_year_end(staff, clock)
    overrides.import_calendar(INVENTED_2027, source="测试用虚构安排", actor=staff["admin"])
    db.commit()
    assert (answer.due_date, answer.provisional) == (D(2027, 1, 12), False)
    advance(case, ("close_answer_period", staff["officer"], {}))
    assert case.state == "examination"


def test_a_staff_member_may_confirm_a_provisional_date(staff, clock, web):
    case, answer = served_at_year_end(staff, clock)
    web.login(staff["applicant"].username)
    url = f"/cases/{case.id}/deadlines/{answer.id}/confirm"
    assert web.client.post(url).status_code in (400, 403, 404)  # not without a token, never by a party
    web.client.post("/logout")
    web.login(staff["officer"].username)
    page = web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "核实并确认届满日" in page
    r = web.post_form(f"/cases/{case.id}", post_url=url)
    assert r.status_code == 303
    assert answer.provisional_confirmed_by == staff["officer"] and answer.provisional
    advance(case, ("close_answer_period", staff["officer"], {}))
    assert case.state == "examination"
    from caseflow.cases.models import CaseEvent

    event = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                          CaseEvent.tag == "case:deadline:confirm")).one()
    assert event.actor_id == staff["officer"].id and "2027-01-12" in event.summary
