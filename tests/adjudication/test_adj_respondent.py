"""The respondent's side on the portal: an account from the access code, consent to electronic service, the served
documents, filings within their periods (late ones accepted, flagged 逾期 for the officers and in the audit chain),
and never another case."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from caseflow.accounts.models import Role, User
from caseflow.cases.models import CaseEvent, PartyRole
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import Invalid
from caseflow.hearings import access
from caseflow.notices import deliveries, drafting, issuing, rendering
from caseflow.notices.models import DeliveryMethod
from tests.adjudication.test_adj_steps import act, make
from tests.conftest import csrf_of
from tests.evidence.helpers import multipart, text
from tests.factories.adjudication import docket
from tests.notices.conftest import needs_pdftotext, pdf_text

pytestmark = pytest.mark.usefixtures("session")


def served(people, name="重庆某某商贸有限公司"):
    """A docketed case with an unlinked respondent (only a name), served: the code is on the officers' page."""
    case = make(people, respondent=False)
    from caseflow.cases.models import Party

    case.parties.append(Party(role=PartyRole.RESPONDENT, name=name))
    db.session.flush()
    docket(case, people)
    act(case, "serve_respondent", people["officer"])
    return case


def _post(web, url, data):
    return web.post_form(url, data)


def test_code_opens_an_account_consent_documents_and_answer(client, web, people, notices_of):
    case = served(people)
    [row] = access.codes_of(case)
    code = row.code
    [answer_notice] = notices_of(case, "answer_notice")
    issuing.issue(answer_notice, actor=people["officer"])
    # A wrong code creates no account.
    r = web.post_form("/hearings/access", {"code": "AAAA-BBBB-CCCC", "username": "mou_shangmao",
                                           "password": "pass-word-9", "confirm": "pass-word-9"})
    assert r.status_code == 422 and "访问码无效" in r.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.username == "mou_shangmao")) is None
    # A common password opens no account either.
    r = web.post_form("/hearings/access", {"code": code, "username": "mou_shangmao", "password": "12345678",
                                           "confirm": "12345678"})
    assert r.status_code == 422 and "这是常见密码" in r.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.username == "mou_shangmao")) is None
    r = web.post_form("/hearings/access", {"code": code, "username": "mou_shangmao", "password": "pass-word-9",
                                           "confirm": "pass-word-9"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/portal/cases/{case.id}")
    user = db.session.scalar(sa.select(User).where(User.username == "mou_shangmao"))
    assert user.role == Role.RESPONDENT and user.display_name == "重庆某某商贸有限公司"
    page = client.get(f"/portal/cases/{case.id}").get_data(as_text=True)
    assert "同意电子送达" in page and "登记答辩" in page
    # The recusal form offers the panel by name, and no one else.
    form = client.get(f"/cases/{case.id}/actions/apply_recusal").get_data(as_text=True)
    members = [people[k] for k in ("officer", "officer2", "officer3")]
    assert all(f'value="{m.username}">{m.display_name}</option>' in form for m in members)
    assert people["supervisor"].username not in form
    # Consent: stored, and the issued 答辩通知书 is served electronically at once; the period runs from it.
    r = web.post_form(f"/portal/cases/{case.id}", post_url=f"/cases/{case.id}/notices/consent")
    assert r.status_code in (302, 303)
    respondent = next(p for p in case.parties if p.role == PartyRole.RESPONDENT)
    assert deliveries.active_consent(respondent).user_id == user.id
    [delivery] = answer_notice.deliveries
    assert delivery.method == DeliveryMethod.ELECTRONIC and delivery.party_id == respondent.id
    page = client.get(f"/portal/cases/{case.id}").get_data(as_text=True)
    assert "答辩通知书" in page and f"/notices/{answer_notice.id}.pdf" in page
    pdf = client.get(f"/notices/{answer_notice.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    pdf.close()
    # The answer, on time: no 逾期 flag.
    r = web.post_form(f"/cases/{case.id}/actions/record_answer",
                      {"version": str(case.version), "answer": "被诉产品的结构不同，不构成侵权。"})
    assert r.status_code == 303
    db.session.refresh(case)
    assert case.state == "examination" and not (case.data or {}).get("late_filings")


def test_late_filings_are_accepted_flagged_and_audited(client, web, people, shift):
    case = served(people)
    [row] = access.codes_of(case)
    access.claim(row.code, people["respondent"])
    shift(16)  # the 15-day answer period and the 3-working-day recusal period have run out
    act(case, "apply_recusal", people["respondent"], member=people["officer2"].username, grounds="与请求人有利害关系")
    act(case, "record_answer", people["respondent"], answer="迟交的答辩意见")
    assert case.state == "examination"
    whats = [f["what"] for f in case.data["late_filings"]]
    assert whats == ["申请回避", "登记答辩"]
    # Evidence after the 举证期限 is accepted and flagged too.
    shift(0)
    act(case, "set_evidence_period", people["officer"], days="15")
    shift(17)
    web.login(people["respondent"].username)
    page = client.get(f"/portal/cases/{case.id}")
    body, ctype = multipart({"csrf_token": csrf_of(page.data), "title": "迟交的证据", "kind": "documentary"},
                            [("file", "说明.txt", text())])
    r = client.post(f"/cases/{case.id}/evidence", data=body, content_type=ctype)
    assert r.status_code == 303
    db.session.refresh(case)
    assert case.data["late_filings"][-1]["what"].startswith("提交证据")
    tags = [e.summary for e in db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                                             CaseEvent.tag == "case:filing:late"))]
    assert len(tags) == 3 and all(s.startswith("逾期提交：") for s in tags)
    # The officers see the flags on the case page.
    web.login(people["officer"].username)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="late-filings"' in page and page.count('class="late-filing"') == 3


def test_late_answer_after_the_period_was_closed_is_still_accepted(people, shift):
    case = served(people)
    [row] = access.codes_of(case)
    access.claim(row.code, people["respondent"])
    shift(16)
    act(case, "close_answer_period", people["officer"])
    assert case.state == "examination"
    act(case, "record_answer", people["respondent"], answer="期满后提交的答辩意见")
    assert case.data["record_answer"]["answer"] == "期满后提交的答辩意见"
    assert [f["what"] for f in case.data["late_filings"]] == ["登记答辩"]


def test_a_respondent_never_sees_or_acts_on_another_case(client, web, people, notices_of):
    mine, other = served(people, "甲商行"), served(people, "乙商行")
    [code] = access.codes_of(mine)
    access.claim(code.code, people["respondent"])
    [other_notice] = notices_of(other, "answer_notice")
    issuing.issue(other_notice, actor=people["officer"])
    web.login(people["respondent"].username)
    assert client.get(f"/portal/cases/{mine.id}").status_code == 200
    assert client.get(f"/portal/cases/{other.id}").status_code == 404
    assert client.get(f"/cases/{other.id}/actions/record_answer").status_code == 404
    page = client.get(f"/portal/cases/{mine.id}")
    r = client.post(f"/cases/{other.id}/actions/record_answer",
                    data={"csrf_token": csrf_of(page.data), "version": str(other.version), "answer": "x"})
    assert r.status_code == 404
    r = client.post(f"/cases/{other.id}/notices/consent", data={"csrf_token": csrf_of(page.data)})
    assert r.status_code == 404
    assert client.get(f"/notices/{other_notice.id}.pdf").status_code == 404
    body, ctype = multipart({"csrf_token": csrf_of(page.data), "title": "x", "kind": "documentary"},
                            [("file", "x.txt", text())])
    assert client.post(f"/cases/{other.id}/evidence", data=body, content_type=ctype).status_code == 404
    # The other case's code is still unused, and its respondent party still unlinked.
    [other_code] = access.codes_of(other)
    assert other_code.claimed_at is None
    assert all(p.user_id is None for p in other.parties if p.role == PartyRole.RESPONDENT)
    # A used code cannot be used again, even by the same person.
    r = web.post_form("/hearings/access", {"code": "ABCD-EFGH-JKLM"})
    assert r.status_code == 422


def test_a_respondent_account_files_nothing_new(client, web, people):
    """The account an access code opens answers its case; filing complaints or requests is a rights holder's."""
    web.login(people["respondent"].username)
    page = client.get("/portal/")
    text_ = page.get_data(as_text=True)
    assert "使用访问码" in text_ and "新建投诉举报" not in text_ and "请求行政调解" not in text_
    for procedure in ("complaint", "adjudication"):
        r = client.post("/portal/file", data={"csrf_token": csrf_of(page.data), "procedure": procedure})
        assert r.status_code == 403 and "只有权利人账户" in r.get_data(as_text=True)
    assert client.get("/portal/mediation/new").status_code == 403
    web.login(people["applicant"].username)
    text_ = client.get("/portal/").get_data(as_text=True)
    assert "新建投诉举报" in text_ and "请求行政调解" in text_ and "使用访问码" not in text_


def _code_in(text: str, name: str) -> str:
    found = re.search(re.escape(name) + r"的访问码：([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", text)
    assert found, text
    return found.group(1)


def _second_respondent(case, name="李某"):
    from caseflow.cases.models import Party

    party = Party(role=PartyRole.RESPONDENT, name=name)
    case.parties.append(party)
    db.session.flush()
    return party


@needs_pdftotext
def test_each_respondent_gets_their_own_answer_notice_with_only_their_own_code(web, people, notices_of):
    """A code opens the case to whoever holds the paper: with two respondents, serving drafts one 答辩通知书 for each,
    addressed to that respondent, printing that respondent's code, where to enter it and what it opens, and never the
    other's code. The code as printed opens the case."""
    case = make(people, respondent=False)
    _second_respondent(case, "重庆某某商贸有限公司")
    _second_respondent(case, "李某")
    docket(case, people)
    act(case, "serve_respondent", people["officer"])
    notices = notices_of(case, "answer_notice")
    assert len(notices) == 2
    codes = {row.party_id: row.code for row in access.codes_of(case)}
    printed = {}
    for notice in notices:
        issuing.issue(notice, actor=people["officer"])
        [party] = [p for p in case.parties if p.id in notice.party_ids]
        with rendering.open_pdf(notice) as stream:
            printed[party.name] = pdf_text(stream.read())
        assert notice.recipient == party.name
    for name, text_ in printed.items():
        other = next(n for n in printed if n != name)
        party = next(p for p in case.parties if p.name == name)
        assert _code_in(text_, name) == codes[party.id]
        other_code = codes[next(p.id for p in case.parties if p.name == other)]
        assert other_code not in text_ and f"{other}的访问码" not in text_
        assert text_.startswith("重庆市渝中区知识产权局") and f"{name}：" in text_
        assert "http://127.0.0.1:5000/hearings/access" in text_ and "使用访问码" in text_
        assert "答辩书" in text_ and "只能使用一次" in text_
    code = _code_in(printed["李某"], "李某")
    r = web.post_form("/hearings/access", {"code": code.lower(), "username": "li_mou", "password": "pass-word-9",
                                           "confirm": "pass-word-9"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/portal/cases/{case.id}")
    assert db.session.scalar(sa.select(User).where(User.username == "li_mou")).display_name == "李某"
    # The officers' page says to whom each copy goes.
    web.login(people["officer"].username)
    page = web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "致重庆某某商贸有限公司" in page and "致李某" in page


def test_the_office_has_served_only_once_every_respondent_has_their_copy(people, notices_of):
    """The 5 working days to serve the request (局令81 art. 22) end when the last respondent is served, not the first;
    the answer period runs from the later receipt."""
    from caseflow.deadlines.models import Deadline

    case = make(people, respondent=False)
    first, second = _second_respondent(case, "重庆某某商贸有限公司"), _second_respondent(case, "李某")
    docket(case, people)
    act(case, "serve_respondent", people["officer"])
    notices = {n.party_ids[0]: n for n in notices_of(case, "answer_notice")}
    for notice in notices.values():
        issuing.issue(notice, actor=people["officer"])

    def row(rule):
        return db.session.scalars(sa.select(Deadline).where(Deadline.case_id == case.id, Deadline.rule_id == rule)
                                  .order_by(Deadline.id.desc())).first()

    today = clock.today()
    deliveries.record_delivery(notices[first.id], actor=people["officer"], method="direct", party_id=first.id,
                               delivered_on=today, signed_by="张某")
    assert row("ADJ_SERVE_REQUEST").ended_at is None  # 李某 has not been served yet
    with pytest.raises(Invalid):  # nor can 李某 be served with the other's copy
        deliveries.record_delivery(notices[first.id], actor=people["officer"], method="direct", party_id=second.id,
                                   delivered_on=today, signed_by="李某")
    deliveries.record_delivery(notices[second.id], actor=people["officer"], method="direct", party_id=second.id,
                               delivered_on=today, signed_by="李某")
    assert row("ADJ_SERVE_REQUEST").ended_at is not None
    assert row("ADJ_ANSWER").trigger_date == today and not row("ADJ_ANSWER").trigger_estimated


def test_a_respondent_added_after_service_gets_a_notice_of_their_own(people, notices_of):
    """Issuing the first respondent's notice prints no code of a respondent added since; the officer drafts the
    答辩通知书 by hand for the new respondent, and it carries only the new respondent's code."""
    case = served(people, name="重庆某某商贸有限公司")
    [first_notice] = notices_of(case, "answer_notice")
    late = _second_respondent(case, "李某")
    issuing.issue(first_notice, actor=people["officer"])
    codes = {row.party_id: row.code for row in access.codes_of(case)}
    assert codes[late.id] not in str(first_notice.context) and first_notice.party_ids != [late.id]
    drafting.draft_manual(case, "answer_notice", actor=people["officer"])
    [_, own] = notices_of(case, "answer_notice")
    assert own.party_ids == [late.id]
    issuing.issue(own, actor=people["officer"])
    assert [c["code"] for c in own.context["access"]["codes"]] == [codes[late.id]]
    assert own.recipient == "李某"


def test_a_respondent_with_an_account_gets_no_code_on_the_answer_notice(people, notices_of):
    """A respondent already linked to an account reads the case on the portal: its notice carries no code."""
    case = make(people)  # the respondent party is linked to people["respondent"]
    docket(case, people)
    act(case, "serve_respondent", people["officer"])
    assert access.codes_of(case) == []
    [answer_notice] = notices_of(case, "answer_notice")
    issuing.issue(answer_notice, actor=people["officer"])
    markup = rendering.render_html("notices/answer_notice.html", answer_notice.context)
    text = re.sub(r"<[^>]+>|\s+", "", markup.split("<body", 1)[1])
    assert "访问码" not in text and "http://127.0.0.1:5000" in text and "查阅本案送达的文书" in text
