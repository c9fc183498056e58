"""The panel decides after deliberating, the parties know its names, hearings and service are timed by delivery
(issue #15 items 3 and 4; 局令81 arts 5, 20, 22, 25, 26, 65)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from caseflow.cases.models import PartyRole
from caseflow.core import clock
from caseflow.core.errors import Conflict, Invalid
from caseflow.deadlines import due_date, lifecycle
from caseflow.notices import catalogue, context, deliveries, issuing, rendering
from caseflow.notices.models import Notice
from tests.adjudication.test_adj_steps import act, examined, make
from tests.factories.adjudication import docket
from tests.notices.conftest import squeeze

pytestmark = pytest.mark.usefixtures("session")


def _party(case, role):
    return next(p for p in case.parties if p.role == role)


def _deliver(notice: Notice, party, on: dt.date, people) -> None:
    deliveries.record_delivery(notice, actor=people["officer"], method="post", party_id=party.id, delivered_on=on,
                               receipt_number="EMS1")


def _weekday_ahead(days: int) -> dt.date:
    day = clock.today() + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


# ---- item 3: the 合议组 deliberates before the decision (art. 25); the parties know its names (arts 5, 20) ----


def test_decide_is_refused_until_the_panel_has_deliberated(people, notices_of):
    case = examined(people)
    with pytest.raises(Conflict, match="合议"):
        act(case, "decide", people["supervisor"], outcome="dismissed", reasons="未落入保护范围")
    assert case.state == "examination" and not notices_of(case, "decision")
    act(case, "deliberate", people["officer"], outcome="dismissed", opinion="被诉产品缺少权利要求1的技术特征。",
        dissent="officer3 认为构成等同。")
    assert case.data["deliberation"]["panel"] == case.data["panel"]
    with pytest.raises(Conflict, match="多数意见"):  # the decision follows the majority opinion
        act(case, "decide", people["supervisor"], outcome="infringement", reasons="r", measures="停止销售")
    act(case, "decide", people["supervisor"], outcome="dismissed", reasons="未落入保护范围")
    assert case.state == "decided"


def test_decide_is_refused_without_a_panel(people):
    case = examined(people)
    act(case, "deliberate", people["officer"], outcome="dismissed", opinion="o")
    case.data = {**case.data, "panel": None}  # a case docketed before the panel was required at 立案
    with pytest.raises(Conflict, match="合议组"):
        act(case, "decide", people["supervisor"], outcome="dismissed", reasons="r")
    with pytest.raises(Conflict, match="合议组"):
        act(case, "deliberate", people["officer"], outcome="dismissed", opinion="o")


def test_a_changed_panel_deliberates_again(people):
    case = examined(people)
    act(case, "deliberate", people["officer"], outcome="dismissed", opinion="o")
    act(case, "apply_recusal", people["respondent"], member=people["officer3"].username, grounds="系请求人近亲属")
    act(case, "decide_recusal", people["supervisor"], outcome="granted", replacement=people["supervisor"].username)
    with pytest.raises(Conflict, match="重新合议"):
        act(case, "decide", people["supervisor"], outcome="dismissed", reasons="r")
    act(case, "deliberate", people["officer"], outcome="dismissed", opinion="o")
    act(case, "decide", people["supervisor"], outcome="dismissed", reasons="r")
    assert case.state == "decided"


def test_a_hearing_after_the_deliberation_means_deliberating_again(people, notices_of, shift):
    case = examined(people)
    act(case, "deliberate", people["officer"], outcome="dismissed", opinion="o")
    day = _weekday_ahead(10)
    act(case, "schedule_hearing", people["officer"], hearing_date=day.isoformat())
    [notice] = notices_of(case, "hearing_notice")
    issuing.issue(notice, actor=people["officer"])
    for role in (PartyRole.CLAIMANT, PartyRole.RESPONDENT):
        _deliver(notice, _party(case, role), clock.today(), people)
    shift((day - clock.today()).days)
    act(case, "hold_hearing", people["officer"], record="双方到庭。", requester_attended="yes",
        respondent_attended="yes")
    with pytest.raises(Conflict, match="请先登记合议"):
        act(case, "decide", people["supervisor"], outcome="dismissed", reasons="r")
    act(case, "deliberate", people["officer"], outcome="dismissed", opinion="o")
    act(case, "decide", people["supervisor"], outcome="dismissed", reasons="r")
    assert case.state == "decided"


def test_acceptance_and_answer_notices_name_the_panel(people, notices_of):
    case = make(people)
    docket(case, people)
    act(case, "serve_respondent", people["officer"])
    names = [people[k].display_name for k in ("officer", "officer2", "officer3")]
    for kind in ("acceptance", "answer_notice"):
        [notice] = notices_of(case, kind)
        ctx = context.build_context(notice)
        assert ctx["panel_names"] == "、".join(names)
        text = squeeze(re.sub(r"<[^>]+>", "", rendering.render_html(catalogue.kind(kind).template, ctx)))
        assert f"本局依法指定{'、'.join(names)}组成合议组办理本案" in text, kind
        assert "自收到本通知书之日起三个工作日内申请回避" in text and "口头审理开始时" in text, kind


def test_recusal_period_runs_from_the_receipt_of_the_names(people, notices_of, deadline, shift):
    case = make(people)
    docket(case, people)
    row = deadline(case, "ADJ_RECUSAL_APPLICATION")
    assert row.trigger_estimated and "送达日期尚未登记" in row.trigger_label
    [acceptance] = notices_of(case, "acceptance")
    issuing.issue(acceptance, actor=people["officer"])
    act(case, "serve_respondent", people["officer"])
    [answer] = notices_of(case, "answer_notice")
    issuing.issue(answer, actor=people["officer"])
    shift(5)
    later, earlier = clock.today() - dt.timedelta(days=1), clock.today() - dt.timedelta(days=3)
    _deliver(answer, _party(case, PartyRole.RESPONDENT), later, people)
    row = deadline(case, "ADJ_RECUSAL_APPLICATION")
    assert not row.trigger_estimated and row.trigger_date == later
    assert row.due_date == due_date(later, 3, "working_days").due
    # The claimant got the 受理通知书 earlier: the later receipt still counts (one period for the case).
    _deliver(acceptance, _party(case, PartyRole.CLAIMANT), earlier, people)
    assert deadline(case, "ADJ_RECUSAL_APPLICATION").trigger_date == later


# ---- item 4: hearings on their day, on a notice served in time; service periods end on delivery ----


def test_hold_hearing_waits_for_the_day_and_the_served_notice(people, notices_of, shift):
    case = examined(people)
    day = _weekday_ahead(10)
    act(case, "schedule_hearing", people["officer"], hearing_date=day.isoformat(), start_time="09:30")
    assert case.data["hearing"]["date"] == day.isoformat()
    record = {"record": "双方到庭。", "requester_attended": "yes", "respondent_attended": "yes"}
    with pytest.raises(Conflict, match="不能在此之前"):
        act(case, "hold_hearing", people["officer"], **record)
    [notice] = notices_of(case, "hearing_notice")
    start = clock.today()
    shift((day - start).days)
    with pytest.raises(Conflict, match="尚未送达"):  # drafted, never served
        act(case, "hold_hearing", people["officer"], **record)
    assert case.state == "hearing_scheduled"
    shift(0)
    issuing.issue(notice, actor=people["officer"])
    latest = lifecycle.latest_notice_day("500103", "ADJ_HEARING_NOTICE", day)
    shift((latest - start).days)
    _deliver(notice, _party(case, PartyRole.CLAIMANT), latest, people)
    shift((day - start).days)
    with pytest.raises(Conflict, match="尚未送达"):  # the respondent not yet
        act(case, "hold_hearing", people["officer"], **record)
    _deliver(notice, _party(case, PartyRole.RESPONDENT), latest - dt.timedelta(days=1), people)
    act(case, "hold_hearing", people["officer"], **record)
    assert case.state == "examination"


def test_a_hearing_notice_served_too_late_means_postponing(people, notices_of, shift):
    case = examined(people)
    day = _weekday_ahead(10)
    act(case, "schedule_hearing", people["officer"], hearing_date=day.isoformat())
    [notice] = notices_of(case, "hearing_notice")
    issuing.issue(notice, actor=people["officer"])  # issued in time, but it reached the parties too late
    shift((day - clock.today()).days)
    for role in (PartyRole.CLAIMANT, PartyRole.RESPONDENT):
        _deliver(notice, _party(case, role), day - dt.timedelta(days=1), people)
    with pytest.raises(Conflict, match="送达晚于"):
        act(case, "hold_hearing", people["officer"], record="r")
    new_day = _weekday_ahead(10)
    act(case, "postpone_hearing", people["officer"], hearing_date=new_day.isoformat(), reason="通知送达不足三个工作日")
    assert case.data["hearing"]["date"] == new_day.isoformat()
    with pytest.raises(Conflict):
        act(case, "hold_hearing", people["officer"], record="r")


def test_the_five_day_service_period_ends_on_delivery_not_on_issue(people, notices_of, deadline, shift):
    case = make(people)
    docket(case, people)
    act(case, "serve_respondent", people["officer"])
    serve = deadline(case, "ADJ_SERVE_REQUEST")
    assert serve.status.value == "running"  # serving starts with the notice; it is not yet served
    [answer] = notices_of(case, "answer_notice")
    issuing.issue(answer, actor=people["officer"])
    assert deadline(case, "ADJ_SERVE_REQUEST").status.value == "running"
    due = serve.due_date
    shift((due - clock.today()).days + 3)
    _deliver(answer, _party(case, PartyRole.RESPONDENT), due + dt.timedelta(days=1), people)
    serve = deadline(case, "ADJ_SERVE_REQUEST")
    assert serve.status.value == "missed" and serve.met_at is not None and serve.ended_at is not None


def test_service_recorded_late_but_made_in_time_is_met(people, notices_of, deadline, shift):
    case = make(people)
    docket(case, people)
    act(case, "serve_respondent", people["officer"])
    [answer] = notices_of(case, "answer_notice")
    issuing.issue(answer, actor=people["officer"])
    due = deadline(case, "ADJ_SERVE_REQUEST").due_date
    shift((due - clock.today()).days + 4)
    act(case, "set_track", people["officer"], track="standard")  # any action marks the lapse
    assert deadline(case, "ADJ_SERVE_REQUEST").status.value == "missed"
    _deliver(answer, _party(case, PartyRole.RESPONDENT), due, people)
    assert deadline(case, "ADJ_SERVE_REQUEST").status.value == "met"


def test_forwarding_the_answer_is_timed_by_its_delivery(people, deadline, shift):
    case = examined(people)
    due = deadline(case, "ADJ_FORWARD_ANSWER").due_date
    with pytest.raises(Invalid):
        act(case, "forward_answer", people["officer"], delivered_on=(clock.today() + dt.timedelta(days=1)).isoformat())
    shift((due - clock.today()).days + 5)
    act(case, "forward_answer", people["officer"], delivered_on=due.isoformat())  # recorded late, served in time
    assert deadline(case, "ADJ_FORWARD_ANSWER").status.value == "met"
