"""The adjudication declaration step by step (局令81): guards, documents, the case clock, closing forms."""

from __future__ import annotations

import pytest

import workflows
from caseflow.approvals.services import approve_request
from caseflow.cases.models import Case, PartyRole
from caseflow.cases.services import available_actions, create_case
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import Conflict, Invalid
from caseflow.deadlines import due_date
from caseflow.notices import deliveries, issuing
from tests.factories.accounts import unit
from tests.factories.adjudication import deliberate, docket, issue_decision
from tests.factories.cases import act

pytestmark = pytest.mark.usefixtures("session")

FIELDS = {"kind": "patent_infringement", "ip_type": "design", "right_number": "ZL202230123456.X",
          "title": "外观设计专利侵权纠纷", "facts": "被请求人销售涉嫌侵权的水杯。", "claims": "请求责令停止销售。",
          "channel": "online"}


def make(people, *, respondent=True, name="重庆某某商贸有限公司"):
    parties = [{"role": PartyRole.CLAIMANT, "name": "重庆山城科技有限公司", "user_id": people["applicant"].id}]
    if respondent:
        parties.append({"role": PartyRole.RESPONDENT, "name": name, "user_id": people["respondent"].id})
    return create_case(procedure="adjudication", unit=unit("500103"), actor=people["applicant"], fields=FIELDS,
                       parties=parties)


def examined(people, **kw):
    case = make(people, **kw)
    docket(case, people)
    act(case, "serve_respondent", people["officer"])
    act(case, "record_answer", people["officer"], answer="不侵权")
    return case


def panel(people):
    return [people["officer"].username, people["officer2"].username, people["officer3"].username]


# ---- filing: 局令81 art. 12 conditions and the art. 19 time bar ----


@pytest.mark.parametrize(("field", "value", "words"), [
    ("court_suit", "yes", "人民法院起诉"), ("other_route", "yes", "其他纠纷解决方式"),
    ("jurisdiction", "none", "管辖"), ("standing", "ordinary_licensee", "普通实施许可"),
    ("evaluation_report", "refused", "评价报告"),
])
def test_docket_refused_when_a_condition_fails(people, field, value, words):
    case = make(people)
    with pytest.raises(Conflict) as exc:
        docket(case, people, **{field: value})
    assert words in exc.value.message and case.state == "submitted"


def test_docket_needs_a_named_respondent(people):
    case = make(people, respondent=False)
    with pytest.raises(Conflict, match="被请求人"):
        docket(case, people)


def test_time_bar_is_a_risk_never_a_refusal(people):
    case = make(people)
    docket(case, people, known_on="2019-01-10", continuing="no", evaluation_report="requested",
           patent_status="invalidation_pending")
    assert case.state == "docketed"
    risks = case.data["risks"]
    assert "2022-01-10" in risks[0] and "撤案" in risks[0]
    assert any("评价报告" in r for r in risks) and any("第二十八条" in r for r in risks)
    recent = make(people, name="另一商行")
    docket(recent, people, known_on=clock.today().isoformat())
    assert recent.data["risks"] == []


def test_correction_and_rejection_draft_their_documents(people, notices_of, shift):
    case = make(people)
    act(case, "request_correction", people["officer"], items="请提交专利登记簿副本", due_in_days="15")
    # 逾期未补正 only once the notice was served and its 15 days ran out (art. 16).
    [notice] = notices_of(case, "correction")
    issuing.issue(notice, actor=people["officer"])
    claimant = next(p for p in case.parties if p.role == PartyRole.CLAIMANT)
    deliveries.record_delivery(notice, actor=people["officer"], method="post", party_id=claimant.id,
                               delivered_on=clock.today(), receipt_number="EMS-C")
    shift(16)
    act(case, "reject", people["supervisor"], reason="逾期未补正", ground="correction")
    assert case.state == "not_docketed" and case.closed_at is None
    assert [n.kind for n in notices_of(case)] == ["correction", "rejection"]


# ---- the panel and recusal ----


@pytest.mark.parametrize("size", [1, 2, 4])
def test_panel_is_three_or_more_and_odd(people, size):
    case = make(people)
    docket(case, people)
    members = [people[k].username for k in ("officer", "officer2", "officer3", "supervisor")][:size]
    with pytest.raises(Conflict, match="单数"):
        act(case, "set_panel", people["officer"], members=members)


