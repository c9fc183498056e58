"""Login, logout and registration."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user

from caseflow.accounts.forms import LoginForm, RegisterForm
from caseflow.accounts.models import IdType, Role, User
from caseflow.accounts.services import Throttled, authenticate, create_user
from caseflow.core.db import db, transactional
from caseflow.core.security import safe_next

bp = Blueprint("accounts", __name__)
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "请先登录"
login_manager.login_message_category = "warning"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


def home_for(user) -> str:
    return url_for("cases.queue") if user.is_staff else url_for("portal.index")


@bp.route("/")
def index():
    """Send people to their workspace, or show the landing page."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return render_template("index.html")


@bp.route("/login", methods=["GET", "POST"])
@transactional
def login():
    """Log in with username and password; repeated failures are throttled."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data, address=request.remote_addr or "")
        except Throttled as exc:
            flash(exc.message, "danger")
            return render_template("accounts/login.html", form=form), 429
        if user is None:
            flash("用户名或密码错误", "danger")
            return render_template("accounts/login.html", form=form), 200
        login_user(user)
        return redirect(safe_next(request.args.get("next")) or home_for(user), 303)
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (POST with CSRF, so no link can log someone out)."""
    logout_user()
    flash("您已退出登录", "info")
    return redirect(url_for("accounts.login"), 303)


@bp.route("/register", methods=["GET", "POST"])
@transactional
def register():
    """Register a rights holder's account."""
    form = RegisterForm()
    if form.validate_on_submit():
        individual = form.account_type.data == "individual"
        user = create_user(
            username=form.username.data, password=form.password.data, role=Role.APPLICANT,
            display_name=form.display_name.data.strip(),
            id_type=IdType.RESIDENT_ID if individual else IdType.USCC, id_number=form.id_number.data,
            phone=form.phone.data or None, email=form.email.data or None,
        )
        db.session.flush()
        login_user(user)
        flash("注册成功，欢迎使用", "success")
        return redirect(url_for("portal.index"), 303)
    return render_template("accounts/register.html", form=form)
