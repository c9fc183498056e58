"""The catalogue of official documents (docs/architecture.md, Official documents), as data.

Each entry says what the document is called, which 发文字号 word numbers it (the office prefix comes from
``Unit.prefix``: 渝中知 + 保裁字 → 渝中知保裁字〔2026〕12号), to whom it is addressed, which free-text parts the
officers may edit before issuing, whether issuing needs a supervisor's sign-off, which party period its delivery
starts (answer_notice → ADJ_ANSWER from the respondent's receipt), its template, and the legally required notices
it carries (e.g. the route and the 15-day period to sue on a 行政裁决书 or 不予受理通知书), built from the
versioned citation table for the document's date.

Every ``notice=`` kind that a workflow action declares resolves to an entry here (``resolve``); ``referral_letter``
resolves by the referral's kind to the 涉嫌犯罪案件移送书, the 案件移送函 or the 强制执行申请书.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from caseflow.notices.citations import cite_text
from workflows.injunction import IN_FORCE
from workflows.referral import KINDS as REFERRAL_KINDS


@dataclass(frozen=True)
class Part:
    """A free-text part of a document that officers may edit before issuing."""

    name: str
    label: str
    rows: int = 5  # textarea height; 1 means a single line
    required: bool = False
    help: str = ""
    max_length: int = 20000


@dataclass(frozen=True)
class NoticeKind:
    code: str
    title: str  # generic title; titles_by_procedure refines it
    word: str  # 发文字号 type word, after the office prefix (保裁字); unique per kind so each has its own sequence
    recipient: str  # who it is addressed to: "claimant", "respondent", "parties" (every party) or "external"
    parts: tuple[Part, ...] = ()
    approval: bool = False  # issuing needs a supervisor's sign-off (签发) unless a supervisor issues it
    #: procedure (or "*") -> the party period(s) the delivery starts, e.g. ADJ_ANSWER (one id or several)
    delivery_rule: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)
    deadline_roles: frozenset[str] = frozenset()  # party roles whose receipt starts the rule
    #: rule -> the roles whose *first* receipt starts it instead of the last of ``deadline_roles``: the office's
    #: enforcement window runs from the end of the 被执行人's own period to sue, the earliest such day being the
    #: cautious one when there are several
    first_receipt: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: Periods the delivery re-bases only when the case runs them (the action that made them apply started them),
    #: never starts: the 被执行人's period to sue exists for a stop order, not for a dismissal or a revocation.
    rebase_only: frozenset[str] = frozenset()
    #: procedure -> the office's service periods that end when every recipient of ``deadline_roles`` is served (局令81
    #: arts 22, 65: the copy reaches the respondent within 5 working days; issuing it is not yet serving it)
    stops_on_delivery: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    procedures: frozenset[str] = frozenset()  # where officers may draft it by hand (besides via an action)
    titles_by_procedure: Mapping[str, str] = field(default_factory=dict)
    numbered: bool = True  # 送达回证 is a form, not a numbered document
    issuable: bool = True
    source: str = ""  # where the wording comes from
    basis: tuple[str, ...] = ()  # citation topics the document relies on
    # What a respondent does on the portal after claiming the access code this document carries ("" = no code):
    # issuing makes the codes, the document prints each unlinked respondent's code and where to enter it.
    portal_uses: str = ""
    #: A kind no action drafts that states a step was taken (协助删除: an injunction in force ordered take-downs) is
    #: drafted by hand only when the record shows the step: what the case lacks for it, or None when nothing.
    hand_needs: Callable[[Any], str | None] | None = None

    @property
    def template(self) -> str:
        return f"notices/{self.code}.html"

    def title_for(self, procedure: str | None) -> str:
        return self.titles_by_procedure.get(procedure or "", self.title)

    def part(self, name: str) -> Part | None:
        return next((p for p in self.parts if p.name == name), None)

    def rules_for(self, procedure: str) -> tuple[str, ...]:
        """The party periods the delivery of this document starts (or re-bases) in a procedure."""
        found = self.delivery_rule.get(procedure) or self.delivery_rule.get("*")
        if not found:
            return ()
        return (found,) if isinstance(found, str) else tuple(found)

    def rule_for(self, procedure: str) -> str | None:
        """The first of ``rules_for`` (the period the document is mainly about)."""
        return next(iter(self.rules_for(procedure)), None)


GUIDE = "专利侵权纠纷行政裁决办案指南（国知发保字〔2019〕57号）文书模板，条文按成文日期有效版本引用"
DRAFTED = "参照有关规定拟定（办案指南未附模板）"


def _ordered(case) -> list[str]:
    """The measures the case's injunction ordered (none before it is issued)."""
    return list(((getattr(case, "data", None) or {}).get("order") or {}).get("measures") or [])


