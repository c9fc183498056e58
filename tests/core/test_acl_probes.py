"""ACL probes: ids of someone else's things put into a URL or a JSON body, by people who should not reach them.

test_route_matrix.py (beside this file) asks every route about one case; these probes add what it does not: two cases of
one office and one of another district, so that an id of case B is put under case A's URL (evidence, deadlines,
delivery recipients, consent parties, receipts, draft attachments), objects of the other district (hearings,
approvals, rooms, statistics, accounts), documents served on the other party of the same case, and deleted cases.

Every answer must be a refusal (403/404, a 422 for a value out of one's reach, or a flashed refusal) — never a 500
— must not show the foreign case's number, respondent or evidence, and must leave the foreign object unchanged.
"""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from caseflow.accounts.models import Role, User
from caseflow.approvals.models import ApprovalRequest, ApprovalStatus
from caseflow.cases.models import Case, PartyRole
from caseflow.cases.services import create_case, perform
from caseflow.core import clock
from caseflow.core.db import db
from tests.core.test_route_matrix import Caller as MatrixCaller
from tests.factories.accounts import UserFactory, unit
from tests.factories.cases import COMPLAINT

pytestmark = pytest.mark.usefixtures("session")

CJK = re.compile(r"[\u4e00-\u9fff]")
RESP_A, RESP_B, RESP_C = "重庆探针甲商贸有限公司", "重庆探针乙商贸有限公司", "重庆探针丙商贸有限公司"
EV_A, EV_RA, EV_B, EV_C = "探针甲证据账册", "探针甲答辩证据", "探针乙机密账册", "探针丙机密账册"


# ---- the world ----


def _case(applicant, respondent, unit_code, name):
    parties = [{"role": PartyRole.CLAIMANT, "name": applicant.display_name, "user_id": applicant.id},
               {"role": PartyRole.RESPONDENT, "name": name, "user_id": respondent.id if respondent else None}]
    return create_case(procedure="complaint", unit=unit(unit_code), actor=applicant, fields=dict(COMPLAINT),
                       parties=parties)


def _evidence(case, actor, title):
    from caseflow.evidence import services as evidence
    from caseflow.evidence.models import EvidenceKind
    from caseflow.evidence.storage import get_storage

    upload = get_storage().new_temp(None, filename=f"{title}.txt")
    upload.write(f"{title}\n".encode())
    upload.finish()
    return evidence.create_evidence(case, evidence.check_and_store(upload), actor=actor,
                                    fields={"title": title, "kind": EvidenceKind.DOCUMENTARY})


def _issued(case, code, officer, supervisor, serve_on):
    """An issued document of ``code`` served only on the parties ``serve_on``."""
    from caseflow.notices import deliveries, drafting, issuing

    notice = drafting.draft_notice(case, code, actor=officer)
    if not issuing.issue(notice, actor=officer).issued:
        issuing.approve_signoff(notice, actor=supervisor)
    for party in serve_on:
        deliveries.record_delivery(notice, actor=officer, method="direct", party_id=party.id,
                                   delivered_on=clock.today(), signed_by=party.name)
    return notice


def _party(case, role):
    return next(p for p in case.parties if p.role == role)


class World:
    pass


