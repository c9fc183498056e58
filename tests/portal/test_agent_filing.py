"""An agent (专利代理机构、律师) files for a rights holder: the principal is the 请求人, the agent's account is the
case's 代理人 with the 授权委托书 among its evidence (immutable, hashed); documents reach the agent's account only when
the authorisation says 代收法律文书; the agent sees the cases it filed and no one else's."""

from __future__ import annotations

import hashlib
import re

import pytest
import sqlalchemy as sa

from caseflow.cases.models import Case, PartyRole
from caseflow.core.db import db
from caseflow.core.errors import Invalid
from caseflow.evidence.models import Evidence
from caseflow.notices import deliveries, issuing
from caseflow.notices.models import DeliveryMethod
from tests.adjudication.test_adj_portal_filing import _fill, _start
from tests.conftest import csrf_of
from tests.evidence import helpers as h
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.adjudication import docket
from tests.notices.conftest import needs_pdftotext, pdf_text
from tests.portal.test_filing import CLAIMANT, RIGHT

pytestmark = pytest.mark.usefixtures("session")

AUTHORISATION = h.pdf("Power of attorney")


@pytest.fixture
def agent(session):
    return UserFactory(organisation=True, display_name="重庆某某专利代理事务所（普通合伙）")


def _draft(client, web, agent):
    web.login(agent.username, PASSWORD)
    _, draft_id = _start(web, "adjudication")
    _fill(web, draft_id, RIGHT)  # step 2 names the principal (CLAIMANT), not the agent
    return draft_id


def _authorise(client, draft_id, data=AUTHORISATION):
    review = client.get(f"/portal/drafts/{draft_id}/review")
    body, ctype = h.multipart({"csrf_token": csrf_of(review.data), "purpose": "authorisation"},
                              [("files", "授权委托书.pdf", data)])
    return client.post(f"/portal/drafts/{draft_id}/evidence", data=body, content_type=ctype)


def _submit(web, draft_id, **form):
    r = web.post_form(f"/portal/drafts/{draft_id}/review", form)
    assert r.status_code == 303
    return r


def test_an_agent_files_for_the_rights_holder_and_receives_the_documents(client, web, people, agent, notices_of):
    draft_id = _draft(client, web, agent)
    r = _authorise(client, draft_id)
    assert r.status_code == 303 and r.headers["Location"].endswith("#agent")
    review = client.get(f"/portal/drafts/{draft_id}/review").get_data(as_text=True)
    assert re.search(r'id="authorisation">已附授权委托书：授权委托书.pdf', review)
    r = _submit(web, draft_id, as_agent="yes", receives_documents="yes", e_service="yes")
    case = db.session.get(Case, int(re.search(r"/portal/cases/(\d+)", r.headers["Location"]).group(1)))
    claimant = next(p for p in case.parties if p.role == PartyRole.CLAIMANT)
    [representative] = [p for p in case.parties if p.role == PartyRole.AGENT]
    assert claimant.name == CLAIMANT["claimants-0-name"] and claimant.user_id is None
    assert (representative.name, representative.user_id) == (agent.display_name, agent.id)
    assert case.data["agent"] == {"receives_documents": True}
    [power] = db.session.scalars(sa.select(Evidence).where(Evidence.case_id == case.id)).all()
    assert power.title == "授权委托书" and power.sha256 == hashlib.sha256(AUTHORISATION).hexdigest()
    # The case shows the agent, to the agent and to the office.
    page = client.get(f"/portal/cases/{case.id}").get_data(as_text=True)
    parties = page[page.index("<h2>当事人</h2>"):page.index("</table>", page.index("<h2>当事人</h2>"))]
    assert "代理人" in parties and agent.display_name in parties and "代收法律文书" in parties
    # Documents for the principal arrive in the agent's account.
    docket(case, people)
    [acceptance] = notices_of(case, "acceptance")
    issuing.issue(acceptance, actor=people["officer"])
    [delivery] = acceptance.deliveries
    assert (delivery.method, delivery.party_id, delivery.user_id) == (DeliveryMethod.ELECTRONIC, claimant.id,
                                                                       agent.id)
    db.session.flush()
    assert acceptance.number in client.get(f"/portal/cases/{case.id}").get_data(as_text=True)
    # The agent's list holds the case it filed; another account's does not, nor may it open it.
    assert case.number in client.get("/portal/").get_data(as_text=True)
    web.login(UserFactory().username, PASSWORD)
    assert case.number not in client.get("/portal/").get_data(as_text=True)
    assert client.get(f"/portal/cases/{case.id}").status_code == 404
    web.login(people["officer"].username)
    staff = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "代理人" in staff and agent.display_name in staff


