"""After the decision (局令81 arts 33, 80, 83): a 变更 or 撤销 of it, and a court's judgment on it.

A variation or revocation is a new act the parties may sue within 15 days of receiving its 决定书; a revoked stop order
has nothing left to enforce, a varied one is enforced as varied. A judgment that varies or revokes the decision is
published again within 20 working days before the case is archived.
"""

from __future__ import annotations

import pytest

from caseflow.cases.models import PartyRole
from caseflow.cases.services import available_actions
from caseflow.core import clock
from caseflow.core.errors import Conflict
from caseflow.deadlines import due_date
from caseflow.notices import deliveries, drafting, issuing
from tests.adjudication.test_adj_steps import examined
from tests.factories.adjudication import deliberate, issue_decision
from tests.factories.cases import act

pytestmark = pytest.mark.usefixtures("session")


def decided(people, notices_of, outcome="infringement"):
    """A decided case whose 行政裁决书 is issued and served on the respondent today."""
    case = examined(people)
    deliberate(case, people["officer"], outcome)
    act(case, "decide", people["supervisor"], outcome=outcome, reasons="理由",
        **({"measures": "停止销售"} if outcome == "infringement" else {}))
    [decision] = notices_of(case, "decision")
    issue_decision(decision, people["supervisor"])
    serve(case, decision, people, PartyRole.RESPONDENT, clock.today())
    return case


def serve(case, notice, people, role, on):
    party = next(p for p in case.parties if p.role == role)
    deliveries.record_delivery(notice, actor=people["officer"], method="direct", party_id=party.id, delivered_on=on)


def amended(case, people, notices_of, change):
    act(case, "amend_decision", people["supervisor"], change=change, reasons="涉案专利权被宣告部分无效")
    notice = notices_of(case, "decision_amendment")[-1]
    if change == "vary":
        drafting.update_parts(notice, actor=people["officer"], parts={"measures": "责令被请求人停止销售第2项产品。"})
    issuing.issue(notice, actor=people["supervisor"])
    return notice


# ---- 变更、撤销 (art. 33): a new act, with its own period to sue ----


@pytest.mark.parametrize("change", ["vary", "revoke"])
def test_the_amendments_delivery_starts_the_parties_period_to_sue(people, notices_of, deadline, shift, change):
    """The 决定书 tells the parties they may sue within 15 days of receipt: from the last party's receipt."""
    case = decided(people, notices_of)
    notice = amended(case, people, notices_of, change)
    first = shift(30)
    serve(case, notice, people, PartyRole.RESPONDENT, first)
    last = shift(33)
    serve(case, notice, people, PartyRole.CLAIMANT, last)
    suit = deadline(case, "ADJ_ADMIN_SUIT_AMENDED")
    assert (suit.trigger_date, suit.trigger_estimated) == (last, False)
    assert suit.due_date == due_date(last, 15, "days").due


def test_a_revoked_stop_order_is_not_enforced_and_may_be_archived(people, notices_of, deadline, shift):
    case = decided(people, notices_of)
    amended(case, people, notices_of, "revoke")
    for rule in ("ADJ_ENFORCEE_SUIT", "ADJ_ENFORCEMENT_APPLICATION"):
        assert deadline(case, rule).status.value == "cancelled"
    shift(40)
    with pytest.raises(Conflict, match="已经撤销"):
        act(case, "issue_reminder", people["officer"])
    with pytest.raises(Conflict, match="已经撤销"):
        act(case, "amend_decision", people["supervisor"], change="vary", reasons="再次变更")
    act(case, "publish", people["officer"])
    act(case, "finalize", people["officer"])
    assert case.state == "closed"


