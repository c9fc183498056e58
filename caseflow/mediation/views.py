"""Pages and API routes of 行政调解: the portal request, the case panel, the confirmation package (thin views)."""

from __future__ import annotations

import secrets

from flask import Blueprint, Response, flash, g, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from caseflow import policy
from caseflow.accounts.services import units_ordered
from caseflow.api.views import json_body, token_required
from caseflow.cases import queries
from caseflow.cases.serialize import case_detail
from caseflow.core.db import transactional
from caseflow.core.errorpages import field_errors, on_refusal
from caseflow.core.errors import Forbidden, Invalid
from caseflow.core.security import current_actor
from caseflow.mediation import services
from caseflow.mediation.forms import MediationRequestForm, validate_request_json

bp = Blueprint("mediation", __name__)
api_bp = Blueprint("mediation_api", __name__, url_prefix="/api/v1")


def _prefilled(units):
    """A blank request with the filer as the claimant."""
    me = {"name": current_user.display_name, "id_type": current_user.id_type.value if current_user.id_type else "",
          "id_number": current_user.id_number or "", "phone": current_user.phone or ""}
    return MediationRequestForm(formdata=None, data={"claimants": [me], "respondents": [{}]}, units=units)


def _request_again(exc):
    """A refused 调解请求书 shows again with the messages beside its fields and everything typed kept."""
    if not isinstance(exc, Invalid):
        return None
    form = MediationRequestForm(units=units_ordered())
    field_errors(form, exc)
    flash(exc.message, "danger")
    return render_template("mediation/request.html", form=form, key=(request.form.get("request_key") or "")[:64]), 422


@bp.route("/portal/mediation/new", methods=["GET", "POST"])
@policy.requires("use_portal")
@on_refusal(render=_request_again)
@transactional
def new_request():
    """调解请求书 on the portal: one page; a second submit of the same page answers with the first case."""
    if not policy.can_file(current_user):
        raise Forbidden("只有权利人账户可以提交调解请求")
    units = units_ordered()
    if request.method == "GET":
        form = _prefilled(units)
        return render_template("mediation/request.html", form=form, key=secrets.token_urlsafe(16))
    key = (request.form.get("request_key") or "")[:64]
    done = services.submitted_request(key, current_user)
    if done is not None:
        flash(f"该调解请求已提交，案件编号 {done.number}，请勿重复提交", "warning")
        return redirect(url_for("portal.case", case_id=done.id), 303)
    form = MediationRequestForm(units=units)
    if not form.validate():
        return render_template("mediation/request.html", form=form, key=key), 422
    data = {k: v for k, v in form.data.items() if k != "csrf_token"}
    case = services.create_request(data, current_actor(), form_key=key or None)
    return redirect(url_for("portal.case", case_id=case.id, receipt=1), 303)


def _package(case):
    return Response(services.package_pdf(case), mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename=confirmation-{case.id}.pdf"})


@bp.get("/cases/<int:case_id>/mediation/confirmation-package.pdf")
def package(case_id: int):
    """The 司法确认 application package for the court (staff and the case's parties)."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.path))
    return _package(queries.load_case(case_id, current_user))


@api_bp.post("/mediation/requests")
@token_required
@transactional
def api_request():
    """File a 调解请求书 through the API (the same rules as the portal page)."""
    data = validate_request_json(json_body(), units_ordered())
    case = services.create_request(data, g.api_user)
    return jsonify(case_detail(case, g.api_user)), 201


@api_bp.get("/cases/<int:case_id>/mediation/confirmation-package")
@token_required
def api_package(case_id: int):
    return _package(queries.load_case(case_id, g.api_user))