@pytest.fixture
def w(app, session):
    from caseflow.deadlines.models import Deadline
    from caseflow.evidence import services as evidence
    from caseflow.evidence.models import EvidenceKind
    from caseflow.evidence.storage import get_storage
    from caseflow.hearings.models import Hearing
    from caseflow.notices import drafting
    from caseflow.portal.services import attach_evidence, start_draft

    x = World()
    x.app_a = UserFactory(organisation=True)          # rights holder of case A
    x.resp_a = UserFactory(role=Role.RESPONDENT)      # respondent of case A
    x.app_b = UserFactory(organisation=True)          # rights holder of case B (same office)
    x.resp_b = UserFactory(role=Role.RESPONDENT)      # respondent of case B
    x.app_c = UserFactory()                           # rights holder of case C (another district)
    x.officer = UserFactory(officer=True)             # 500103
    x.officer2 = UserFactory(officer=True)            # 500103, not the requester of anything
    x.mediator = UserFactory(mediator=True)           # 500103
    x.sup = UserFactory(supervisor=True)              # 500103
    x.officer5 = UserFactory(officer=True, staff_unit="500105")
    x.sup5 = UserFactory(supervisor=True, staff_unit="500105")
    x.city_sup = UserFactory(supervisor=True, staff_unit="500000")
    x.city_officer = UserFactory(officer=True, staff_unit="500000")
    x.admin = UserFactory(admin=True, staff_unit="500000")
    x.admin5 = UserFactory(admin=True, staff_unit="500105")

    x.a = _case(x.app_a, x.resp_a, "500103", RESP_A)
    x.b = _case(x.app_b, x.resp_b, "500103", RESP_B)
    x.c = _case(x.app_c, None, "500105", RESP_C)
    x.ev_a = _evidence(x.a, x.app_a, EV_A)
    x.ev_ra = _evidence(x.a, x.resp_a, EV_RA)
    x.ev_b = _evidence(x.b, x.app_b, EV_B)
    x.ev_c = _evidence(x.c, x.app_c, EV_C)
    claim_a, resp_a_party = _party(x.a, PartyRole.CLAIMANT), _party(x.a, PartyRole.RESPONDENT)
    x.claim_a, x.resp_a_party = claim_a, resp_a_party
    x.claim_b, x.resp_b_party = _party(x.b, PartyRole.CLAIMANT), _party(x.b, PartyRole.RESPONDENT)
    # case A: one document served on the claimant only, one on the respondent only, one draft
    x.n_claimant = _issued(x.a, "acceptance", x.officer, x.sup, [claim_a])
    x.n_resp = _issued(x.a, "evidence_list", x.officer, x.sup, [resp_a_party])
    x.n_draft = drafting.draft_manual(x.a, "evidence_list", actor=x.officer)
    x.n_b = _issued(x.b, "acceptance", x.officer, x.sup, [x.claim_b])
    x.n_c = _issued(x.c, "acceptance", x.officer5, x.sup5, [_party(x.c, PartyRole.CLAIMANT)])
    # approvals: case A's rejection requested by the officer; case C's by the other district's officer
    perform(x.a, "reject", actor=x.officer, data={"version": x.a.version, "reason": "不属于本局管辖"})
    perform(x.c, "reject", actor=x.officer5, data={"version": x.c.version, "reason": "不属于本局管辖"})
    x.ap_a = session.scalar(sa.select(ApprovalRequest).where(ApprovalRequest.case_id == x.a.id))
    x.ap_c = session.scalar(sa.select(ApprovalRequest).where(ApprovalRequest.case_id == x.c.id))
    # deadlines of case B and C (the acceptance period starts on filing)
    x.dl_b = session.scalar(sa.select(Deadline).where(Deadline.case_id == x.b.id))
    x.dl_c = session.scalar(sa.select(Deadline).where(Deadline.case_id == x.c.id))
    # a hearing of case C (another district) and one of case B
    now = clock.now()
    x.h_c = Hearing(case_id=x.c.id, unit_id=x.c.unit_id, starts_at=now, ends_at=now, panel={}, parties={},
                    attendance={})
    x.h_b = Hearing(case_id=x.b.id, unit_id=x.b.unit_id, starts_at=now, ends_at=now, panel={}, parties={},
                    attendance={})
    session.add_all([x.h_c, x.h_b])
    # drafts with attachments of two rights holders
    x.draft_a, x.draft_b = start_draft(x.app_a), start_draft(x.app_b)
    up = get_storage().new_temp(None, filename="证书.txt")
    up.write("证书\n".encode())
    up.finish()
    x.draft_ev_b = attach_evidence(x.draft_b, evidence.check_and_store(up),
                                   {"title": "乙的专利证书", "kind": EvidenceKind.DOCUMENTARY})
    session.commit()
    assert x.ap_a is not None and x.ap_c is not None and x.dl_b is not None and x.dl_c is not None
    x.markers_b = (x.b.number, RESP_B, EV_B)
    x.markers_c = (x.c.number, RESP_C, EV_C)
    return x


