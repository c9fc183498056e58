"""The administrator's pages: accounts (list and search, open staff accounts, disable and enable, reset a
password, change role or office, end sessions) and offices (name and case-number prefix), and the account events.

Permissions come from caseflow/policy.py; anything outside the administrator's offices answers 404.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from caseflow import policy
from caseflow.accounts import admin, sessions
from caseflow.accounts.forms import OfficeForm, ResetPasswordForm, RoleUnitForm, StaffCreateForm
from caseflow.accounts.models import Role, Unit, User
from caseflow.accounts.services import unit_by_code, units_ordered
from caseflow.cases.queries import int_arg
from caseflow.core.db import db, transactional
from caseflow.core.errorpages import field_errors, on_refusal, refusal_text
from caseflow.core.errors import DomainError, Invalid
from caseflow.core.security import current_actor

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50


#: The administrator's pages; everyone else gets 404 (which accounts and offices: policy.can_manage_account …).
admin_required = policy.requires("administer")


def _actor() -> admin.Actor:
    return admin.Actor(current_actor(), via="web", address=(request.remote_addr or "")[:64])


def _my_units() -> list[Unit]:
    mine = policy.administered_units(current_actor())
    return [u for u in units_ordered() if u.id in mine]


def _target(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not policy.can_manage_account(current_actor(), user):
        abort(404)
    return user


def _unit_for(code: str) -> Unit:
    unit = unit_by_code(code)
    if unit is None or not policy.can_assign_unit(current_actor(), unit):
        raise Invalid("请选择您管理范围内的单位", fields={"unit": "单位无效"})
    return unit


def _refused_form(form, exc: DomainError) -> None:
    """A refusal on the form: beside its fields when it names them, else flashed above the form."""
    if not field_errors(form, exc):
        flash(refusal_text(exc), "danger")


def _new_user_again(exc: DomainError):
    form = StaffCreateForm(units=_my_units())
    _refused_form(form, exc)
    return render_template("admin/new_user.html", form=form), 422


@bp.get("/users/")
@admin_required
def users():
    """Accounts in the administrator's offices (and, at the top office, rights holders'), searchable."""
    me = current_actor()
    args = request.args
    page = max(int_arg(args.get("page"), 1), 1)
    rows, total = admin.search_users(q=args.get("q", "")[:100], role=args.get("role", ""),
                                     status=args.get("status", ""), unit_ids=policy.administered_units(me),
                                     public=policy.administers_public_accounts(me), page=page, per_page=PER_PAGE)
    return render_template("admin/users.html", rows=rows, total=total, page=page, per_page=PER_PAGE, args=args,
                           roles=list(Role))


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
@on_refusal(render=_new_user_again)
@transactional
def new_user():
    """Open a staff account; its initial password is shown once, here."""
    form = StaffCreateForm(units=_my_units())
    if form.validate_on_submit():
        user, password = admin.create_staff(
            _actor(), username=form.username.data, display_name=form.display_name.data.strip(),
            role=form.role.data, unit=_unit_for(form.unit.data), password=form.password.data or None)
        # Shown in this answer only: a flash message would travel in the (signed, not encrypted) cookie.
        return render_template("admin/password_issued.html", user=user, password=password, created=True)
    return render_template("admin/new_user.html", form=form), (422 if form.errors else 200)


def _user_page(user: User, *, role_form=None, reset_form=None, status: int = 200):
    role_form = role_form or RoleUnitForm(units=_my_units(), data={"role": user.role.value,
                                                                   "unit": user.unit.code if user.unit else ""})
    return render_template("admin/user.html", user=user, role_form=role_form,
                           reset_form=reset_form or ResetPasswordForm(), open_sessions=sessions.open_sessions(user),
                           open_tokens=sessions.open_tokens(user), events=admin.account_events(user=user, limit=50),
                           is_self=user.id == current_user.id), status


@bp.get("/users/<int:user_id>")
@admin_required
def user(user_id: int):
    """One account: details, what may be changed, where it is signed in, and its history."""
    return _user_page(_target(user_id))


def _role_again(exc: DomainError, user_id: int):
    form = RoleUnitForm(units=_my_units())
    _refused_form(form, exc)
    return _user_page(_target(user_id), role_form=form, status=422)


@bp.post("/users/<int:user_id>/role")
@admin_required
@on_refusal(render=_role_again)
@transactional
def change_role(user_id: int):
    """Change a staff account's role and/or office: all its sessions and tokens end."""
    target = _target(user_id)
    form = RoleUnitForm(units=_my_units())
    if form.validate_on_submit():
        ended = admin.change_role_and_unit(_actor(), target, role=form.role.data, unit=_unit_for(form.unit.data))
        flash(f"已保存；该账号的 {ended} 处登录和令牌已失效" if ended else "没有变化", "success")
        return redirect(url_for("admin.user", user_id=target.id), 303)
    return _user_page(target, role_form=form, status=422)