def test_panel_members_must_be_staff_of_the_office(people):
    case = make(people)
    docket(case, people)
    with pytest.raises(Invalid):
        act(case, "set_panel", people["officer"],
            members=[people["officer"].username, people["officer2"].username, people["other_district"].username])


def test_recusal_application_and_decision(people, notices_of, deadline):
    case = make(people)
    docket(case, people)
    assert case.data["panel"] == panel(people)  # formed at 立案 (art. 20)
    assert deadline(case, "ADJ_RECUSAL_APPLICATION").due_date == due_date(clock.today(), 3, "working_days").due
    with pytest.raises(Invalid):  # only a member of this panel can be challenged
        act(case, "apply_recusal", people["respondent"], member=people["supervisor"].username, grounds="系请求人近亲属")
    act(case, "apply_recusal", people["respondent"], member=people["officer3"].username, grounds="系请求人近亲属")
    with pytest.raises(Invalid):
        act(case, "decide_recusal", people["supervisor"], outcome="granted")
    with pytest.raises(Invalid, match="已是合议组成员"):
        act(case, "decide_recusal", people["supervisor"], outcome="granted", replacement=people["officer"].username)
    act(case, "decide_recusal", people["supervisor"], outcome="granted", replacement=people["supervisor"].username)
    assert case.data["panel"][2] == people["supervisor"].username and case.data["recusal"] is None
    assert notices_of(case, "recusal_decision")


# ---- service, answer, jurisdiction objection ----


def test_no_domicile_respondent_has_thirty_days(people, deadline):
    case = make(people)
    docket(case, people)
    act(case, "serve_respondent", people["officer"], no_domicile="yes")
    row = deadline(case, "ADJ_ANSWER_NO_DOMICILE")
    assert row is not None and row.amount == 30 and deadline(case, "ADJ_ANSWER") is None


def test_close_answer_period_only_after_it_ran_out(people, shift):
    case = make(people)
    docket(case, people)
    act(case, "serve_respondent", people["officer"])
    with pytest.raises(Conflict, match="答辩期尚未届满"):
        act(case, "close_answer_period", people["officer"])
    shift(20)
    # A late objection is accepted, flagged 逾期 for the officers and in the audit chain (not refused).
    act(case, "raise_jurisdiction_objection", people["respondent"], grounds="不在辖区")
    [flag] = case.data["late_filings"]
    assert flag["what"] == "提出管辖权异议" and flag["period"].startswith("答辩期")
    assert any(e.tag == "case:filing:late" and "逾期提交：提出管辖权异议" in e.summary for e in case.events)
    act(case, "close_answer_period", people["officer"])
    assert case.state == "examination"


def test_jurisdiction_objection_pauses_the_clock_and_is_decided_in_five_working_days(people, deadline, shift,
                                                                                    notices_of):
    case = make(people)
    docket(case, people)
    act(case, "serve_respondent", people["officer"])
    raised = shift(3)
    act(case, "raise_jurisdiction_objection", people["respondent"], grounds="被请求人住所地及侵权行为地均不在渝中区")
    assert deadline(case, "ADJ_JURISDICTION_OBJECTION_DECISION").due_date == due_date(raised, 5, "working_days").due
    assert deadline(case, "ADJ_CASE_LIMIT").status.value == "paused"
    shift(5)
    act(case, "decide_jurisdiction_objection", people["supervisor"], outcome="rejected", reasons="侵权行为地在本区")
    limit = deadline(case, "ADJ_CASE_LIMIT")
    assert limit.status.value == "running" and limit.paused_days == 2
    assert deadline(case, "ADJ_JURISDICTION_OBJECTION_DECISION").status.value == "met"
    assert case.state == "answering" and notices_of(case, "jurisdiction_decision")


