"""The administrator's pages and commands: staff accounts opened, disabled, reset, moved and demoted take effect
at the next request and are audited; offices are edited; nobody manages what lies outside their offices."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from caseflow.accounts.models import AccountEvent, AccountTag, EndReason, Role, SignInSession, Unit, User
from tests.accounts.test_sessions import api_status, browser, signed_in, token_for
from tests.conftest import WebClient
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.usefixtures("session")

OWN_PASSWORD = "harbour-quince-83"


def issued_password(html: str) -> str:
    found = re.search(r'<code id="issued-password">([^<]+)</code>', html)
    assert found, html[:2000]
    return found.group(1)


def events(session, user=None, unit=None) -> list[AccountEvent]:
    stmt = sa.select(AccountEvent).order_by(AccountEvent.id)
    if user is not None:
        stmt = stmt.where(AccountEvent.user_id == user.id)
    if unit is not None:
        stmt = stmt.where(AccountEvent.unit_id == unit.id)
    return list(session.scalars(stmt))


@pytest.fixture
def city_admin(session):
    return UserFactory(admin=True, staff_unit="500000")


@pytest.fixture
def admin_web(app, city_admin):
    return browser(app, city_admin.username)


def test_a_new_staff_account_must_choose_its_own_password_first(app, session, admin_web, city_admin, client):
    r = admin_web.post_form("/admin/users/new", {"username": "zhang.san", "display_name": "张三", "role": "officer",
                                                 "unit": "500103", "password": ""})
    assert r.status_code == 200
    initial = issued_password(r.data.decode())
    user = session.scalar(sa.select(User).where(User.username == "zhang.san"))
    assert user.role == Role.OFFICER and user.unit.code == "500103" and user.password_must_change
    [created] = events(session, user)
    assert created.tag == AccountTag.CREATE and created.actor_id == city_admin.id and created.via == "web"

    newcomer = browser(app, "zhang.san", initial)
    r = newcomer.get("/cases/")
    assert r.status_code == 302 and r.headers["Location"].endswith("/account/password")
    assert "临时密码" in newcomer.get("/account/password").data.decode()
    # No API token either, until the password is their own.
    r = client.post("/api/v1/auth/token", json={"username": "zhang.san", "password": initial})
    assert r.status_code == 403 and r.json["error"] == "password_change_required"
    r = newcomer.post_form("/account/password", {"current_password": initial, "new_password": OWN_PASSWORD,
                                                 "confirm": OWN_PASSWORD})
    assert r.status_code == 303
    assert signed_in(newcomer)
    assert token_for(client, "zhang.san", OWN_PASSWORD)


def test_a_weak_initial_password_is_refused(admin_web, session):
    r = admin_web.post_form("/admin/users/new", {"username": "li.si", "display_name": "李四", "role": "officer",
                                                 "unit": "500103", "password": "12345678"})
    assert r.status_code == 422 and "这是常见密码" in r.data.decode()
    assert session.scalar(sa.select(User).where(User.username == "li.si")) is None


def test_disabling_ends_the_accounts_sessions_and_tokens_at_once(app, session, admin_web, city_admin, client):
    officer = UserFactory(officer=True)
    their_browser = browser(app, officer.username)
    token = token_for(client, officer.username)
    r = admin_web.post_form(f"/admin/users/{officer.id}", post_url=f"/admin/users/{officer.id}/disable")
    assert r.status_code == 303
    assert not signed_in(their_browser) and api_status(client, token) == 401
    assert WebClient(app.test_client()).post_form("/login", {"username": officer.username, "password": PASSWORD}
                                                  ).status_code == 200  # cannot sign in again
    row = session.scalar(sa.select(SignInSession).where(SignInSession.user_id == officer.id))
    assert row.end_reason == EndReason.DISABLED
    admin_web.post_form(f"/admin/users/{officer.id}", post_url=f"/admin/users/{officer.id}/enable")
    assert signed_in(browser(app, officer.username))
    assert [e.tag for e in events(session, officer)] == [AccountTag.DISABLE, AccountTag.ENABLE]
    assert all(e.actor_id == city_admin.id for e in events(session, officer))


def test_a_password_reset_ends_everything_and_hands_over_a_temporary_password(app, session, admin_web, client):
    officer = UserFactory(officer=True)
    their_browser = browser(app, officer.username)
    token = token_for(client, officer.username)
    r = admin_web.post_form(f"/admin/users/{officer.id}", {"password": ""},
                            post_url=f"/admin/users/{officer.id}/password")
    temporary = issued_password(r.data.decode())
    assert not signed_in(their_browser) and api_status(client, token) == 401
    assert WebClient(app.test_client()).post_form("/login", {"username": officer.username, "password": PASSWORD}
                                                  ).status_code == 200  # the old password is gone
    again = browser(app, officer.username, temporary)
    assert again.get("/cases/").headers["Location"].endswith("/account/password")
    assert events(session, officer)[-1].tag == AccountTag.PASSWORD_RESET


def test_demoting_or_moving_staff_ends_their_sessions_and_is_audited(app, session, admin_web, city_admin):
    supervisor = UserFactory(supervisor=True)
    their_browser = browser(app, supervisor.username)
    assert their_browser.get("/stats/").status_code == 200
    r = admin_web.post_form(f"/admin/users/{supervisor.id}", {"role": "officer", "unit": "500103"},
                            post_url=f"/admin/users/{supervisor.id}/role")
    assert r.status_code == 303
    assert not signed_in(their_browser)  # the supervisor's pages are gone with the session, not later
    assert browser(app, supervisor.username).get("/stats/").status_code == 404
    demoted = events(session, supervisor)[-1]
    assert demoted.tag == AccountTag.ROLE and demoted.data["role"] == ["supervisor", "officer"]

    moved_browser = browser(app, supervisor.username)
    admin_web.post_form(f"/admin/users/{supervisor.id}", {"role": "officer", "unit": "500105"},
                        post_url=f"/admin/users/{supervisor.id}/role")
    assert not signed_in(moved_browser)
    moved = events(session, supervisor)[-1]
    assert moved.tag == AccountTag.UNIT and moved.data["unit"] == ["500103", "500105"]
    assert moved.actor_id == city_admin.id and "500105" in moved.summary


def test_the_list_finds_accounts(admin_web):
    UserFactory(officer=True, username="wang.wu", display_name="王五")
    page = admin_web.get("/admin/users/?q=wang").data.decode()
    assert "wang.wu" in page and "王五" in page
    assert "wang.wu" not in admin_web.get("/admin/users/?q=wang&status=disabled").data.decode()


def test_a_district_administrator_manages_only_their_office(app, session):
    district_admin = UserFactory(admin=True, staff_unit="500103")
    mine, theirs, public = UserFactory(officer=True), UserFactory(officer=True, staff_unit="500105"), UserFactory()
    web = browser(app, district_admin.username)
    listing = web.get("/admin/users/").data.decode()
    assert mine.username in listing and theirs.username not in listing and public.username not in listing
    assert web.get(f"/admin/users/{theirs.id}").status_code == 404
    assert web.get(f"/admin/users/{public.id}").status_code == 404
    assert web.post_form(f"/admin/users/{mine.id}", post_url=f"/admin/users/{theirs.id}/disable").status_code == 404
    r = web.post_form(f"/admin/users/{mine.id}", {"role": "officer", "unit": "500105"},
                      post_url=f"/admin/users/{mine.id}/role")
    assert r.status_code == 422 and session.get(User, mine.id).unit.code == "500103"
    assert web.post_form("/admin/offices/", {"office-500105-name": "x", "office-500105-prefix": "y"},
                         post_url="/admin/offices/500105").status_code == 404
    offices = web.get("/admin/offices/").data.decode()
    assert "500103" in offices and "500105" not in offices


@pytest.mark.parametrize("role", ["officer", "supervisor", "mediator", "applicant"])
def test_nobody_but_an_administrator_sees_the_admin_pages(app, role):
    user = UserFactory(**({role: True} if role != "applicant" else {}))
    web = browser(app, user.username)
    for url in ("/admin/users/", "/admin/users/new", "/admin/offices/", "/admin/events/", f"/admin/users/{user.id}"):
        assert web.get(url).status_code == 404, url


def test_an_administrator_cannot_lock_themselves_or_everyone_out(app, session, admin_web, city_admin):
    r = admin_web.post_form(f"/admin/users/{city_admin.id}", post_url=f"/admin/users/{city_admin.id}/disable")
    assert r.status_code == 303
    assert "不能停用自己的账号" in admin_web.get(f"/admin/users/{city_admin.id}").data.decode()
    assert not session.get(User, city_admin.id).is_disabled
    other = UserFactory(admin=True, staff_unit="500000")
    admin_web.post_form(f"/admin/users/{other.id}", post_url=f"/admin/users/{other.id}/disable")
    assert session.get(User, other.id).is_disabled  # another administrator remains: allowed
    from caseflow.accounts import admin
    from caseflow.core.errors import Conflict

    with pytest.raises(Conflict, match="最后一个"):
        admin.set_disabled(admin.Actor(None, via="cli"), city_admin, True)


def test_an_office_gets_a_new_name_and_prefix_for_new_case_numbers(app, session, admin_web, city_admin, api):
    r = admin_web.post_form("/admin/offices/", {"office-500103-name": "重庆市渝中区知识产权局",
                                                "office-500103-prefix": "渝中知保"},
                            post_url="/admin/offices/500103")
    assert r.status_code == 303
    unit = session.scalar(sa.select(Unit).where(Unit.code == "500103"))
    assert (unit.name, unit.prefix) == ("重庆市渝中区知识产权局", "渝中知保")
    [edit] = events(session, unit=unit)
    assert edit.tag == AccountTag.OFFICE_EDIT and edit.data["prefix"] == ["渝中知", "渝中知保"]
    from tests.api.conftest import COMPLAINT_BODY

    created = api.post(UserFactory(organisation=True), "/api/v1/cases", json=COMPLAINT_BODY)
    assert created.status_code == 201
    officer = UserFactory(officer=True)
    accepted = api.act(officer, created.json["id"], "accept", created.json["version"])
    assert accepted.json["number"].startswith("渝中知保"), accepted.json
    # Another office's prefix is taken.
    r = admin_web.post_form("/admin/offices/", {"office-500105-name": "x", "office-500105-prefix": "渝中知保"},
                            post_url="/admin/offices/500105")
    assert "已被单位 500103 使用" in admin_web.get(r.headers["Location"]).data.decode()
    assert "修改单位信息" in admin_web.get("/admin/events/").data.decode()


def test_the_commands_do_the_same_and_are_audited(app, session, client):
    runner = app.test_cli_runner()

    def run(*args):
        result = runner.invoke(args=["caseflow", *args])
        return result.exit_code, result.output

    code, out = run("user", "create", "chen.qi", "--role", "mediator", "--unit", "500103", "--display-name", "陈七")
    assert code == 0, out
    initial = re.search(r"初始密码：(\S+)（", out).group(1)
    user = session.scalar(sa.select(User).where(User.username == "chen.qi"))
    assert user.password_must_change and user.role == Role.MEDIATOR
    officer = UserFactory(officer=True)
    their_browser = browser(app, officer.username)
    assert run("user", "set-role", officer.username, "supervisor")[0] == 0
    assert not signed_in(their_browser)
    again = browser(app, officer.username)
    assert run("user", "set-unit", officer.username, "500105")[0] == 0
    assert not signed_in(again)
    assert session.get(User, officer.id).unit.code == "500105"
    assert run("user", "disable", officer.username)[0] == 0 and session.get(User, officer.id).is_disabled
    assert run("user", "enable", officer.username)[0] == 0
    code, out = run("user", "reset-password", officer.username)
    assert code == 0 and "临时密码" in out
    code, out = run("user", "reset-password", officer.username, "--password", "12345678")
    assert code == 1 and "这是常见密码" in out
    assert run("user", "disable", "no-such-person")[0] != 0
    assert run("office", "edit", "500103", "--prefix", "渝中知")[0] == 0
    code, out = run("office", "list")
    assert code == 0 and "500103" in out and "渝中区" in out
    tags = [e.tag for e in events(session, officer)]
    assert tags == [AccountTag.ROLE, AccountTag.UNIT, AccountTag.DISABLE, AccountTag.ENABLE, AccountTag.PASSWORD_RESET]
    assert all(e.actor_id is None and e.via == "cli" and e.address.startswith("os:") for e in events(session, officer))
    assert initial


def test_create_user_is_audited(app, session):
    r = app.test_cli_runner().invoke(args=["caseflow", "create-user", "first.admin", "--role", "admin", "--unit",
                                           "500000", "--password", "lantern-orchard-47"])
    assert r.exit_code == 0, r.output
    user = session.scalar(sa.select(User).where(User.username == "first.admin"))
    [event] = events(session, user)
    assert event.tag == AccountTag.CREATE and event.via == "cli"
    weak = app.test_cli_runner().invoke(args=["caseflow", "create-user", "weak.admin", "--role", "admin", "--unit",
                                              "500000", "--password", "12345678"])
    assert weak.exit_code != 0 and "这是常见密码" in weak.output
