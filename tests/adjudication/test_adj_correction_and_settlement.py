"""补正 runs to a deadline before a 不予立案 for want of it (局令81 art. 16); an in-case settlement and a mediation
agreement take effect, and close the case, only on the second party's signature (arts 35, 69)."""

from __future__ import annotations

import datetime as dt

import pytest

from caseflow.cases.models import PartyRole
from caseflow.cases.services import available_actions, create_case
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import Conflict
from caseflow.deadlines import due_date
from caseflow.notices import deliveries, issuing, rendering
from caseflow.stats.facts import compute_facts
from tests.factories.accounts import unit
from tests.factories.adjudication import docket
from tests.factories.cases import act
from tests.notices.conftest import pdf_text

pytestmark = pytest.mark.usefixtures("session")

FIELDS = {"kind": "patent_infringement", "ip_type": "design", "right_number": "ZL202230123456.X",
          "title": "外观设计专利侵权纠纷", "facts": "被请求人销售涉嫌侵权的水杯。", "claims": "请求责令停止销售。",
          "channel": "online"}


def make(people):
    parties = [{"role": PartyRole.CLAIMANT, "name": "重庆山城科技有限公司", "user_id": people["applicant"].id},
               {"role": PartyRole.RESPONDENT, "name": "重庆某某商贸有限公司", "user_id": people["respondent"].id}]
    return create_case(procedure="adjudication", unit=unit("500103"), actor=people["applicant"], fields=FIELDS,
                       parties=parties)


def names(case, actor):
    return {a.name for a in available_actions(case, actor)}


# ---- 补正 (art. 16) ----


def test_correction_sets_the_period_the_notice_states(people, deadline, notices_of):
    case = make(people)
    act(case, "request_correction", people["officer"], items="请提交专利登记簿副本", due_in_days="10")
    row = deadline(case, "ADJ_CORRECTION")
    assert row is not None and row.amount == 10 and row.binds == "party"
    assert row.due_date == due_date(clock.today(), 10, "days").due
    [notice] = notices_of(case, "correction")
    assert "自收到本通知书之日起十日内补正" in pdf_text(rendering.preview_pdf(notice))
    # The period runs from the notice's 送达, not its issue.
    issuing.issue(notice, actor=people["officer"])
    served = clock.today() + dt.timedelta(days=3)
    clock.pin(dt.datetime.combine(served, dt.time(10), clock.BEIJING))
    party = next(p for p in case.parties if p.role == PartyRole.CLAIMANT)
    deliveries.record_delivery(notice, actor=people["officer"], method="post", party_id=party.id,
                               delivered_on=served, receipt_number="EMS-C1")
    assert deadline(case, "ADJ_CORRECTION").due_date == due_date(served, 10, "days").due


def test_no_rejection_for_want_of_correction_before_the_period_ran_out(people, deadline, shift, notices_of):
    case = make(people)
    act(case, "request_correction", people["officer"], items="请提交专利登记簿副本", due_in_days="7")
    shift(8)
    # Not served: the period has not begun to run.
    with pytest.raises(Conflict, match="尚未送达"):
        act(case, "reject", people["supervisor"], reason="逾期未补正", ground="correction")
    [notice] = notices_of(case, "correction")
    issuing.issue(notice, actor=people["officer"])
    claimant = next(p for p in case.parties if p.role == PartyRole.CLAIMANT)
    deliveries.record_delivery(notice, actor=people["officer"], method="post", party_id=claimant.id,
                               delivered_on=clock.today(), receipt_number="EMS-C2")
    with pytest.raises(Conflict, match="补正期限尚未届满"):
        act(case, "reject", people["supervisor"], reason="逾期未补正", ground="correction")
    assert case.state == "correction" and not notices_of(case, "rejection")
    assert "reject" not in names(case, people["supervisor"])
    shift(8 + 8)
    assert "reject" in names(case, people["supervisor"])
    act(case, "reject", people["supervisor"], reason="逾期未补正", ground="correction")
    assert case.state == "not_docketed" and notices_of(case, "rejection")
    assert deadline(case, "ADJ_CORRECTION").status.value == "missed"


def test_materials_still_defective_after_correction_may_be_rejected(people, deadline):
    case = make(people)
    act(case, "request_correction", people["officer"], items="请提交专利登记簿副本", due_in_days="15")
    act(case, "resubmit", people["applicant"], note="已提交登记簿副本（复印件）")
    assert deadline(case, "ADJ_CORRECTION").status.value == "met" and case.state == "submitted"
    act(case, "reject", people["supervisor"], reason="补正后仍未提交专利登记簿副本原件", ground="correction")
    assert case.state == "not_docketed"


