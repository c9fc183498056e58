"""The catalogue and the citation table: every workflow document resolves, citations follow the law in force."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

import workflows
from caseflow.core.pdf import TEMPLATES_DIR
from caseflow.deadlines.rules import rule_for
from caseflow.notices import catalogue, citations
from caseflow.notices.citations import cite, cite_join, cite_text, cn_number
from caseflow.notices.context import mask_name, office_display_name

DESIGN_5 = {"受理通知书", "不予受理通知书", "补正通知书", "答辩通知书", "口头审理通知书", "中止处理通知书",
            "不予中止处理通知书",
            "恢复处理通知书", "管辖权异议决定书", "回避申请决定书", "延长办案期限通知书", "行政裁决书",
            "变更、撤销行政裁决决定书", "更正通知书",
            "撤销案件决定书",
            "催告书", "强制执行申请书", "办结答复书", "陈述意见通知书", "调解协议书", "调解终止（撤销案件）通知书",
            "司法确认申请告知书",
            "先行禁令决定书", "不予发布先行禁令通知书", "解除禁令决定书", "协助删除侵权链接通知书",
            "涉嫌犯罪案件移送书", "提请复议书",
            "立案监督建议书", "案件移送函", "证据清单", "送达回证"}


class FakeCase:
    def __init__(self, procedure, data=None):
        self.procedure, self.data = procedure, data or {}


def test_the_catalogue_covers_design_section_5():
    assert {k.title for k in catalogue.KINDS.values()} == DESIGN_5


@pytest.mark.parametrize("code", list(workflows.PROCEDURES))
def test_every_workflow_notice_resolves_to_a_catalogue_entry(code):
    proc = workflows.procedure(code)
    for action in proc.actions:
        if action.notice:
            for referral_kind in ("police", "agency", "court"):
                kind = catalogue.resolve(action.notice, FakeCase(code, {"referral_kind": referral_kind}))
                assert kind.issuable and (TEMPLATES_DIR / kind.template).is_file(), (code, action.name)


def test_referral_letters_follow_the_referral_kind():
    assert catalogue.resolve("referral_letter", FakeCase("referral", {"referral_kind": "police"})).code == \
        "criminal_referral"
    assert catalogue.resolve("referral_letter", FakeCase("referral", {"referral_kind": "agency"})).code == \
        "case_transfer"
    assert catalogue.resolve("referral_letter", FakeCase("referral", {"referral_kind": "court"})).code == \
        "enforcement_application"


def test_every_kind_has_a_template_a_unique_word_and_known_deadline_rules():
    words = [k.word for k in catalogue.KINDS.values() if k.numbered]
    assert len(words) == len(set(words)) and all(w.endswith("字") for w in words)
    for kind in catalogue.KINDS.values():
        assert (TEMPLATES_DIR / kind.template).is_file(), kind.code
        for procedure in kind.delivery_rule:
            for rule_id in (*kind.rules_for(procedure), *kind.stops_on_delivery.get(procedure, ())):
                assert rule_for(rule_id, dt.date(2026, 3, 5), "500103").procedure == procedure
            assert kind.deadline_roles
    assert catalogue.kind("answer_notice").rule_for("adjudication") == "ADJ_ANSWER"
    assert catalogue.kind("decision").rule_for("adjudication") == "ADJ_ADMIN_SUIT"
    assert catalogue.kind("statement_notice").rule_for("mediation") == "MED_STATEMENT"
    # The panel is named in the 受理通知书 and the 答辩通知书: both start the 回避 period (局令81 art. 5).
    assert catalogue.kind("acceptance").rules_for("adjudication") == ("ADJ_RECUSAL_APPLICATION",)
    assert "ADJ_RECUSAL_APPLICATION" in catalogue.kind("answer_notice").rules_for("adjudication")
    assert {"ADJ_RECUSAL_APPLICATION"} == catalogue.SHARED_DELIVERY_RULES


def test_chinese_article_numbers():
    assert [cn_number(n) for n in (1, 10, 15, 20, 65, 98, 100, 102, 110, 205, 355)] == [
        "一", "十", "十五", "二十", "六十五", "九十八", "一百", "一百零二", "一百一十", "二百零五", "三百五十五"]


def test_documents_cite_the_version_in_force_on_their_date():
    # The 2019 templates cite 专利法 (2008) art. 60; the 2020 text (in force 2021-06-01) renumbered it art. 65.
    assert cite("patent.dispute", dt.date(2021, 5, 31)).article_text == "第六十条"
    assert cite_text("patent.dispute", dt.date(2021, 6, 1)) == "《中华人民共和国专利法》第六十五条"
    # 局令81 replaced the 2015 专利行政执法办法 on 2025-02-01.
    assert cite_text("adj.docket", dt.date(2025, 1, 31)) == "《专利行政执法办法》第十三条"
    assert cite_text("adj.docket", dt.date(2025, 2, 1)) == "《专利纠纷行政裁决和调解办法》第二十条"
    assert cite("rules.suspension", dt.date(2023, 6, 1)).article == 82
    assert cite("rules.suspension", dt.date(2024, 6, 1)).article == 98
    assert cite("civil.confirmation", dt.date(2023, 6, 1)).article == 201
    assert cite("civil.confirmation", dt.date(2024, 6, 1)).article == 205
    assert cite("trademark.handling", dt.date(2026, 12, 31)).article == 60
    assert cite("trademark.handling", dt.date(2027, 1, 1)).article == 74
    # No rule of 局令81 before it existed: the template falls back to "有关规定" rather than a wrong article.
    assert cite("adj.revocation", dt.date(2024, 1, 1)) is None
    assert cite_text("adj.revocation", dt.date(2024, 1, 1)) == "有关规定"
    assert cite_join(("patent.infringement", "patent.dispute", "adj.decision_content"), dt.date(2026, 3, 5)) == (
        "《中华人民共和国专利法》第十一条第一款、第六十五条和《专利纠纷行政裁决和调解办法》第三十一条")
    assert all(topic in citations.TOPICS for topic in {row.topic for row in citations.TABLE})
    with pytest.raises(KeyError):
        cite("no.such.topic", dt.date(2026, 1, 1))


def test_versions_of_one_topic_never_overlap():
    by_topic: dict[str, list] = {}
    for row in citations.TABLE:
        by_topic.setdefault(row.topic, []).append(row)
    for topic, rows in by_topic.items():
        rows.sort(key=lambda r: r.effective_from)
        for earlier, later in itertools.pairwise(rows):
            assert earlier.effective_to is not None and earlier.effective_to < later.effective_from, topic


def test_legally_required_notices():
    on = dt.date(2026, 3, 5)
    sue = "可以自收到本{}之日起十五日内，依照《中华人民共和国行政诉讼法》向人民法院起诉"
    assert any(sue.format("裁决书") in s for s in catalogue.legal_notices("decision", procedure="adjudication", on=on))
    # The 15 days of 专利法 art. 65 belong to patent dispute handling; a complaint's refusal is reviewable and suable.
    assert any(sue.format("通知书") in s for s in catalogue.legal_notices("rejection", procedure="adjudication", on=on))
    assert any(sue.format("通知书") in s for s in catalogue.legal_notices(
        "rejection", procedure="complaint", on=on, case_kind="patent_infringement"))
    [report] = catalogue.legal_notices("rejection", procedure="complaint", on=on, area="渝中区", case_kind="trademark")
    assert "十五日" not in report and "六十日内" in report and "六个月内" in report
    assert any(sue.format("决定书") in s for s in catalogue.legal_notices("revocation", procedure="adjudication",
                                                                       on=on))
    order, defence = catalogue.legal_notices("injunction_order", procedure="injunction", on=on, area="渝中区")
    assert "重庆市渝中区人民政府申请行政复议" in order and "六个月内" in order
    assert "陈述和申辩" in defence and "复核" in defence  # the respondent is heard after the order (issue #15 item 16)
    refusal = " ".join(catalogue.legal_notices("injunction_refusal", procedure="injunction", on=on, area="渝中区"))
    assert "重庆市渝中区人民政府申请行政复议" in refusal and "六个月内" in refusal
    assert "第二十二条" in catalogue.legal_notices("answer_notice", procedure="adjudication", on=on)[0]
    old = catalogue.legal_notices("decision", procedure="adjudication", on=dt.date(2020, 5, 1))
    assert "《中华人民共和国专利法》第六十条" in old[1]


def test_names_and_office_as_documents_print_them():
    assert office_display_name("重庆市渝中区市场监督管理局（重庆市渝中区知识产权局）") == "重庆市渝中区知识产权局"
    assert office_display_name("重庆市知识产权局") == "重庆市知识产权局"
    assert [mask_name(n) for n in ("王喆", "𠮷永福", "重庆堃泰机电科技有限公司")] == ["王*", "𠮷*福",
                                                                     "重庆********公司"]


def test_a_referral_drafts_only_its_own_kind_of_letter_and_an_application_follows_the_reminder():
    """A police referral is no transfer to an agency nor an application to a court: each letter states the step
    of its own kind of referral, and an adjudication applies for enforcement only after its 催告."""
    def draftable(procedure, state, **data):
        case = FakeCase(procedure, data)
        case.state = state
        return {k.code for k in catalogue.hand_draftable(case, ("criminal_referral", "case_transfer",
                                                                 "enforcement_application"))}

    letters = {"criminal_referral", "case_transfer", "enforcement_application"}
    for referral_kind, letter in catalogue.REFERRAL_LETTERS.items():
        assert draftable("referral", "transferred", referral_kind=referral_kind) & letters == {letter}
    police = FakeCase("referral", {"referral_kind": "police"})
    assert "涉嫌犯罪移送公安机关" in catalogue.hand_refusal(police, catalogue.KINDS["case_transfer"], ())
    assert "enforcement_application" not in draftable("adjudication", "decided")
    assert "enforcement_application" in draftable("adjudication", "reminded")
    # A transfer letter states a transfer on record: only a referral sends one, never a complaint or an adjudication.
    for procedure, state in (("complaint", "submitted"), ("complaint", "accepted"), ("adjudication", "revoked")):
        assert "case_transfer" not in draftable(procedure, state)