class Caller(MatrixCaller):
    """One person's browser (signed in through the login page) and API token, as the route matrix signs in."""

    def get(self, url, **kw):
        if url.startswith("/api/"):
            return self.client.get(url, headers={"Authorization": f"Bearer {self.token}"}, **kw)
        return self.client.get(url, **kw)

    def post(self, url, data=None, json=None, **kw):
        if url.startswith("/api/"):
            return self.client.post(url, json=json if json is not None else {},
                                    headers={"Authorization": f"Bearer {self.token}"}, **kw)
        return self.client.post(url, data={"csrf_token": self.csrf, **(data or {})}, **kw)

    def flashed_refusal(self) -> bool:
        with self.client.session_transaction() as cookie:
            flashed = cookie.pop("_flashes", [])
        return any(category == "danger" for category, _ in flashed)


@pytest.fixture
def as_(app):
    made: dict[int, Caller] = {}

    def get(user):
        if user.id not in made:
            made[user.id] = Caller(app, user)
        return made[user.id]

    return get


def body_of(resp) -> str:
    text = resp.get_data().decode("utf-8", "replace")
    resp.close()
    return text


def refused(caller: Caller, resp, *, markers=(), allow=(403, 404), note="", strict=False) -> None:
    """The answer is a refusal (one of ``allow``, or — unless ``strict`` — a 303 with a flashed refusal), no 500,
    and shows no marker."""
    text = body_of(resp)
    where = f"{resp.request.method} {resp.request.path} as {caller.user.role.value}({caller.user.username}) {note}"
    assert resp.status_code < 500, f"{where}: {resp.status_code} {text[:300]}"
    if resp.status_code in (301, 302, 303) and not strict:
        assert caller.flashed_refusal() or resp.headers["Location"].split("?")[0].endswith("/login"), (
            f"{where}: redirected to {resp.headers['Location']} without a refusal")
    else:
        assert resp.status_code in allow, f"{where}: expected one of {allow}, got {resp.status_code} {text[:300]}"
        if resp.status_code in (403, 422) and resp.request.path.startswith("/api/"):
            assert CJK.search(resp.json["message"]), f"{where}: refusal not in Chinese: {resp.json}"
    leaked = [m for m in markers if m and m in text]
    assert not leaked, f"{where}: shows {leaked}"


def fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


# ---- evidence: an id of another case under one's own case ----

EVIDENCE_GETS = ["/cases/{case}/evidence/{ev}", "/cases/{case}/evidence/{ev}/view",
                 "/cases/{case}/evidence/{ev}/download", "/cases/{case}/evidence/{ev}/preview.png",
                 "/api/v1/cases/{case}/evidence/{ev}", "/api/v1/cases/{case}/evidence/{ev}/content",
                 "/api/v1/cases/{case}/evidence/{ev}/preview.png"]
EVIDENCE_POSTS = ["/cases/{case}/evidence/{ev}/admission", "/cases/{case}/evidence/{ev}/handover",
                  "/api/v1/cases/{case}/evidence/{ev}/admission", "/api/v1/cases/{case}/evidence/{ev}/handover"]


@pytest.mark.parametrize("who", ["app_a", "resp_a", "officer", "sup", "city_sup"])
def test_evidence_of_another_case_under_my_case(w, as_, who):
    """Someone who sees case A (and, for staff, case B too) asks for case B's evidence under case A's URL."""
    me = as_(getattr(w, who))
    for tpl in EVIDENCE_GETS:
        refused(me, me.get(tpl.format(case=w.a.id, ev=w.ev_b.id)), markers=(EV_B,), allow=(404,))
    for tpl in EVIDENCE_POSTS:
        data = {"decision": "admitted", "reason": "x", "recipient": "某人"}
        resp = me.post(tpl.format(case=w.a.id, ev=w.ev_b.id), data=data, json=data)
        refused(me, resp, markers=(EV_B,), allow=(404,))
    assert fresh(w.ev_b).admission.value == "pending"


@pytest.mark.parametrize("who", ["app_a", "resp_a", "officer", "sup"])
def test_evidence_of_other_district_under_its_own_case(w, as_, who):
    me = as_(getattr(w, who))
    for tpl in EVIDENCE_GETS:
        refused(me, me.get(tpl.format(case=w.c.id, ev=w.ev_c.id)), markers=w.markers_c, allow=(404,))
    for tpl in ["/cases/{case}/evidence", "/cases/{case}/evidence.csv", "/cases/{case}/evidence/package.zip",
                "/api/v1/cases/{case}/evidence", "/api/v1/cases/{case}/evidence.csv",
                "/api/v1/cases/{case}/evidence/package.zip"]:
        refused(me, me.get(tpl.format(case=w.c.id)), markers=w.markers_c, allow=(404,))


