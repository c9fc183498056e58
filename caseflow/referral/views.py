"""Referral pages and API: registering incoming referrals, the evidence package of an outgoing one."""

from __future__ import annotations

import os

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, send_file, url_for
from flask_login import current_user

from caseflow import policy
from caseflow.api.views import json_body, token_required
from caseflow.cases import queries
from caseflow.cases.serialize import case_detail
from caseflow.core.db import transactional
from caseflow.core.errorpages import field_errors, on_refusal
from caseflow.core.errors import Forbidden, Invalid, NotFound, reject_unknown
from caseflow.core.forms import form_errors, json_to_formdata
from caseflow.core.security import current_actor
from caseflow.policy import staff_required
from caseflow.referral import services
from caseflow.referral.forms import IncomingReferralForm

bp = Blueprint("referrals", __name__)
api_bp = Blueprint("referrals_api", __name__, url_prefix="/api/v1")


def _form_data(form) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in form.data.items() if k != "csrf_token"}


def _incoming_again(exc):
    form = IncomingReferralForm()
    field_errors(form, exc)
    flash(exc.message, "danger")
    return render_template("referral/incoming.html", form=form), 422


@bp.route("/referrals/incoming", methods=["GET", "POST"])
@staff_required
@on_refusal(render=_incoming_again, error_pages=())
@transactional
def incoming():
    """Register a referral received from the police or another agency as a new case."""
    if not policy.can_register_incoming_referral(current_user, current_user.unit):
        abort(404)
    form = IncomingReferralForm()
    if form.validate_on_submit():
        case = services.register_incoming(actor=current_actor(), unit=current_user.unit, data=_form_data(form))
        flash(f"已登记移送来案：{case.number}", "success")
        return redirect(url_for("cases.show", case_id=case.id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("referral/incoming.html", form=form), status


def _send_package(case, actor):
    if not policy.can_download_referral_package(actor, case):
        raise NotFound("没有该证据包")
    if not (case.data or {}).get("package"):
        raise NotFound("该移送尚未移送，没有证据包")
    path = services.build_transfer_package(case)
    try:
        fh = open(path, "rb")  # noqa: SIM115 — closed by the response
    finally:
        os.unlink(path)  # the open handle keeps the data until the response has been sent
    resp = send_file(fh, mimetype="application/zip", as_attachment=True,
                     download_name=f"移送证据包-{case.number}.zip", conditional=False)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/cases/<int:case_id>/referral-package.zip")
@staff_required
def package(case_id: int):
    """The evidence package that went with the referral (the same evidence, verifiable by its manifest)."""
    case = queries.load_case(case_id, current_user)
    return _send_package(case, current_actor())


@api_bp.get("/cases/<int:case_id>/referral-package.zip")
@token_required
def package_api(case_id: int):
    """The referral's evidence package (staff of the case)."""
    case = queries.load_case(case_id, g.api_user)
    return _send_package(case, g.api_user)


@api_bp.post("/referrals/incoming")
@token_required
@transactional
def incoming_api():
    """Register an incoming referral (officers and supervisors of the office): 201 with the new case."""
    user = g.api_user
    if not user.is_staff or user.unit is None or not policy.can_register_incoming_referral(user, user.unit):
        raise Forbidden("只有本单位执法人员可以登记移送来案")
    body = json_body()
    form = IncomingReferralForm(formdata=json_to_formdata(body), meta={"csrf": False})
    reject_unknown(body, {n for n in form._fields if n != "csrf_token"})
    if not form.validate():
        errors = form_errors(form)
        raise Invalid("；".join(errors.values()), fields=errors)
    case = services.register_incoming(actor=user, unit=user.unit, data=_form_data(form))
    return jsonify(case_detail(case, user)), 201
