"""Registration, login, throttling, safe redirects, configuration safety."""

import pytest
import sqlalchemy as sa

from caseflow.accounts.models import IdType, Role, User
from caseflow.config import DEMO_SECRET_KEY, ConfigError
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.usefixtures("session")

ORG = {"account_type": "organisation", "display_name": "重庆山城科技有限公司", "id_number": "91500103MA5U8KJ84F",
       "phone": "13800000000", "email": "ip@example.com", "username": "shancheng", "password": "pass-word-9",
       "confirm": "pass-word-9"}


def test_register_organisation_logs_in(web, session):
    r = web.post_form("/register", ORG)
    assert r.status_code == 303 and r.headers["Location"].endswith("/portal/")
    user = session.scalar(sa.select(User).where(User.username == "shancheng"))
    assert user.role == Role.APPLICANT and user.id_type == IdType.USCC
    assert user.password_hash.startswith("$argon2id$")
    assert web.get("/portal/").status_code == 200


def test_register_individual_checks_resident_id(web, session):
    data = dict(ORG, account_type="individual", display_name="李堃", username="likun", id_number="500103199003071238")
    r = web.post_form("/register", data)
    assert r.status_code == 200
    assert "居民身份证号码不正确" in r.data.decode()
    data["id_number"] = "500103199003071239"
    assert web.post_form("/register", data).status_code == 303


@pytest.mark.parametrize(("field", "value", "message"), [
    ("id_number", "91500103MA5U8KJ84X", "统一社会信用代码不正确"),
    ("username", "a b", "用户名为3至64位"),
    ("confirm", "different", "两次输入的密码不一致"),
    ("password", "short", "密码至少8位"),
    ("password", "12345678", "这是常见密码"),
    ("password", "woaini1314", "这是常见密码"),
    ("password", "qwertyuiop", "这是常见密码"),
    ("password", "Shancheng2024", "密码不能包含用户名或姓名"),
    ("password", "zhangwei1990", "密码强度不足"),
    ("phone", "12345", "手机号码应为11位数字"),
])
def test_register_rejects_bad_fields(web, field, value, message):
    r = web.post_form("/register", dict(ORG, **{field: value}))
    assert r.status_code == 200
    assert message in r.data.decode()


def test_register_duplicate_username(web):
    UserFactory(username="taken")
    r = web.post_form("/register", dict(ORG, username="TAKEN"))
    assert "该用户名不可用" in r.data.decode()


def test_login_logout(web):
    user = UserFactory(officer=True)
    r = web.login(user.username)
    assert r.headers["Location"].endswith("/cases/")
    assert web.get("/cases/").status_code == 200
    assert web.client.get("/logout").status_code == 405  # logging out needs a POST with CSRF
    r = web.post_form("/cases/", post_url="/logout")
    assert r.status_code == 303
    assert web.get("/cases/").status_code == 302


def test_csrf_is_required(client):
    user = UserFactory()
    r = client.post("/login", data={"username": user.username, "password": "secret-pass-1"})
    assert r.status_code == 400
    assert "表单校验失败" in r.data.decode()


def test_login_throttled_after_repeated_failures(web, app):
    user = UserFactory()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        r = web.post_form("/login", {"username": user.username, "password": "wrong-password"})
        assert "用户名或密码错误" in r.data.decode()
    r = web.post_form("/login", {"username": user.username, "password": "secret-pass-1"})
    assert r.status_code == 429
    assert "登录失败次数过多" in r.data.decode()


@pytest.mark.parametrize("target", ["//evil.com", "/\\evil.com", "http://evil.com/", "https:evil.com",
                                    "/%2F%2Fevil.com", "javascript:alert(1)", "/no-such-page"])
def test_next_only_to_our_paths(web, target):
    user = UserFactory(officer=True)
    page = web.get("/login")
    from tests.conftest import csrf_of

    r = web.client.post("/login?next=" + target, data={"csrf_token": csrf_of(page.data), "username": user.username,
                                                       "password": "secret-pass-1"})
    assert r.status_code == 303
    assert r.headers["Location"] == "/cases/"


def test_next_to_our_own_path(web):
    user = UserFactory(officer=True)
    from tests.conftest import csrf_of

    page = web.get("/login")
    r = web.client.post("/login?next=/approvals/", data={"csrf_token": csrf_of(page.data), "username": user.username,
                                                        "password": "secret-pass-1"})
    assert r.headers["Location"] == "/approvals/"


def test_cookies_are_http_only(web):
    user = UserFactory()
    r = web.login(user.username)
    cookie = r.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_refuses_demo_secret():
    from caseflow import create_app
    from caseflow.config import Config, check_config

    with pytest.raises(ConfigError, match="演示密钥"):
        create_app({"ENV": "production", "SECRET_KEY": DEMO_SECRET_KEY})
    with pytest.raises(ConfigError):
        check_config(Config.from_env({"CASEFLOW_ENV": "production"}).to_flask())
    config = Config.from_env({"CASEFLOW_ENV": "production", "CASEFLOW_SECRET_KEY": "x" * 40}).to_flask()
    with pytest.raises(ConfigError, match="CASEFLOW_AUDIT_KEY"):  # the audit chain's key is required too
        check_config(config)
    config = Config.from_env({"CASEFLOW_ENV": "production", "CASEFLOW_SECRET_KEY": "x" * 40,
                              "CASEFLOW_AUDIT_KEY": "a" * 40, "CASEFLOW_PUBLIC_URL": "https://ip.cq.gov.cn"}).to_flask()
    check_config(config)
    assert config["SESSION_COOKIE_SECURE"] is True


def test_create_user_command(app, session, units):
    runner = app.test_cli_runner()
    r = runner.invoke(args=["caseflow", "create-user", "newofficer", "--role", "officer", "--unit", "500103",
                            "--password", "long-enough-1"])
    assert r.exit_code == 0, r.output
    user = session.scalar(sa.select(User).where(User.username == "newofficer"))
    assert user.unit.code == "500103" and user.role == Role.OFFICER
    bad = runner.invoke(args=["caseflow", "create-user", "x2", "--role", "officer", "--unit", "999999",
                              "--password", "long-enough-1"])
    assert bad.exit_code != 0 and "单位代码不存在" in bad.output