ADJ, CPL, MED, INJ, REF = "adjudication", "complaint", "mediation", "injunction", "referral"
PARTY = frozenset({"claimant", "respondent"})

#: The letter a referral sends, by its kind (the workflow's ``referral_letter``, drafted at the transfer).
REFERRAL_LETTERS = {"police": "criminal_referral", "agency": "case_transfer", "court": "enforcement_application"}


def _referral_kind(case) -> str:
    return (getattr(case, "data", None) or {}).get("referral_kind") or "agency"


def _referral_letter_needs(case, code: str) -> str | None:
    """A referral's letter states its own kind of step: a police referral is no transfer to an agency."""
    if case.procedure != REF or REFERRAL_LETTERS.get(_referral_kind(case)) == code:
        return None
    return f"本案为“{REFERRAL_KINDS.get(_referral_kind(case), _referral_kind(case))}”"


def _application_needs(case) -> str | None:
    """An adjudication applies for enforcement after its 催告 (行政强制法 art. 54); a court referral drafts its own."""
    if case.procedure == ADJ and case.state not in ("reminded", "enforcement"):
        return "本案尚未催告当事人履行裁决（行政强制法第五十四条）"
    return _referral_letter_needs(case, "enforcement_application")


_KINDS: tuple[NoticeKind, ...] = (
    NoticeKind(
        "acceptance", "受理通知书", "保受字", "claimant",
        parts=(Part("notes", "其他告知事项", 3),),
        titles_by_procedure={ADJ: "专利侵权纠纷处理请求受理通知书", CPL: "投诉举报受理通知书",
                             MED: "专利纠纷调解受理通知书"},
        # It names the 合议组: the claimant's 回避 period (局令81 art. 5) runs from its receipt.
        delivery_rule={ADJ: "ADJ_RECUSAL_APPLICATION"}, deadline_roles=frozenset({"claimant"}),
        procedures=frozenset({ADJ, CPL, MED}), source=GUIDE, basis=("adj.docket", "adj.recusal"),
    ),
    NoticeKind(
        "rejection", "不予受理通知书", "保不受字", "claimant",
        parts=(Part("reasons", "不予受理的理由", 6, required=True),
               Part("competent_department", "有处理权限的部门（如有）", 1)),
        approval=True,
        titles_by_procedure={ADJ: "专利侵权纠纷处理请求不予受理通知书", CPL: "投诉举报不予受理通知书",
                             MED: "专利纠纷调解不予受理通知书"},
        procedures=frozenset({ADJ, CPL, MED}), source=GUIDE, basis=("adj.request_conditions", "adj.docket"),
    ),
    NoticeKind(
        "correction", "补正通知书", "保补字", "claimant",
        parts=(Part("items", "需补正的材料及要求", 6, required=True),
               Part("period", "补正期限", 1, required=True, help="如：十五日")),
        delivery_rule={CPL: "CPL_CORRECTION", ADJ: "ADJ_CORRECTION"}, deadline_roles=frozenset({"claimant"}),
        titles_by_procedure={ADJ: "专利侵权纠纷处理请求补正通知书"},
        procedures=frozenset({ADJ, CPL, MED}), source=DRAFTED, basis=("adj.correction",),
    ),
    NoticeKind(
        "answer_notice", "答辩通知书", "保答字", "respondent",
        parts=(Part("notes", "其他告知事项", 3),),
        # The answer period and, as it names the 合议组, the respondent's 回避 period run from its receipt; serving it
        # (not issuing it) ends the office's 5 working days (局令81 art. 22).
        delivery_rule={ADJ: ("ADJ_ANSWER", "ADJ_RECUSAL_APPLICATION")}, deadline_roles=frozenset({"respondent"}),
        stops_on_delivery={ADJ: ("ADJ_SERVE_REQUEST",)},
        procedures=frozenset({ADJ}), source=GUIDE, basis=("adj.answer", "adj.jurisdiction_objection", "adj.recusal"),
        portal_uses="在答辩期内提交答辩书、管辖权异议或者回避申请以及证据材料",
    ),
    NoticeKind(
        "hearing_notice", "口头审理通知书", "保审字", "parties",
        parts=(Part("time_place", "口头审理的时间和地点", 2, required=True),
               Part("panel", "合议组成员", 1),
               Part("notes", "其他告知事项", 3)),
        procedures=frozenset({ADJ}), source=GUIDE, basis=("adj.hearing", "adj.recusal"),
    ),
    NoticeKind(
        "suspension", "中止处理通知书", "保中字", "parties",
        parts=(Part("reason", "中止处理的原因", 4, required=True),),
        procedures=frozenset({ADJ}), source=GUIDE, basis=("adj.suspension_mandatory", "rules.suspension"),
    ),
    NoticeKind(
        "suspension_refusal", "不予中止处理通知书", "保不中字", "parties",
        parts=(Part("application", "中止处理申请的内容", 3, required=True),
               Part("reason", "不予中止的理由", 4, required=True)),
        procedures=frozenset({ADJ}), source=GUIDE, basis=("adj.suspension_optional", "rules.suspension"),
    ),
    NoticeKind(
        "resumption", "恢复处理通知书", "保恢字", "parties",
        parts=(Part("reason", "恢复处理的原因", 3, required=True),),
        procedures=frozenset({ADJ}), source=GUIDE, basis=("adj.suspension_mandatory",),
    ),
    NoticeKind(
        "jurisdiction_decision", "管辖权异议决定书", "保管字", "parties",
        parts=(Part("objection", "管辖权异议的内容", 3, required=True),
               Part("reasons", "理由", 5, required=True),
               Part("decision", "决定", 3, required=True, help="如：驳回被请求人提出的管辖权异议。")),
        procedures=frozenset({ADJ}), source=DRAFTED, basis=("adj.jurisdiction_objection", "rules.jurisdiction"),
    ),
    NoticeKind(
        "recusal_decision", "回避申请决定书", "保回字", "parties",
        parts=(Part("application", "回避申请的内容", 3, required=True),
               Part("reasons", "理由", 5, required=True),
               Part("decision", "决定", 3, required=True)),
        procedures=frozenset({ADJ}), source=GUIDE, basis=("adj.recusal",),
    ),
    NoticeKind(
        "extension", "延长办案期限通知书", "保延字", "parties",
        parts=(Part("reason", "延长的理由", 4, required=True),
               Part("period", "延长的期间", 1, required=True, help="如：一个月")),
        approval=True, procedures=frozenset({ADJ}), source=DRAFTED, basis=("adj.case_limit",),
    ),
    NoticeKind(
        "decision", "行政裁决书", "保裁字", "parties",
        parts=(Part("claims", "请求人的请求及理由（请求人称）", 6, required=True),
               Part("defence", "被请求人的答辩（被请求人辩称）", 6),
               Part("findings", "经审理查明的事实", 10, required=True),
               Part("reasons", "本局认为（理由和依据）", 10, required=True),
               Part("measures", "处理决定（责令停止侵权的类型、对象和范围，或驳回请求）", 8, required=True)),
        approval=True, delivery_rule={ADJ: ("ADJ_ADMIN_SUIT", "ADJ_ENFORCEE_SUIT")}, deadline_roles=PARTY,
        first_receipt={"ADJ_ENFORCEE_SUIT": frozenset({"respondent"})},
        rebase_only=frozenset({"ADJ_ENFORCEE_SUIT"}),
        titles_by_procedure={ADJ: "专利侵权纠纷行政裁决书"},
        procedures=frozenset({ADJ}), source=GUIDE,
        basis=("patent.dispute", "adj.decision_content", "adj.stop_measures", "adj.enforcement"),
    ),
    NoticeKind(
        # 局令81 art. 33: the decision varied or revoked (e.g. the patent declared invalid); the document names the
        # decision it varies or revokes, and says only what the officer decided (no default order). It tells the
        # parties they may sue within 15 days of receipt: its delivery starts that period, and a varied stop
        # order's enforcement window runs from the respondent's own period to sue it.
        "decision_amendment", "变更、撤销行政裁决决定书", "保变字", "parties",
        parts=(Part("reasons", "变更或者撤销的理由", 6, required=True),
               Part("measures", "决定（变更后的处理决定，或者撤销原裁决）", 6, required=True)),
        approval=True, delivery_rule={ADJ: ("ADJ_ADMIN_SUIT_AMENDED", "ADJ_ENFORCEE_SUIT_AMENDED")},
        deadline_roles=PARTY, first_receipt={"ADJ_ENFORCEE_SUIT_AMENDED": frozenset({"respondent"})},
        rebase_only=frozenset({"ADJ_ENFORCEE_SUIT_AMENDED"}), source=DRAFTED, basis=("adj.decision_amend",),
    ),
    NoticeKind(
        "rectification", "更正通知书", "保更字", "parties",
        parts=(Part("errors", "更正的内容（原文与更正后的文字）", 6, required=True),),
        approval=True, titles_by_procedure={ADJ: "行政裁决修改更正通知书"},
        source=GUIDE, basis=("adj.decision_amend",),
    ),
    NoticeKind(
        "revocation", "撤销案件决定书", "保撤字", "parties",
        parts=(Part("reason", "撤销案件的理由", 5, required=True),),
        approval=True, titles_by_procedure={ADJ: "撤销专利侵权纠纷案件决定书"},
        procedures=frozenset({ADJ}), source=GUIDE, basis=("adj.revocation",),
    ),
    NoticeKind(
        "reminder", "催告书", "保催字", "respondent",
        parts=(Part("obligation", "应当履行的义务", 6, required=True),
               Part("period", "履行期限", 1, required=True, help="如：自收到本催告书之日起十日内")),
        delivery_rule={ADJ: "ADJ_ENFORCEMENT_REMINDER_WAIT"}, deadline_roles=frozenset({"respondent"}),
        procedures=frozenset({ADJ}), source=DRAFTED, basis=("enforce.reminder_content", "enforce.reminder"),
    ),
    NoticeKind(
        "enforcement_application", "强制执行申请书", "保执字", "external",
        parts=(Part("addressee", "受理申请的人民法院", 1, required=True),
               Part("obligation", "申请执行的内容", 6, required=True),
               Part("facts", "事实和理由", 8, required=True)),
        approval=True, titles_by_procedure={ADJ: "专利侵权纠纷行政裁决强制执行申请书",
                                            REF: "专利侵权纠纷行政裁决强制执行申请书"},
        procedures=frozenset({ADJ, REF}), source=GUIDE,
        basis=("patent.dispute", "adj.enforcement", "enforce.application", "enforce.materials"),
        hand_needs=_application_needs,
    ),
    NoticeKind(
        "conclusion", "办结答复书", "保结字", "claimant",
        parts=(Part("outcome", "处理结果", 6, required=True),),
        titles_by_procedure={CPL: "投诉举报办结答复书"},
        procedures=frozenset({CPL}), source=DRAFTED, basis=("complaints.ip",),
    ),
    NoticeKind(
        "statement_notice", "陈述意见通知书", "保陈字", "respondent",
        parts=(Part("notes", "其他告知事项", 3),),
        delivery_rule={MED: "MED_STATEMENT"}, deadline_roles=frozenset({"respondent"}),
        stops_on_delivery={MED: ("MED_NOTICE",)},  # 局令81 art. 65: served within 5 working days of the request
        procedures=frozenset({MED}), source=DRAFTED, basis=("med.statement", "med.docket"),
        portal_uses="提交意见陈述书及证据材料",
    ),
    NoticeKind(
        "mediation_agreement", "调解协议书", "保调字", "parties",
        parts=(Part("facts", "纠纷的主要事实", 6, required=True),
               Part("terms", "协议内容", 10, required=True)),
        titles_by_procedure={ADJ: "专利侵权纠纷调解协议书", MED: "专利纠纷调解协议书"},
        procedures=frozenset({ADJ, MED}), source=GUIDE, basis=("adj.mediation", "med.agreement", "patent.dispute"),
    ),
    NoticeKind(
        "mediation_termination", "调解终止（撤销案件）通知书", "保调终字", "parties",
        parts=(Part("reason", "调解终止的原因", 4, required=True),),
        procedures=frozenset({MED}), source=DRAFTED, basis=("med.agreement", "med.absence", "med.ownership"),
    ),
    NoticeKind(
        "confirmation_notice", "司法确认申请告知书", "保确字", "parties",
        parts=(Part("court", "可以受理申请的人民法院", 1, required=True), Part("notes", "其他告知事项", 3)),
        procedures=frozenset({MED}), source=DRAFTED,
        basis=("civil.confirmation", "civil.confirmation_exclusions", "mediation_law.confirmation"),
    ),
    NoticeKind(
        "injunction_order", "先行禁令决定书", "保禁字", "respondent",
        parts=(Part("facts", "投诉的事实和证据", 6, required=True),
               Part("measures", "责令立即停止的行为", 6, required=True),
               Part("duration", "禁令的期限", 1, required=True),
               Part("legal_basis", "依据", 2, required=True, help="本局先行发布禁令制度的依据，按本局配置")),
        approval=True, procedures=frozenset({INJ}), source=DRAFTED, basis=("review.period", "suit.general"),
    ),
    NoticeKind(
        "injunction_refusal", "不予发布先行禁令通知书", "保不禁字", "claimant",
        parts=(Part("reason", "不予发布的理由", 5, required=True),),
        approval=True, procedures=frozenset({INJ}), source=DRAFTED, basis=("review.period", "suit.general"),
    ),
    NoticeKind(
        "platform_notice", "协助删除侵权链接通知书", "保禁通字", "external",
        parts=(Part("addressee", "电子商务平台经营者", 1, required=True),
               Part("listings", "涉嫌侵权的网络销售链接或商品编号", 5, required=True),
               Part("measures", "请求采取的措施", 3, required=True)),
        approval=True, procedures=frozenset({INJ}), source=DRAFTED, basis=(),
        hand_needs=lambda case: None if case.state in IN_FORCE and "take_down" in _ordered(case)
        else "本案没有有效的责令删除网络销售链接的先行禁令",
    ),
    NoticeKind(
        "injunction_lift", "解除禁令决定书", "保解禁字", "parties",
        parts=(Part("reason", "解除禁令的理由", 5, required=True),),
        approval=True, procedures=frozenset({INJ}), source=DRAFTED, basis=(),
    ),
    NoticeKind(
        "criminal_referral", "涉嫌犯罪案件移送书", "保刑移字", "external",
        parts=(Part("addressee", "接受移送的公安机关", 1, required=True),
               Part("facts", "涉嫌犯罪的主要事实", 8, required=True),
               Part("materials", "附送的材料", 4, required=True)),
        approval=True, procedures=frozenset({REF}), source=DRAFTED,
        basis=("referral.threshold", "referral.procedure", "referral.materials", "referral.police_decision"),
        hand_needs=partial(_referral_letter_needs, code="criminal_referral"),
    ),
    NoticeKind(
        "reconsideration_request", "提请复议书", "保刑复字", "external",
        parts=(Part("addressee", "作出不予立案决定的公安机关", 1, required=True),
               Part("decision", "不予立案决定", 3, required=True),
               Part("grounds", "提请复议的理由", 8, required=True)),
        approval=True, procedures=frozenset({REF}), source=DRAFTED,
        basis=("referral.police_decision", "referral.reconsideration"),
    ),
    NoticeKind(
        "supervision_proposal", "立案监督建议书", "保刑监字", "external",
        parts=(Part("addressee", "人民检察院", 1, required=True),
               Part("history", "移送、不予立案及复议的经过", 5, required=True),
               Part("grounds", "建议立案监督的理由", 8, required=True)),
        approval=True, procedures=frozenset({REF}), source=DRAFTED,
        basis=("referral.threshold", "referral.reconsideration"),
    ),
    NoticeKind(
        "case_transfer", "案件移送函", "保移字", "external",
        parts=(Part("addressee", "接受移送的机关", 1, required=True),
               Part("reason", "移送的理由", 5, required=True),
               Part("materials", "移送的材料", 3, required=True)),
        # Only a referral sends it, at its transfer: an adjudication's transfer (局令81 art. 9) and a complaint's
        # 全案移送 are referrals, and a complaint outside the office's authority is not forwarded by it (投诉举报处理
        # 暂行办法 arts 29, 37: the complainant is told where to go, "不得自行移送").
        approval=True, procedures=frozenset({REF}), source=DRAFTED,
        basis=("adj.jurisdiction_objection", "rules.jurisdiction"),
        hand_needs=partial(_referral_letter_needs, code="case_transfer"),
    ),
    NoticeKind(
        "evidence_list", "证据清单", "保证字", "parties",
        parts=(Part("notes", "说明", 3),),
        procedures=frozenset({ADJ, CPL, MED, INJ, REF}), source=GUIDE, basis=(),
    ),
    NoticeKind(
        "service_receipt", "送达回证", "", "parties",
        numbered=False, issuable=False, source=GUIDE, basis=("civil.electronic_service", "civil.public_notice_service"),
    ),
)

