"""Serving the request gives the respondent an access code; claiming it links their account to that case only."""

from __future__ import annotations

import pytest

from caseflow.accounts.models import Role
from caseflow.cases.models import PartyRole
from caseflow.cases.services import create_case, perform
from caseflow.core.errors import Forbidden, Invalid, NotFound
from caseflow.hearings import access
from tests.factories.accounts import UserFactory, unit
from tests.factories.adjudication import docket_data

pytestmark = pytest.mark.usefixtures("session")

FIELDS = {"kind": "patent_infringement", "ip_type": "invention", "right_number": "ZL202010123456.2",
          "title": "发明专利侵权纠纷", "facts": "f", "claims": "c", "channel": "online"}


def served(applicant, sup, name):
    case = create_case(procedure="adjudication", unit=unit("500103"), actor=applicant, fields=FIELDS,
                       parties=[{"role": PartyRole.CLAIMANT, "name": "请求人"},
                                {"role": PartyRole.RESPONDENT, "name": name}])
    perform(case, "docket", actor=sup, data={"version": case.version, **docket_data(case)})
    perform(case, "serve_respondent", actor=sup, data={"version": case.version})
    return case


def test_code_links_one_respondent_to_one_case(session):
    applicant, sup = UserFactory(organisation=True), UserFactory(supervisor=True)
    respondent = UserFactory(role=Role.RESPONDENT)
    mine, other = served(applicant, sup, "甲商行"), served(applicant, sup, "乙商行")
    [code] = access.codes_of(mine)
    assert code.code and len(access.codes_of(other)) == 1
    with pytest.raises(Forbidden):
        access.claim(code.code, applicant)
    assert access.claim(code.code.lower(), respondent).id == mine.id
    assert code.code is None and code.claimed_by_id == respondent.id
    with pytest.raises(Invalid):
        access.claim("AAAA-BBBB-CCCC", respondent)
    # The respondent files the answer and an objection on their case, within the period ...
    perform(mine, "raise_jurisdiction_objection", actor=respondent, data={"version": mine.version, "grounds": "g"})
    perform(mine, "record_answer", actor=respondent, data={"version": mine.version, "answer": "不侵权"})
    assert mine.state == "examination"
    # ... and cannot act on another case.
    with pytest.raises(NotFound):
        perform(other, "record_answer", actor=respondent, data={"version": other.version, "answer": "x"})
    with pytest.raises(Forbidden):
        perform(mine, "decide", actor=respondent, data={"version": mine.version})


def test_access_page_claims_and_redirects(session, web):
    applicant, sup = UserFactory(organisation=True), UserFactory(supervisor=True)
    respondent = UserFactory(role=Role.RESPONDENT)
    case = served(applicant, sup, "丙商行")
    [code] = access.codes_of(case)
    plain = code.code
    web.login(respondent.username)
    r = web.post_form("/hearings/access", {"code": "WRONG-CODE"})
    assert r.status_code == 422
    r = web.post_form("/hearings/access", {"code": plain})
    assert r.status_code == 302 and f"/portal/cases/{case.id}" in r.headers["Location"]
