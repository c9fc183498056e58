"""Sign-in sessions and API tokens end when they should: a cookie or token copied before logout, a password change
or the owner's "end" button stops working at once (read and act), while the browser that changed the password
stays signed in under a new session id."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from caseflow.accounts.models import AccountEvent, AccountTag, ApiToken, EndReason, LoginAttempt, SignInSession, User
from caseflow.core import clock
from tests.conftest import WebClient, csrf_of
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.usefixtures("session")

NEW_PASSWORD = "lantern-orchard-47"


def browser(app, username: str, password: str = PASSWORD) -> WebClient:
    """A separate browser (its own cookie jar), signed in."""
    web = WebClient(app.test_client())
    web.login(username, password)
    return web


def cookie(web: WebClient) -> str:
    found = web.client.get_cookie("session")
    assert found is not None
    return found.value


def replay(app, value: str) -> WebClient:
    """A browser that presents a copied session cookie."""
    web = WebClient(app.test_client())
    web.client.set_cookie("session", value, domain="localhost")
    return web


def signed_in(web: WebClient) -> bool:
    r = web.get("/cases/")
    return r.status_code == 200


def token_for(client, username: str, password: str = PASSWORD) -> str:
    r = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert r.status_code == 200, r.json
    return r.json["token"]


def api_status(client, token: str) -> int:
    return client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_cookie_copied_before_logout_neither_reads_nor_acts(app, session):
    officer = UserFactory(officer=True)
    web = browser(app, officer.username)
    stolen = cookie(web)
    assert signed_in(replay(app, stolen))
    web.post_form("/cases/", post_url="/logout")
    thief = replay(app, stolen)
    assert thief.get("/cases/").status_code == 302  # to the login page
    # Acting needs a form token from a page the thief can no longer open; even a token taken before logout fails.
    r = thief.client.post("/account/sessions/end-others", data={"csrf_token": "x"})
    assert r.status_code in (302, 400)
    row = session.scalar(sa.select(SignInSession).where(SignInSession.user_id == officer.id))
    assert row.ended_at is not None and row.end_reason == EndReason.LOGOUT


def test_a_cookie_without_a_sign_in_session_is_not_accepted(app, session):
    """A correctly signed cookie naming only a user id (how cookies looked before sessions were kept) is refused."""
    officer = UserFactory(officer=True)
    forged = app.session_interface.get_signing_serializer(app).dumps({"_user_id": str(officer.id), "_fresh": True})
    assert not signed_in(replay(app, forged))


def test_password_change_ends_other_sessions_and_tokens_but_keeps_this_browser(app, session, client):
    user = UserFactory(officer=True)
    here, elsewhere = browser(app, user.username), browser(app, user.username)
    before = cookie(here)
    token = token_for(client, user.username)
    assert api_status(client, token) == 200

    r = here.post_form("/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                             "confirm": NEW_PASSWORD})
    assert r.status_code == 303, r.data.decode()[:3000]
    assert signed_in(here) and cookie(here) != before  # the same browser, under a new session id
    assert not signed_in(elsewhere)
    assert not signed_in(replay(app, before))  # this browser's old cookie, if someone copied it
    assert api_status(client, token) == 401
    # The new password works, the old one does not.
    assert WebClient(app.test_client()).post_form("/login", {"username": user.username, "password": PASSWORD}
                                                  ).status_code == 200
    assert browser(app, user.username, NEW_PASSWORD)
    event = session.scalar(sa.select(AccountEvent).where(AccountEvent.user_id == user.id))
    assert event.tag == AccountTag.PASSWORD_CHANGE and event.actor_id == user.id


@pytest.mark.parametrize(("fields", "message"), [
    ({"current_password": "wrong-one-here", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, "当前密码不正确"),
    ({"current_password": PASSWORD, "new_password": "12345678", "confirm": "12345678"}, "常见密码"),
    ({"current_password": PASSWORD, "new_password": "woaini1314", "confirm": "woaini1314"}, "常见密码"),
    ({"current_password": PASSWORD, "new_password": "abcdefgh1", "confirm": "abcdefgh1"}, "密码强度不足"),
    ({"current_password": PASSWORD, "new_password": "short", "confirm": "short"}, "密码至少8位"),
    ({"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": "other-thing-99"},
     "两次输入的新密码不一致"),
    ({"current_password": PASSWORD, "new_password": PASSWORD, "confirm": PASSWORD}, "新密码不能与当前密码相同"),
])
def test_password_change_refuses_with_a_reason(app, session, fields, message):
    user = UserFactory()
    web = browser(app, user.username)
    r = web.post_form("/account/password", fields)
    assert r.status_code == 422
    assert message in r.data.decode()
    assert signed_in_portal(web)  # nothing ended


def signed_in_portal(web: WebClient) -> bool:
    return web.get("/portal/").status_code == 200


def test_a_wrong_current_password_counts_as_a_failed_login(app, session):
    user = UserFactory()
    web = browser(app, user.username)
    web.post_form("/account/password", {"current_password": "not-my-password", "new_password": NEW_PASSWORD,
                                        "confirm": NEW_PASSWORD})
    failures = session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)
                              .where(LoginAttempt.username == user.username.lower(), ~LoginAttempt.succeeded))
    assert failures == 1


def test_the_owner_sees_their_sessions_and_tokens_and_ends_them(app, session, client):
    user = UserFactory()
    here, phone = browser(app, user.username), browser(app, user.username)
    token = token_for(client, user.username)
    page = here.get("/account/").data.decode()
    assert page.count("/end\"") == 2 and "当前设备" in page and "/revoke\"" in page
    rows = session.scalars(sa.select(SignInSession).where(SignInSession.user_id == user.id)
                           .order_by(SignInSession.id)).all()
    r = here.post_form("/account/", post_url=f"/account/sessions/{rows[1].id}/end")
    assert r.status_code == 303
    assert not signed_in_portal(phone) and signed_in_portal(here)

    token_row = session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    here.post_form("/account/", post_url=f"/account/tokens/{token_row.id}/revoke")
    assert api_status(client, token) == 401
    page = here.get("/account/").data.decode()
    assert "由本人结束" in page  # the ended ones are listed with their reason


def test_end_every_other_session(app, session):
    user = UserFactory()
    here, others = browser(app, user.username), [browser(app, user.username) for _ in range(2)]
    r = here.post_form("/account/", post_url="/account/sessions/end-others")
    assert r.status_code == 303
    assert signed_in_portal(here) and not any(signed_in_portal(o) for o in others)


def test_nobody_ends_someone_elses_session_or_token(app, session, client):
    owner, other = UserFactory(), UserFactory()
    owner_web, other_web = browser(app, owner.username), browser(app, other.username)
    token_for(client, owner.username)
    row = session.scalar(sa.select(SignInSession).where(SignInSession.user_id == owner.id))
    tok = session.scalar(sa.select(ApiToken).where(ApiToken.user_id == owner.id))
    assert other_web.post_form("/account/", post_url=f"/account/sessions/{row.id}/end").status_code == 404
    assert other_web.post_form("/account/", post_url=f"/account/tokens/{tok.id}/revoke").status_code == 404
    assert signed_in_portal(owner_web)


def test_an_api_client_revokes_its_own_token(client):
    user = UserFactory()
    token = token_for(client, user.username)
    assert client.delete("/api/v1/auth/token", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    assert api_status(client, token) == 401


def test_disabling_an_account_refuses_its_open_session_and_token_on_the_next_request(app, session, client):
    user = UserFactory(officer=True)
    web = browser(app, user.username)
    token = token_for(client, user.username)
    session.execute(sa.update(User).where(User.id == user.id).values(is_disabled=True))
    session.expire_all()
    assert not signed_in(web)
    assert api_status(client, token) == 401


def test_sessions_lapse_when_idle_or_too_old(app, session, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 30)
    monkeypatch.setitem(app.config, "SESSION_MAX_HOURS", 8)
    user = UserFactory()
    start = clock.now()
    web = browser(app, user.username)
    # Used every 20 minutes it stays signed in, until eight hours after sign-in.
    for minutes in range(20, 8 * 60, 20):
        clock.pin(start + dt.timedelta(minutes=minutes))
        assert signed_in_portal(web), minutes
    clock.pin(start + dt.timedelta(hours=8, minutes=1))
    r = web.get("/portal/", follow_redirects=True)
    assert "登录已结束或已过期" in r.data.decode()
    idle = browser(app, user.username)
    clock.pin(clock.now() + dt.timedelta(minutes=31))
    assert not signed_in_portal(idle)


def test_last_seen_is_written_at_most_once_a_minute(app, session):
    user = UserFactory()
    web = browser(app, user.username)
    row = session.scalar(sa.select(SignInSession).where(SignInSession.user_id == user.id))
    signed_at = row.last_seen_at
    web.get("/portal/")
    session.refresh(row)
    assert row.last_seen_at == signed_at
    clock.pin(clock.now() + dt.timedelta(minutes=5))
    web.get("/portal/")
    session.refresh(row)
    assert row.last_seen_at > signed_at + dt.timedelta(minutes=4)


def test_login_starts_a_fresh_session_without_what_the_cookie_carried(app, session):
    """Whatever a planted cookie carried before sign-in (a CSRF token, a session id) is not kept."""
    user = UserFactory()
    web = WebClient(app.test_client())
    page = web.get("/login")
    before = cookie(web)
    r = web.client.post("/login", data={"csrf_token": csrf_of(page.data), "username": user.username,
                                        "password": PASSWORD})
    assert r.status_code == 303
    assert cookie(web) != before
    rows = session.scalars(sa.select(SignInSession).where(SignInSession.user_id == user.id)).all()
    assert len(rows) == 1 and rows[0].address == "127.0.0.1"
