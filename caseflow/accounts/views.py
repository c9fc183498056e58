"""Login, logout, registration, and each user's own account page: password, sessions and API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user

from caseflow.accounts import devices, services, sessions, throttle
from caseflow.accounts.forms import LoginForm, PasswordChangeForm, RegisterForm
from caseflow.accounts.models import AccountTag, ApiToken, EndReason, IdType, Role, SignInSession, User
from caseflow.accounts.sessions import Client
from caseflow.core.db import db, run_bookkeeping, run_read_only, run_transaction, transactional
from caseflow.core.errorpages import field_errors, on_refusal
from caseflow.core.errors import DomainError, Invalid
from caseflow.core.security import current_actor, safe_next

bp = Blueprint("accounts", __name__)
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "请先登录"
login_manager.login_message_category = "warning"
login_manager.session_protection = "strong"

#: The key of the sign-in session's secret in the signed cookie.
SESSION_SECRET = "sid"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The cookie's user, only while its sign-in session is open (checked against the database every request)."""
    row = sessions.session_for_secret(session.get(SESSION_SECRET, ""))
    if row is None or str(row.user_id) != user_id:
        return None
    g.sign_in_session = row
    return row.user


@bp.before_app_request
def check_sign_in_session():
    """Resolve the signed-in user before the view runs; forget a cookie whose session was ended or lapsed."""
    if request.endpoint == "static" or SESSION_SECRET not in session:
        return None
    user = current_user._get_current_object()
    row: SignInSession | None = g.get("sign_in_session")
    if row is None or not user.is_authenticated:
        logout_user()
        session.pop(SESSION_SECRET, None)
        flash("登录已结束或已过期，请重新登录", "warning")
        return None
    if sessions.touch_due(row.last_seen_at):
        session_id = row.id
        run_bookkeeping(lambda: sessions.touch_session(session_id))
    if user.password_must_change and request.endpoint not in _WHILE_PASSWORD_MUST_CHANGE:
        flash("管理员为您设置了临时密码，请先设置您自己的新密码", "warning")
        return redirect(url_for("accounts.change_password"))
    return None


#: What an account whose password was reset by an administrator may open before choosing its own.
_WHILE_PASSWORD_MUST_CHANGE = frozenset({"accounts.change_password", "accounts.logout", "static"})


def current_sign_in_session() -> SignInSession | None:
    return g.get("sign_in_session")


def sign_in_browser(user: User, client: Client) -> SignInSession:
    """Open a sign-in session for this browser (flush; the request's transaction commits it) and set the cookie."""
    row, secret = sessions.start_session(user, client)
    session.clear()  # nothing from before the sign-in carries over (not even the CSRF token)
    login_user(user)
    session[SESSION_SECRET] = secret
    g.sign_in_session = row
    return row


def _continue_browser_session(row: SignInSession, secret: str) -> None:
    session[SESSION_SECRET] = secret
    g.sign_in_session = row


def home_for(user) -> str:
    return url_for("cases.queue") if user.is_staff else url_for("portal.index")


@bp.route("/")
def index():
    """Send people to their workspace, or show the landing page."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return render_template("index.html")


def _throttled(form, exc: services.Throttled):
    flash(exc.message, "danger")
    return render_template("accounts/login.html", form=form), 429, {"Retry-After": str(exc.retry_after)}


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with username and password; repeated failures of one username make it wait, growing each time.

    The password is checked in a read-only transaction and only the outcome is written afterwards, so that
    simultaneous logins never queue behind one another's Argon2 verification (nor answer 409).
    """
    form = LoginForm()
    if form.validate_on_submit():
        client = Client.of(request)
        username, password = form.username.data, form.password.data
        try:
            check = run_read_only(lambda: services.check_login(username, password, client=client))
        except services.Throttled as exc:
            return _throttled(form, exc)

        def record() -> User | None:
            user = services.record_login(check, client=client)
            if user is not None:
                sign_in_browser(user, client)
            return user

        user = run_transaction(record)
        if user is None:
            flash("用户名或密码错误", "danger")
            return render_template("accounts/login.html", form=form), 200
        response = redirect(safe_next(request.args.get("next")) or home_for(user), 303)
        devices.remember(response, request, user.username)
        return response
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
@transactional
def logout():
    """Log out (POST with CSRF, so no link can log someone out): the session ends on every worker at once."""
    row = current_sign_in_session()
    if row is not None:
        sessions.end_session(row, EndReason.LOGOUT)
    logout_user()
    session.pop(SESSION_SECRET, None)
    flash("您已退出登录", "info")
    return redirect(url_for("accounts.login"), 303)


def _form_again(form, template: str, exc: DomainError, status: int = 422):
    """The form again with the refusal's messages beside its fields (or above them) and everything typed kept."""
    if not field_errors(form, exc):
        flash(exc.message, "danger")
    return render_template(template, form=form), status