@pytest.mark.parametrize(("authorised", "form", "words", "back"), [
    (False, {"as_agent": "yes"}, "请附上委托人签名或者盖章的授权委托书", "#agent"),
    (True, {"as_agent": "yes", "e_service": "yes"}, "授权委托书未载明代收法律文书的", "#agent"),
])
def test_an_agents_filing_without_its_authorisation_is_refused(client, web, agent, authorised, form, words, back):
    draft_id = _draft(client, web, agent)
    if authorised:
        _authorise(client, draft_id)
    r = _submit(web, draft_id, **form)
    assert r.headers["Location"].endswith(f"/portal/drafts/{draft_id}/review{back}")
    assert words in client.get(r.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_an_agent_must_name_the_principal_not_itself(client, web, agent):
    web.login(agent.username, PASSWORD)
    _, draft_id = _start(web, "adjudication")
    mine = {**CLAIMANT, "claimants-0-name": agent.display_name}
    for n, data in enumerate([RIGHT, mine], start=1):
        web.post_form(f"/portal/drafts/{draft_id}/step/{n}", {**data, "go": "next"})
    from tests.portal.test_filing import FACTS, RESPONDENT

    web.post_form(f"/portal/drafts/{draft_id}/step/3", {**RESPONDENT, "go": "next"})
    web.post_form(f"/portal/drafts/{draft_id}/step/4", {**FACTS, "go": "next"})
    _authorise(client, draft_id)
    r = _submit(web, draft_id, as_agent="yes")
    assert r.headers["Location"].endswith(f"/portal/drafts/{draft_id}/step/2")
    assert "应为委托人（权利人），不是代理人本人" in client.get(r.headers["Location"]).get_data(as_text=True)


def test_an_agent_without_authority_to_receive_gets_no_documents(client, web, people, agent):
    """Without 代收法律文书 on the authorisation, the principal is served itself: the agent's account is offered no
    electronic service, cannot consent, and the office cannot record written consent into it."""
    draft_id = _draft(client, web, agent)
    _authorise(client, draft_id)
    r = _submit(web, draft_id, as_agent="yes")
    case = db.session.get(Case, int(re.search(r"/portal/cases/(\d+)", r.headers["Location"]).group(1)))
    claimant = next(p for p in case.parties if p.role == PartyRole.CLAIMANT)
    assert case.data["agent"] == {"receives_documents": False}
    page = client.get(f"/portal/cases/{case.id}").get_data(as_text=True)
    assert "同意电子送达" not in page and "代收法律文书" not in page
    with pytest.raises(Invalid):
        deliveries.give_consent(case, actor=agent)
    with pytest.raises(Invalid):
        deliveries.give_consent(case, actor=people["officer"], party_id=claimant.id)
    assert deliveries.active_consent(claimant) is None


def test_the_registration_page_tells_an_agent_how_to_register_and_file(client):
    page = client.get("/register").get_data(as_text=True)
    hint = re.search(r'id="agent-hint">([^<]*)<', page).group(1)
    assert "专利代理机构" in hint and "律师" in hint and "授权委托书" in hint


@needs_pdftotext
@pytest.mark.parametrize("receives", [True, False])
def test_the_documents_name_the_agent_and_are_served_on_it_when_authorised(client, web, people, agent, notices_of,
                                                                         receives):
    """A document addressed to the principal names its agent (主送 "…（委托代理人：X）"); the paper 送达回证 names the
    agent as 代收人 at its address only when the 授权委托书 says 代收法律文书 (the record's default is no)."""
    draft_id = _draft(client, web, agent)
    _authorise(client, draft_id)
    r = _submit(web, draft_id, as_agent="yes", **({"receives_documents": "yes"} if receives else {}))
    case = db.session.get(Case, int(re.search(r"/portal/cases/(\d+)", r.headers["Location"]).group(1)))
    claimant = next(p for p in case.parties if p.role == PartyRole.CLAIMANT)
    docket(case, people)
    [acceptance] = notices_of(case, "acceptance")
    issuing.issue(acceptance, actor=people["officer"])
    db.session.flush()
    web.login(people["officer"].username)
    with client.get(f"/notices/{acceptance.id}.pdf") as r:  # streamed from storage: closed here
        text = re.sub(r"\s+", "", pdf_text(r.data))
    assert f"{claimant.name}（委托代理人：{agent.display_name}）：" in text
    receipt = re.sub(r"\s+", "", pdf_text(client.get(f"/notices/{acceptance.id}/receipt.pdf?party={claimant.id}").data))
    assert ("代收法律文书" in receipt) is receives  # the 代收人 row (a table cell: its words wrap in the text)
    page = client.get(f"/notices/{acceptance.id}").get_data(as_text=True)
    served = re.search(r'id="recipients">([^<]*)<', page).group(1)
    assert (served == f"{claimant.name}（由委托代理人{agent.display_name}代收）") is receives
    assert (served == claimant.name) is not receives
    assert (claimant.address in receipt) is not receives  # the agent's address is the place, not the principal's