@bp.post("/users/<int:user_id>/<any(disable, enable):what>")
@admin_required
@on_refusal(lambda user_id, what: url_for("admin.user", user_id=user_id))
@transactional
def set_disabled(user_id: int, what: str):
    """Disable an account (its sessions and tokens end at once) or enable it again."""
    target = _target(user_id)
    ended = admin.set_disabled(_actor(), target, what == "disable")
    flash(f"账号已停用，{ended} 处登录和令牌已失效" if what == "disable" else "账号已启用", "success")
    return redirect(url_for("admin.user", user_id=target.id), 303)


def _reset_again(exc: DomainError, user_id: int):
    form = ResetPasswordForm()
    _refused_form(form, exc)
    return _user_page(_target(user_id), reset_form=form, status=422)


@bp.post("/users/<int:user_id>/password")
@admin_required
@on_refusal(render=_reset_again)
@transactional
def reset_password(user_id: int):
    """Set a temporary password, shown once; the account's sessions and tokens end, and it must change it."""
    target = _target(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        password = admin.reset_password(_actor(), target, form.password.data or None)
        return render_template("admin/password_issued.html", user=target, password=password, created=False)
    return _user_page(target, reset_form=form, status=422)


@bp.post("/users/<int:user_id>/end-sessions")
@admin_required
@transactional
def end_sessions(user_id: int):
    """End every session and token of an account (a lost phone, a shared computer)."""
    target = _target(user_id)
    ended = admin.end_sessions(_actor(), target)
    flash(f"已结束 {ended} 处登录和令牌", "success")
    return redirect(url_for("admin.user", user_id=target.id), 303)


@bp.get("/offices/")
@admin_required
def offices():
    """The offices the administrator manages, with their staff counts; name and prefix are editable."""
    units = _my_units()
    counts = dict(db.session.execute(sa.select(User.unit_id, sa.func.count()).where(
        User.unit_id.in_([u.id for u in units]), User.is_disabled.is_(False)).group_by(User.unit_id)).all())
    return render_template("admin/offices.html", units=units, counts=counts, forms={
        u.code: OfficeForm(prefix=f"office-{u.code}", data={"name": u.name, "prefix": u.prefix}) for u in units})


def _office_anchor(code: str) -> str:
    return url_for("admin.offices") + f"#office-{code}"


@bp.post("/offices/<code>")
@admin_required
@on_refusal(_office_anchor)
@transactional
def edit_office(code: str):
    """Change an office's name and case-number prefix (cases already numbered keep their numbers)."""
    unit = unit_by_code(code)
    if unit is None or not policy.can_edit_office(current_actor(), unit):
        abort(404)
    form = OfficeForm(prefix=f"office-{unit.code}")
    if form.validate_on_submit():
        diff = admin.edit_office(_actor(), unit, name=form.name.data, prefix=form.prefix.data)
        flash(f"{unit.code} {unit.area}：已保存" if diff else f"{unit.code} {unit.area}：没有变化", "success")
    else:
        flash(f"{unit.code} {unit.area}：" + "；".join(e for errs in form.errors.values() for e in errs), "danger")
    return redirect(url_for("admin.offices") + f"#office-{unit.code}", 303)


@bp.get("/events/")
@admin_required
def events():
    """The latest changes to accounts and offices, who made them and from where."""
    me = current_actor()
    scope = None if policy.administers_public_accounts(me) else policy.administered_units(me)
    return render_template("admin/events.html", events=admin.account_events(unit_ids=scope, limit=200))
