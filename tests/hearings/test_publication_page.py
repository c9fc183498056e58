"""The public page of published decisions (局令81 art. 83): only published ones, redacted, 典型案例 marked."""

from __future__ import annotations

import pytest

from caseflow.accounts.models import IdType
from caseflow.cases.models import PartyRole
from caseflow.cases.services import create_case, perform
from caseflow.core import clock
from tests.factories.accounts import UserFactory, unit
from tests.factories.adjudication import docket_data

pytestmark = pytest.mark.usefixtures("session")

FIELDS = {"kind": "patent_infringement", "ip_type": "invention", "right_number": "ZL202010123456.2",
          "title": "发明专利侵权纠纷", "facts": "f", "claims": "c", "channel": "online"}


def decided(applicant, sup, respondent_name, *, publish=None):
    case = create_case(procedure="adjudication", unit=unit("500103"), actor=applicant, fields=FIELDS,
                       parties=[{"role": PartyRole.CLAIMANT, "name": "重庆山城科技有限公司"},
                                {"role": PartyRole.RESPONDENT, "name": respondent_name,
                                 "id_type": IdType.RESIDENT_ID, "id_number": "500103199001011234",
                                 "address": "重庆市渝中区较场口216号", "phone": "13912345678"}])
    steps = [("docket", docket_data(case)), ("serve_respondent", {}), ("record_answer", {"answer": "a"}),
             ("deliberate", {"outcome": "infringement", "opinion": "落入保护范围"}),
             ("decide", {"outcome": "infringement", "measures": f"{respondent_name}立即停止销售",
                         "reasons": f"{respondent_name}（住重庆市渝中区较场口216号）销售的产品采用了配方X-17号工艺。"})]
    if publish is not None:
        steps.append(("publish", publish))
    for action, data in steps:
        perform(case, action, actor=sup, data={"version": case.version, **data})
    return case


def test_published_decisions_are_listed_redacted(client):
    applicant, sup = UserFactory(organisation=True), UserFactory(supervisor=True)
    shown = decided(applicant, sup, "李大明", publish={"redactions": "配方X-17号", "typical": "yes"})
    hidden = decided(applicant, sup, "王小红")
    page = client.get("/decisions").get_data(as_text=True)
    assert shown.number in page and hidden.number not in page and "典型案例" in page
    r = client.get(f"/decisions/{shown.id}")
    text = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "李某" in text and "李大明" not in text
    assert "配方X-17号" not in text and "较场口216号" not in text and "500103199001011234" not in text
    assert client.get(f"/decisions/{hidden.id}").status_code == 404
    assert shown.number in client.get("/decisions?typical=1").get_data(as_text=True)


def test_a_decision_a_court_revoked_is_published_as_revoked(client):
    """局令81 art. 83: the decision published again after a judgment revoked it says so, not only what it ordered."""
    applicant, sup = UserFactory(organisation=True), UserFactory(supervisor=True)
    case = decided(applicant, sup, "李大明", publish={"redactions": ""})
    for action, data in (("record_litigation", {"court_case": "（2026）渝01行初1号"}),
                         ("record_judgment", {"result": "revoked", "judgment": "撤销对李大明作出的被诉行政裁决",
                                              "received_on": clock.today().isoformat()}),
                         ("publish", {"redactions": ""})):
        perform(case, action, actor=sup, data={"version": case.version, **data})
    text = client.get(f"/decisions/{case.id}").get_data(as_text=True)
    assert "人民法院判决撤销本裁决" in text and "撤销对李某作出的被诉行政裁决" in text