KINDS: dict[str, NoticeKind] = {k.code: k for k in _KINDS}

#: Party periods that the delivery of more than one kind starts (the 回避 period: the claimant learns the panel from
#: the 受理通知书, the respondent from the 答辩通知书): the later party's receipt counts, never an earlier one.
SHARED_DELIVERY_RULES: frozenset[str] = frozenset(
    rule for rule in {r for k in _KINDS for rules in k.delivery_rule.values()
                      for r in ((rules,) if isinstance(rules, str) else rules)}
    if sum(1 for k in _KINDS for rules in k.delivery_rule.values()
           if rule in ((rules,) if isinstance(rules, str) else rules)) > 1)

#: What a workflow's ``notice=`` names, when it is not a catalogue code itself.
WORKFLOW_ALIASES: dict[str, Callable[[object], str]] = {
    "referral_letter": lambda case: REFERRAL_LETTERS.get(_referral_kind(case), "case_transfer"),
}


def document_title(kind: NoticeKind, procedure: str | None, data: Mapping | None = None) -> str:
    """The title a document of this kind bears, for its procedure and the action that drafted it.

    A mediation that ends because the requester stayed away is treated as withdrawn (局令81 art. 67): its notice is a
    调解终止通知书, not a 撤销案件 one.
    """
    if kind.code == "mediation_termination" and (data or {}).get("absence") == "requester":
        return "调解终止通知书"
    if kind.code == "decision_amendment":
        return f"{'撤销' if (data or {}).get('change') == 'revoke' else '变更'}专利侵权纠纷行政裁决决定书"
    return kind.title_for(procedure)


