"""Drafting from an action, previewing, issuing (number, storage, hash), immutability, sign-off and corrections."""

from __future__ import annotations

import hashlib
import re

import pytest

from caseflow.core import clock
from caseflow.core.errors import Conflict
from caseflow.notices import context, deliveries, drafting, issuing, rendering
from caseflow.notices.models import ImmutableNotice, NoticeStatus
from tests.notices.conftest import CLAIMANTS, act, needs_pdftotext, pdf_text

pytestmark = pytest.mark.usefixtures("session")


def test_an_action_with_a_notice_drafts_it(acceptance, people):
    case, notice = acceptance
    assert (notice.kind, notice.status, notice.number, notice.action) == ("acceptance", NoticeStatus.DRAFT, None,
                                                                          "accept")
    assert notice.title == "投诉举报受理通知书"
    assert notice.drafted_by_id == people["officer"].id
    assert (notice.missing_chars or {}).get("chars") == []
    # Addressed to the claimants (the 受理通知书 goes to the complainant), not to the agent or the respondents.
    names = {p.name for p in case.parties if p.id in notice.party_ids}
    assert names == set(CLAIMANTS)
    # Drafting is part of the action's own audit event: one event per action.
    assert [e.tag for e in case.events if e.tag.startswith("case:notice")] == []


def test_action_fields_prefill_the_editable_parts(make_case, people, notices_of):
    case = make_case()
    act(case, "request_correction", people["officer"], items="请提交专利登记簿副本")
    [notice] = notices_of(case, "correction")
    assert notice.parts["items"] == "请提交专利登记簿副本"
    assert notice.parts["period"] == "十五日"


@needs_pdftotext
def test_issue_numbers_renders_stores_and_freezes(acceptance, people, app):
    case, notice = acceptance
    outcome = issuing.issue(notice, actor=people["officer"])
    assert outcome.issued
    year = clock.today().year
    assert re.fullmatch(rf"渝中知保受字〔{year}〕[1-9]\d*号", notice.number)
    assert notice.status == NoticeStatus.ISSUED and notice.document_date == clock.today()
    with rendering.open_pdf(notice) as stream:
        stored = stream.read()
    assert stored.startswith(b"%PDF-")
    assert hashlib.sha256(stored).hexdigest() == notice.sha256 and len(stored) == notice.size
    text = pdf_text(stored)
    assert notice.number in text and case.number in text
    assert "草" not in text.replace("草案", "")  # no watermark on the final document
    assert len(notice.verify_code) == 12

    # Frozen: no service and no attribute assignment changes an issued document.
    with pytest.raises(Conflict):
        drafting.update_parts(notice, actor=people["officer"], parts={"notes": "改"})
    with pytest.raises(Conflict):
        issuing.issue(notice, actor=people["officer"])
    with pytest.raises(Conflict):
        drafting.discard_draft(notice, actor=people["officer"])
    with pytest.raises(ImmutableNotice):
        notice.sha256 = "0" * 64
    with pytest.raises(ImmutableNotice):
        notice.parts = {"notes": "改"}


def test_numbers_are_gapless_per_office_type_and_year(make_case, people, notices_of):
    numbers = []
    for _ in range(3):
        case = make_case()
        act(case, "accept", people["officer"])
        [notice] = notices_of(case)
        issuing.issue(notice, actor=people["officer"])
        numbers.append(notice.seq)
    assert numbers == list(range(numbers[0], numbers[0] + 3))
    # Another document type has its own sequence; another office too.
    case = make_case()
    act(case, "request_correction", people["officer"], items="补正")
    [correction] = notices_of(case, "correction")
    issuing.issue(correction, actor=people["officer"])
    assert "保补字" in correction.number
    other = make_case(unit_code="500105")
    act(other, "accept", people["other_district"])
    [elsewhere] = notices_of(other)
    issuing.issue(elsewhere, actor=people["other_district"])
    assert elsewhere.number.startswith("江北知保受字")


