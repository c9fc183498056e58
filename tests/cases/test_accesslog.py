"""The staff access log: every staff view of a case is committed with its request; parties' views are not logged
(caseflow/cases/accesslog.py)."""

import pytest
import sqlalchemy as sa

from caseflow.accounts.models import User
from caseflow.cases.models import AccessLog
from tests.factories.accounts import UserFactory
from tests.factories.cases import complaint
from tests.querycount import counting


def views(conn, case_id: int, user_id: int) -> list[str]:
    return list(conn.scalars(sa.select(AccessLog.what).where(AccessLog.case_id == case_id, AccessLog.user_id == user_id)
                             .order_by(AccessLog.id)))


def test_each_staff_view_is_logged_and_a_partys_is_not(web, api, session):
    owner, officer = UserFactory(), UserFactory(officer=True)
    case = complaint(owner)
    session.flush()

    web.login(officer.username)
    assert web.get(f"/cases/{case.id}").status_code == 200
    assert views(session, case.id, officer.id) == ["page"]
    assert web.get(f"/cases/{case.id}").status_code == 200  # a second look is a second entry
    assert web.get(f"/cases/{case.id}/evidence").status_code == 200
    assert api.get(officer, f"/api/v1/cases/{case.id}").status_code == 200
    assert views(session, case.id, officer.id) == ["page", "page", "evidence", "api"]

    web.login(owner.username)
    assert web.get(f"/portal/cases/{case.id}").status_code == 200
    assert api.get(owner, f"/api/v1/cases/{case.id}").status_code == 200
    assert views(session, case.id, owner.id) == []


def assert_logged_after_reading(get, session, case_id: int, user_id: int, what: str) -> None:
    """Building a view's answer writes nothing: on SQLite (one writer at a time) a view that held the write lock while
    it rendered would make every other page view and action wait for it. Its one write, the access-log row, comes
    after the last read, committed before the answer leaves; on SQLite in a short transaction of its own."""
    assert get().status_code == 200  # warm-up (first-use lookups)
    with counting(control=True) as sent:
        assert get().status_code == 200
    kinds = [s.lstrip().split()[0].upper() if not s.lstrip().upper().startswith("RELEASE") else "END" for s in sent]
    writes = [i for i, s in enumerate(sent) if kinds[i] in {"INSERT", "UPDATE", "DELETE"}]
    assert len(writes) == 1 and sent[writes[0]].lstrip().upper().startswith("INSERT INTO ACCESS_LOGS"), sent.report()
    assert not any(s.lstrip().upper().startswith("BEGIN IMMEDIATE") for s in sent[:writes[0] - 1]), sent.report()
    last_read = max(i for i, k in enumerate(kinds) if k == "SELECT")
    assert last_read < writes[0], sent.report()
    if session.bind.dialect.name == "sqlite":
        assert "END" in kinds[last_read:writes[0]] and kinds[writes[0] + 1] == "END", sent.report()
    assert views(session, case_id, user_id) == [what, what]


@pytest.mark.parametrize(("path", "what"), [("/cases/{}", "page"), ("/cases/{}/evidence", "evidence"),
                                            ("/cases/{}/evidence.csv", "evidence")])
def test_a_staff_page_is_built_from_reads_and_logged_once_built(web, session, path, what):
    owner, officer = UserFactory(), UserFactory(officer=True)
    case = complaint(owner)
    session.flush()
    web.login(officer.username)
    assert_logged_after_reading(lambda: web.get(path.format(case.id)), session, case.id, officer.id, what)


@pytest.mark.parametrize("path", ["/api/v1/cases/{}", "/api/v1/cases/{}/evidence", "/api/v1/cases/{}/evidence.csv"])
def test_an_api_read_is_logged_once_built(api, session, path):
    owner, officer = UserFactory(), UserFactory(officer=True)
    case = complaint(owner)
    session.flush()
    assert_logged_after_reading(lambda: api.get(officer, path.format(case.id)), session, case.id, officer.id, "api")


def test_a_refused_view_is_not_logged(web, session):
    owner, far_officer = UserFactory(), UserFactory(officer=True, staff_unit="500105")
    case = complaint(owner)
    session.flush()
    web.login(far_officer.username)
    assert web.get(f"/cases/{case.id}").status_code == 404
    assert views(session, case.id, far_officer.id) == []


@pytest.mark.live
def test_a_staff_view_is_in_the_log_as_soon_as_the_request_returns(live_server):
    """Read on another connection right after each answer: nothing is written later, in a batch or a thread."""
    live_server.add_user("log_officer", "officer", "500103")
    case = live_server.filed_case("log_applicant")
    applicant = live_server.token("log_applicant")
    officer = live_server.token("log_officer")
    with live_server.engine.connect() as conn:
        ids = dict(conn.execute(sa.select(User.username, User.id).where(
            User.username.in_(["log_applicant", "log_officer"]))).all())

    for n in range(1, 4):
        assert live_server.request("GET", f"/api/v1/cases/{case['id']}", token=officer)[0] == 200
        with live_server.engine.connect() as conn:
            assert views(conn, case["id"], ids["log_officer"]) == ["api"] * n

    assert live_server.request("GET", f"/api/v1/cases/{case['id']}", token=applicant)[0] == 200
    with live_server.engine.connect() as conn:
        assert views(conn, case["id"], ids["log_applicant"]) == []
