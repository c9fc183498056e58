"""Who sees which document: 404 for anyone who may not see the case or was not served; the case API's list."""

from __future__ import annotations

import pytest

from caseflow.core import clock
from caseflow.core.db import db
from caseflow.notices import deliveries, issuing
from tests.factories.adjudication import docket
from tests.notices.conftest import RESPONDENTS, act, addressed_to

pytestmark = pytest.mark.usefixtures("session")


@pytest.fixture
def issued(acceptance, people):
    """An accepted complaint whose 受理通知书 is issued but not yet served."""
    case, notice = acceptance
    issuing.issue(notice, actor=people["officer"])
    db.session.flush()
    return case, notice


def test_api_pdf_visibility(issued, people, api):
    case, notice = issued
    url = f"/api/v1/notices/{notice.id}.pdf"
    assert api.get(None, url).status_code == 401
    for who in ("other_applicant", "other_district", "respondent"):
        r = api.get(people[who], url)
        assert r.status_code == 404, who
        assert r.json["error"] == "not_found"
    # Not yet served: the applicant does not see it either; staff of the office do.
    assert api.get(people["applicant"], url).status_code == 404
    with api.get(people["officer"], url) as r:
        assert r.status_code == 200 and r.data.startswith(b"%PDF-")
    assert api.get(people["officer"], "/api/v1/notices/999999.pdf").status_code == 404
    # Served by post on the claimant: now the claimant's account (the filer) may download it.
    claimant = next(p for p in case.parties if p.user_id == people["applicant"].id)
    deliveries.record_delivery(notice, actor=people["officer"], method="post", party_id=claimant.id,
                             delivered_on=clock.today())
    db.session.flush()
    with api.get(people["applicant"], url) as r:
        assert r.status_code == 200 and r.headers["Content-Type"] == "application/pdf"
    assert api.get(people["respondent"], url).status_code == 404


def test_web_pdf_and_pages_visibility(issued, people, web):
    _case, notice = issued
    web.login(people["other_district"].username)
    assert web.get(f"/notices/{notice.id}.pdf").status_code == 404
    assert web.get(f"/notices/{notice.id}").status_code == 404
    assert web.get(f"/notices/{notice.id}/receipt.pdf").status_code == 404


def test_case_api_lists_documents(issued, people, api, make_case, notices_of):
    case, notice = issued
    act(case, "conclude", people["officer"], outcome="已责令停止销售")
    db.session.flush()
    staff = api.get(people["officer"], f"/api/v1/cases/{case.id}").json["notices"]
    assert [(n["kind"], n["status"]) for n in staff] == [("acceptance", "issued"), ("conclusion", "draft")]
    first = staff[0]
    assert set(first) >= {"id", "kind", "number", "issued_at", "delivered_at", "sha256"}
    assert first["number"] == notice.number and first["sha256"] == notice.sha256 and first["delivered_at"] is None
    assert staff[1]["number"] is None and staff[1]["sha256"] is None
    # The party sees only documents served on it, never drafts.
    assert api.get(people["applicant"], f"/api/v1/cases/{case.id}").json["notices"] == []
    deliveries.give_consent(case, actor=people["applicant"])
    db.session.flush()
    mine = api.get(people["applicant"], f"/api/v1/cases/{case.id}").json["notices"]
    assert [n["kind"] for n in mine] == ["acceptance"]
    assert mine[0]["delivered_at"].startswith(clock.today().isoformat()[:4])  # an ISO timestamp: electronic


def test_respondent_reads_documents_served_on_it(make_case, people, notices_of, web):
    case = make_case("adjudication")
    docket(case, people)
    act(case, "serve_respondent", people["officer"])
    answer = addressed_to(notices_of(case, "answer_notice"), case, RESPONDENTS[1])
    issuing.issue(answer, actor=people["officer"])
    [acceptance] = notices_of(case, "acceptance")
    issuing.issue(acceptance, actor=people["officer"])
    party = next(p for p in case.parties if p.name == RESPONDENTS[1])
    deliveries.record_delivery(answer, actor=people["officer"], method="direct", party_id=party.id,
                             delivered_on=clock.today(), signed_by="李赟")
    db.session.flush()
    web.login(people["respondent"].username)
    html = web.get(f"/portal/cases/{case.id}").data.decode()
    assert answer.number in html and acceptance.number not in html
    with web.get(f"/notices/{answer.id}.pdf") as r:
        assert r.status_code == 200
    assert web.get(f"/notices/{acceptance.id}.pdf").status_code == 404


def test_staff_pages_render(issued, people, web, make_case, notices_of):
    case, notice = issued
    web.login(people["officer"].username)
    show = web.get(f"/cases/{case.id}").data.decode()
    assert notice.number in show and "起草文书" in show
    page = web.get(f"/notices/{notice.id}").data.decode()
    assert notice.sha256 in page and "登记送达" in page
    draft_case = make_case()
    act(draft_case, "request_correction", people["officer"], items="补正材料")
    [draft] = notices_of(draft_case)
    db.session.flush()
    page = web.get(f"/notices/{draft.id}").data.decode()
    assert "保存草稿" in page and "补正材料" in page
    r = web.post_form(f"/notices/{draft.id}", {"items": "补正：专利登记簿副本", "period": "十日",
                                                "version": str(draft.version)}, post_url=f"/notices/{draft.id}/edit")
    assert r.status_code == 303
    r = web.post_form(f"/notices/{draft.id}", {}, post_url=f"/notices/{draft.id}/issue")
    assert r.status_code == 303
    db.session.expire_all()
    draft = notices_of(draft_case)[0]
    assert draft.number and draft.parts["items"] == "补正：专利登记簿副本"
    r = web.post_form(f"/cases/{draft_case.id}", {"kind": "evidence_list"}, post_url=f"/cases/{draft_case.id}/notices")
    assert r.status_code == 303
    assert [n.kind for n in notices_of(draft_case)] == ["correction", "evidence_list"]
    r = web.post_form(f"/cases/{draft_case.id}", {"kind": "decision"}, post_url=f"/cases/{draft_case.id}/notices")
    assert r.status_code == 303 and len(notices_of(draft_case)) == 2  # not a complaint document