def test_draft_is_never_served_as_final(acceptance, people, api, web):
    case, notice = acceptance
    assert api.get(people["officer"], f"/api/v1/notices/{notice.id}.pdf").status_code == 404
    assert api.get(people["applicant"], f"/api/v1/notices/{notice.id}.pdf").status_code == 404
    web.login(people["officer"].username)
    assert web.get(f"/notices/{notice.id}.pdf").status_code == 404
    with web.get(f"/notices/{notice.id}/preview.pdf") as preview:
        assert preview.status_code == 200 and preview.data.startswith(b"%PDF-")
    with pytest.raises(Conflict):
        deliveries.record_delivery(notice, actor=people["officer"], method="post", party_id=case.parties[0].id,
                                 delivered_on=clock.today())


@needs_pdftotext
def test_preview_is_watermarked_and_unnumbered(acceptance, people):
    case, notice = acceptance
    text = pdf_text(rendering.preview_pdf(notice))
    assert "草" in text and "稿" in text
    assert f"〔{clock.today().year}〕号" in text  # the sequence is left blank until issue
    assert case.number in text


def test_editing_a_draft_is_audited_and_validated(make_case, people, notices_of):
    from caseflow.core.errors import Invalid

    case = make_case()
    act(case, "request_correction", people["officer"], items="补正甲")
    [notice] = notices_of(case)
    drafting.update_parts(notice, actor=people["officer2"], parts={"items": "补正乙", "period": "十日"})
    assert notice.parts == {"items": "补正乙", "period": "十日"}
    edit = next(e for e in reversed(case.events) if e.tag == "case:notice:edit")
    assert edit.data["diff"]["items"] == ["补正甲", "补正乙"]
    with pytest.raises(Invalid) as err:
        drafting.update_parts(notice, actor=people["officer"], parts={"items": ""})
    assert "items" in err.value.fields
    with pytest.raises(Invalid):
        drafting.update_parts(notice, actor=people["officer"], parts={"nonsense": "x"})
    from caseflow.core.errors import Forbidden

    with pytest.raises(Forbidden):
        drafting.update_parts(notice, actor=people["other_district"], parts={"items": "x"})


def test_a_character_no_font_covers_is_reported_and_blocks_issuing(make_case, people, notices_of):
    case = make_case()
    act(case, "request_correction", people["officer"], items="请补正\ue000号材料")
    [notice] = notices_of(case)
    assert notice.missing_chars["chars"] == ["\ue000"]
    assert rendering.preview_pdf(notice).startswith(b"%PDF-")  # shown as 〓, never a box
    with pytest.raises(Conflict) as err:
        issuing.issue(notice, actor=people["officer"])
    assert "没有可用字体" in err.value.message
    drafting.update_parts(notice, actor=people["officer"], parts={"items": "请补正相关材料"})
    assert notice.missing_chars["chars"] == []
    assert issuing.issue(notice, actor=people["officer"]).issued


def test_approved_action_covers_its_document_until_edited(make_case, people, notices_of, api):
    from caseflow.approvals.services import approve_request

    case = make_case()
    outcome = act(case, "reject", people["officer"], reason="不属于本局管辖")
    assert outcome.approval is not None
    approve_request(outcome.approval, actor=people["supervisor"])
    [notice] = notices_of(case, "rejection")
    assert notice.approved_by_id == people["supervisor"].id and notice.parts["reasons"] == "不属于本局管辖"
    assert not issuing.needs_signoff(notice, people["officer"])
    drafting.update_parts(notice, actor=people["officer"], parts={"reasons": "经审查，不属于本局管辖范围"})
    assert issuing.needs_signoff(notice, people["officer"])
    # The officer's issue now goes to the supervisor; nothing is numbered yet.
    r = api.post(people["officer"], f"/api/v1/notices/{notice.id}/issue", json={})
    assert r.status_code == 202, r.json
    assert r.json["status"] == "signoff" and r.json["number"] is None
    assert [n.id for n in issuing.pending_signoffs(people["supervisor"])] == [notice.id]
    assert issuing.pending_signoffs(people["officer"]) == []
    r = api.post(people["officer"], f"/api/v1/notices/{notice.id}/approve", json={})
    assert r.status_code == 403
    r = api.post(people["supervisor"], f"/api/v1/notices/{notice.id}/approve", json={"comment": "同意"})
    assert r.status_code == 200, r.json
    assert r.json["status"] == "issued" and "保不受字" in r.json["number"]