def access_code_documents(procedure: str | None = None) -> list[dict]:
    """The documents that carry a respondent's access code, with what the code lets the respondent do (the login and
    access pages name them as the documents print them); ``procedure``: only the one its cases serve (a mediation's
    陈述意见通知书, an adjudication's 答辩通知书)."""
    return [{"title": k.title, "uses": k.portal_uses} for k in _KINDS
            if k.portal_uses and (procedure is None or procedure in k.procedures)]


def kind(code: str) -> NoticeKind:
    """The catalogue entry of a kind code (KeyError when unknown)."""
    return KINDS[code]


def resolve(notice_name: str, case) -> NoticeKind:
    """The catalogue entry an action's ``notice=`` stands for, for this case."""
    if notice_name in KINDS:
        return KINDS[notice_name]
    alias = WORKFLOW_ALIASES.get(notice_name)
    if alias is None:
        raise KeyError(f"no catalogue entry for notice kind {notice_name!r}")
    return KINDS[alias(case)]


def manual_kinds(procedure: str) -> list[NoticeKind]:
    """Kinds officers may draft by hand on a case of this procedure."""
    return [k for k in _KINDS if procedure in k.procedures and k.issuable]


def hand_draftable(case, drafted: Iterable[str]) -> list[NoticeKind]:
    """The kinds officers may draft by hand on this case (``drafted``: the kinds it already has, discarded ones
    included): those ``hand_refusal`` lets through."""
    by_action, have = _by_action(case), set(drafted)
    return [k for k in manual_kinds(case.procedure) if _refusal(case, k, by_action, have) is None]