def test_parties_cannot_decide_or_export_evidence(w, as_):
    for user in (w.app_a, w.resp_a):
        me = as_(user)
        for tpl in EVIDENCE_POSTS:
            data = {"decision": "admitted", "reason": "x", "recipient": "某人"}
            refused(me, me.post(tpl.format(case=w.a.id, ev=w.ev_a.id), data=data, json=data), allow=(403,))
        refused(me, me.get(f"/cases/{w.a.id}/evidence/package.zip"), allow=(403,))
        refused(me, me.get(f"/api/v1/cases/{w.a.id}/evidence/package.zip"), allow=(403,))
    assert fresh(w.ev_a).admission.value == "pending"


def test_respondent_cannot_correct_the_applicants_evidence(w, as_):
    me = as_(w.resp_a)
    for url in (f"/cases/{w.a.id}/evidence/{w.ev_a.id}/replace",
                f"/api/v1/cases/{w.a.id}/evidence/{w.ev_a.id}/versions"):
        headers = {"Authorization": f"Bearer {me.token}"} if url.startswith("/api/") else {}
        resp = me.client.post(url, data={"csrf_token": me.csrf, "file": (io.BytesIO(b"x\n"), "x.txt")},
                              content_type="multipart/form-data", headers=headers)
        refused(me, resp, allow=(403,))
    assert fresh(w.ev_a).is_current


def test_party_of_another_case_cannot_upload(w, as_):
    me = as_(w.app_b)
    for url in (f"/cases/{w.a.id}/evidence", f"/api/v1/cases/{w.a.id}/evidence"):
        headers = {"Authorization": f"Bearer {me.token}"} if url.startswith("/api/") else {}
        resp = me.client.post(url, data={"csrf_token": me.csrf, "title": "t", "kind": "documentary",
                                         "file": (io.BytesIO(b"x\n"), "x.txt")},
                              content_type="multipart/form-data", headers=headers)
        refused(me, resp, markers=(w.a.number, RESP_A, EV_A), allow=(404,))


# ---- documents: served on the other party; another case's party as recipient ----


def test_respondent_does_not_read_the_claimants_document(w, as_):
    me = as_(w.resp_a)
    for url in (f"/notices/{w.n_claimant.id}.pdf", f"/api/v1/notices/{w.n_claimant.id}",
                f"/api/v1/notices/{w.n_claimant.id}.pdf", f"/notices/{w.n_draft.id}",
                f"/api/v1/notices/{w.n_draft.id}"):
        refused(me, me.get(url), allow=(404,))
    listed = {n["id"] for n in me.get(f"/api/v1/cases/{w.a.id}/notices").json["items"]}
    assert listed == {w.n_resp.id}, listed
    detail = me.get(f"/api/v1/cases/{w.a.id}").json
    assert {n["id"] for n in detail["notices"]} == {w.n_resp.id}
    page = body_of(me.get(f"/portal/cases/{w.a.id}"))
    assert f"/notices/{w.n_claimant.id}.pdf" not in page and f"/notices/{w.n_draft.id}" not in page


def test_claimant_does_not_read_the_respondents_document(w, as_):
    me = as_(w.app_a)
    for url in (f"/notices/{w.n_resp.id}.pdf", f"/api/v1/notices/{w.n_resp.id}", f"/api/v1/notices/{w.n_resp.id}.pdf"):
        refused(me, me.get(url), allow=(404,))
    listed = {n["id"] for n in me.get(f"/api/v1/cases/{w.a.id}/notices").json["items"]}
    assert listed == {w.n_claimant.id}, listed


def test_documents_of_other_cases(w, as_):
    for user, notice, markers in ((w.app_a, w.n_b, w.markers_b), (w.resp_a, w.n_b, w.markers_b),
                                  (w.officer, w.n_c, w.markers_c), (w.sup5, w.n_b, w.markers_b),
                                  (w.city_officer, w.n_b, w.markers_b), (w.admin, w.n_b, w.markers_b)):
        me = as_(user)
        for url in (f"/notices/{notice.id}", f"/notices/{notice.id}.pdf", f"/notices/{notice.id}/preview.pdf",
                    f"/notices/{notice.id}/receipt.pdf", f"/api/v1/notices/{notice.id}",
                    f"/api/v1/notices/{notice.id}.pdf"):
            refused(me, me.get(url), markers=markers, allow=(404,))
        for url in (f"/notices/{notice.id}/deliveries", f"/api/v1/notices/{notice.id}/deliveries",
                    f"/notices/{notice.id}/discard", f"/notices/{notice.id}/correct",
                    f"/api/v1/notices/{notice.id}/parts"):
            refused(me, me.post(url, data={"method": "direct"}, json={"method": "direct"}), markers=markers,
                    allow=(404,))