def test_supervisor_may_return_a_document(make_case, people, notices_of):
    from caseflow.core.errors import Invalid

    case = make_case()
    act(case, "reject", people["supervisor"], reason="重复投诉")
    [notice] = notices_of(case, "rejection")
    assert notice.approved_by_id is None  # performed directly by the supervisor: no approval request
    issuing.issue(notice, actor=people["officer"])
    assert notice.status == NoticeStatus.SIGNOFF
    with pytest.raises(Invalid):
        issuing.return_signoff(notice, actor=people["supervisor"], comment="")
    issuing.return_signoff(notice, actor=people["supervisor"], comment="理由写得不充分")
    assert notice.status == NoticeStatus.DRAFT and notice.signoff_comment == "理由写得不充分"


def test_supervisor_issues_directly(make_case, people, notices_of):
    case = make_case()
    act(case, "reject", people["supervisor"], reason="重复投诉")
    [notice] = notices_of(case, "rejection")
    assert issuing.issue(notice, actor=people["supervisor"]).issued


def test_a_correction_is_a_new_document_referring_to_the_original(acceptance, make_case, people, notices_of):
    _, original = acceptance
    issuing.issue(original, actor=people["officer"])
    sha, number = original.sha256, original.number
    other = make_case()
    act(other, "accept", people["officer"])
    with pytest.raises(Conflict):  # only issued documents are corrected
        drafting.draft_correction(notices_of(other)[0], actor=people["officer"])
    correction = drafting.draft_correction(original, actor=people["officer"])
    assert correction.kind == "rectification" and correction.corrects_id == original.id
    drafting.update_parts(correction, actor=people["officer"], parts={"errors": "第1页“11月3日”应为“11月4日”。"})
    issuing.issue(correction, actor=people["supervisor"])
    assert (original.sha256, original.number) == (sha, number)
    assert correction.context["original"]["number"] == number


def test_a_document_a_step_drafts_is_drafted_by_hand_only_after_that_step(make_case, people, notices_of):
    """A 受理通知书 says the complaint was accepted: nobody drafts one by hand before 受理; a discarded one is
    drafted again by hand."""
    from caseflow.core.errors import Invalid
    from caseflow.notices import reading

    case = make_case()
    with pytest.raises(Invalid, match="尚未办理该步骤"):
        drafting.draft_manual(case, "acceptance", actor=people["officer"])
    offered = [code for code, _ in reading.case_card(case, people["officer"], [])["draft_kinds"]]
    assert "acceptance" not in offered and "evidence_list" in offered
    act(case, "accept", people["officer"])
    [first] = notices_of(case, "acceptance")
    drafting.discard_draft(first, actor=people["officer"])
    again = drafting.draft_manual(case, "acceptance", actor=people["officer"])
    assert again.kind == "acceptance" and again.status.value == "draft"


def test_every_kind_drafts_on_a_real_case(make_case, people):
    from caseflow.notices import catalogue, rendering

    cases = {}
    for kind in catalogue.KINDS.values():
        if not kind.issuable:
            continue
        procedure = min(kind.procedures) if kind.procedures else "adjudication"
        case = cases.setdefault(procedure, make_case(procedure))
        notice = drafting.draft_notice(case, kind.code, actor=people["officer"], data={"reason": "理由"})
        ctx = context.build_context(notice)
        assert ctx["case"]["number"] == case.number and ctx["title"] == notice.title
        assert rendering.missing_characters(ctx) == []
        assert set(notice.parts) == {p.name for p in kind.parts}


def test_manual_drafting_is_limited_to_the_procedure(make_case, people):
    from caseflow.core.errors import Invalid

    case = make_case()
    with pytest.raises(Invalid):
        drafting.draft_manual(case, "decision", actor=people["officer"])
    with pytest.raises(Invalid):
        drafting.draft_manual(case, "service_receipt", actor=people["officer"])
    notice = drafting.draft_manual(case, "evidence_list", actor=people["officer"])
    assert any(e.tag == "case:notice:draft" for e in case.events)
    assert notice.status == NoticeStatus.DRAFT


def test_the_document_page_names_kinds_and_steps_in_words(acceptance, people, web):
    _, notice = acceptance
    web.login(people["officer"].username)
    page = web.get(f"/notices/{notice.id}").data.decode()
    assert "<dd>投诉举报受理通知书</dd>" in page and "由“受理”生成" in page
    assert "acceptance" not in page.split("<main", 1)[1].replace('data-kind="acceptance"', "")
    assert "“accept”" not in page