def test_upheld_objection_revokes_and_transfers(people, notices_of):
    case = make(people)
    docket(case, people)
    act(case, "serve_respondent", people["officer"])
    act(case, "raise_jurisdiction_objection", people["respondent"], grounds="不在辖区")
    act(case, "decide_jurisdiction_objection", people["supervisor"], outcome="upheld", reasons="应由江北区管辖",
        target="重庆市江北区知识产权局")
    assert case.state == "revoked" and case.closing_action == "decide_jurisdiction_objection"
    child = db.session.get(Case, case.data["referral"])
    assert child.procedure == "referral" and child.data["referral_kind"] == "agency"


@pytest.mark.parametrize("origin", ["objection_upheld", "revoked_for_want_of_jurisdiction"])
def test_a_case_found_not_to_be_this_offices_is_transferred_once_decided(people, notices_of, origin):
    """局令81 art. 9: the decision that the case is not this office's (an upheld objection, or 撤销案件 on finding it
    after 立案) transfers it to the competent department, which it must name; the head does not approve it again,
    the requester is told, and the 案件移送函 goes with the referral: the adjudication drafts none by hand."""
    from caseflow.notices import catalogue

    case = make(people)
    docket(case, people)
    act(case, "serve_respondent", people["officer"])
    if origin == "objection_upheld":
        act(case, "raise_jurisdiction_objection", people["respondent"], grounds="不在辖区")
        decide = ("decide_jurisdiction_objection", {"outcome": "upheld", "reasons": "被请求人住所地在江北区"})
    else:
        decide = ("revoke", {"ground": "no_jurisdiction", "reason": "立案后查明侵权行为地和住所地均在江北区"})
    with pytest.raises(Conflict) as refused:
        act(case, decide[0], people["supervisor"], **decide[1])
    assert "应当写明该部门" in refused.value.message and case.state == "answering" and "referral" not in case.data
    act(case, decide[0], people["supervisor"], target="重庆市江北区知识产权局", **decide[1])
    assert case.state == "revoked"
    referral = db.session.get(Case, case.data["referral"])
    assert referral.state == "approved" and referral.data["target"] == "重庆市江北区知识产权局"
    assert "江北区" in referral.data["approve_with_origin"]["decision"]
    assert "approve" not in {a.name for a in available_actions(referral, people["supervisor"])}
    act(referral, "inform_requester", people["officer"], method="written", note="本案将移送江北区知识产权局处理。")
    act(referral, "transfer", people["officer"])
    assert referral.state == "transferred" and notices_of(referral, "case_transfer")
    assert "case_transfer" not in {k.code for k in catalogue.hand_draftable(case, ())}


@pytest.mark.parametrize("head_signs_revocations", [True, False])
def test_a_transfer_no_head_decided_waits_for_the_heads_approval(people, app, monkeypatch, head_signs_revocations):
    """An office may let officers revoke without the head's sign-off (APPROVAL_OVERRIDES); a transfer to another
    department is then still the head's to approve (批准移送), not taken as approved by the revocation."""
    monkeypatch.setitem(app.config, "APPROVAL_OVERRIDES", {"500103": {"adjudication.revoke": head_signs_revocations}})
    case = make(people)
    docket(case, people)
    done = act(case, "revoke", people["officer"], ground="no_jurisdiction", reason="立案后查明应由江北区管辖",
               target="重庆市江北区知识产权局")
    assert (done.approval is not None) == head_signs_revocations
    if done.approval is not None:
        approve_request(done.approval, actor=people["supervisor"])
    assert case.state == "revoked"
    referral = db.session.get(Case, case.data["referral"])
    assert referral.state == ("approved" if head_signs_revocations else "drafted")
    if not head_signs_revocations:
        assert "inform_requester" not in {a.name for a in available_actions(referral, people["officer"])}
        act(referral, "approve", people["supervisor"], opinion="同意移送江北区知识产权局")
        assert referral.state == "approved"


def test_want_of_jurisdiction_before_docketing_is_a_refusal_not_a_revocation(people):
    case = make(people)
    with pytest.raises(Conflict) as refused:
        act(case, "revoke", people["supervisor"], ground="no_jurisdiction", reason="不在辖区", target="江北区局")
    assert "应当不予立案" in refused.value.message and case.state == "submitted" and not case.children


def test_a_revocation_on_another_ground_transfers_nothing(people):
    case = make(people)
    docket(case, people)
    act(case, "revoke", people["supervisor"], ground="withdrawn", reason="请求人撤回处理请求")
    assert case.state == "revoked" and "referral" not in case.data and not case.children