def test_delivery_to_a_party_of_another_case(w, as_):
    """The case's officer records service of case A's document on case B's claimant (an id in the body)."""
    from caseflow.notices.models import NoticeDelivery

    before = db.session.scalar(sa.select(sa.func.count()).select_from(NoticeDelivery))
    me = as_(w.officer)
    resp = me.post(f"/api/v1/notices/{w.n_claimant.id}/deliveries",
                   json={"method": "direct", "party_id": w.claim_b.id, "delivered_on": clock.today().isoformat(),
                         "signed_by": "x"})
    refused(me, resp, markers=w.markers_b, allow=(404, 422))
    resp = me.post(f"/notices/{w.n_claimant.id}/deliveries",
                   data={"method": "direct", "party_id": str(w.claim_b.id),
                         "delivered_on": clock.today().isoformat(), "signed_by": "x"})
    refused(me, resp, markers=w.markers_b, allow=(404, 422))
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NoticeDelivery)) == before
    refused(me, me.get(f"/notices/{w.n_claimant.id}/receipt.pdf?party={w.claim_b.id}"), markers=w.markers_b,
            allow=(404,))


def test_consent_for_a_party_not_ones_own(w, as_):
    from caseflow.notices.models import ServiceConsent

    # staff of case A name case B's claimant
    me = as_(w.officer)
    refused(me, me.post(f"/cases/{w.a.id}/notices/consent", data={"party_id": str(w.claim_b.id)}),
            markers=w.markers_b, allow=(404, 422))
    # the respondent names the claimant of its own case: the id is ignored, the consent is the respondent's own
    me = as_(w.resp_a)
    resp = me.post(f"/cases/{w.a.id}/notices/consent", data={"party_id": str(w.claim_a.id)})
    assert resp.status_code == 303, resp.status_code
    db.session.expire_all()
    consents = db.session.scalars(sa.select(ServiceConsent.party_id)).all()
    assert w.claim_b.id not in consents and w.claim_a.id not in consents, consents
    assert w.resp_a_party.id in consents


# ---- deadlines, hearings, rooms: an id of another case or office ----


@pytest.mark.parametrize("who", ["officer", "sup", "officer5"])
def test_confirm_deadline_of_another_case(w, as_, who):
    me = as_(getattr(w, who))
    refused(me, me.post(f"/cases/{w.a.id}/deadlines/{w.dl_b.id}/confirm"), markers=w.markers_b, allow=(404,),
            strict=True)
    refused(me, me.post(f"/cases/{w.a.id}/deadlines/{w.dl_c.id}/confirm"), markers=w.markers_c, allow=(404,),
            strict=True)


@pytest.mark.parametrize("who", ["officer", "sup", "app_c", "app_b", "resp_b", "admin5"])
def test_hearing_evidence_of_another_district_or_as_party(w, as_, who):
    me = as_(getattr(w, who))
    resp = me.post(f"/hearings/{w.h_c.id}/evidence", data={"role": "record"})
    markers = () if who == "app_c" else w.markers_c
    refused(me, resp, markers=markers, allow=(403, 404))
    if who in ("app_b", "resp_b"):  # a party of case B uploads a 笔录 to its own case's hearing
        refused(me, me.post(f"/hearings/{w.h_b.id}/evidence", data={"role": "record"}), allow=(403, 404))


def test_rooms_and_calendar_of_another_office(w, as_):
    from caseflow.hearings.models import HearingRoom

    for user in (w.officer, w.sup, w.mediator):
        me = as_(user)
        refused(me, me.get("/hearings/calendar?unit=500105"), allow=(404,))
        refused(me, me.get("/hearings/rooms?unit=500105"), allow=(404,))
        refused(me, me.post("/hearings/rooms?unit=500105", data={"unit": "500105", "code": "X9", "name": "探针庭"}),
                allow=(403, 404))
    me = as_(w.officer)
    refused(me, me.post("/hearings/rooms", data={"code": "X8", "name": "探针庭八"}), allow=(403,))
    db.session.expire_all()
    assert not db.session.scalars(sa.select(HearingRoom).where(HearingRoom.name.like("探针庭%"))).all()