def test_rejection_for_want_of_correction_needs_a_correction(people):
    case = make(people)
    with pytest.raises(Conflict, match="补正"):
        act(case, "reject", people["supervisor"], reason="逾期未补正", ground="correction")
    act(case, "reject", people["supervisor"], reason="没有明确的被请求人", ground="respondent")
    assert case.state == "not_docketed"


# ---- the in-case settlement (arts 35, 30) ----


def _mediating(people):
    case = make(people)
    docket(case, people)
    act(case, "serve_respondent", people["officer"])
    act(case, "record_answer", people["officer"], answer="不侵权")
    act(case, "start_mediation", people["officer"], note="双方同意调解")
    return case


def test_settlement_takes_effect_and_closes_on_the_second_signature(people, deadline, notices_of, shift):
    case = _mediating(people)
    act(case, "record_settlement", people["officer"], terms="被请求人停止销售并赔偿五万元")
    assert case.state == "settlement_signing" and case.closed_at is None and case.closing_action is None
    assert _counted(case) == (0, 0)  # the statistics count no 结案 yet
    assert notices_of(case, "mediation_agreement")
    assert deadline(case, "ADJ_CASE_LIMIT").status.value in ("running", "paused")
    shift(1)
    act(case, "confirm_agreement", people["applicant"], consent="yes")
    assert case.state == "settlement_signing" and case.closed_at is None
    with pytest.raises(Conflict, match="已经签署"):
        act(case, "record_signature", people["officer"], side="claimant")
    shift(2)
    act(case, "record_signature", people["officer"], side="respondent")
    assert case.state == "settled" and case.closing_action == "record_signature"
    assert clock.beijing_date(case.closed_at) == clock.today()
    assert case.data["agreement"]["effective_on"] == clock.today().isoformat()
    assert deadline(case, "ADJ_CASE_LIMIT").status.value == "met"
    assert _counted(case) == (1, 1)  # closed, and by a mediation agreement


def _counted(case) -> tuple[int, int]:
    facts = compute_facts(db.session, [case.id])[case.id]
    return facts["closed"], facts["dispute_mediated"]


def test_a_party_refusing_to_sign_sends_the_case_back_to_examination(people):
    case = _mediating(people)
    act(case, "record_settlement", people["officer"], terms="被请求人停止销售")
    act(case, "confirm_agreement", people["respondent"], consent="yes")
    act(case, "end_mediation", people["officer"], note="请求人拒绝在调解协议书上签名")
    assert case.state == "examination" and case.closed_at is None


# ---- mediation (art. 69) ----


def test_mediation_closes_on_the_second_signature_not_the_agreement(people, deadline):
    parties = [{"role": PartyRole.CLAIMANT, "name": "重庆山城科技有限公司", "user_id": people["applicant"].id},
               {"role": PartyRole.RESPONDENT, "name": "重庆某某商贸有限公司", "user_id": people["respondent"].id}]
    case = create_case(procedure="mediation", unit=unit("500103"), actor=people["applicant"],
                       fields={"kind": "patent_dispute", "ip_type": "invention", "right_number": "ZL202010123456.2",
                               "title": "专利权权属纠纷", "facts": "双方就专利权归属发生争议。",
                               "claims": "请求确认专利权归属。", "channel": "online"},
                       parties=parties)
    act(case, "set_category", people["officer"], category="ownership")
    act(case, "notify_respondent", people["officer"])
    act(case, "record_statement", people["respondent"], agrees="yes", statement="同意调解")
    act(case, "docket", people["officer"], body="office")
    act(case, "record_agreement", people["officer"], terms="专利权归请求人所有")
    assert case.state == "signing" and case.closed_at is None
    assert deadline(case, "MED_OWNERSHIP_LIMIT").status.value == "running"
    assert compute_facts(db.session, [case.id])[case.id]["med_agreement"] == 0
    act(case, "confirm_agreement", people["applicant"], consent="yes")
    assert case.closed_at is None
    act(case, "confirm_agreement", people["respondent"], consent="yes")
    assert case.state == "agreement" and case.closing_action == "confirm_agreement" and case.closed_at is not None
    assert deadline(case, "MED_OWNERSHIP_LIMIT").status.value == "met"
    facts = compute_facts(db.session, [case.id])[case.id]
    assert (facts["med_closed"], facts["med_agreement"], facts["limit_met"]) == (1, 1, 1)