# ---- the case clock: suspension, mediation, extensions (局令81 art. 37) ----


def test_case_clock_moves_exactly(people, deadline, shift, notices_of):
    docketed = clock.today()
    case = examined(people)
    shift(10)
    act(case, "suspend", people["officer"], reason="depends", detail="本案须以另案审理结果为依据")
    assert case.state == "suspended"
    shift(40)
    act(case, "resume", people["officer"])
    assert case.state == "examination"
    assert deadline(case, "ADJ_CASE_LIMIT").due_date == due_date(docketed, 3, "months", paused_days=30).due
    shift(45)
    act(case, "start_mediation", people["officer"], note="双方同意调解", settlement="yes")  # 和解: not counted
    shift(52)
    act(case, "end_mediation", people["officer"])
    limit = deadline(case, "ADJ_CASE_LIMIT")
    assert limit.paused_days == 37 and limit.due_date == due_date(docketed, 3, "months", paused_days=37).due
    act(case, "extend", people["supervisor"], reason="案情复杂")
    # Each extension runs from the expiry before it (民法典 arts 201-202), not from 立案 again.
    assert deadline(case, "ADJ_CASE_LIMIT").due_date == due_date(docketed, 3, "months", paused_days=37,
                                                                 extensions=[(1, "months")]).due
    act(case, "extend", people["city"], reason="特别复杂，上一级部门批准")
    assert deadline(case, "ADJ_CASE_LIMIT").due_date == due_date(docketed, 3, "months", paused_days=37,
                                                                 extensions=[(1, "months"), (2, "months")]).due
    with pytest.raises(Conflict, match="已无可批准的延长"):
        act(case, "extend", people["city"], reason="再次延长")
    # (the refused third extension raised after its draft; a request rolls both back)
    assert [n.kind for n in notices_of(case) if n.kind not in ("acceptance", "answer_notice")][:4] == [
        "suspension", "resumption", "extension", "extension"]


def test_extension_by_an_officer_needs_approval(people):
    case = examined(people)
    outcome = act(case, "extend", people["officer"], reason="案情复杂")
    assert outcome.approval is not None


def test_refusing_suspension_drafts_its_notice(people, notices_of):
    case = examined(people)
    act(case, "refuse_suspension", people["officer"], ground="report_clean")
    assert case.state == "examination" and notices_of(case, "suspension_refusal")


def test_resume_returns_to_the_state_it_came_from(people):
    case = examined(people)
    act(case, "suspend", people["officer"], reason="force_majeure")
    act(case, "resume", people["officer"])
    assert case.state == "examination"


# ---- closing forms (art. 30): decision, settlement, revocation ----


def test_dismissal_closes_with_a_decision_and_may_be_archived(people, notices_of):
    case = examined(people)
    deliberate(case, people["officer"], "dismissed")
    act(case, "decide", people["supervisor"], outcome="dismissed", reasons="未落入保护范围")
    assert case.state == "decided" and case.closing_action == "decide"
    assert notices_of(case, "decision")
    # 局令81 art. 83: closing would end the publication period unmet; the decision is published first.
    with pytest.raises(Conflict, match="裁决书尚未公开"):
        act(case, "finalize", people["officer"])
    act(case, "publish", people["officer"], redactions="")
    act(case, "finalize", people["officer"])
    assert case.state == "closed"
    with pytest.raises(Conflict):
        act(make(people, name="乙"), "issue_reminder", people["officer"])


def test_settlement_closes_with_the_mediation_agreement(people, notices_of, deadline):
    case = examined(people)
    act(case, "start_mediation", people["officer"])
    act(case, "record_settlement", people["officer"], terms="停止销售并赔偿")
    assert case.state == "settlement_signing" and case.closed_at is None
    act(case, "record_signature", people["officer"], side="claimant")
    act(case, "record_signature", people["officer"], side="respondent")
    assert case.state == "settled" and case.closing_action == "record_signature"
    assert notices_of(case, "mediation_agreement")
    assert deadline(case, "ADJ_CASE_LIMIT").status.value == "met"