def hand_refusal(case, kind: NoticeKind, drafted: Iterable[str]) -> str | None:
    """Why officers may not draft this kind by hand on this case, or None when they may."""
    return _refusal(case, kind, _by_action(case), set(drafted))


def _by_action(case) -> set[str]:
    import workflows

    procedure = workflows.PROCEDURES.get(case.procedure)
    return {resolve(a.notice, case).code for a in procedure.actions if a.notice} if procedure else set()


def _refusal(case, kind: NoticeKind, by_action: set[str], have: set[str]) -> str | None:
    # A kind an action of the procedure drafts states that the step was taken (受理, 催告, 延长 …): by hand only once
    # the case has had one, to draft it again, never the first; a kind no action drafts but which states a step (the
    # kind's ``hand_needs``) only when the record shows it.
    title = kind.title_for(case.procedure)
    if kind.hand_needs is not None and (missing := kind.hand_needs(case)) is not None:
        return f"{missing}，不能起草“{title}”"
    if kind.code in by_action and kind.code not in have:
        return f"“{title}”由办理相应步骤时起草，本案尚未办理该步骤，不能手工起草"
    return None


# ---------------------------------------------------------------------------------------------------------
# Legally required notices (法定告知事项): fixed sentences no officer edits, by kind, procedure and date.
# ---------------------------------------------------------------------------------------------------------

