"""The periods and approvals of the adjudication as 局令81 and 行政强制法 set them: the 30-day answer period without
domicile re-based on delivery, the 催告 waiting period, the hearing notice counted by the deadlines services, the
evidence period's days, the stop-order measures and the superior office's second extension."""

from __future__ import annotations

import datetime as dt

import pytest

from caseflow.approvals.services import approve_request, pending_for
from caseflow.cases.models import PartyRole
from caseflow.core import clock
from caseflow.core.errors import Conflict, Forbidden
from caseflow.deadlines import due_date, lifecycle, overrides, reading
from caseflow.deadlines.models import DayKind
from caseflow.notices import deliveries, issuing
from tests.adjudication.test_adj_steps import act, examined, make, panel
from tests.factories.adjudication import deliberate, docket, issue_decision

pytestmark = pytest.mark.usefixtures("session")


def _respondent(case):
    return next(p for p in case.parties if p.role == PartyRole.RESPONDENT)


def test_no_domicile_answer_period_is_rebased_on_delivery_for_thirty_days(people, deadline, notices_of, shift):
    case = make(people)
    docket(case, people)
    act(case, "serve_respondent", people["officer"], no_domicile="yes")
    [answer_notice] = notices_of(case, "answer_notice")
    issuing.issue(answer_notice, actor=people["officer"])
    delivered = shift(6)
    deliveries.record_delivery(answer_notice, actor=people["officer"], method="post", party_id=_respondent(case).id,
                            delivered_on=delivered, receipt_number="EMS1")
    row = deadline(case, "ADJ_ANSWER_NO_DOMICILE")
    assert not row.trigger_estimated and row.trigger_date == delivered
    assert row.amount == 30 and row.due_date == due_date(delivered, 30, "days").due
    assert deadline(case, "ADJ_ANSWER") is None  # no 15-day period was started beside it


def test_reminder_wait_is_a_waiting_period_not_an_office_deadline(people, deadline, notices_of, shift):
    case = examined(people)
    deliberate(case, people["officer"], "infringement")
    act(case, "decide", people["supervisor"], outcome="infringement", reasons="落入保护范围", measures="停止销售")
    [decision] = notices_of(case, "decision")
    issue_decision(decision, people["supervisor"])
    deliveries.record_delivery(decision, actor=people["officer"], method="direct", party_id=_respondent(case).id,
                            delivered_on=clock.today())
    shift(17)
    act(case, "issue_reminder", people["officer"])
    # Not yet delivered: however long the office waits, the application is refused, in Chinese, with the reason.
    shift(40)
    with pytest.raises(Conflict, match="请先登记催告书的送达日期"):
        act(case, "apply_enforcement", people["officer"], target="重庆知识产权法院")
    [reminder] = notices_of(case, "reminder")
    issuing.issue(reminder, actor=people["officer"])
    delivered = shift(41)
    deliveries.record_delivery(reminder, actor=people["officer"], method="direct", party_id=_respondent(case).id,
                            delivered_on=delivered)
    wait = deadline(case, "ADJ_ENFORCEMENT_REMINDER_WAIT")
    assert wait.binds == "wait" and wait.due_date == due_date(delivered, 10, "working_days").due
    view = next(v for v in reading.case_deadlines(case) if v.rule_id == "ADJ_ENFORCEMENT_REMINDER_WAIT")
    assert view.status_title == "等待中" and view.level is None
    with pytest.raises(Conflict, match="十个工作日"):
        act(case, "apply_enforcement", people["officer"], target="重庆知识产权法院")
    shift(41 + 20)
    view = next(v for v in reading.case_deadlines(case) if v.rule_id == "ADJ_ENFORCEMENT_REMINDER_WAIT")
    # Run out: it opens the way, it is not an office deadline shown as missed (no 已超期, no overdue badge).
    assert view.status_title == "等待期已满" and view.level is None and "超期" not in view.countdown
    act(case, "publish", people["officer"])  # (the office's own publication period, overdue by now)
    # What the queues show is the office's own enforcement window (3 months from the end of the period to sue),
    # not the waiting period.
    urgency = reading.urgency_of([case.id])[case.id]
    assert urgency.label == "申请人民法院强制执行" and urgency.level is None
    act(case, "apply_enforcement", people["officer"], target="重庆知识产权法院", reason="逾期不履行")
    assert case.state == "enforcement"


def _hearing_day_with_latest_notice_today(today: dt.date) -> dt.date:
    day = today
    while True:
        day += dt.timedelta(days=1)
        if lifecycle.latest_notice_day(None, "ADJ_HEARING_NOTICE", day) == today:
            return day
        assert day < today + dt.timedelta(days=30)