def test_supervisor_signoff_page(make_case, people, notices_of, web):
    case = make_case()
    act(case, "reject", people["supervisor"], reason="重复投诉")
    [notice] = notices_of(case, "rejection")
    issuing.issue(notice, actor=people["officer"])
    db.session.flush()
    web.login(people["supervisor"].username)
    page = web.get("/notices/signoff").data.decode()
    assert notice.title in page
    r = web.post_form(f"/notices/{notice.id}", {"comment": "同意"}, post_url=f"/notices/{notice.id}/approve")
    assert r.status_code == 303
    db.session.expire_all()
    assert notices_of(case, "rejection")[0].number


def test_party_consents_on_the_portal(make_case, people, web, notices_of):
    case = make_case()
    db.session.flush()
    web.login(people["applicant"].username)
    page = web.get(f"/portal/cases/{case.id}").data.decode()
    assert "同意电子送达" in page and "您已同意电子送达" not in page
    r = web.post_form(f"/portal/cases/{case.id}", {}, post_url=f"/cases/{case.id}/notices/consent")
    assert r.status_code == 303
    page = web.get(f"/portal/cases/{case.id}").data.decode()
    assert "您已同意电子送达" in page and "撤回电子送达同意" in page
    r = web.post_form(f"/portal/cases/{case.id}", {}, post_url=f"/cases/{case.id}/notices/consent/withdraw")
    assert r.status_code == 303
    db.session.expire_all()
    page = web.get(f"/portal/cases/{case.id}").data.decode()
    assert "您已同意电子送达" not in page and "同意电子送达后，本局的法律文书将送达到本账号" in page
    web.login(people["other_applicant"].username)
    r = web.post_form("/portal/", {}, post_url=f"/cases/{case.id}/notices/consent")
    assert r.status_code == 404


def test_api_operations_need_staff_of_the_case(issued, people, api, make_case, notices_of):
    _case, _notice = issued
    other = make_case()
    act(other, "request_correction", people["officer"], items="补正")
    [draft] = notices_of(other)
    db.session.flush()
    for who in ("applicant", "respondent", "other_district"):
        assert api.post(people[who], f"/api/v1/notices/{draft.id}/issue", json={}).status_code == 404, who
        assert api.post(people[who], f"/api/v1/notices/{draft.id}/parts",
                        json={"parts": {"items": "x"}}).status_code == 404, who
    r = api.post(people["officer"], f"/api/v1/notices/{draft.id}/parts", json={"parts": {"items": 3}})
    assert r.status_code == 422 and r.json["fields"]["items"]
    r = api.post(people["officer"], f"/api/v1/notices/{draft.id}/parts",
                 json={"parts": {"items": "请补正登记簿副本"}, "version": draft.version})
    assert r.status_code == 200 and r.json["parts"]["items"] == "请补正登记簿副本"
    stale = api.post(people["officer"], f"/api/v1/notices/{draft.id}/issue", json={"version": 1})
    assert stale.status_code == 409 and stale.json["error"] == "conflict_version"
    r = api.post(people["officer"], f"/api/v1/notices/{draft.id}/issue", json={})
    assert r.status_code == 200 and r.json["number"]
    claimant = next(p for p in other.parties if p.user_id == people["applicant"].id)
    bad = api.post(people["officer"], f"/api/v1/notices/{draft.id}/deliveries",
                   json={"method": "post", "party_id": claimant.id, "delivered_on": "2026/01/01"})
    assert bad.status_code == 422 and "delivered_on" in bad.json["fields"]
    ok = api.post(people["officer"], f"/api/v1/notices/{draft.id}/deliveries",
                  json={"method": "direct", "party_id": claimant.id, "delivered_on": clock.today().isoformat(),
                        "signed_by": "王喆"})
    assert ok.status_code == 201, ok.json
    assert ok.json["notice"]["deliveries"][0]["method"] == "direct"
    listed = api.get(people["applicant"], f"/api/v1/cases/{other.id}/notices").json["items"]
    assert [n["number"] for n in listed] == [r.json["number"]]
    assert api.get(people["other_district"], f"/api/v1/cases/{other.id}/notices").status_code == 404


def test_staff_views_of_a_document_are_logged_once_built(issued, people, web, api, session):
    """The document page is built from reads and logged afterwards, as the case page; its PDF is logged too."""
    from tests.cases.test_accesslog import assert_logged_after_reading, views

    case, notice = issued
    officer = people["officer"]
    web.login(officer.username)
    assert_logged_after_reading(lambda: web.get(f"/notices/{notice.id}"), session, case.id, officer.id, "notice")
    with web.get(f"/notices/{notice.id}.pdf") as r:
        assert r.status_code == 200
    with api.get(officer, f"/api/v1/notices/{notice.id}.pdf") as r:
        assert r.status_code == 200
    assert views(session, case.id, officer.id) == ["notice", "notice", "notice_pdf", "notice_pdf"]
