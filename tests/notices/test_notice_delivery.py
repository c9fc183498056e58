"""Delivery (送达): methods and their dates, the party's period they start, electronic service, 送达回证."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import Invalid
from caseflow.deadlines import due_date
from caseflow.deadlines.models import Deadline
from caseflow.notices import deliveries, issuing
from caseflow.notices.models import DeliveryMethod
from tests.factories.adjudication import docket
from tests.notices.conftest import RESPONDENTS, act, addressed_to, needs_pdftotext, pdf_text

pytestmark = pytest.mark.usefixtures("session")


def _answer_row(case) -> Deadline:
    return db.session.scalars(sa.select(Deadline).where(Deadline.case_id == case.id, Deadline.rule_id == "ADJ_ANSWER")
                              .order_by(Deadline.id.desc())).first()


@pytest.fixture
def served(make_case, people, notices_of):
    """An adjudication docketed and served on the respondents: the issued 答辩通知书 of the first respondent (each
    respondent has their own)."""
    case = make_case("adjudication")
    docket(case, people)
    act(case, "serve_respondent", people["officer"])
    for notice in notices_of(case, "answer_notice"):
        issuing.issue(notice, actor=people["officer"])
    return case, addressed_to(notices_of(case, "answer_notice"), case, RESPONDENTS[0])


def _respondent(case, name=RESPONDENTS[0]):
    return next(p for p in case.parties if p.name == name)


def test_answer_period_runs_from_the_return_receipt(served, people, shift):
    case, notice = served
    row = _answer_row(case)
    assert row.trigger_estimated  # until delivery is recorded, the period runs provisionally from serving
    receipt_date = clock.today() + dt.timedelta(days=3)
    shift(6)  # the return receipt comes back some days after the letter was posted
    delivery = deliveries.record_delivery(notice, actor=people["officer"], method="post",
                                        party_id=_respondent(case).id, delivered_on=receipt_date,
                                        receipt_number="XA123456789CN")
    assert delivery.took_effect_at is not None and delivery.delivered_on == receipt_date
    row = _answer_row(case)
    assert (row.trigger_date, row.trigger_estimated) == (receipt_date, False)
    assert row.due_date == due_date(receipt_date, 15, "days").due  # 15 days from receipt, rest-day roll included
    assert any(e.tag == "case:deadline:delivery" for e in case.events)


def test_the_first_service_on_a_party_counts(served, people, shift):
    case, notice = served
    party = _respondent(case)
    first = clock.today() + dt.timedelta(days=1)
    shift(8)
    deliveries.record_delivery(notice, actor=people["officer"], method="post", party_id=party.id,
                             delivered_on=first + dt.timedelta(days=4))
    deliveries.record_delivery(notice, actor=people["officer"], method="direct", party_id=party.id,
                             delivered_on=first, signed_by="𠮷永福")
    assert _answer_row(case).trigger_date == first


def test_delivery_dates_are_checked(served, people):
    case, notice = served
    party = _respondent(case)
    with pytest.raises(Invalid) as err:
        deliveries.record_delivery(notice, actor=people["officer"], method="post", party_id=party.id)
    assert "回执" in err.value.fields["delivered_on"]
    with pytest.raises(Invalid):
        deliveries.record_delivery(notice, actor=people["officer"], method="post", party_id=party.id,
                                 delivered_on=clock.today() + dt.timedelta(days=1))
    with pytest.raises(Invalid):  # not before the document existed
        deliveries.record_delivery(notice, actor=people["officer"], method="post", party_id=party.id,
                                 delivered_on=clock.today() - dt.timedelta(days=1))
    with pytest.raises(Invalid) as err:
        deliveries.record_delivery(notice, actor=people["officer"], method="retention", party_id=party.id,
                                 delivered_on=clock.today())
    assert "witness" in err.value.fields
    with pytest.raises(Invalid) as err:  # no consent recorded: no electronic service
        deliveries.record_delivery(notice, actor=people["officer"], method="electronic", party_id=party.id,
                                 delivered_on=clock.today())
    assert "同意电子送达" in err.value.fields["method"]
    claimant = next(p for p in case.parties if p.role.value == "claimant")
    with pytest.raises(Invalid):  # the 答辩通知书 is not served on the claimant
        deliveries.record_delivery(notice, actor=people["officer"], method="post", party_id=claimant.id,
                                 delivered_on=clock.today())


def test_public_notice_counts_thirty_days_after_publication(served, people, shift):
    case, notice = served
    party = _respondent(case)
    published = clock.today()
    delivery = deliveries.record_delivery(notice, actor=people["officer"], method="public_notice", party_id=party.id,
                                        published_on=published, place="《重庆日报》")
    assert delivery.delivered_on == published + dt.timedelta(days=30)
    assert delivery.took_effect_at is None and _answer_row(case).trigger_estimated
    assert deliveries.serve_due_publications(case) == []
    # Thirty days on, the daily run lets the service take effect and the answer period starts from that day.
    later = published + dt.timedelta(days=31)
    assert shift(31) == later
    assert deliveries.serve_due_publications(case) == [delivery]
    assert deliveries.serve_due_publications(case) == []
    row = _answer_row(case)
    assert row.trigger_date == published + dt.timedelta(days=30) and not row.trigger_estimated


def test_electronic_service_on_issue_with_consent_and_first_opening(make_case, people, notices_of, web):
    case = make_case("adjudication")
    respondent = _respondent(case, RESPONDENTS[1])  # the party with a portal account
    deliveries.give_consent(case, actor=people["respondent"])
    docket(case, people)
    act(case, "serve_respondent", people["officer"])
    notice = addressed_to(notices_of(case, "answer_notice"), case, RESPONDENTS[1])
    issuing.issue(notice, actor=people["officer"])
    [electronic] = [d for d in notice.deliveries if d.method == DeliveryMethod.ELECTRONIC]
    assert electronic.party_id == respondent.id and electronic.user_id == people["respondent"].id
    assert electronic.delivered_at == notice.issued_at and electronic.delivered_on == clock.today()
    assert _answer_row(case).trigger_date == clock.today() and not _answer_row(case).trigger_estimated
    assert electronic.first_opened_at is None
    db.session.flush()

    web.login(people["respondent"].username)
    page = web.get(f"/portal/cases/{case.id}")
    assert page.status_code == 200
    html = page.data.decode()
    assert notice.number in html and f"/notices/{notice.id}.pdf" in html
    with web.get(f"/notices/{notice.id}.pdf") as first:
        assert first.status_code == 200 and first.data.startswith(b"%PDF-")
    db.session.expire_all()
    opened = db.session.get(type(electronic), electronic.id).first_opened_at
    assert opened is not None
    web.get(f"/notices/{notice.id}.pdf").close()
    db.session.expire_all()
    assert db.session.get(type(electronic), electronic.id).first_opened_at == opened


def test_consent_given_later_serves_pending_documents(served, people, notices_of):
    case, _ = served
    notice = addressed_to(notices_of(case, "answer_notice"), case, RESPONDENTS[1])
    assert notice.deliveries == []
    deliveries.give_consent(case, actor=people["respondent"])
    [d] = notice.deliveries
    assert d.method == DeliveryMethod.ELECTRONIC and d.recipient_name == RESPONDENTS[1]


def test_staff_record_written_consent_only_for_parties_with_an_account(served, people):
    case, _notice = served
    with pytest.raises(Invalid):
        deliveries.give_consent(case, actor=people["officer"], party_id=_respondent(case).id)
    consent = deliveries.give_consent(case, actor=people["officer"], party_id=_respondent(case, RESPONDENTS[1]).id)
    assert consent[0].source == "paper"


@needs_pdftotext
def test_service_receipt_for_paper_service(served, people, web):
    case, notice = served
    party = _respondent(case)
    db.session.flush()
    web.login(people["officer"].username)
    r = web.get(f"/notices/{notice.id}/receipt.pdf?party={party.id}")
    assert r.status_code == 200
    text = pdf_text(r.data)
    assert "送达回证" in text and notice.number in text and party.name in text and case.number in text


def test_web_delivery_form(served, people, web):
    case, notice = served
    party = _respondent(case)
    db.session.flush()
    web.login(people["officer"].username)
    day = clock.today().isoformat()
    r = web.post_form(f"/notices/{notice.id}", {"method": "post", "party_id": str(party.id), "delivered_on": day},
                      post_url=f"/notices/{notice.id}/deliveries")
    assert r.status_code == 303, r.data.decode()[:2000]
    r = web.post_form(f"/notices/{notice.id}", {"method": "post", "party_id": str(party.id)},
                      post_url=f"/notices/{notice.id}/deliveries")
    assert r.status_code == 422 and "回执" in r.data.decode()
    db.session.expire_all()
    assert _answer_row(case).trigger_date.isoformat() == day


def test_notices_serve_command(app):
    result = app.test_cli_runner().invoke(args=["caseflow", "notices-serve"])
    assert result.exit_code == 0, result.output
    assert "件公告送达生效" in result.output


def test_a_referral_letter_goes_to_the_police(make_case, people, notices_of, web):
    complaint = make_case()
    act(complaint, "accept", people["officer"])
    act(complaint, "refer", people["supervisor"], kind="police", target="重庆市公安局渝中区分局",
        reason="涉嫌假冒专利罪")
    referral = next(c for c in complaint.children if c.procedure == "referral")
    act(referral, "submit_report", people["officer"], team=[people["officer"].username, people["supervisor"].username],
        threshold="reasonable_suspicion", report="涉嫌假冒专利罪。")
    act(referral, "approve", people["supervisor"])
    act(referral, "transfer", people["officer"])
    [letter] = notices_of(referral, "criminal_referral")
    assert letter.parts["addressee"] == "重庆市公安局渝中区分局" and letter.party_ids == []
    issuing.issue(letter, actor=people["supervisor"])
    assert letter.recipient == "重庆市公安局渝中区分局" and "保刑移字" in letter.number
    with pytest.raises(Invalid):
        deliveries.record_delivery(letter, actor=people["officer"], method="direct", party_id=complaint.parties[0].id,
                                 delivered_on=clock.today())
    delivery = deliveries.record_delivery(letter, actor=people["officer"], method="direct",
                                        delivered_on=clock.today(), signed_by="值班民警")
    assert delivery.party_id is None and delivery.recipient_name == "重庆市公安局渝中区分局"
    db.session.flush()
    web.login(people["officer"].username)
    page = web.get(f"/notices/{letter.id}")
    assert page.status_code == 200 and "值班民警" in page.data.decode()
