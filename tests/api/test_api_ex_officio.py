"""假冒专利 found ex officio (issue #15): staff register it through the API without a complainant; the 5-working-day
立案 period of 专利行政执法办法 art. 28 runs from that day (a report's 10-day one does not), and no step drafts a
document addressed to a 投诉人 the case does not have."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from caseflow.cases.models import Case, PartyRole
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.deadlines.models import Deadline
from caseflow.notices.models import Notice
from tests.api.conftest import COMPLAINT_BODY

pytestmark = pytest.mark.usefixtures("session")

FOUND = {**{k: v for k, v in COMPLAINT_BODY.items() if k not in ("claimants", "asserted_claims")},
         "kind": "patent_counterfeit", "ip_type": "utility_model", "right_number": "ZL202221345678.X",
         "title": "商品标注虚假专利号", "facts": "执法检查中发现被检查人销售的商品包装标注他人专利号。",
         "claims": "依职权查处。", "channel": "ex_officio"}


def _rules(case_id: int) -> dict[str, Deadline]:
    return {d.rule_id: d for d in db.session.scalars(sa.select(Deadline).where(Deadline.case_id == case_id))}


def _notices(case_id: int) -> list[Notice]:
    return list(db.session.scalars(sa.select(Notice).where(Notice.case_id == case_id)))


@pytest.mark.parametrize("claimants", [None, []])
def test_staff_register_counterfeiting_found_ex_officio_without_a_complainant(api, people, claimants):
    clock.pin(dt.datetime(2026, 3, 2, 10, 0, tzinfo=clock.BEIJING))  # a Monday
    body = FOUND if claimants is None else {**FOUND, "claimants": claimants}
    r = api.post(people["officer"], "/api/v1/cases", json=body)
    assert r.status_code == 201, r.json
    case = db.session.get(Case, r.json["id"])
    assert [p.role for p in case.parties] == [PartyRole.RESPONDENT]
    rules = _rules(case.id)
    assert rules["FAKE_PATENT_FILE"].due_date == dt.date(2026, 3, 9)  # 5 working days from discovery
    assert "CPL_ACCEPT_PATENT_COUNTERFEIT" not in rules  # the 10-day period is a report's
    # Nothing to correct with nobody who complained; 立案 and 办结 draft nothing addressed to a 投诉人.
    r = api.act(people["officer"], case.id, "request_correction", case.version, items="补充材料")
    assert r.status_code == 409 and "没有投诉人" in r.json["message"], r.json
    assert api.act(people["officer"], case.id, "accept", case.version).status_code == 200
    db.session.refresh(case)
    assert rules["FAKE_PATENT_FILE"].status.value == "met"
    r = api.act(people["officer"], case.id, "conclude", case.version, outcome="责令改正，处以罚款。")
    assert r.status_code == 200, r.json
    db.session.refresh(case)
    assert case.state == "concluded" and _notices(case.id) == []


def test_a_counterfeit_found_ex_officio_that_is_not_taken_up_is_closed_without_a_notice(api, people):
    r = api.post(people["officer"], "/api/v1/cases", json=FOUND)
    case = db.session.get(Case, r.json["id"])
    r = api.act(people["officer"], case.id, "reject", case.version, reason="经核查，标注的专利号真实有效。")
    assert r.status_code == 202, r.json  # the head approves it
    from caseflow.approvals.models import ApprovalRequest

    approval = db.session.scalar(sa.select(ApprovalRequest).where(ApprovalRequest.case_id == case.id))
    from caseflow.approvals import services as approvals

    # The head's inbox names the step as this case takes it and offers no draft document to preview.
    assert approvals.label_of(approval) == "不予立案" and not approvals.drafts_document(approval)
    r = api.post(people["supervisor"], f"/api/v1/approvals/{approval.id}/approve", json={})
    assert r.status_code == 200, r.json
    db.session.refresh(case)
    assert case.state == "rejected" and _notices(case.id) == []


def test_a_report_still_names_its_complainant_and_only_staff_register_ex_officio(api, people):
    r = api.post(people["applicant"], "/api/v1/cases", json=FOUND)
    assert r.status_code == 422 and "依职权发现" in r.json["message"], r.json
    r = api.post(people["officer"], "/api/v1/cases", json={**FOUND, "channel": "hotline_12330"})
    assert r.status_code == 422 and "claimants" in str(r.json["fields"]), r.json
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_no_document_addressed_to_a_complainant_is_drafted_by_hand_for_a_case_without_one(api, people, web, client):
    from caseflow.core.errors import Invalid
    from caseflow.notices import catalogue, drafting

    r = api.post(people["officer"], "/api/v1/cases", json=FOUND)
    case = db.session.get(Case, r.json["id"])
    to_complainant = [k for k in catalogue.manual_kinds("complaint") if k.recipient == "claimant"]
    assert to_complainant  # 受理通知书, 不予受理通知书, 办结答复书 …
    for kind in to_complainant:
        with pytest.raises(Invalid, match="没有投诉人"):
            drafting.draft_manual(case, kind.code, actor=people["officer"])
    assert _notices(case.id) == []
    # Nor does the case page offer them.
    web.login(people["officer"].username)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "起草文书" in page and not any(f'value="{k.code}"' in page for k in to_complainant)
