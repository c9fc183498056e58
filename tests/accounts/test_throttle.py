"""Login throttling is per account, grows, and cannot be turned against others: the attacks of the security test
(lock everyone out from one address; lock a named account; spoof the address) fail."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from caseflow import trust_proxies
from caseflow.accounts import devices
from caseflow.accounts.models import SignInSession
from caseflow.core import clock
from tests.conftest import csrf_of
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.usefixtures("session")

WRONG = "not-the-password-1"


class Browser:
    """A browser at one address (its own cookies, hence its own device cookie)."""

    def __init__(self, app, address: str = "10.0.0.1", **headers):
        self.client = app.test_client()
        self.environ = {"REMOTE_ADDR": address}
        self.headers = headers

    def login(self, username: str, password: str):
        page = self.client.get("/login", environ_base=self.environ, headers=self.headers)
        return self.client.post("/login", data={"csrf_token": csrf_of(page.data), "username": username,
                                                "password": password},
                                environ_base=self.environ, headers=self.headers)

    def logout(self):
        page = self.client.get("/portal/", environ_base=self.environ)
        return self.client.post("/logout", data={"csrf_token": csrf_of(page.data)}, environ_base=self.environ)


@pytest.fixture
def two_free(app, monkeypatch):
    """Two free failures instead of five: each attempt costs an Argon2 check, and the rule is the same."""
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 2)
    monkeypatch.setitem(app.config, "LOGIN_BACKOFF_MAX_SECONDS", 240)


def later(seconds: float) -> None:
    clock.pin(clock.now() + dt.timedelta(seconds=seconds))


def fail(browser: Browser, username: str, times: int) -> None:
    for _ in range(times):
        r = browser.login(username, WRONG)
        assert r.status_code == 200 and "用户名或密码错误" in r.data.decode()


def test_five_wrong_passwords_for_one_user_refuse_no_other_user_from_that_address(app):
    alice, bob = UserFactory(), UserFactory()
    shared = Browser(app, "10.0.0.1")  # an office behind one gateway
    fail(shared, alice.username, app.config["LOGIN_MAX_FAILURES"])
    refused = shared.login(alice.username, PASSWORD)
    assert refused.status_code == 429 and "登录失败次数过多" in refused.data.decode()
    assert refused.headers["Retry-After"] == str(app.config["LOGIN_BACKOFF_SECONDS"])
    assert Browser(app, "10.0.0.1").login(bob.username, PASSWORD).status_code == 303


def test_the_wait_doubles_up_to_its_cap_and_then_the_right_password_works(app, two_free):
    alice = UserFactory()
    browser = Browser(app, "10.0.0.2")
    free, base, cap = (app.config[k] for k in ("LOGIN_MAX_FAILURES", "LOGIN_BACKOFF_SECONDS",
                                                  "LOGIN_BACKOFF_MAX_SECONDS"))
    fail(browser, alice.username, free)
    waits = []
    for _ in range(6):
        r = browser.login(alice.username, WRONG)
        assert r.status_code == 429  # not counted: refused before the password is looked at
        waits.append(int(r.headers["Retry-After"]))
        later(waits[-1])
        fail(browser, alice.username, 1)
    assert waits == [min(cap, base * 2 ** i) for i in range(6)] == [30, 60, 120, 240, 240, 240]
    assert waits[-1] == cap  # a wait, never a lockout
    later(cap)
    assert browser.login(alice.username, PASSWORD).status_code == 303
    # The success ends the count: a mistype afterwards makes nobody wait.
    browser.logout()
    fail(browser, alice.username, 1)
    assert browser.login(alice.username, PASSWORD).status_code == 303


def test_someone_guessing_a_named_account_does_not_keep_its_owner_out(app, two_free):
    alice = UserFactory()
    own = Browser(app, "10.1.0.7")
    assert own.login(alice.username, PASSWORD).status_code == 303  # her usual browser remembers her
    own.logout()
    attacker = Browser(app, "198.51.100.66")
    fail(attacker, alice.username, app.config["LOGIN_MAX_FAILURES"])
    for _ in range(4):  # as fast as the waits allow
        later(app.config["LOGIN_BACKOFF_MAX_SECONDS"])
        fail(attacker, alice.username, 1)
    assert attacker.login(alice.username, PASSWORD).status_code == 429
    assert Browser(app, "10.1.0.8").login(alice.username, PASSWORD).status_code == 429  # a new browser waits too
    assert own.login(alice.username, PASSWORD).status_code == 303  # her own browser does not


def test_the_owners_browser_has_its_own_count(app, two_free):
    alice = UserFactory()
    own = Browser(app, "10.1.0.9")
    assert own.login(alice.username, PASSWORD).status_code == 303
    own.logout()
    fail(own, alice.username, app.config["LOGIN_MAX_FAILURES"])
    assert own.login(alice.username, PASSWORD).status_code == 429
    # Guessing from her browser made her browser wait, not everyone else.
    assert Browser(app, "10.1.0.10").login(alice.username, PASSWORD).status_code == 303


def test_a_forged_device_cookie_counts_for_nothing(app, two_free):
    alice = UserFactory()
    attacker = Browser(app, "198.51.100.67")
    fail(attacker, alice.username, app.config["LOGIN_MAX_FAILURES"])
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer("not-the-secret-key", salt="caseflow-device").dumps(
        {"d": "f" * 32, "u": [alice.username.lower()]})
    attacker.client.set_cookie(devices.COOKIE, forged, domain="localhost")
    assert attacker.login(alice.username, PASSWORD).status_code == 429


def test_unknown_usernames_answer_and_wait_exactly_like_real_ones(app, two_free):
    real = UserFactory()
    answers = {}
    for name in (real.username, "no-such-user-here"):
        browser = Browser(app, "10.0.0.3")
        fail(browser, name, app.config["LOGIN_MAX_FAILURES"])
        r = browser.login(name, WRONG)
        answers[name] = (r.status_code, r.headers.get("Retry-After"))
    assert answers[real.username] == answers["no-such-user-here"] == (429, "30")


def test_an_address_guessing_across_many_names_waits_but_not_for_people_known_there(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_MAX_FAILURES", 6)
    carol, dave, erin = UserFactory(), UserFactory(), UserFactory()
    gateway = "10.9.9.9"
    assert Browser(app, gateway).login(carol.username, PASSWORD).status_code == 303  # signed in from here before
    daves_browser = Browser(app, "10.2.0.1")
    assert daves_browser.login(dave.username, PASSWORD).status_code == 303  # his browser knows him
    daves_browser.logout()
    sprayer = Browser(app, gateway)
    for i in range(6):  # one guess per name: no account reaches its own limit
        fail(sprayer, f"victim{i}", 1)
    r = sprayer.login("victim99", WRONG)
    assert r.status_code == 429
    assert Browser(app, gateway).login(erin.username, PASSWORD).status_code == 429  # new here: slowed
    assert Browser(app, gateway).login(carol.username, PASSWORD).status_code == 303
    daves_browser.environ["REMOTE_ADDR"] = gateway
    assert daves_browser.login(dave.username, PASSWORD).status_code == 303
    later(int(r.headers["Retry-After"]))
    assert Browser(app, gateway).login(erin.username, PASSWORD).status_code == 303  # slowed, not blocked


def test_the_api_is_throttled_per_account_too(client, app, two_free):
    alice, bob = UserFactory(), UserFactory()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert client.post("/api/v1/auth/token", json={"username": alice.username, "password": WRONG}
                           ).status_code == 401
    r = client.post("/api/v1/auth/token", json={"username": alice.username, "password": PASSWORD})
    assert r.status_code == 429 and r.json["error"] == "throttled" and r.headers["Retry-After"] == "30"
    assert client.post("/api/v1/auth/token", json={"username": bob.username, "password": PASSWORD}).status_code == 200


def test_guessing_the_current_password_on_the_change_page_is_throttled(app, two_free):
    user = UserFactory()
    browser = Browser(app, "10.0.0.4")
    assert browser.login(user.username, PASSWORD).status_code == 303
    form = {"new_password": "lantern-orchard-47", "confirm": "lantern-orchard-47"}
    statuses = []
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        page = browser.client.get("/account/password", environ_base=browser.environ)
        statuses.append(browser.client.post("/account/password", environ_base=browser.environ, data={
            "csrf_token": csrf_of(page.data), "current_password": WRONG, **form}).status_code)
    assert statuses == [422] * app.config["LOGIN_MAX_FAILURES"] + [429]


def test_without_trusted_proxies_a_forwarded_address_is_ignored(app, session):
    user = UserFactory()
    spoofing = Browser(app, "10.0.0.5", **{"X-Forwarded-For": "203.0.113.9"})
    assert spoofing.login(user.username, PASSWORD).status_code == 303
    row = session.scalar(sa.select(SignInSession).where(SignInSession.user_id == user.id))
    assert row.address == "10.0.0.5"


def test_behind_a_trusted_proxy_the_client_address_is_the_one_it_forwards(app, session, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)  # restored afterwards
    trust_proxies(app)
    alice, bob = UserFactory(), UserFactory()
    # The proxy appends the address it saw; what the client claimed before it is not believed.
    behind = Browser(app, "127.0.0.1", **{"X-Forwarded-For": "1.2.3.4, 203.0.113.9"})
    assert behind.login(alice.username, PASSWORD).status_code == 303
    row = session.scalar(sa.select(SignInSession).where(SignInSession.user_id == alice.id))
    assert row.address == "203.0.113.9"
    # Everyone arrives from the proxy's own address, yet one attacker makes no one else wait.
    attacker = Browser(app, "127.0.0.1", **{"X-Forwarded-For": "198.51.100.1"})
    fail(attacker, bob.username, app.config["LOGIN_MAX_FAILURES"])
    assert Browser(app, "127.0.0.1", **{"X-Forwarded-For": "203.0.113.10"}).login(
        alice.username, PASSWORD).status_code == 303


REGISTRATION = {"account_type": "organisation", "display_name": "重庆山城科技有限公司",
                "id_number": "91500103MA5U8KJ84F", "password": "pass-word-9", "confirm": "pass-word-9"}


def register(app, address: str, username: str):
    client = app.test_client()
    page = client.get("/register", environ_base={"REMOTE_ADDR": address})
    return client.post("/register", environ_base={"REMOTE_ADDR": address},
                       data={"csrf_token": csrf_of(page.data), "username": username, **REGISTRATION})


def test_registration_probing_for_taken_names_is_throttled_per_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTER_MAX_PER_ADDRESS", 3)
    taken = [UserFactory().username for _ in range(3)]
    for name in taken:
        r = register(app, "10.3.0.1", name)
        assert r.status_code == 200 and "该用户名不可用" in r.data.decode()
    r = register(app, "10.3.0.1", "brand-new-name")
    assert r.status_code == 429 and "注册过于频繁" in r.data.decode()
    assert register(app, "10.3.0.2", "brand-new-name").status_code == 303  # another address
    later(app.config["REGISTER_WINDOW_SECONDS"])
    assert register(app, "10.3.0.1", "another-new-name").status_code == 303