SUE_15 = "可以自收到本{doc}之日起十五日内，依照《中华人民共和国行政诉讼法》向人民法院起诉"
#: 局令81 art. 5: the 回避 period runs from knowing the panel's names (this document), at the latest to the hearing.
RECUSAL = ("当事人认为合议组成员与本案有利害关系或者其他关系可能影响公正处理的，可以依照{law}的规定，"
           "自收到本通知书之日起三个工作日内申请回避，最迟应当在口头审理开始时提出；"
           "回避事由在此后知道的，可以在审理结束前提出。")


def reconsideration_body(area: str | None) -> str:
    """The people's government that hears an application for 行政复议 against the office (行政复议法 2023 art. 24)."""
    if not area or area == "重庆市":
        return "重庆市人民政府"
    return f"重庆市{area}人民政府"


def review_and_suit(doc: str, on: dt.date, area: str | None) -> str:
    """The remedies against an ordinary administrative act of the office: 行政复议 within 60 days (行政复议法 2023
    art. 20) before the people's government it answers to, or 行政诉讼 within 6 months (行政诉讼法 art. 46)."""
    return (f"如不服本{doc}，可以自收到本{doc}之日起六十日内，依照{cite_text('review.period', on)}的规定向"
            f"{reconsideration_body(area)}申请行政复议，也可以自收到本{doc}之日起六个月内，依照"
            f"{cite_text('suit.general', on)}的规定向人民法院提起行政诉讼。")


