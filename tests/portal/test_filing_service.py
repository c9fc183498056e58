"""Electronic service offered while filing: the filer's consent is recorded with the case it files, the receipt says
so, and the office's documents then arrive in the account at issue and show on the portal with how they were served."""

from __future__ import annotations

import re

import pytest

from caseflow.cases.models import Case, PartyRole
from caseflow.core.db import db
from caseflow.notices import deliveries, issuing
from caseflow.notices.models import DeliveryMethod
from tests.adjudication.test_adj_portal_filing import _fill, _start
from tests.factories.adjudication import docket
from tests.portal.test_filing import RIGHT

pytestmark = pytest.mark.usefixtures("session")


def _file(client, web, people, **form):
    web.login(people["applicant"].username)
    _, draft_id = _start(web, "adjudication")
    _fill(web, draft_id, RIGHT)
    review = client.get(f"/portal/drafts/{draft_id}/review").get_data(as_text=True)
    assert "我同意本案的法律文书以电子方式送达到本账号" in review
    assert 'name="e_service" value="yes"' in review and "checked" not in review.split('id="e-service"')[1][:400]
    r = web.post_form(f"/portal/drafts/{draft_id}/review", form)
    assert r.status_code == 303
    case = db.session.get(Case, int(re.search(r"/portal/cases/(\d+)", r.headers["Location"]).group(1)))
    return case, client.get(r.headers["Location"]).get_data(as_text=True)


def test_consent_given_while_filing_serves_the_documents_electronically(client, web, people, notices_of):
    case, receipt = _file(client, web, people, e_service="yes")
    [claimant] = [p for p in case.parties if p.role == PartyRole.CLAIMANT]
    consent = deliveries.active_consent(claimant)
    assert consent is not None and consent.user_id == people["applicant"].id and consent.source == "portal"
    assert re.search(r'id="receipt-e-service">已同意', receipt)
    assert any(e.tag == "case:notice:consent" for e in case.events)
    docket(case, people)
    [acceptance] = notices_of(case, "acceptance")
    issuing.issue(acceptance, actor=people["officer"])
    [delivery] = acceptance.deliveries
    assert delivery.method == DeliveryMethod.ELECTRONIC and delivery.party_id == claimant.id
    db.session.flush()
    page = client.get(f"/portal/cases/{case.id}").get_data(as_text=True)
    row = page[page.index('data-kind="acceptance"'):]
    row = row[:row.index("</tr>")]
    assert acceptance.number in row and "电子送达" in row and f"/notices/{acceptance.id}.pdf" in row


def test_no_consent_unless_ticked(client, web, people, notices_of):
    case, receipt = _file(client, web, people)
    [claimant] = [p for p in case.parties if p.role == PartyRole.CLAIMANT]
    assert deliveries.active_consent(claimant) is None
    assert re.search(r'id="receipt-e-service">未同意', receipt)
    docket(case, people)
    [acceptance] = notices_of(case, "acceptance")
    issuing.issue(acceptance, actor=people["officer"])
    assert acceptance.deliveries == []  # served on paper, recorded by the office
