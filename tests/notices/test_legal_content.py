"""Issue #15, documents (items 12-15): what each document says is what the law says and what happened.

12 A design patent's 裁决书 cites 专利法 第十一条第二款; it says a 合议组 heard the case only when one did; it
   speaks of 请求人/被请求人 and leads the claims with "请求人请求：".
13 A complaint's 不予受理通知书 states 行政复议 (60 days) and 行政诉讼 (6 months); the 15-day suit is the patent
   dispute's (专利法 art. 65); a dismissal never announces enforcement.
14 中止 grounds are exactly 局令81 art. 28's; the 中止处理通知书 states the ground in words.
15 A mediation ended by the requester's absence is 按撤回处理 (art. 67), not 撤销案件.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from caseflow.cases.models import Case, PartyRole
from caseflow.cases.services import create_case
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import Conflict
from caseflow.notices import drafting
from caseflow.notices.citations import cn_date
from tests.factories.accounts import unit
from tests.factories.adjudication import docket_data, issue_decision, panel_of
from tests.notices.conftest import act, needs_pdftotext, text_of

pytestmark = pytest.mark.usefixtures("session")

#: How a rights holder writes a complaint: in the complaint's own role words.
COMPLAINT = {"kind": "patent_infringement", "right_number": "ZL202230123456.7", "title": "销售侵犯外观设计专利权的茶具",
             "facts": "被投诉人在其网店销售与投诉人外观设计专利近似的茶具，投诉人经公证购买取得样品。",
             "claims": "责令被投诉人立即停止销售侵权茶具。", "channel": "online"}


def filed(people, ip_type="design", kind="patent_infringement", **fields):
    return create_case(
        procedure="complaint", unit=unit("500103"), actor=people["applicant"],
        fields={**COMPLAINT, "ip_type": ip_type, "kind": kind, **fields},
        parties=[{"role": PartyRole.CLAIMANT, "name": "重庆堃泰机电科技有限公司", "user_id": people["applicant"].id},
                 {"role": PartyRole.RESPONDENT, "name": "重庆市渝中区𠮷祥五金机电经营部"}])


def converted(people, ip_type="design"):
    complaint = filed(people, ip_type)
    act(complaint, "accept", people["officer"])
    act(complaint, "convert", people["officer"], procedure="adjudication")
    case = db.session.get(Case, complaint.data["converted_to"])
    act(case, "docket", people["supervisor"], **docket_data(case, panel_of(people)))
    act(case, "serve_respondent", people["officer"])
    act(case, "record_answer", people["officer"], answer="被诉产品设计不同。")
    return case


# ---- 12 ----


@needs_pdftotext
def test_a_design_patent_decision_cites_article_11_paragraph_2_in_adjudication_words(people, notices_of):
    case = converted(people, "design")
    act(case, "deliberate", people["officer"], outcome="infringement", opinion="合议组一致认为……")
    act(case, "decide", people["supervisor"], outcome="infringement", reasons="被诉产品与授权外观设计近似。",
        measures="立即停止销售被诉侵权茶具")
    [decision] = notices_of(case, "decision")
    text = text_of(decision)
    assert "《中华人民共和国专利法》第十一条第二款、第六十五条" in text
    assert "第十一条第一款" not in text
    assert decision.parts["claims"].startswith("请求人请求：")
    assert "请求人请求：责令被请求人立即停止销售侵权茶具。" in text
    assert "投诉人" not in text  # neither 投诉人 nor 被投诉人: this is a 行政裁决
    assert "依法组成合议组进行了审理" in text


@needs_pdftotext
def test_an_invention_decision_cites_paragraph_1(people, notices_of):
    case = converted(people, "invention")
    act(case, "deliberate", people["officer"], outcome="infringement", opinion="合议组一致认为……")
    act(case, "decide", people["supervisor"], outcome="infringement", reasons="落入保护范围。",
        measures="立即停止销售被诉侵权产品")
    assert "《中华人民共和国专利法》第十一条第一款、第六十五条" in text_of(notices_of(case, "decision")[0])


@needs_pdftotext
def test_the_decision_claims_no_panel_hearing_without_a_panel(people, notices_of):
    case = converted(people, "invention")
    act(case, "deliberate", people["officer"], outcome="dismissed", opinion="合议组一致认为……")
    act(case, "decide", people["supervisor"], outcome="dismissed", reasons="未落入保护范围。")
    [decision] = notices_of(case, "decision")
    # A case recorded without a 合议组 (e.g. docketed before 立案 formed one): the document must not claim one.
    case.data = {k: v for k, v in case.data.items() if k != "panel"}
    text = text_of(decision)
    assert "合议组" not in text and "本局依法进行了审理" in text


# ---- 13 ----


@needs_pdftotext
def test_a_complaint_rejection_states_review_and_suit_not_the_patent_15_days(people, notices_of):
    complaint = filed(people, "trademark", kind="trademark", right_number="12345678", title="销售假冒注册商标的茶具")
    act(complaint, "reject", people["supervisor"], reason="不属于本部门管辖。")
    [rejection] = notices_of(complaint, "rejection")
    text = text_of(rejection)
    assert ("可以自收到本通知书之日起六十日内，依照《中华人民共和国行政复议法》第二十条第一款的规定向"
            "重庆市渝中区人民政府申请行政复议") in text
    assert "六个月内，依照《中华人民共和国行政诉讼法》第四十六条第一款的规定向人民法院提起行政诉讼" in text
    assert "十五日" not in text


@needs_pdftotext
def test_an_adjudication_rejection_keeps_the_patent_dispute_route(people, make_case, notices_of):
    case = make_case("adjudication")
    act(case, "reject", people["supervisor"], reason="已向人民法院起诉。")
    text = text_of(notices_of(case, "rejection")[0])
    assert "十五日内" in text and "民事诉讼" in text


@needs_pdftotext
def test_a_dismissal_never_announces_enforcement(people, notices_of):
    case = converted(people, "invention")
    act(case, "deliberate", people["officer"], outcome="dismissed", opinion="合议组一致认为……")
    act(case, "decide", people["supervisor"], outcome="dismissed", reasons="未落入保护范围。")
    text = text_of(notices_of(case, "decision")[0])
    assert "驳回请求人的处理请求" in text
    assert "强制执行" not in text and "不停止本裁决的执行" not in text
    assert "可以自收到本裁决书之日起十五日内" in text


# ---- 14 ----


def test_suspension_grounds_are_exactly_article_28():
    from workflows.adjudication import REFUSE_SUSPENSION, SUSPEND_REASONS

    assert list(SUSPEND_REASONS) == ["invalidation", "death", "incapacity", "termination", "force_majeure",
                                     "depends", "referred_up"]
    for n, label in zip("一二三四五六七", SUSPEND_REASONS.values(), strict=True):
        assert label.endswith(f"（第二十八条第（{n}）项）"), label
    assert "实用新型" in SUSPEND_REASONS["invalidation"] and "外观设计" in SUSPEND_REASONS["invalidation"]
    for n, label in zip("一二三四五", REFUSE_SUSPENSION.values(), strict=True):
        assert label.endswith(f"（第二十九条第（{n}）项）"), label


def test_an_invention_under_invalidation_is_no_ground_to_suspend(people):
    case = converted(people, "invention")
    with pytest.raises(Conflict, match="第二十九条"):
        act(case, "suspend", people["officer"], reason="invalidation", detail="被请求人已提出无效宣告请求")
    act(case, "refuse_suspension", people["officer"], ground="invention", detail="发明专利")
    assert case.state == "examination"


@needs_pdftotext
def test_the_suspension_notice_states_the_ground_in_words(people, notices_of):
    case = converted(people, "invention")
    act(case, "suspend", people["officer"], reason="death", detail="被请求人经营者于2026年3月1日死亡")
    [notice] = notices_of(case, "suspension")
    text = text_of(notice)
    assert "death" not in text and "death" not in notice.parts["reason"]
    assert "死亡" in text and "第二十八条" in text
    assert "实施细则" not in text  # art. 98 concerns invalidation only


@needs_pdftotext
def test_a_design_suspended_for_invalidation_cites_the_rules_too(people, notices_of):
    case = converted(people, "design")
    act(case, "suspend", people["officer"], reason="invalidation", detail="国家知识产权局已受理无效宣告请求")
    text = text_of(notices_of(case, "suspension")[0])
    assert "无效宣告请求" in text and "《中华人民共和国专利法实施细则》第九十八条" in text


# ---- 15 ----


@needs_pdftotext
@pytest.mark.parametrize(("absence", "says", "never"), [
    ("requester", "按照请求人撤回调解请求处理", "撤销案件"),
    ("respondent", "以撤销案件的方式结案", "撤回调解请求"),
])
def test_the_termination_notice_follows_who_was_absent(people, notices_of, absence, says, never):
    complaint = filed(people, "invention")
    act(complaint, "accept", people["officer"])
    act(complaint, "convert", people["officer"], procedure="mediation", category="other")
    case = db.session.get(Case, complaint.data["converted_to"])
    act(case, "notify_respondent", people["officer"])
    act(case, "record_statement", people["officer"], agrees="yes", statement="同意调解")
    act(case, "docket", people["officer"], body="office")
    act(case, "hold_session", people["officer"], absence=absence, notes="一方未到场")
    [notice] = notices_of(case, "mediation_termination")
    text = text_of(notice)
    assert says in text and never not in text
    if absence == "requester":
        assert notice.title == "调解终止通知书" and "（撤销案件）" not in text
    assert db.session.scalar(sa.select(Case.state).where(Case.id == case.id)) in ("withdrawn", "failed")


# ---- 更正 (局令81 art. 33) ----


def stop_order(people):
    """An invention patent dispute decided: infringement, the order to stop (the decision drafted, not issued)."""
    case = converted(people, "invention")
    act(case, "deliberate", people["officer"], outcome="infringement", opinion="合议组一致认为……")
    act(case, "decide", people["supervisor"], outcome="infringement", reasons="落入保护范围。",
        measures="立即停止销售被诉侵权产品")
    return case


@needs_pdftotext
def test_the_correct_action_corrects_the_issued_decision_with_the_errors_recorded(people, notices_of):
    case = stop_order(people)
    [decision] = notices_of(case, "decision")
    with pytest.raises(Conflict, match="裁决书尚未签发"):  # a draft's slip is mended in the draft
        act(case, "correct", people["officer"], errors="第二页“11月3日”应为“11月4日”。")
    issue_decision(decision, people["supervisor"])
    act(case, "correct", people["officer"], errors="第二页“11月3日”应为“11月4日”。")
    [correction] = notices_of(case, "rectification")
    assert correction.corrects_id == decision.id
    text = text_of(correction)
    assert f"作出的《{decision.title}》（{decision.number}）存在笔误" in text
    assert "第二页“11月3日”应为“11月4日”。" in text


# ---- articles of the patent dispute only where the patent dispute is handled ----


@needs_pdftotext
def test_a_complaints_correction_notice_names_no_patent_dispute_article(people, notices_of):
    complaint = filed(people)
    act(complaint, "request_correction", people["officer"], items="请补充权利证明文件。")
    text = text_of(notices_of(complaint, "correction")[0])
    assert "一次性告知需补正的内容如下" in text and "请补充权利证明文件。" in text
    assert "专利纠纷行政裁决和调解办法" not in text  # 局令81 art. 16 governs the dispute request, not a complaint
    case = converted(people)
    case_correction = drafting.draft_notice(case, "correction", actor=people["officer"])
    assert "《专利纠纷行政裁决和调解办法》第十六条" in text_of(case_correction)


@needs_pdftotext
def test_a_complaints_transfer_letter_names_no_patent_dispute_article(people, notices_of):
    complaint = filed(people, kind="trademark", ip_type="trademark")
    act(complaint, "accept", people["officer"])
    act(complaint, "refer", people["supervisor"], kind="agency", target="重庆市江北区市场监督管理局",
        reason="被投诉人住所地和侵权行为地均在江北区。")
    referral = db.session.get(Case, complaint.data["referral"])
    act(referral, "approve", people["supervisor"])
    act(referral, "inform_requester", people["officer"], method="written", note="本案将移送江北区处理。")
    act(referral, "transfer", people["officer"])
    text = text_of(notices_of(referral, "case_transfer")[0])
    assert "现将本案移送你局处理" in text
    assert "第九条" not in text and "专利法实施细则" not in text and "请求人" not in text


def test_the_answer_notice_asks_for_a_copy_per_requester():
    """局令81 art. 22: the 答辩书 with one copy for each requester, not a fixed 一式两份 (two requesters need three)."""
    from caseflow.notices import catalogue

    [answer] = [s for s in catalogue.legal_notices("answer_notice", procedure="adjudication",
                                                   on=clock.today(), area="渝中区", data={}) if "答辩书" in s]
    assert "按请求人的人数提交副本" in answer and "一式两份" not in answer


@needs_pdftotext
def test_revoking_the_decision_issues_a_revocation_naming_it_not_a_new_stop_order(people, notices_of):
    """局令81 art. 33: a decision revoked after the patent was declared invalid. The document names the decision it
    revokes and orders nothing; it announces no enforcement."""
    case = stop_order(people)
    [decision] = notices_of(case, "decision")
    with pytest.raises(Conflict, match="裁决书尚未签发"):
        act(case, "amend_decision", people["supervisor"], change="revoke", reasons="专利权已被宣告全部无效。")
    issue_decision(decision, people["supervisor"])
    act(case, "amend_decision", people["supervisor"], change="revoke", reasons="专利权已被宣告全部无效。")
    [revocation] = notices_of(case, "decision_amendment")
    assert revocation.title == "撤销专利侵权纠纷行政裁决决定书" and revocation.corrects_id == decision.id
    text = text_of(revocation)
    assert f"撤销本局{cn_date(decision.document_date)}作出的《{decision.title}》（{decision.number}）。" in text
    assert "专利权已被宣告全部无效。" in text and "第三十三条" in text
    assert "责令" not in text and "强制执行" not in text and "十五日内" in text


def test_varying_the_decision_leaves_the_new_terms_to_the_officer(people, notices_of):
    from caseflow.notices import issuing

    case = stop_order(people)
    issue_decision(notices_of(case, "decision")[0], people["supervisor"])
    act(case, "amend_decision", people["supervisor"], change="vary", reasons="权利要求1被宣告无效，权利要求2维持有效。")
    [variation] = notices_of(case, "decision_amendment")
    assert variation.title == "变更专利侵权纠纷行政裁决决定书"
    assert variation.parts["measures"] == ""  # no default order: the varied terms are written, not assumed
    with pytest.raises(Exception, match="必填"):
        issuing.issue(variation, actor=people["supervisor"])


@needs_pdftotext
@pytest.mark.parametrize(("ground", "cites_article_12"), [("respondent", True), ("correction", False),
                                                          ("evaluation_report", False), (None, False)])
def test_a_refused_request_cites_article_12_only_for_its_conditions(people, ground, cites_article_12):
    """局令81: 不予受理 for want of an art. 12 condition says the request fails art. 12; one refused as 逾期未补正
    (art. 16) or for the 评价报告 (art. 14) does not claim it."""
    case = converted(people)
    notice = drafting.draft_notice(case, "rejection", actor=people["officer"],
                                   data={"reason": "见下。", **({"ground": ground} if ground else {})})
    text = text_of(notice)
    assert ("第十二条规定的条件" in text) is cites_article_12
    assert "本局决定不予受理" in text


# ---- a document states what the record shows (session 31) ----


@needs_pdftotext
def test_the_decision_states_what_the_panel_found_not_the_requests_own_account(people, notices_of):
    """局令81 art. 31: 经审理查明 is the office's finding. The draft leaves it to the panel (never the request's facts),
    and the decision cannot be issued until it is written."""
    from caseflow.core.errors import Invalid
    from caseflow.notices import issuing
    from caseflow.notices.context import adjudication_words
    from caseflow.notices.models import NoticeStatus

    case = stop_order(people)
    [decision] = notices_of(case, "decision")
    alleged = adjudication_words(case.facts)
    assert decision.parts["findings"] == "" and alleged not in text_of(decision)
    with pytest.raises(Invalid) as refused:
        issuing.issue(decision, actor=people["supervisor"])
    assert refused.value.message == "文书还有必填内容未填写"
    assert refused.value.fields == {"findings": "请填写“经审理查明的事实”"}
    assert decision.status == NoticeStatus.DRAFT and decision.number is None
    issue_decision(decision, people["supervisor"], findings="经审理查明：被请求人在其网店销售的茶具与涉案专利近似。")
    text = text_of(decision)
    assert "一、经审理查明经审理查明：被请求人在其网店销售的茶具与涉案专利近似。二、本局认为" in text
    assert alleged not in text
