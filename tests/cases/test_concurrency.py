"""Two officers at once: exactly one wins, the others get 409, one audit event (docs/architecture.md, Quality
targets)."""

import threading
import time

import pytest
import sqlalchemy as sa

from caseflow.accounts.models import User
from caseflow.cases.models import AccessLog, CaseEvent
from tests.api.conftest import COMPLAINT_BODY
from tests.factories.accounts import PASSWORD
from tests.live import at_once

pytestmark = pytest.mark.live


def test_simultaneous_performs(live_server):
    live_server.add_user("race_applicant", "applicant")
    officers = [f"race_officer{i}" for i in range(8)]
    for name in officers:
        live_server.add_user(name, "officer", "500103")
    status, case = live_server.request("POST", "/api/v1/cases", COMPLAINT_BODY,
                                       token=live_server.token("race_applicant"))
    assert status == 201, case
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
    live_server.add_user("reader_applicant", "applicant")
    readers = [f"reader_officer{i}" for i in range(6)]
    for name in readers:
        live_server.add_user(name, "officer", "500103")
    status, case = live_server.request("POST", "/api/v1/cases", COMPLAINT_BODY,
                                       token=live_server.token("reader_applicant"))
    assert status == 201, case
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
    live_server.add_user("busy_applicant", "applicant")
    live_server.add_user("busy_officer", "officer", "500103")
    status, case = live_server.request("POST", "/api/v1/cases", COMPLAINT_BODY,
                                       token=live_server.token("busy_applicant"))
    assert status == 201, case
    officer = live_server.token("busy_officer")
    with live_server.engine.connect() as conn:
        officer_id = conn.scalar(sa.select(User.id).where(User.username == "busy_officer"))
    stop = threading.Event()

    def commit_often():
        while not stop.is_set():
            with live_server.engine.begin() as conn:
                conn.execute(sa.insert(AccessLog).values(case_id=case["id"], user_id=officer_id, what="other"))
            time.sleep(0.002)

    writer = threading.Thread(target=commit_often)
    writer.start()
    try:
        logins = [live_server.request("POST", "/api/v1/auth/token",
                                      {"username": "busy_applicant", "password": PASSWORD})[0] for _ in range(8)]
        views = [live_server.request("GET", f"/api/v1/cases/{case['id']}", token=officer)[0] for _ in range(8)]
        status, accepted = live_server.request("POST", f"/api/v1/cases/{case['id']}/actions/accept",
                                               {"version": case["version"]}, token=officer)
    finally:
        stop.set()
        writer.join()
    assert logins == [200] * 8 and views == [200] * 8
    assert status == 200, accepted
    with live_server.engine.connect() as conn:
        logged = conn.scalar(sa.select(sa.func.count()).select_from(AccessLog).where(
            AccessLog.case_id == case["id"], AccessLog.what == "api"))
    assert logged == 8
