"""Acceptance of issue #15: a design patent's adjudication through the API, from the online filing to the issued
裁决书, and each issued document's text (read from its stored PDF) states what the record shows: the parties, the
case and patent numbers, the day the request was received, the 合议组 by name, the hearing's day and room, the
answer, the panel's findings and the measures ordered, and nothing the case did not do."""

from __future__ import annotations

import datetime as dt

import pytest

from caseflow.cases.models import Case
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.hearings import services as hearings
from caseflow.notices import deliveries, issuing, rendering
from tests.factories.accounts import unit
from tests.factories.adjudication import write_findings
from tests.notices.conftest import needs_pdftotext, pdf_text

pytestmark = [pytest.mark.usefixtures("session"), needs_pdftotext]

DESIGN = {"ip_type": "design", "right_number": "ZL202230123456.2", "title": "“保温杯”外观设计专利侵权纠纷",
          "facts": "被请求人在其门店销售的保温杯与涉案外观设计相近似。", "claims": "请求责令被请求人停止销售侵权产品。",
          "asserted_claims": ""}


def cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _ok(r, status=200):
    assert r.status_code == status, r.json
    return r.json


def _text(notice) -> str:
    with rendering.open_pdf(notice) as stream:
        return pdf_text(stream.read())


def _issue_and_serve(notice, actor, parties, on):
    issuing.issue(notice, actor=actor)
    db.session.refresh(notice)
    for party in parties:
        deliveries.record_delivery(notice, actor=actor, method="post", party_id=party.id, delivered_on=on,
                                   receipt_number="EMS-D")
    return _text(notice)


def test_a_design_patent_adjudication_from_online_filing_to_the_issued_decision(api, people, adj_body, notices_of,
                                                                                shift):
    officer, supervisor = people["officer"], people["supervisor"]
    staff = [people[k] for k in ("officer", "officer2", "officer3")]
    members = [u.username for u in staff]
    hearings.add_room(unit("500103"), "T2", "第二审理庭")
    received = clock.today()

    # Filed online by the rights holder.
    created = _ok(api.post(people["applicant"], "/api/v1/cases", json={**adj_body, **DESIGN}), 201)
    case = db.session.get(Case, created["id"])
    assert (case.ip_type, case.channel, case.state) == ("design", "online", "submitted")
    claimant = next(p for p in case.parties if p.role.value == "claimant")
    respondent = next(p for p in case.parties if p.role.value == "respondent")

    # 立案 (art. 12 checks, the 评价报告 of a design per art. 14, the panel per art. 20), approved by the head.
    pending = _ok(api.act(officer, case.id, "docket", case.version, standing="patentee", claims_clear="yes",
                          jurisdiction="infringement_place", court_suit="no", other_route="no",
                          patent_status="valid", evaluation_report="provided", members=members), 202)
    _ok(api.post(supervisor, f"/api/v1/approvals/{pending['id']}/approve", json={}))
    db.session.refresh(case)
    assert case.state == "docketed"
    [acceptance] = notices_of(case, "acceptance")
    text = _issue_and_serve(acceptance, supervisor, [claimant], shift(1))
    assert case.number in text and claimant.name in text and "外观设计" in text
    assert cn(received) in text  # the day the request was received
    assert all(u.display_name in text for u in staff) and "回避" in text  # the 合议组 named (arts 5, 20)
    assert acceptance.number and acceptance.number in text

    # The request copy and the 答辩通知书 reach the respondent; it answers; the copy goes back to the requester.
    _ok(api.act(officer, case.id, "serve_respondent", case.version))
    db.session.refresh(case)
    [answer_notice] = notices_of(case, "answer_notice")
    served = shift(2)
    text = _issue_and_serve(answer_notice, officer, [respondent], served)
    assert respondent.name in text and case.number in text and "十五日" in text
    assert all(u.display_name in text for u in staff)
    _ok(api.act(officer, case.id, "record_answer", case.version, answer="被诉产品的外观与涉案设计不相近似。"))
    _ok(api.act(officer, case.id, "forward_answer", case.version, delivered_on=served.isoformat()))

    # The hearing: noticed more than 3 working days ahead, served, held on its day.
    day = served + dt.timedelta(days=12)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    _ok(api.act(officer, case.id, "schedule_hearing", case.version, hearing_date=day.isoformat(),
                start_time="14:30", hours="2", mode="in_person", room="T2"))
    db.session.refresh(case)
    [hearing_notice] = notices_of(case, "hearing_notice")
    text = _issue_and_serve(hearing_notice, officer, [claimant, respondent], shift(3))
    assert cn(day) in text and "下午2时30分" in text and "第二审理庭" in text
    assert all(u.display_name in text for u in staff)
    shift((day - received).days)
    _ok(api.act(officer, case.id, "hold_hearing", case.version, record="双方到庭，就外观是否近似发表意见。",
                requester_attended="yes", respondent_attended="yes"))

    # 合议 (art. 25), then the decision, approved by the head; the issued 裁决书 states what was done.
    _ok(api.act(officer, case.id, "deliberate", case.version, outcome="infringement",
                opinion="被诉产品与涉案外观设计在整体视觉效果上无实质性差异。", dissent=""))
    pending = _ok(api.act(officer, case.id, "decide", case.version, outcome="infringement",
                          reasons="被诉产品与涉案外观设计构成近似，落入保护范围。",
                          measures="立即停止销售与涉案外观设计近似的保温杯", measure_kind="stop_acts"), 202)
    _ok(api.post(supervisor, f"/api/v1/approvals/{pending['id']}/approve", json={}))
    db.session.refresh(case)
    assert case.state == "decided" and case.closing_action == "decide"
    [decision] = notices_of(case, "decision")
    write_findings(decision, supervisor)
    text = _issue_and_serve(decision, supervisor, [claimant, respondent], shift((day - received).days + 2))
    assert decision.number in text and case.number in text
    assert claimant.name in text and respondent.name in text
    assert "ZL202230123456.2" in text and "外观设计" in text
    assert "立即停止销售与涉案外观设计近似的保温杯" in text and "落入保护范围" in text
    assert f"本局于{cn(received)}立案" in text and "组成合议组" in text  # as it was: one was formed and heard it
    assert "被请求人辩称：被诉产品的外观与涉案设计不相近似" in text  # the answer on record
    assert "请求责令被请求人停止销售侵权产品" in text  # the claims as filed
    assert "发明专利" not in text and "实用新型" not in text  # the right as it is
    assert "被投诉人" not in text  # adjudication wording
    assert "十五日内" in text and "人民法院" in text  # the way to court (专利法 art. 65)
    kinds = [n.kind for n in notices_of(case)]
    assert kinds == ["acceptance", "answer_notice", "hearing_notice", "decision"]