@bp.route("/register", methods=["GET", "POST"])
@transactional
def register():
    """Register a rights holder's account (per address, only so many accounts or taken names an hour)."""
    form = RegisterForm()
    if form.validate_on_submit():
        individual = form.account_type.data == "individual"
        client = Client.of(request)
        wait = throttle.registration_wait(client.address)
        if wait:
            flash(f"注册过于频繁，请 {throttle.describe(wait.seconds)}后再试", "danger")
            return (render_template("accounts/register.html", form=form), 429,
                    {"Retry-After": str(wait.seconds)})
        try:
            user = services.create_user(
                username=form.username.data, password=form.password.data, role=Role.APPLICANT,
                display_name=form.display_name.data.strip(),
                id_type=IdType.RESIDENT_ID if individual else IdType.USCC, id_number=form.id_number.data,
                phone=form.phone.data or None, email=form.email.data or None,
            )
        except Invalid as exc:  # answered here, not by on_refusal: the attempt is recorded (it must not roll back)
            if exc.message == services.USERNAME_UNAVAILABLE:
                throttle.record_registration(client.address, form.username.data, created=False)
            for name, message in exc.fields.items():
                getattr(form, name).errors.append(message)
            return render_template("accounts/register.html", form=form)
        throttle.record_registration(client.address, user.username, created=True)
        services.record_account_event(AccountTag.CREATE, actor=user, user=user, via="register",
                                      summary=f"权利人 {user.username} 注册账号", address=client.address)
        sign_in_browser(user, client)
        flash("注册成功，欢迎使用", "success")
        response = redirect(url_for("portal.index"), 303)
        devices.remember(response, request, user.username)
        return response
    return render_template("accounts/register.html", form=form)


# ---- the user's own account: password, sessions, tokens ----


def _account_page(form: PasswordChangeForm | None = None, status: int = 200):
    user = current_actor()
    return render_template(
        "accounts/account.html", user=user, current=current_sign_in_session(),
        open_sessions=sessions.open_sessions(user), open_tokens=sessions.open_tokens(user),
        ended=sessions.recently_ended(user), expires_at=sessions.session_expires_at,
    ), status


@bp.get("/account/")
@login_required
def account():
    """The signed-in user's account: where they are signed in, their API tokens, and what ended recently."""
    return _account_page()


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@on_refusal(render=lambda exc: _form_again(PasswordChangeForm(user=current_actor()), "accounts/password.html", exc))
def change_password():
    """Change one's own password: every other session and every API token ends; this one goes on."""
    user = current_actor()
    form = PasswordChangeForm(user=user)
    if form.validate_on_submit():
        client = Client.of(request)
        current, new = form.current_password.data, form.new_password.data
        try:
            check = run_read_only(lambda: services.check_password_change(user, current, new, client=client))
        except services.Throttled as exc:
            flash(exc.message, "danger")
            return render_template("accounts/password.html", form=form), 429, {"Retry-After": str(exc.retry_after)}
        changed = run_transaction(lambda: services.change_password(
            check, current=current_sign_in_session(), client=client))
        if changed is None:
            form.current_password.errors.append("当前密码不正确")
            return render_template("accounts/password.html", form=form), 422
        if changed.session is not None and changed.secret is not None:
            _continue_browser_session(changed.session, changed.secret)
        flash("密码已修改；其他设备上的登录和全部 API 令牌已失效", "success")
        return redirect(url_for("accounts.account"), 303)
    return render_template("accounts/password.html", form=form), (422 if form.errors else 200)


def _own(model, row_id: int):
    row = db.session.get(model, row_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    return row


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
@transactional
def end_session(session_id: int):
    """End one of one's own sessions (ending this one logs out here)."""
    row = _own(SignInSession, session_id)
    sessions.end_session(row, EndReason.ENDED_BY_USER)
    current = current_sign_in_session()
    if current is not None and current.id == row.id:
        logout_user()
        session.pop(SESSION_SECRET, None)
        flash("已退出登录", "info")
        return redirect(url_for("accounts.login"), 303)
    flash("该登录已结束", "success")
    return redirect(url_for("accounts.account"), 303)


@bp.post("/account/sessions/end-others")
@login_required
@transactional
def end_other_sessions():
    """End every session of one's own except this one."""
    ended = sessions.end_all(current_actor(), EndReason.ENDED_BY_USER, tokens=False, keep=current_sign_in_session())
    flash(f"已结束其他 {ended} 处登录", "success")
    return redirect(url_for("accounts.account"), 303)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
@transactional
def revoke_token(token_id: int):
    """Revoke one of one's own API tokens."""
    sessions.revoke_token(_own(ApiToken, token_id))
    flash("该 API 令牌已撤销", "success")
    return redirect(url_for("accounts.account"), 303)


# The first marker found names it (Edge and WeChat also say Chrome and Safari; Chrome also says Safari).
_BROWSERS = (("MicroMessenger", "微信"), ("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))
_SYSTEMS = (("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
            ("Mac OS X", "macOS"), ("Linux", "Linux"))


@bp.app_template_filter("device_name")
def device_name(user_agent: str | None) -> str:
    """A short description of a browser from its user-agent string (e.g. “Chrome · Windows”)."""
    ua = user_agent or ""
    browser = next((name for key, name in _BROWSERS if key in ua), "")
    system = next((name for key, name in _SYSTEMS if key in ua), "")
    described = " · ".join(p for p in (browser, system) if p)
    return described or (ua[:60] if ua else "未知设备")
