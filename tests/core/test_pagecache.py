"""Cached case and queue pages are never older than the last commit, never another person's, and every view
is still logged (caseflow/core/pagecache.py)."""

import re

import pytest
import sqlalchemy as sa

from caseflow.cases.models import AccessLog
from caseflow.core.db import db
from caseflow.core.pagecache import GENERATION, _Store, bump
from tests.conftest import WebClient, csrf_of
from tests.factories.accounts import UserFactory
from tests.factories.cases import complaint


def generation() -> int:
    return db.session.execute(sa.select(GENERATION.c.value)).scalar_one()


@pytest.fixture
def setup(session):
    holder = UserFactory()
    officer, colleague = UserFactory(officer=True), UserFactory(officer=True)
    case = complaint(holder)
    session.commit()
    return {"holder": holder, "officer": officer, "colleague": colleague, "case": case}


def state_of(html: bytes) -> str:
    return re.search(r'id="case-state">([^<]+)<', html.decode()).group(1)


def test_a_committed_write_starts_a_new_generation_and_a_view_does_not(web, setup):
    case = setup["case"]
    web.login(setup["officer"].username)
    before = generation()
    web.get(f"/cases/{case.id}")
    web.get("/cases/?queue=all")
    assert generation() == before  # reading (and logging the view) changes nothing
    case.title = "改过的案由"
    db.session.commit()
    assert generation() == before + 1
    db.session.execute(sa.update(AccessLog).values(what="page"))  # an UPDATE statement outside the flush
    db.session.commit()
    assert generation() == before + 2


def test_a_change_by_someone_else_shows_on_the_next_view(app, web, setup):
    case = setup["case"]
    web.login(setup["officer"].username)
    first = web.get(f"/cases/{case.id}")
    assert state_of(first.data) == "已提交"
    assert state_of(web.get(f"/cases/{case.id}").data) == "已提交"  # served again from the cache

    other = WebClient(app.test_client())
    other.login(setup["colleague"].username)
    r = other.post_form(f"/cases/{case.id}/actions/accept", {"version": case.version})
    assert r.status_code == 303
    assert state_of(web.get(f"/cases/{case.id}").data) == "已受理"
    assert "已受理" in web.get("/cases/?queue=all").data.decode()


def test_each_person_gets_their_own_rendering(app, web, setup):
    case = setup["case"]
    clients = {}
    for who in ("holder", "colleague"):
        clients[who] = WebClient(app.test_client())
        clients[who].login(setup[who].username)
    stranger = WebClient(app.test_client())
    stranger.login(UserFactory(officer=True, staff_unit="500105").username)
    web.login(setup["officer"].username)  # the last login: no write between the views below

    page = web.get(f"/cases/{case.id}").data.decode()
    assert setup["officer"].display_name in page and "受理" in page
    theirs = clients["colleague"].get(f"/cases/{case.id}").data.decode()
    assert setup["colleague"].display_name in theirs and setup["officer"].display_name not in theirs
    assert clients["holder"].get(f"/cases/{case.id}").status_code == 404  # the staff page is not the holder's
    assert stranger.get(f"/cases/{case.id}").status_code == 404  # another district's officer


def test_a_second_session_of_the_same_officer_gets_its_own_working_csrf_token(app, web, setup):
    case = setup["case"]
    web.login(setup["officer"].username)
    web.get(f"/cases/{case.id}")  # cached with the first session's token cut out

    second = WebClient(app.test_client())
    second.login(setup["officer"].username)
    token = csrf_of(second.get(f"/cases/{case.id}").data)
    r = second.client.post(f"/cases/{case.id}/actions/accept", data={"csrf_token": token, "version": case.version})
    assert r.status_code == 303
    assert state_of(second.get(f"/cases/{case.id}").data) == "已受理"


def test_flashed_messages_show_once_even_on_a_cached_page(web, setup):
    case = setup["case"]
    web.login(setup["officer"].username)
    web.get(f"/cases/{case.id}")
    r = web.post_form(f"/cases/{case.id}/actions/accept", {"version": case.version}, follow_redirects=True)
    assert "已完成：受理" in r.data.decode()
    assert "已完成：受理" not in web.get(f"/cases/{case.id}").data.decode()


def test_a_new_day_renders_afresh(web, setup, shift):
    case = setup["case"]
    web.login(setup["officer"].username)
    web.get(f"/cases/{case.id}")
    shift(40)  # the complaint's deadlines are now overdue
    assert "已超期" in web.get(f"/cases/{case.id}").data.decode()


def test_every_view_is_logged_also_when_served_from_the_cache(web, setup, session):
    case, officer = setup["case"], setup["officer"]
    web.login(officer.username)
    for _ in range(3):
        assert web.get(f"/cases/{case.id}").status_code == 200
    logged = session.scalar(sa.select(sa.func.count()).select_from(AccessLog).where(
        AccessLog.case_id == case.id, AccessLog.user_id == officer.id, AccessLog.what == "page"))
    assert logged == 3


def test_a_role_change_applies_at_the_next_request(web, setup, session):
    case, officer = setup["case"], setup["officer"]
    web.login(officer.username)
    assert web.get(f"/cases/{case.id}").status_code == 200
    officer.unit = UserFactory(officer=True, staff_unit="500105").unit  # moved to another district
    session.commit()
    assert web.get(f"/cases/{case.id}").status_code == 404


def test_an_action_stamps_the_browser_session_with_its_generation(web, setup):
    """Read-your-writes: whichever worker serves the next request re-reads the generation if it knows less."""
    case = setup["case"]
    web.login(setup["officer"].username)
    web.get(f"/cases/{case.id}")
    r = web.post_form(f"/cases/{case.id}/actions/accept", {"version": case.version})
    assert r.status_code == 303
    with web.client.session_transaction() as sess:
        assert sess["_gen"] == generation()


@pytest.mark.live
def test_another_workers_commit_shows_within_the_lag_and_the_sessions_own_at_once(live_server):
    store = _Store(1024 * 1024, max_lag_ms=60_000)  # a worker's view of the generation
    exact = _Store(1024 * 1024, max_lag_ms=0)
    try:
        check_lag(live_server.engine, store, exact)
    finally:
        store.reader.close()
        exact.reader.close()


def check_lag(engine, store, exact):
    seen = store.current(engine, None)
    with engine.begin() as conn:  # a commit made through another worker
        newer = bump(conn)
    assert newer > seen
    assert store.current(engine, None) == seen  # within the lag: this worker has not looked again
    assert store.current(engine, newer) == newer  # a session that wrote `newer` makes it look again
    with engine.begin() as conn:
        newest = bump(conn)
    store.known = (newer, store.known[1] - 61)  # the lag has run out
    assert store.current(engine, None) == newest
    with engine.begin() as conn:
        latest = bump(conn)
    assert exact.current(engine, None) == latest


def test_with_expiring_csrf_tokens_a_cached_page_still_carries_a_fresh_valid_one(app, web, setup, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 3600)  # signed tokens expire: signed anew per hit
    case = setup["case"]
    web.login(setup["officer"].username)
    web.get(f"/cases/{case.id}")
    token = csrf_of(web.get(f"/cases/{case.id}").data)  # from the cache
    r = web.client.post(f"/cases/{case.id}/actions/accept", data={"csrf_token": token, "version": case.version})
    assert r.status_code == 303