# ---- approvals ----


def test_approvals_of_another_district(w, as_):
    for user in (w.sup5, w.officer5):
        me = as_(user)
        for url in (f"/approvals/{w.ap_a.id}/approve", f"/approvals/{w.ap_a.id}/reject",
                    f"/approvals/{w.ap_a.id}/cancel", f"/api/v1/approvals/{w.ap_a.id}/approve",
                    f"/api/v1/approvals/{w.ap_a.id}/reject"):
            refused(me, me.post(url, data={"comment": "x"}, json={"comment": "x"}), markers=(w.a.number, RESP_A),
                    allow=(404,))
        refused(me, me.get(f"/approvals/{w.ap_a.id}/preview.pdf"), allow=(404,))
        listed = {r["id"] for r in me.get("/api/v1/approvals").json["items"]}
        assert w.ap_a.id not in listed
    me = as_(w.sup)
    assert w.ap_c.id not in {r["id"] for r in me.get("/api/v1/approvals").json["items"]}
    assert fresh(w.ap_a).status == ApprovalStatus.PENDING


def test_approval_not_decided_or_cancelled_by_the_wrong_person(w, as_):
    # another officer of the office: neither decider nor requester
    me = as_(w.officer2)
    for url in (f"/approvals/{w.ap_a.id}/approve", f"/approvals/{w.ap_a.id}/reject", f"/approvals/{w.ap_a.id}/cancel",
                f"/api/v1/approvals/{w.ap_a.id}/approve"):
        refused(me, me.post(url, data={"comment": "x"}, json={"comment": "x"}))
    refused(me, me.get(f"/approvals/{w.ap_a.id}/preview.pdf"), allow=(404,))
    # the requester may not approve its own request
    me = as_(w.officer)
    refused(me, me.post(f"/api/v1/approvals/{w.ap_a.id}/approve", json={"comment": "x"}))
    # a supervisor may decide, but not withdraw someone else's request
    me = as_(w.sup)
    refused(me, me.post(f"/approvals/{w.ap_a.id}/cancel"))
    # parties
    for user in (w.app_a, w.resp_a):
        me = as_(user)
        refused(me, me.post(f"/approvals/{w.ap_a.id}/cancel"), allow=(404,))
        refused(me, me.post(f"/api/v1/approvals/{w.ap_a.id}/approve", json={"comment": "x"}))
    assert fresh(w.ap_a).status == ApprovalStatus.PENDING


# ---- case actions by the wrong role or with someone out of reach in the body ----


def test_actions_by_the_wrong_role(w, as_):
    # the respondent withdraws the rights holder's complaint; the rights holder accepts its own case
    me = as_(w.resp_a)
    refused(me, me.post(f"/api/v1/cases/{w.b.id}/actions/withdraw", json={"version": w.b.version}), allow=(404,))
    refused(me, me.post(f"/api/v1/cases/{w.a.id}/actions/withdraw", json={"version": w.a.version}), allow=(403,))
    refused(me, me.post(f"/cases/{w.a.id}/actions/withdraw", data={"version": str(w.a.version), "confirmed": "yes"}),
            allow=(403, 404))
    me = as_(w.app_a)
    refused(me, me.post(f"/api/v1/cases/{w.b.id}/actions/accept", json={"version": w.b.version}), allow=(404,),
            markers=w.markers_b)
    refused(me, me.post(f"/api/v1/cases/{w.b.id}/actions/withdraw", json={"version": w.b.version}), allow=(404,),
            markers=w.markers_b)
    # an officer assigns (a supervisor's act)
    me = as_(w.officer)
    refused(me, me.post(f"/api/v1/cases/{w.b.id}/actions/assign",
                        json={"version": w.b.version, "officer": w.officer.username}), allow=(403,))
    assert fresh(w.b).state == "submitted" and fresh(w.b).assignee_id is None