def test_hearing_notice_guard_follows_the_test_clock(people, shift):
    case = examined(people)
    day = clock.today() + dt.timedelta(days=14)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    shift(12)  # two days before: fewer than 3 working days remain
    with pytest.raises(Conflict, match="三个工作日前"):
        act(case, "schedule_hearing", people["officer"], hearing_date=day.isoformat())
    assert case.state == "examination"


def test_hearing_notice_guard_follows_the_published_calendar(people):
    case = examined(people)
    today = clock.today()
    day = _hearing_day_with_latest_notice_today(today)
    between = next(d for d in (today + dt.timedelta(days=n) for n in range(1, 10))
                   if d < day and d.weekday() < 5)
    # The office publishes a holiday between today and the hearing: the notice would now be late.
    overrides.import_calendar([(between, DayKind.HOLIDAY, "本局调休")], source="测试", actor=None)
    with pytest.raises(Conflict, match="三个工作日前"):
        act(case, "schedule_hearing", people["officer"], hearing_date=day.isoformat())


def test_evidence_period_honours_its_days(people, deadline):
    case = examined(people)
    act(case, "set_evidence_period", people["officer"], days="30")
    row = deadline(case, "ADJ_EVIDENCE_PERIOD")
    assert row.amount == 30 and row.due_date == due_date(clock.today(), 30, "days").due


def test_infringement_decision_requires_the_stop_order_measures(people):
    case = examined(people)
    deliberate(case, people["officer"], "infringement")
    with pytest.raises(Conflict, match="第三十二条"):
        act(case, "decide", people["supervisor"], outcome="infringement", reasons="落入保护范围")
    assert case.state == "examination"
    act(case, "decide", people["supervisor"], outcome="infringement", reasons="落入保护范围",
        measures="责令立即停止销售被诉侵权产品", measure_kind="stop_acts")
    assert case.state == "decided"


def test_dismissal_needs_no_measures(people):
    case = examined(people)
    deliberate(case, people["officer"], "dismissed")
    act(case, "decide", people["supervisor"], outcome="dismissed", reasons="未落入保护范围")
    assert case.state == "decided"


def test_second_extension_is_approved_by_the_superior_office(people, deadline, notices_of):
    case = examined(people)
    docketed = deadline(case, "ADJ_CASE_LIMIT").trigger_date
    act(case, "extend", people["supervisor"], reason="案情复杂")  # the head of the office: at once
    assert deadline(case, "ADJ_CASE_LIMIT").due_date == due_date(docketed, 4, "months").due
    # The district supervisor cannot grant the second step: it goes to the superior office for approval ...
    outcome = act(case, "extend", people["supervisor"], reason="特别复杂")
    request = outcome.approval
    assert request is not None and deadline(case, "ADJ_CASE_LIMIT").due_date == due_date(docketed, 4, "months").due
    # ... which another district supervisor may not approve, nor even sees in the inbox,
    assert request not in pending_for(people["supervisor2"])
    with pytest.raises(Forbidden):
        approve_request(request, actor=people["supervisor2"])
    # ... while a supervisor of the city office (500000) does.
    assert request in pending_for(people["city"])
    assert approve_request(request, actor=people["city"]).failed is None
    limit = deadline(case, "ADJ_CASE_LIMIT")
    assert limit.due_date == due_date(docketed, 6, "months").due
    assert [e["approver"] for e in limit.extensions] == ["department_head", "superior_department"]
    assert [n.parts["period"] for n in notices_of(case, "extension")] == ["一个月", "两个月"]
    assert panel(people)  # the fixture's officers exist (used by other tests of this module's helpers)


@pytest.mark.parametrize("own_signoff", [False, True])
def test_an_office_override_never_lifts_the_superior_approval(people, deadline, app, monkeypatch, own_signoff):
    """An office may choose whether its head signs the first extension; the second stays with the superior office."""
    monkeypatch.setitem(app.config, "APPROVAL_OVERRIDES", {"500103": {"adjudication.extend": own_signoff}})
    case = examined(people)
    docketed = deadline(case, "ADJ_CASE_LIMIT").trigger_date
    first = act(case, "extend", people["officer"], reason="案情复杂")
    assert (first.approval is not None) == own_signoff
    if first.approval is not None:
        approve_request(first.approval, actor=people["supervisor"])
    assert deadline(case, "ADJ_CASE_LIMIT").due_date == due_date(docketed, 4, "months").due
    second = act(case, "extend", people["supervisor"], reason="特别复杂")
    assert second.approval is not None and second.approval not in pending_for(people["supervisor2"])
    assert second.approval in pending_for(people["city"])
