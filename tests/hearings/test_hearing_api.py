"""Hearing conflicts through the JSON API roll the whole action back (409); the fast track's internal targets."""

from __future__ import annotations

import datetime as dt

import pytest

from caseflow.cases.models import Case, PartyRole
from caseflow.cases.services import create_case, perform
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.deadlines import due_date
from caseflow.hearings import services
from caseflow.notices.models import Notice
from tests.api.conftest import Api
from tests.factories.accounts import UserFactory, unit
from tests.factories.adjudication import docket_data

pytestmark = pytest.mark.usefixtures("session")

FIELDS = {"kind": "patent_infringement", "ip_type": "design", "right_number": "ZL202230123456.X",
          "title": "外观设计专利侵权纠纷", "facts": "f", "claims": "c", "channel": "online"}


def _case(applicant, supervisor, officer, members, respondent):
    case = create_case(procedure="adjudication", unit=unit("500103"), actor=applicant, fields=FIELDS,
                       parties=[{"role": PartyRole.CLAIMANT, "name": "请求人"},
                                {"role": PartyRole.RESPONDENT, "name": respondent}])
    for action, actor, data in (("docket", supervisor, docket_data(case, members)),
                                ("serve_respondent", officer, {}), ("record_answer", officer, {"answer": "a"})):
        perform(case, action, actor=actor, data={"version": case.version, **data})
    return case


def test_room_conflict_through_the_api_is_409_and_nothing_changes(client, session):
    api = Api(client)
    applicant = UserFactory(organisation=True)
    sup = UserFactory(supervisor=True)
    officers = [UserFactory(officer=True) for _ in range(6)]
    services.add_room(unit("500103"), "T1", "第一审理庭")
    a = _case(applicant, sup, officers[0], [o.username for o in officers[:3]], "甲")
    b = _case(applicant, sup, officers[3], [o.username for o in officers[3:]], "乙")
    day = clock.today() + dt.timedelta(days=10)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    r = api.act(officers[0], a.id, "schedule_hearing", a.version, hearing_date=day.isoformat(), room="T1")
    assert r.status_code == 200, r.json
    before = db.session.query(Notice).filter(Notice.case_id == b.id).count()
    r = api.act(officers[3], b.id, "schedule_hearing", b.version, hearing_date=day.isoformat(), room="T1")
    assert r.status_code == 409 and r.json["error"] == "hearing_conflict", r.json
    assert "第一审理庭" in r.json["message"]
    b = db.session.get(Case, b.id)
    db.session.refresh(b)
    assert b.state == "examination" and services.of_case(b) == []
    assert db.session.query(Notice).filter(Notice.case_id == b.id).count() == before


def test_fast_track_shows_internal_targets_beside_statutory_dates(session):
    applicant, sup = UserFactory(organisation=True), UserFactory(supervisor=True)
    case = create_case(procedure="adjudication", unit=unit("500103"), actor=applicant, fields=FIELDS,
                       parties=[{"role": PartyRole.CLAIMANT, "name": "请求人"},
                                {"role": PartyRole.RESPONDENT, "name": "被请求人"}])
    assert services.fast_track_targets(case) == []
    perform(case, "set_track", actor=sup, data={"version": case.version, "track": "fast"})
    perform(case, "docket", actor=sup, data={"version": case.version, **docket_data(case)})
    targets = {t["rule_id"]: t for t in services.fast_track_targets(case)}
    today = clock.today()
    assert targets["ADJ_CASE_LIMIT"]["target"] == due_date(today, 1, "months").due
    assert targets["ADJ_CASE_LIMIT"]["statutory"] == due_date(today, 3, "months").due
    assert targets["ADJ_SERVE_REQUEST"]["target"] <= targets["ADJ_SERVE_REQUEST"]["statutory"]