def legal_notices(code: str, *, procedure: str | None, on: dt.date, area: str | None = None,
                  data: Mapping | None = None, case_kind: str | None = None,
                  roles: tuple[str, str] = ("申请人", "被申请人"), ex_officio: bool = False) -> list[str]:
    """The legally required sentences a document of this kind must carry, for its date; ``roles``: what the
    document calls the two sides; ``ex_officio``: an injunction nobody applied for.

    The 15-day suit of 专利法 art. 65 belongs to the handling of patent infringement disputes (an adjudication, or a
    dispute request received as a complaint); any other refusal of a complaint is an ordinary administrative act:
    行政复议 or 行政诉讼.
    """
    data = data or {}
    patent = cite_text("patent.dispute", on, "《中华人民共和国专利法》")
    if code == "rejection" and procedure == MED:
        return [("本局不予立案调解的，当事人可以就该纠纷依照《中华人民共和国民事诉讼法》向人民法院起诉；"
                 "属于专利侵权纠纷的，"
                 "也可以请求管理专利工作的部门处理。")]
    if code == "rejection" and procedure == CPL and case_kind != "patent_infringement":
        return [review_and_suit("通知书", on, area)]
    if code == "rejection":
        return [f"如不服本通知，{SUE_15.format(doc='通知书')}；也可以就请求处理的事项直接向人民法院提起民事诉讼。"]
    if code == "decision" and data.get("outcome") == "dismissed":
        # Nothing to execute: a dismissal announces neither execution during a suit nor enforcement.
        return [f"当事人不服本裁决的，{SUE_15.format(doc='裁决书')}。"]
    if code == "decision":
        return [
            f"当事人不服本裁决的，{SUE_15.format(doc='裁决书')}。诉讼期间，不停止本裁决的执行。",
            f"被请求人期满不起诉又不停止侵权行为的，本局将依照{patent}的规定申请人民法院强制执行。",
        ]
    if code == "revocation":
        return [f"不服本决定的，{SUE_15.format(doc='决定书')}。"]
    if code == "decision_amendment":
        return [f"当事人不服本决定的，{SUE_15.format(doc='决定书')}。"]
    if code == "rectification":
        return ["本通知书与原文书具有同等效力；原文书的其他内容不变，当事人依原文书享有的权利和起诉期限不变。"]
    if code == "injunction_order":
        body = reconsideration_body(area)
        return [
            (f"{roles[1]}应当自收到本决定书之日起立即停止上述行为。如不服本决定，可以自收到本决定书之日起六十日内"
             f"向{body}申请行政复议，"
             "或者自收到本决定书之日起六个月内依照《中华人民共和国行政诉讼法》向人民法院提起行政诉讼。"
             "复议和诉讼期间，本决定不停止执行。"),
            f"{roles[1]}对本决定有异议的，可以向本局提出陈述和申辩；本局将进行复核，理由成立的，解除禁令。",
        ]
    if code == "injunction_refusal":
        body = reconsideration_body(area)
        # Taken up ex officio, nobody applied: there is no 申请人 to apply again.
        return [
            "本决定不影响本局对主案的继续处理" + ("。" if ex_officio else "；申请人取得新的证据的，可以再次申请。"),
            (f"{'' if ex_officio else '申请人'}如不服本决定，可以自收到本通知书之日起六十日内向{body}申请行政复议，"
             "或者自收到本通知书之日起六个月内依照《中华人民共和国行政诉讼法》向人民法院提起行政诉讼。"),
        ]
    if code == "reminder":
        return [
            "你（单位）收到本催告书后有权进行陈述和申辩，可以自收到本催告书之日起三日内向本局提出。",
            ("本催告书送达十日后仍未履行义务的，"
             f"本局将依照{cite_text('enforce.reminder', on)}的规定申请人民法院强制执行。"),
        ]
    if code == "answer_notice":
        answer = cite_text("adj.answer", on)
        return [
            (f"根据{answer}的规定，请你（单位）自收到本通知书之日起十五日内向本局提交答辩书及证据材料，"
             "答辩书按请求人的人数提交副本；在中华人民共和国境内没有固定住所的，答辩期为三十日。期满未答辩的，不影响本局处理。"),
            "对管辖权有异议的，应当在答辩期内提出。",
            RECUSAL.format(law=cite_text("adj.recusal", on)),
        ]
    if code == "statement_notice":
        return [
            (f"根据{cite_text('med.statement', on)}的规定，请你（单位）自收到本通知书之日起十五日内提交意见陈述书，"
             "说明是否同意调解；逾期未提交或者不同意调解的，本局将不予立案调解，并通知请求人。"),
        ]
    if code == "correction":
        return ["逾期未补正或者补正后仍不符合规定的，本局将不予受理。"]
    if code == "hearing_notice":
        return [
            "请在收到本通知书之日起三日内将口头审理回执交回本局。",
            ("请求人无正当理由拒不参加口头审理或者未经许可中途退出的，按撤回请求处理；被请求人无正当理由拒不参加"
             "或者未经许可中途退出的，按缺席处理。"),
        ]
    if code == "acceptance" and procedure == ADJ:
        return [RECUSAL.format(law=cite_text("adj.recusal", on))]
    if code == "mediation_agreement":
        return ["本协议书经双方当事人签名或者盖章，并加盖本局印章后生效。",
                "一方当事人不履行本协议的，对方当事人可以依照《中华人民共和国民事诉讼法》向人民法院起诉。"]
    if code == "mediation_termination" and data.get("absence") == "requester":
        return ["当事人可以就该纠纷依照《中华人民共和国民事诉讼法》向人民法院起诉。"]
    if code == "mediation_termination":
        return ["调解不成的，当事人可以依照《中华人民共和国民事诉讼法》向人民法院起诉。"]
    if code == "confirmation_notice":
        confirm = cite_text("civil.confirmation", on)
        return [
            f"依照{confirm}的规定，双方当事人可以自调解协议生效之日起三十日内，共同向有管辖权的人民法院申请司法确认。",
            "调解协议内容涉及物权、知识产权确权的，人民法院不予受理司法确认申请。",
        ]
    if code == "criminal_referral":
        return [(f"请依照{cite_text('referral.police_decision', on, '有关规定')}的规定，自接受移送之日起三日内作出立案"
                 "或者不予立案的决定，并书面通知本局。")]
    return []