def test_assign_to_staff_of_another_district(w, as_):
    me = as_(w.sup)
    resp = me.post(f"/api/v1/cases/{w.b.id}/actions/assign",
                   json={"version": fresh(w.b).version, "officer": w.officer5.username})
    refused(me, resp, allow=(422,))
    resp = me.post(f"/api/v1/cases/{w.b.id}/actions/assign",
                   json={"version": fresh(w.b).version, "officer": w.app_b.username})
    refused(me, resp, allow=(422,))
    assert fresh(w.b).assignee_id is None


# ---- lists filtered by another office ----


def test_lists_filtered_by_another_office(w, as_):
    for user in (w.officer, w.sup, w.mediator):
        me = as_(user)
        items = me.get("/api/v1/cases?unit=500105&per_page=200").json["items"]
        assert all(i["unit"] == "500103" for i in items) and w.c.id not in {i["id"] for i in items}
        page = body_of(me.get("/cases/?unit=500105"))
        assert w.c.number not in page
    for user in (w.app_a, w.resp_a):
        me = as_(user)
        ids = {i["id"] for i in me.get("/api/v1/cases?per_page=200").json["items"]}
        assert ids == {w.a.id}, ids
        assert w.b.number not in body_of(me.get("/portal/"))
    me = as_(w.city_officer)  # the city office's officer: only the city office's own cases (policy.unit_scope)
    assert not me.get("/api/v1/cases?per_page=200").json["items"]
    refused(me, me.get(f"/cases/{w.a.id}"), markers=(w.a.number, RESP_A), allow=(404,))


def test_statistics_of_another_office(w, as_):
    me = as_(w.sup)
    refused(me, me.get("/stats/?unit=500105"), allow=(404,))
    refused(me, me.get("/api/v1/stats/summary?unit=500105"), allow=(404,))
    refused(me, me.get(f"/stats/?officer={w.officer5.username}"), allow=(404,))
    refused(me, me.get(f"/api/v1/stats/summary?officer={w.officer5.username}"), allow=(404,))
    for user in (w.officer, w.app_a, w.admin):
        me = as_(user)
        refused(me, me.get("/stats/"), allow=(404,))
        refused(me, me.get("/api/v1/stats/summary"), allow=(403, 404))


# ---- drafts ----


def test_draft_attachment_of_another_draft(w, as_):
    from caseflow.portal.models import DraftEvidence

    me = as_(w.app_a)
    refused(me, me.post(f"/portal/drafts/{w.draft_a.id}/evidence/{w.draft_ev_b.id}/remove"), allow=(404,))
    refused(me, me.post(f"/portal/drafts/{w.draft_b.id}/evidence/{w.draft_ev_b.id}/remove"), allow=(404,))
    refused(me, me.get(f"/portal/drafts/{w.draft_b.id}/review"), allow=(404,), markers=("乙的专利证书",))
    # the attachment's id planted in one's own draft as its 授权委托书 does not make it one's own
    me.post(f"/portal/drafts/{w.draft_a.id}/step/1", data={"authorisation_id": str(w.draft_ev_b.id), "go": "save"})
    page = body_of(me.get(f"/portal/drafts/{w.draft_a.id}/review"))
    assert "乙的专利证书" not in page
    db.session.expire_all()
    assert db.session.get(DraftEvidence, w.draft_ev_b.id) is not None


# ---- accounts and offices ----


def test_district_admin_reaches_only_its_office(w, as_):
    me = as_(w.admin5)
    for target in (w.officer, w.sup, w.app_a, w.resp_a, w.admin, w.city_sup):
        refused(me, me.get(f"/admin/users/{target.id}"), allow=(404,))
        for url in (f"/admin/users/{target.id}/disable", f"/admin/users/{target.id}/password",
                    f"/admin/users/{target.id}/end-sessions"):
            refused(me, me.post(url), allow=(404,))
        refused(me, me.post(f"/admin/users/{target.id}/role", data={"role": "admin", "unit": "500105"}), allow=(404,))
    # its own officer moved to an office it does not administer, or an account opened there
    resp = me.post(f"/admin/users/{w.officer5.id}/role", data={"role": "supervisor", "unit": "500103"})
    refused(me, resp, allow=(422,))
    resp = me.post("/admin/users/new", data={"username": "probe-new", "display_name": "探针新人", "role": "officer",
                                             "unit": "500103"})
    refused(me, resp, allow=(422,))
    refused(me, me.post("/admin/offices/500103", data={"name": "改名", "prefix": "改"}), allow=(404,))
    db.session.expire_all()
    assert fresh(w.officer5).unit.code == "500105" and fresh(w.officer5).role == Role.OFFICER
    assert db.session.scalar(sa.select(User).where(User.username == "probe-new")) is None
    assert not fresh(w.officer).is_disabled
    # staff who are not administrators
    for user in (w.sup, w.city_sup):
        me = as_(user)
        refused(me, me.get(f"/admin/users/{w.officer.id}"), allow=(404,))
        refused(me, me.post(f"/admin/users/{w.officer.id}/disable"), allow=(404,))