def test_a_revocation_after_the_reminder_ends_the_enforcement(people, notices_of, deadline, shift):
    case = decided(people, notices_of)
    shift(17)
    act(case, "issue_reminder", people["officer"])
    amended(case, people, notices_of, "revoke")
    assert deadline(case, "ADJ_ENFORCEMENT_REMINDER_WAIT").status.value == "cancelled"
    shift(40)
    with pytest.raises(Conflict, match="已经撤销"):
        act(case, "apply_enforcement", people["officer"], target="重庆知识产权法院")
    act(case, "publish", people["officer"])
    assert "finalize" in [a.name for a in available_actions(case, people["officer"])]
    act(case, "finalize", people["officer"])
    assert case.state == "closed"


def test_a_varied_stop_order_is_enforced_from_the_period_to_sue_the_variation(people, notices_of, deadline, shift):
    """行政强制法 art. 53: the window runs from the end of the 被执行人's period to sue the order as varied; a 催告
    issued for the old order no longer stands."""
    case = decided(people, notices_of)
    shift(17)
    act(case, "issue_reminder", people["officer"])
    notice = amended(case, people, notices_of, "vary")
    assert case.state == "decided"
    assert not deadline(case, "ADJ_ENFORCEE_SUIT").is_open  # the old order's period (run out by now) is ended
    served = shift(20)
    serve(case, notice, people, PartyRole.RESPONDENT, served)
    their_suit = due_date(served, 15, "days").due
    assert deadline(case, "ADJ_ENFORCEE_SUIT_AMENDED").due_date == their_suit
    window = deadline(case, "ADJ_ENFORCEMENT_APPLICATION")
    assert window.status.value == "running"
    assert (window.trigger_date, window.trigger_estimated) == (their_suit, False)
    assert window.due_date == due_date(their_suit, 3, "months").due
    serve(case, notice, people, PartyRole.CLAIMANT, served)
    with pytest.raises(Conflict, match="起诉期限"):
        act(case, "issue_reminder", people["officer"])
    shift(20 + 17)
    act(case, "issue_reminder", people["officer"])
    assert case.state == "reminded"


def test_a_dismissals_delivery_starts_no_enforcement_period(people, notices_of, deadline):
    case = decided(people, notices_of, outcome="dismissed")
    assert deadline(case, "ADJ_ADMIN_SUIT").trigger_estimated is False
    assert deadline(case, "ADJ_ENFORCEE_SUIT") is None


# ---- the judgment (art. 83): a varied or revoked decision is published again ----


def litigated(people, notices_of):
    case = decided(people, notices_of)
    act(case, "publish", people["officer"])
    act(case, "record_litigation", people["officer"], court_case="（2026）渝01行初1号", court="重庆市第一中级人民法院")
    return case


@pytest.mark.parametrize("result", ["varied", "revoked"])
def test_a_judgment_varying_or_revoking_the_decision_is_published_before_archiving(people, notices_of, deadline,
                                                                                   shift, result):
    case = litigated(people, notices_of)
    received = shift(100)
    shift(103)
    act(case, "record_judgment", people["officer"], result=result, judgment="撤销被诉行政裁决",
        received_on=received.isoformat())
    assert case.state == "judged"
    period = deadline(case, "ADJ_PUBLICATION_AFTER_JUDGMENT")
    assert period.trigger_date == received  # the day the office received it, not the day it was recorded
    assert period.due_date == due_date(received, 20, "working_days").due
    with pytest.raises(Conflict, match="尚未公开"):
        act(case, "finalize", people["officer"])
    assert {"publish"} <= {a.name for a in available_actions(case, people["officer"])}
    act(case, "publish", people["officer"])
    assert period.status.value == "met"
    act(case, "finalize", people["officer"])
    assert case.state == "closed"


def test_a_judgment_upholding_the_decision_closes_the_case(people, notices_of, deadline, shift):
    case = litigated(people, notices_of)
    received = shift(100)
    act(case, "record_judgment", people["officer"], result="upheld", judgment="驳回诉讼请求",
        received_on=received.isoformat())
    assert case.state == "closed"
    assert deadline(case, "ADJ_PUBLICATION_AFTER_JUDGMENT") is None