@pytest.mark.parametrize("ground", ["withdrawn", "requester_absent", "time_bar"])
def test_revocation_closes_with_the_revocation_decision(people, notices_of, ground):
    case = examined(people)
    act(case, "revoke", people["supervisor"], reason="见撤销依据", ground=ground)
    assert case.state == "revoked" and case.closing_action == "revoke" and notices_of(case, "revocation")
    assert case.data["revoke"]["ground"] == ground


@pytest.mark.parametrize("declined", [False, True], ids=["applied", "head_declines"])
def test_stop_order_reminder_then_enforcement_referral(people, notices_of, deadline, shift, declined):
    case = examined(people)
    deliberate(case, people["officer"], "infringement")
    act(case, "decide", people["supervisor"], outcome="infringement", reasons="落入保护范围", measures="停止销售")
    [decision] = notices_of(case, "decision")
    issue_decision(decision, people["supervisor"])
    respondent = next(p for p in case.parties if p.role == PartyRole.RESPONDENT)
    deliveries.record_delivery(decision, actor=people["officer"], method="direct", party_id=respondent.id,
                            delivered_on=clock.today())
    with pytest.raises(Conflict, match="起诉期限"):
        act(case, "issue_reminder", people["officer"])
    shift(17)
    act(case, "issue_reminder", people["officer"])
    assert case.state == "reminded"
    [reminder] = notices_of(case, "reminder")
    issuing.issue(reminder, actor=people["officer"])
    delivered = shift(18)
    deliveries.record_delivery(reminder, actor=people["officer"], method="direct", party_id=respondent.id,
                            delivered_on=delivered)
    wait = deadline(case, "ADJ_ENFORCEMENT_REMINDER_WAIT")
    assert wait.trigger_date == delivered and wait.due_date == due_date(delivered, 10, "working_days").due
    with pytest.raises(Conflict, match="十个工作日"):
        act(case, "apply_enforcement", people["officer"], target="重庆知识产权法院")
    shift(18 + 20)
    act(case, "apply_enforcement", people["officer"], target="重庆知识产权法院", reason="逾期不履行")
    assert case.state == "enforcement"
    child = db.session.get(Case, case.data["referral"])
    assert child.procedure == "referral" and child.data["referral_kind"] == "court"
    if not declined:
        act(case, "publish", people["officer"])
        act(case, "record_compliance", people["officer"], note="已强制执行")
        assert case.state == "closed"
        return
    # The head does not approve the application: the case is back at 已催告 and its window runs as it did.
    window = deadline(case, "ADJ_ENFORCEMENT_APPLICATION")
    assert window.status.value == "met"
    act(child, "decline", people["supervisor"], reason="被申请人已表示履行，暂不申请。")
    assert (child.state, case.state) == ("not_referred", "reminded")
    again = deadline(case, "ADJ_ENFORCEMENT_APPLICATION")
    assert again.id != window.id and again.status.value == "running" and again.due_date == window.due_date
    act(case, "apply_enforcement", people["officer"], target="重庆知识产权法院", reason="仍未履行")
    assert case.state == "enforcement" and case.data["referral"] != child.id


def test_enforcement_window_runs_from_the_respondents_period_to_sue_not_the_requesters(people, notices_of, deadline,
                                                                                      shift):
    """行政强制法 art. 53 (行诉法解释 art. 156): three months from the end of the 被执行人's period to sue. A requester
    served later must not push the office's window later than the law allows."""
    case = examined(people)
    deliberate(case, people["officer"], "infringement")
    act(case, "decide", people["supervisor"], outcome="infringement", reasons="落入保护范围", measures="停止销售")
    [decision] = notices_of(case, "decision")
    issue_decision(decision, people["supervisor"])
    claimant, respondent = (next(p for p in case.parties if p.role == role)
                            for role in (PartyRole.CLAIMANT, PartyRole.RESPONDENT))
    served = clock.today()
    deliveries.record_delivery(decision, actor=people["officer"], method="direct", party_id=respondent.id,
                               delivered_on=served)
    later = shift(10)
    deliveries.record_delivery(decision, actor=people["officer"], method="post", party_id=claimant.id,
                               delivered_on=later)
    their_suit = due_date(served, 15, "days").due
    assert deadline(case, "ADJ_ENFORCEE_SUIT").due_date == their_suit
    assert deadline(case, "ADJ_ADMIN_SUIT").due_date == due_date(later, 15, "days").due  # the last party served
    window = deadline(case, "ADJ_ENFORCEMENT_APPLICATION")
    assert (window.trigger_date, window.trigger_estimated) == (their_suit, False)
    assert window.due_date == due_date(their_suit, 3, "months").due