def test_someone_elses_session_and_token(w, as_):
    from caseflow.accounts.models import ApiToken, SignInSession

    as_(w.officer)  # signs in and gets a token
    theirs_token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == w.officer.id))
    theirs_session = db.session.scalar(sa.select(SignInSession).where(SignInSession.user_id == w.officer.id))
    for user in (w.officer2, w.sup, w.admin, w.app_a):
        me = as_(user)
        refused(me, me.post(f"/account/tokens/{theirs_token.id}/revoke"), allow=(404,))
        refused(me, me.post(f"/account/sessions/{theirs_session.id}/end"), allow=(404,))
    db.session.expire_all()
    assert fresh(theirs_token).ended_at is None and fresh(theirs_session).ended_at is None
    assert as_(w.officer).get("/api/v1/cases").status_code == 200


# ---- filing: who files where ----


def test_filing_by_roles_that_may_not(w, as_):
    from tests.api.conftest import COMPLAINT_BODY

    body = {**COMPLAINT_BODY}
    me = as_(w.resp_a)
    refused(me, me.post("/api/v1/cases", json=body), allow=(403,))
    refused(me, me.post("/portal/file", data={"procedure": "complaint"}), allow=(403,))
    me = as_(w.officer5)  # staff register cases for their own office only
    refused(me, me.post("/api/v1/cases", json=body), allow=(403, 422))
    me = as_(w.admin)
    refused(me, me.post("/api/v1/cases", json=body), allow=(403, 422))
    refused(me, me.post("/api/v1/referrals/incoming", json={"source": "police"}), allow=(403, 404))
    me = as_(w.mediator)
    refused(me, me.post("/api/v1/referrals/incoming", json={"source": "police"}), allow=(403, 404))
    assert not db.session.scalars(sa.select(Case).where(Case.title == body["title"])).all()


# ---- ratings ----


def test_rating_a_closed_case_by_those_who_may_not(w, as_):
    from caseflow.stats.models import Rating

    perform(w.b, "withdraw", actor=w.app_b, data={"version": w.b.version})
    db.session.commit()
    for user, allow in ((w.resp_b, (403, 404, 409)), (w.app_a, (404,)), (w.officer, (403, 404, 409))):
        me = as_(user)
        refused(me, me.post(f"/portal/cases/{w.b.id}/rating", data={"score": "1", "comment": "差"}), allow=allow,
                markers=() if user is not w.app_a else w.markers_b)
    db.session.expire_all()
    assert not db.session.scalars(sa.select(Rating).where(Rating.case_id == w.b.id)).all()


# ---- a deleted case exists for nobody ----


def test_deleted_case_is_gone_for_everyone(w, as_):
    case = fresh(w.b)
    case.is_deleted = True
    db.session.commit()
    for user in (w.app_b, w.resp_b, w.officer, w.sup, w.city_sup):
        me = as_(user)
        for url in (f"/portal/cases/{w.b.id}", f"/cases/{w.b.id}", f"/api/v1/cases/{w.b.id}",
                    f"/api/v1/cases/{w.b.id}/notices", f"/api/v1/cases/{w.b.id}/evidence",
                    f"/cases/{w.b.id}/evidence/{w.ev_b.id}/download",
                    f"/api/v1/cases/{w.b.id}/evidence/{w.ev_b.id}/content",
                    f"/notices/{w.n_b.id}.pdf", f"/api/v1/notices/{w.n_b.id}", f"/api/v1/notices/{w.n_b.id}.pdf"):
            refused(me, me.get(url), markers=w.markers_b, allow=(404,))
