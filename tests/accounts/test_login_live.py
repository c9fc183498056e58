"""Logins against a live server: many at once are all answered (never 409), and a session ended in the database —
by any worker — stops working on the next request."""

from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa

from caseflow.accounts.models import EndReason, SignInSession, User
from caseflow.core import clock
from tests.factories.accounts import PASSWORD
from tests.live import Browser

pytestmark = pytest.mark.live


def test_simultaneous_logins_are_all_answered(live_server):
    """Browsers and API clients signing in at once, right and wrong passwords, while others commit all the time: each
    gets its answer (303 / the form again / a token / 401), none 409 or 5xx."""
    names = [f"crowd{i}" for i in range(10)]
    for name in names:
        live_server.add_user(name, "officer", "500103")
    case = live_server.filed_case("crowd_applicant")
    attempts = [(name, PASSWORD if i % 3 else "wrong-password-1", "web" if i % 2 else "api")
                for i, name in enumerate(names * 4)]
    barrier = threading.Barrier(len(attempts))
    results: list[tuple[str, str, int]] = []

    def attempt(name: str, password: str, how: str) -> None:
        browser = Browser(live_server.url)
        if how == "web":
            barrier.wait()
            results.append((how, password, browser.login(name, password)))
        else:
            barrier.wait()
            results.append((how, password, live_server.request(
                "POST", "/api/v1/auth/token", {"username": name, "password": password})[0]))

    threads = [threading.Thread(target=attempt, args=a) for a in attempts]
    with live_server.others_committing(case["id"], "crowd0", 0.005):
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    expected = {("web", True): 303, ("web", False): 200, ("api", True): 200, ("api", False): 401}
    assert sorted(results) == sorted((how, pw, expected[how, pw == PASSWORD]) for _, pw, how in attempts), results


def test_a_session_ended_in_the_database_stops_at_once(live_server):
    """Whichever worker ends a session (here: a write straight to the database), the next request refuses it."""
    live_server.add_user("ended_officer", "officer", "500103")
    browser = Browser(live_server.url)
    assert browser.login("ended_officer", PASSWORD) == 303
    assert browser.open("/cases/")[0] == 200
    with live_server.engine.begin() as conn:
        user_id = conn.scalar(sa.select(User.id).where(User.username == "ended_officer"))
        conn.execute(sa.update(SignInSession).where(SignInSession.user_id == user_id)
                     .values(ended_at=clock.now(), end_reason=EndReason.ENDED_BY_USER))
    status, _, _ = browser.open("/cases/")
    assert status == 302


def test_disabling_an_account_refuses_it_on_every_worker_at_once(live_server):
    """Two server processes on one database (two workers): the administrator disables an officer on one, and the
    officer's next request is refused on both — web session and API token — without waiting for anything."""
    from tests.live import LiveServer

    other = LiveServer(live_server.db_url)
    try:
        live_server.add_user("worker_admin", "admin", "500000")
        live_server.add_user("worker_officer", "officer", "500103")
        officer = Browser(live_server.url)  # one browser: its cookie goes to both workers (same host, same key)
        assert officer.login("worker_officer", PASSWORD) == 303
        token = live_server.token("worker_officer")
        for server in (live_server, other):
            officer.base = server.url
            assert officer.open("/cases/")[0] == 200
            assert server.request("GET", "/api/v1/cases", token=token)[0] == 200

        admin = Browser(other.url)
        assert admin.login("worker_admin", PASSWORD) == 303
        with live_server.engine.connect() as conn:
            officer_id = conn.scalar(sa.select(User.id).where(User.username == "worker_officer"))
        status, _, page = admin.open(f"/admin/users/{officer_id}")
        assert status == 200, page[:300]
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        assert admin.open(f"/admin/users/{officer_id}/disable", {"csrf_token": csrf})[0] == 303

        for server in (live_server, other):
            officer.base = server.url
            status, _, _ = officer.open("/cases/")
            assert status == 302  # to the login page: the session ended everywhere
            assert server.request("GET", "/api/v1/cases", token=token)[0] == 401
        officer.base = live_server.url
        assert officer.login("worker_officer", PASSWORD) == 200  # and it cannot sign in again
    finally:
        other.stop()
