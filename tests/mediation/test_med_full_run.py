"""A mediation through the API, from the 调解请求书 to the court's confirmation and performance: every document
drafted and issued, each party's online confirmation in the audit chain, and the 30-day window for judicial
confirmation computed from the agreement's effective date (not from the day the terms were agreed)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from caseflow.cases.audit import verify_case
from caseflow.cases.models import Case, CaseEvent
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.deadlines import due_date
from caseflow.hearings import access, services as hearings
from caseflow.hearings.models import Hearing
from caseflow.notices import rendering
from tests.factories.accounts import unit
from tests.notices.conftest import pdf_text

pytestmark = pytest.mark.usefixtures("session")


def ok(r, status=200):
    assert r.status_code == status, r.json
    return r.json


def session_day(today: dt.date) -> dt.date:
    day = today + dt.timedelta(days=7)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def issue(api, user, notice, status=200):
    return ok(api.post(user, f"/api/v1/notices/{notice.id}/issue", json={}), status)


def test_request_to_confirmed_agreement_through_the_api(api, people, med_body, notices_of, deadline, shift):
    today = clock.today()
    officer, applicant, respondent_user = people["officer"], people["applicant"], people["respondent"]
    hearings.add_room(unit("500103"), "M1", "第一调解室")

    # 调解请求书 (art. 64); the office must send the 陈述意见通知书 within 5 working days (art. 65).
    cid = ok(api.post(applicant, "/api/v1/mediation/requests", json=med_body), 201)["id"]
    case = db.session.get(Case, cid)
    assert (case.procedure, case.state, case.data["category"]) == ("mediation", "submitted", "remuneration")
    assert deadline(case, "MED_NOTICE").due_date == due_date(today, 5, "working_days").due

    ok(api.act(officer, cid, "mediator", case.version, mediator=people["mediator"].username))
    db.session.refresh(case)
    assert case.assignee == people["mediator"]

    # 陈述意见通知书: issued, delivered; the respondent's 15 days run from receipt.
    ok(api.act(officer, cid, "notify_respondent", case.version))
    db.session.refresh(case)
    # Sending is not serving: the office's 5 working days end on the respondent's receipt (art. 65).
    assert case.state == "awaiting_statement" and deadline(case, "MED_NOTICE").status.value == "running"
    [statement_notice] = notices_of(case, "statement_notice")
    assert issue(api, officer, statement_notice)["status"] == "issued"
    respondent = next(p for p in case.parties if p.role.value == "respondent")
    delivered = shift(1)
    ok(api.post(officer, f"/api/v1/notices/{statement_notice.id}/deliveries",
                json={"method": "post", "party_id": respondent.id, "delivered_on": delivered.isoformat(),
                      "receipt_number": "XA1"}), 201)
    assert deadline(case, "MED_NOTICE").status.value == "met"
    statement = deadline(case, "MED_STATEMENT")
    assert statement.trigger_date == delivered and statement.due_date == due_date(delivered, 15, "days").due

    # The respondent uses the code printed on the 陈述意见通知书 and answers on the portal side: agrees to mediate.
    [code] = access.codes_of(case)
    with rendering.open_pdf(statement_notice) as stream:
        assert f"的访问码：{code.code}" in pdf_text(stream.read())
    access.claim(code.code, respondent_user)
    ok(api.act(respondent_user, cid, "record_statement", case.version, agrees="yes", statement="同意调解。"))
    db.session.refresh(case)
    assert deadline(case, "MED_STATEMENT").status.value == "met"
    assert deadline(case, "MED_DOCKET_OR_REFUSE").due_date == due_date(delivered, 5, "working_days").due

    ok(api.act(officer, cid, "docket", case.version, body="office"))
    db.session.refresh(case)
    assert case.state == "in_session" and deadline(case, "MED_DOCKET_OR_REFUSE").status.value == "met"
    assert deadline(case, "MED_OWNERSHIP_LIMIT") is None  # only ownership disputes have the 2-month limit
    [acceptance] = notices_of(case, "acceptance")
    assert acceptance.title == "专利纠纷调解受理通知书"
    issue(api, officer, acceptance)

    # A session in a room; the mediator's notes.
    day = session_day(today)
    ok(api.act(people["mediator"], cid, "schedule_session", case.version, session_date=day.isoformat(),
               start_time="09:30", hours="2", mode="in_person", room="M1"))
    [hearing] = db.session.scalars(sa.select(Hearing).where(Hearing.case_id == cid)).all()
    assert hearing.room.name == "第一调解室" and hearing.panel["members"] == [people["mediator"].username]
    db.session.refresh(case)
    ok(api.act(people["mediator"], cid, "hold_session", case.version, absence="none",
               notes="双方就奖励数额陈述意见，调解员释明职务发明奖励报酬的有关规定。"))
    db.session.refresh(case)
    assert case.data["sessions"][0]["notes"].startswith("双方就奖励数额") and hearing.status == "held"

    # Terms agreed two days later: the 调解协议书 is drafted from them and issued.
    agreed = shift(3)
    ok(api.act(people["mediator"], cid, "record_agreement", case.version,
               terms="被请求人于2026年12月31日前向请求人支付职务发明奖励及报酬人民币五万元。"))
    db.session.refresh(case)
    # Not yet 结案: the agreement takes effect, and closes the case, on the second signature (art. 69).
    assert case.state == "signing" and case.closing_action is None and case.closed_at is None
    [agreement] = notices_of(case, "mediation_agreement")
    assert "人民币五万元" in agreement.parts["terms"]
    issue(api, officer, agreement)

    # Each party confirms online; the second confirmation makes the agreement effective — a week later.
    ok(api.act(applicant, cid, "confirm_agreement", case.version, consent="yes"))
    db.session.refresh(case)
    assert case.state == "signing" and deadline(case, "JC_APPLICATION") is None
    effective = shift(10)
    ok(api.act(respondent_user, cid, "confirm_agreement", case.version, consent="yes"))
    db.session.refresh(case)
    assert case.state == "agreement" and case.data["agreement"]["effective_on"] == effective.isoformat()
    assert case.closing_action == "confirm_agreement" and clock.beijing_date(case.closed_at) == effective
    window = deadline(case, "JC_APPLICATION")
    assert window.trigger_date == effective != agreed
    assert window.due_date == due_date(effective, 30, "days").due
    signs = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == cid,
                                                          CaseEvent.tag == "case:agreement:sign")
                               .order_by(CaseEvent.seq)).all()
    assert [(e.actor_id, e.data["side"], e.data["via"]) for e in signs] == [
        (applicant.id, "claimant", "portal"), (respondent_user.id, "respondent", "portal")]
    assert verify_case(case) is None  # the signatures are links of the tamper-evident chain

    # The package for the court: application, agreement, proof of the mediating body, identities.
    r = api.get(officer, f"/api/v1/cases/{cid}/mediation/confirmation-package")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = pdf_text(r.data)
    for expected in ("司法确认申请书", "调解协议书", "调解组织主持调解的证明", "当事人身份信息", agreement.number,
                     "11010519491231002X", "人民币五万元"):
        assert expected in text, expected
    assert "未登记" not in text and case.title not in text  # no placeholder, no filer's title pasted in

    ok(api.act(officer, cid, "apply_confirmation", case.version, court="重庆市渝中区人民法院", mode="joint",
               profile="spi_2011"))
    db.session.refresh(case)
    assert case.state == "confirmation_applied" and deadline(case, "JC_APPLICATION").status.value == "met"
    [told] = notices_of(case, "confirmation_notice")
    issue(api, officer, told)
    assert deadline(case, "JC_ACCEPTANCE_2011").due_date == due_date(effective, 3, "days").due

    ok(api.act(officer, cid, "record_court_acceptance", case.version, court_case="（2026）渝0103民特12号"))
    db.session.refresh(case)
    # The 15 + 10 days profile was chosen: the court's period is 15 days from acceptance.
    assert deadline(case, "JC_DECISION_SPI_2011").due_date == due_date(effective, 15, "days").due
    assert deadline(case, "JC_DECISION") is None
    ok(api.act(officer, cid, "record_confirmation", case.version, court_case="（2026）渝0103民特12号"))
    db.session.refresh(case)
    assert case.state == "confirmed" and case.data["confirmation"]["court_case"] == "（2026）渝0103民特12号"
    assert deadline(case, "JC_DECISION_SPI_2011").status.value == "met"
    ok(api.act(officer, cid, "record_performance", case.version, note="被请求人已支付五万元。"))
    db.session.refresh(case)
    assert case.state == "performed"
    assert all(n.status.value == "issued" for n in notices_of(case))
    assert {n.kind for n in notices_of(case)} == {"statement_notice", "acceptance", "mediation_agreement",
                                                  "confirmation_notice"}


def test_statutory_profile_gives_the_court_thirty_days(api, people, med_body, deadline):
    from tests.mediation.test_med_steps import to_agreement

    case = to_agreement(api, people, med_body)
    ok(api.act(people["officer"], case.id, "apply_confirmation", case.version, court="重庆市渝中区人民法院",
               mode="consented", profile="statutory"))
    db.session.refresh(case)
    ok(api.act(people["officer"], case.id, "record_court_acceptance", case.version,
               court_case="（2026）渝0103民特13号"))
    db.session.refresh(case)
    assert deadline(case, "JC_DECISION").due_date == due_date(clock.today(), 30, "days").due
