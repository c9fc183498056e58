"""No 行政裁决 without a patent and no 立案 without the art. 12 checks (issue #15 items 1 and 2).

局令81 governs patent disputes only (专利法 art. 65): a trademark, copyright or geographical-indication right can
neither be filed as an adjudication nor reached by converting a complaint. 立案 records the filing conditions of
art. 12 (and the 专利权评价报告 of art. 14 for utility models and designs): an empty docket form is refused as
invalid input and never reaches a supervisor as an approval request.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from caseflow.approvals.models import ApprovalRequest
from caseflow.cases.models import Case
from caseflow.core.db import db
from tests.adjudication.conftest import ADJ_BODY
from tests.api.conftest import COMPLAINT_BODY
from tests.factories.adjudication import DOCKET_CHECKS, panel_of

pytestmark = pytest.mark.usefixtures("session")


def _approvals(case_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ApprovalRequest)
                             .where(ApprovalRequest.case_id == case_id)) or 0


# ---- item 1: adjudication is for patent disputes only ----


@pytest.mark.parametrize(("change", "field"), [
    ({"ip_type": "trademark", "right_number": "12345678"}, "ip_type"),
    ({"ip_type": "copyright", "right_number": "渝作登字-2024-A-00001234"}, "ip_type"),
    ({"ip_type": "geographical_indication", "right_number": "GI-2019-018"}, "ip_type"),
    ({"kind": "trademark"}, "kind"),
    ({"kind": "patent_counterfeit"}, "kind"),
])
def test_an_adjudication_of_a_non_patent_dispute_is_refused(api, people, change, field):
    r = api.post(people["applicant"], "/api/v1/cases", json={**ADJ_BODY, **change})
    assert r.status_code == 422, r.json
    assert field in r.json["fields"] and "专利" in r.json["message"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)
                             .where(Case.procedure == "adjudication")) == 0


@pytest.mark.parametrize(("kind", "ip_type", "number"), [
    ("geographical_indication", "geographical_indication", "GI-2019-018"),
    ("trademark", "trademark", "12345678"),
    ("copyright", "copyright", "渝作登字-2024-A-00001234"),
    ("patent_counterfeit", "invention", "ZL202010123456.2"),
])
def test_a_non_patent_complaint_cannot_be_converted_to_an_adjudication(api, people, kind, ip_type, number):
    officer = people["officer"]
    body = {**COMPLAINT_BODY, "kind": kind, "ip_type": ip_type, "right_number": number}
    cid = api.post(people["applicant"], "/api/v1/cases", json=body).json["id"]
    case = db.session.get(Case, cid)
    assert api.act(officer, cid, "accept", case.version).status_code == 200
    db.session.refresh(case)
    r = api.act(officer, cid, "convert", case.version, procedure="adjudication")
    assert r.status_code == 409 and "专利侵权纠纷" in r.json["message"], r.json
    db.session.refresh(case)
    assert case.state == "accepted" and not case.children


def test_a_patent_infringement_complaint_still_converts(api, people):
    officer = people["officer"]
    cid = api.post(people["applicant"], "/api/v1/cases", json=COMPLAINT_BODY).json["id"]
    case = db.session.get(Case, cid)
    api.act(officer, cid, "accept", case.version)
    db.session.refresh(case)
    assert api.act(officer, cid, "convert", case.version, procedure="adjudication").status_code == 200
    db.session.refresh(case)
    [child] = case.children
    assert child.procedure == "adjudication" and child.ip_type == "invention"


# ---- item 2: 立案 records the art. 12 (and art. 14) checks ----


def test_an_empty_docket_form_is_refused_and_reaches_no_supervisor(api, people, adj_body):
    cid = api.post(people["applicant"], "/api/v1/cases", json=adj_body).json["id"]
    case = db.session.get(Case, cid)
    r = api.act(people["officer"], cid, "docket", case.version)
    assert r.status_code == 422, r.json
    for name in ("standing", "claims_clear", "jurisdiction", "court_suit", "other_route", "patent_status",
                 "members"):
        assert name in r.json["fields"], name
    assert _approvals(cid) == 0
    db.session.refresh(case)
    assert case.state == "submitted"


@pytest.mark.parametrize(("ip_type", "number", "status"), [
    ("design", "ZL202230123456.2", 422), ("utility_model", "ZL202221345676.0", 422),
    ("invention", "ZL202010123456.2", 202),
])
def test_the_evaluation_report_is_checked_for_utility_models_and_designs(api, people, adj_body, ip_type, number,
                                                                         status):
    cid = api.post(people["applicant"], "/api/v1/cases",
                   json={**adj_body, "ip_type": ip_type, "right_number": number}).json["id"]
    case = db.session.get(Case, cid)
    r = api.act(people["officer"], cid, "docket", case.version, members=panel_of(people), **DOCKET_CHECKS)
    assert r.status_code == status, r.json
    if status == 422:
        assert "evaluation_report" in r.json["fields"] and _approvals(cid) == 0
        r = api.act(people["officer"], cid, "docket", case.version, members=panel_of(people),
                    evaluation_report="provided", **DOCKET_CHECKS)
        assert r.status_code == 202, r.json


def test_unclear_claims_are_refused_at_docket(api, people, adj_body):
    cid = api.post(people["applicant"], "/api/v1/cases", json=adj_body).json["id"]
    case = db.session.get(Case, cid)
    r = api.act(people["officer"], cid, "docket", case.version, members=panel_of(people),
                **{**DOCKET_CHECKS, "claims_clear": "no"})
    assert r.status_code == 409 and "第十二条第（三）项" in r.json["message"], r.json
    assert _approvals(cid) == 0


def test_docket_without_recorded_checks_is_refused_by_the_engine(people):
    """Callers that skip the form (the demo, a script) meet the same rule as a refusal."""
    from caseflow.cases.models import PartyRole
    from caseflow.cases.services import create_case, perform
    from caseflow.core.errors import Conflict
    from tests.factories.accounts import unit

    case = create_case(procedure="adjudication", unit=unit("500103"), actor=people["applicant"],
                       fields={k: v for k, v in ADJ_BODY.items() if k not in ("claimants", "respondents", "unit")},
                       parties=[{"role": PartyRole.CLAIMANT, "name": "甲"}, {"role": PartyRole.RESPONDENT,
                                                                               "name": "乙"}])
    with pytest.raises(Conflict) as exc:
        perform(case, "docket", actor=people["supervisor"], data={"version": case.version})
    assert "第十二条" in exc.value.message and case.state == "submitted"


def test_a_patent_counterfeit_complaint_cannot_become_a_mediation(api, people):
    """假冒专利 is an offence the office punishes, not a dispute between parties to mediate (局令81 art. 63)."""
    officer = people["officer"]
    body = {**COMPLAINT_BODY, "kind": "patent_counterfeit"}
    r = api.post(people["applicant"], "/api/v1/cases", json=body)
    assert r.status_code == 201, r.json
    cid = r.json["id"]
    case = db.session.get(Case, cid)
    assert api.act(officer, cid, "accept", case.version).status_code == 200
    db.session.refresh(case)
    r = api.act(officer, cid, "convert", case.version, procedure="mediation", category="other")
    assert r.status_code == 409 and "假冒专利" in r.json["message"], r.json
    db.session.refresh(case)
    assert case.state == "accepted" and not case.children


def test_a_patent_infringement_dispute_is_not_registered_ex_officio(api, people):
    """专利法 art. 65: the office handles a patent infringement dispute on the right holder's request only."""
    r = api.post(people["officer"], "/api/v1/cases", json={**COMPLAINT_BODY, "channel": "ex_officio"})
    assert r.status_code == 422 and "专利法第六十五条" in r.json["fields"]["channel"], r.json
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


@pytest.mark.parametrize(("ip_type", "right_number", "asserted", "status"), [
    ("invention", "ZL202010123456.2", "", 422),  # an invention's protection is its claims: they are named
    ("utility_model", "ZL202221345678.X", "  ", 422),
    ("design", "ZL202230123456.2", "", 201),  # a design has no claims (专利法 art. 64(2)): never refused for them
])
def test_a_request_names_the_claims_relied_on_except_for_a_design(api, people, ip_type, right_number, asserted,
                                                                   status):
    """局令81 art. 12(三) through the API, the same rule the portal applies (tests/adjudication/
    test_adj_portal_filing.py)."""
    body = {**ADJ_BODY, "ip_type": ip_type, "right_number": right_number, "asserted_claims": asserted}
    r = api.post(people["applicant"], "/api/v1/cases", json=body)
    assert r.status_code == status, r.json
    if status == 422:
        assert "权利要求" in r.json["fields"].get("asserted_claims", ""), r.json
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0
