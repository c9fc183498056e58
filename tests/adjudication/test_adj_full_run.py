"""A full adjudication through the API: filed → docketed → served → answered → hearing held → decided → published
→ closed, every document drafted and every deadline computed from its trigger (delivery dates included)."""

from __future__ import annotations

import datetime as dt

import pytest

from caseflow.cases.models import Case
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.deadlines import due_date
from caseflow.hearings import services as hearings
from caseflow.hearings.models import Hearing
from caseflow.notices import deliveries, issuing
from tests.factories.accounts import unit
from tests.factories.adjudication import issue_decision

pytestmark = pytest.mark.usefixtures("session")


def _hearing_day(today: dt.date) -> dt.date:
    """The first weekday at least ten days ahead (comfortably more than 3 working days)."""
    day = today + dt.timedelta(days=10)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _ok(r, status=200):
    assert r.status_code == status, r.json
    return r.json


def _deliver(notice, people, party, on):
    deliveries.record_delivery(notice, actor=people["officer"], method="post", party_id=party.id, delivered_on=on,
                            receipt_number="XA123")


def test_full_run_through_the_api(api, people, adj_body, notices_of, deadline, shift):
    today = clock.today()
    officer, supervisor = people["officer"], people["supervisor"]
    hearings.add_room(unit("500103"), "T1", "第一审理庭")

    case_json = _ok(api.post(people["applicant"], "/api/v1/cases", json=adj_body), 201)
    cid = case_json["id"]
    case = db.session.get(Case, cid)
    assert case.state == "submitted" and deadline(case, "ADJ_DOCKET").due_date == due_date(today, 5, "working_days").due

    # 立案 needs the head's approval; the art. 12 conditions and the 3-year bar (a risk, not a refusal).
    members = [people["officer"].username, people["officer2"].username, people["officer3"].username]
    req = _ok(api.act(officer, cid, "docket", case.version, standing="patentee", claims_clear="yes",
                      jurisdiction="infringement_place", court_suit="no", other_route="no",
                      evaluation_report="provided", patent_status="valid", known_on="2020-03-01", continuing="yes",
                      members=members), 202)
    _ok(api.post(supervisor, f"/api/v1/approvals/{req['id']}/approve", json={}))
    db.session.refresh(case)
    assert case.state == "docketed"
    assert "侵权行为仍在继续" in case.data["risks"][0]
    assert deadline(case, "ADJ_DOCKET").status.value == "met"
    assert deadline(case, "ADJ_SERVE_REQUEST").due_date == due_date(today, 5, "working_days").due
    assert deadline(case, "ADJ_CASE_LIMIT").due_date == due_date(today, 3, "months").due
    assert [n.kind for n in notices_of(case)] == ["acceptance"]

    assert case.data["panel"] == members  # the 合议组 is formed at 立案 (局令81 art. 20)

    # Serving: the 答辩通知书; the answer period runs from the respondent's receipt.
    _ok(api.act(officer, cid, "serve_respondent", case.version))
    db.session.refresh(case)
    # Serving takes the delivery (局令81 art. 22): issuing the notice is not yet serving it.
    assert case.state == "answering" and deadline(case, "ADJ_SERVE_REQUEST").status.value == "running"
    [answer_notice] = notices_of(case, "answer_notice")
    issuing.issue(answer_notice, actor=officer)
    respondent = next(p for p in case.parties if p.role.value == "respondent")
    claimant = next(p for p in case.parties if p.role.value == "claimant")
    delivered = shift(2)
    _deliver(answer_notice, people, respondent, delivered)
    assert deadline(case, "ADJ_SERVE_REQUEST").status.value == "met"
    answer = deadline(case, "ADJ_ANSWER")
    assert not answer.trigger_estimated and answer.trigger_date == delivered
    assert answer.due_date == due_date(delivered, 15, "days").due

    _ok(api.act(officer, cid, "record_answer", case.version, answer="被诉产品的卡箍结构不同。"))
    db.session.refresh(case)
    assert case.state == "examination" and deadline(case, "ADJ_ANSWER").status.value == "met"
    assert deadline(case, "ADJ_FORWARD_ANSWER").due_date == due_date(delivered, 5, "working_days").due
    _ok(api.act(officer, cid, "forward_answer", case.version, delivered_on=delivered.isoformat()))
    db.session.refresh(case)
    assert deadline(case, "ADJ_FORWARD_ANSWER").status.value == "met"

    # The hearing: 口头审理通知书, a room, the panel; then the record.
    day = _hearing_day(today)
    _ok(api.act(officer, cid, "schedule_hearing", case.version, hearing_date=day.isoformat(), start_time="09:30",
                hours="3", mode="in_person", room="T1"))
    db.session.refresh(case)
    assert case.state == "hearing_scheduled"
    [hearing] = hearings.of_case(case)
    assert hearing.room.code == "T1" and hearing.panel["members"] == members and hearing.status == "scheduled"
    [hearing_notice] = notices_of(case, "hearing_notice")
    # The notice names the day, the hour and the room as booked.
    assert hearing_notice.parts["time_place"].startswith(f"{day.year}年{day.month}月{day.day}日上午9时30分，")
    assert hearing.room.name in hearing_notice.parts["time_place"]
    # Served on both parties more than 3 working days ahead (art. 26); held on its day.
    issuing.issue(hearing_notice, actor=officer)
    _deliver(hearing_notice, people, claimant, delivered)
    _deliver(hearing_notice, people, respondent, delivered)
    decided_on = shift((day - today).days)
    _ok(api.act(officer, cid, "hold_hearing", case.version, record="双方到庭陈述意见。", requester_attended="yes",
                respondent_attended="yes"))
    db.session.refresh(case)
    assert case.state == "examination" and db.session.get(Hearing, hearing.id).status == "held"

    # The 合议 (art. 25), then the decision (结案): the case limit met, publication and the suit window started.
    _ok(api.act(officer, cid, "deliberate", case.version, outcome="infringement", opinion="被诉产品落入保护范围。"))
    _ok(api.act(supervisor, cid, "decide", case.version, outcome="infringement", reasons="落入保护范围。",
                measures="立即停止销售被诉侵权产品", measure_kind="stop_acts"))
    db.session.refresh(case)
    assert case.state == "decided" and case.closing_action == "decide" and case.closed_at is not None
    assert deadline(case, "ADJ_CASE_LIMIT").status.value == "met"
    assert deadline(case, "ADJ_PUBLICATION").due_date == due_date(decided_on, 20, "working_days").due
    suit = deadline(case, "ADJ_ADMIN_SUIT")
    assert suit.trigger_estimated
    [decision] = notices_of(case, "decision")
    assert "（二）责令被请求人立即停止销售被诉侵权产品。" in decision.parts["measures"]  # the panel's words (art. 32)
    issue_decision(decision, supervisor)
    got_it = shift(14)
    _deliver(decision, people, claimant, got_it)
    _deliver(decision, people, respondent, got_it)
    suit = deadline(case, "ADJ_ADMIN_SUIT")
    assert suit.trigger_date == got_it and suit.due_date == due_date(got_it, 15, "days").due

    _ok(api.act(officer, cid, "publish", case.version, redactions="被请求人经营者身份证号", typical="yes"))
    db.session.refresh(case)
    assert deadline(case, "ADJ_PUBLICATION").status.value == "met" and case.data["published"]["typical"] is True

    # Archiving a stop order waits for the suit window.
    r = api.act(officer, cid, "finalize", case.version)
    assert r.status_code == 409 and "起诉期限" in r.json["message"]
    shift(14 + 16 + 3)
    _ok(api.act(officer, cid, "record_compliance", case.version, note="被请求人已停止销售并下架。"))
    db.session.refresh(case)
    assert case.state == "closed"
    kinds = [n.kind for n in notices_of(case)]
    assert kinds == ["acceptance", "answer_notice", "hearing_notice", "decision"]