def test_after_decision_amend_correct_litigation(people, notices_of):
    case = examined(people)
    deliberate(case, people["officer"], "infringement")
    act(case, "decide", people["supervisor"], outcome="infringement", reasons="r", measures="m")
    issue_decision(notices_of(case, "decision")[0], people["supervisor"])
    act(case, "correct", people["officer"], errors="第二页当事人名称笔误")
    act(case, "amend_decision", people["supervisor"], change="revoke", reasons="专利权被宣告全部无效")
    act(case, "publish", people["officer"])
    act(case, "record_litigation", people["officer"], court_case="（2026）渝01行初1号", court="重庆市第一中级人民法院")
    act(case, "record_judgment", people["officer"], judgment="驳回诉讼请求")
    assert case.state == "closed"
    assert [n.kind for n in notices_of(case)][-3:] == ["decision", "rectification", "decision_amendment"]


# ---- consolidation and the fast track ----


def test_consolidation_links_both_cases(people):
    a, b = examined(people), examined(people, name="重庆另一商贸有限公司")
    act(a, "consolidate", people["supervisor"], other_case=b.number, reason="同一专利、同一被诉产品")
    assert a.data["consolidated_with"] == [b.number] and b.data["consolidated_with"] == [a.number]
    with pytest.raises(Invalid):
        act(a, "consolidate", people["supervisor"], other_case="不存在的案号", reason="x")


def test_fast_track_never_shortens_party_periods(people, deadline):
    case = make(people)
    act(case, "set_track", people["officer"], track="fast")
    assert case.track == "fast"
    docket(case, people)
    act(case, "serve_respondent", people["officer"])
    assert deadline(case, "ADJ_ANSWER").amount == 15
    assert workflows.adjudication.FAST_TRACK_TARGETS["ADJ_CASE_LIMIT"][0] < 3


def test_actions_offered_in_examination(people):
    case = examined(people)
    names = {a.name for a in available_actions(case, people["officer"])}
    assert {"schedule_hearing", "suspend", "start_mediation", "deliberate", "revoke", "set_panel",
            "record_investigation", "set_evidence_period", "refuse_suspension"} <= names
    assert "decide" not in names  # offered once the panel has deliberated (局令81 art. 25)
    deliberate(case, people["officer"], "dismissed")
    assert "decide" in {a.name for a in available_actions(case, people["officer"])}
    served = make(people, name="丙")
    docket(served, people)
    act(served, "serve_respondent", people["officer"])
    assert {"record_answer", "raise_jurisdiction_objection"} <= {
        a.name for a in available_actions(served, people["respondent"])}


def test_every_declared_effect_and_notice_exists(app):
    from caseflow.cases import hooks
    from caseflow.notices import catalogue

    proc = workflows.procedure("adjudication")
    for a in proc.actions:
        assert all(e in hooks.of(app).effects for e in a.effects), a.name
        if a.notice:
            catalogue.resolve(a.notice, type("C", (), {"data": {}})())
    # A settlement closes on the second party's signature (art. 35), not when it is drafted.
    assert set(proc.closing_actions()) == {"decide", "confirm_agreement", "record_signature", "revoke", "withdraw",
                                           "decide_jurisdiction_objection"}


def test_evidence_period_and_investigation_records(people, deadline):
    case = examined(people)
    with pytest.raises(Conflict, match="十五日"):
        act(case, "set_evidence_period", people["officer"], days="10")
    act(case, "set_evidence_period", people["officer"], days="20")
    row = deadline(case, "ADJ_EVIDENCE_PERIOD")
    assert row is not None and row.binds == "party" and row.trigger_estimated
    act(case, "record_investigation", people["officer"], measure="site_inspection", summary="现场检查发现被诉产品")
    assert case.data["record_investigation"]["measure"] == "site_inspection"
