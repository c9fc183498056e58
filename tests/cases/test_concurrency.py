"""Two officers at once: exactly one wins, the others get 409, one audit event (docs/architecture.md, Quality
targets)."""


import pytest
import sqlalchemy as sa

from caseflow.cases.models import AccessLog, CaseEvent
from tests.factories.accounts import PASSWORD
from tests.live import at_once

pytestmark = pytest.mark.live


def test_simultaneous_performs(live_server):
    officers = [f"race_officer{i}" for i in range(8)]
    for name in officers:
        live_server.add_user(name, "officer", "500103")
    case = live_server.filed_case("race_applicant")
    tokens = [live_server.token(name) for name in officers]

    results = at_once(lambda token: live_server.request("POST", f"/api/v1/cases/{case['id']}/actions/accept",
                                                        {"version": case["version"]}, token=token),
                      [(t,) for t in tokens])

    statuses = sorted(s for s, _ in results)
    assert statuses == [200] + [409] * (len(tokens) - 1), results
    assert all(body["error"] in {"conflict_version", "conflict_state"} for s, body in results if s == 409)
    with live_server.engine.connect() as conn:
        accepts = conn.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(
            CaseEvent.case_id == case["id"], CaseEvent.tag == "case:state:accept"))
    assert accepts == 1


def test_simultaneous_page_views_are_all_answered_and_logged(live_server):
    """Reads log each view; many at once must neither fail on the write lock nor lose a log entry."""
    readers = [f"reader_officer{i}" for i in range(6)]
    for name in readers:
        live_server.add_user(name, "officer", "500103")
    case = live_server.filed_case("reader_applicant")
    tokens = [live_server.token(name) for name in readers]

    def read(token):
        return [live_server.request("GET", f"/api/v1/cases/{case['id']}", token=token)[0] for _ in range(15)]

    statuses = [status for reads in at_once(read, [(t,) for t in tokens]) for status in reads]
    assert statuses == [200] * (15 * len(tokens))
    with live_server.engine.connect() as conn:  # each view was committed with its request
        logged = conn.scalar(sa.select(sa.func.count()).select_from(AccessLog).where(
            AccessLog.case_id == case["id"], AccessLog.what == "api"))
    assert logged == 15 * len(tokens)


def test_a_request_that_writes_is_not_refused_because_someone_else_committed_meanwhile(live_server):
    """Other connections commit all the time (other people's views and actions); a login, an action or a logged
    case view that read before such a commit must still write (SQLite: the write lock is taken at BEGIN)."""
    live_server.add_user("busy_officer", "officer", "500103")
    case = live_server.filed_case("busy_applicant")
    officer = live_server.token("busy_officer")
    with live_server.others_committing(case["id"], "busy_officer", 0.002):
        logins = [live_server.request("POST", "/api/v1/auth/token",
                                      {"username": "busy_applicant", "password": PASSWORD})[0] for _ in range(8)]
        views = [live_server.request("GET", f"/api/v1/cases/{case['id']}", token=officer)[0] for _ in range(8)]
        status, accepted = live_server.request("POST", f"/api/v1/cases/{case['id']}/actions/accept",
                                               {"version": case["version"]}, token=officer)
    assert logins == [200] * 8 and views == [200] * 8
    assert status == 200, accepted
    with live_server.engine.connect() as conn:
        logged = conn.scalar(sa.select(sa.func.count()).select_from(AccessLog).where(
            AccessLog.case_id == case["id"], AccessLog.what == "api"))
    assert logged == 8
