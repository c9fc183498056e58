"""移送 to the police, another agency or a court (docs/procedures.md, referral).

Police (行政执法机关移送涉嫌犯罪案件的规定, 国务院令310, 2020): a special team of two or more officers writes the
report (art. 5) — submitting it starts the head's 3-day approval period; approval starts the 24-hour transfer with
the 涉嫌犯罪案件移送书 and the evidence package (art. 6); the police decide within 3 days (art. 8); a refusal may be
reconsidered (request and reply within 3 days each) and the procuratorate asked to supervise (art. 9); after the
police open a case the exhibits are handed over within 3 days (art. 12).
Agency (局令81 art. 9): the requester is told first, then the 案件移送函. Court: the 强制执行申请书 of a decision.
The referral's ``parent`` is the case it came from; ``data["parent_effect"]`` says whether that case goes on.
"""

from __future__ import annotations

from workflows.base import (
    OPEN,
    PARENT_EFFECTS,
    Action,
    Choice,
    GuardContext,
    Line,
    Procedure,
    State,
    Terminal,
    Text,
    UserList,
    case_data,
    common_actions,
)

STAFF = {"officer"}
HEAD = {"supervisor"}
KINDS = {"police": "涉嫌犯罪移送公安机关", "agency": "移送有管辖权的行政机关", "court": "申请人民法院强制执行"}
POLICE_DECISION = {"accepted": "立案", "declined": "不予立案"}
SUPERVISION_RESULT = {"accepted": "公安机关立案", "declined": "维持不立案"}
THRESHOLD = {
    "reasonable_suspicion": "存在犯罪的合理嫌疑，需公安机关进一步取证（第三条第二款）",
    "threshold_met": "涉案金额、情节或者后果已达到刑事追诉标准（第三条第一款）",
}
INFORM_METHODS = {"written": "书面告知", "electronic": "电子送达", "phone": "电话告知并记录"}


def _kind(*kinds):
    def guard(ctx: GuardContext) -> str | None:
        return None if case_data(ctx.case).get("referral_kind") in kinds else "该移送类型不适用此操作"

    return guard


POLICE = _kind("police")
AGENCY = _kind("agency")
COURT = _kind("court")
OTHER = _kind("agency", "court")


def team_size(ctx: GuardContext) -> str | None:
    """Art. 5: a special team of two or more officers."""
    members = ctx.data.get("team") or []
    if not members:
        return None  # a required field: the form asks for it
    if isinstance(members, str):
        members = [m for m in members.replace("，", ",").split(",") if m.strip()]
    if len(set(members)) != len(members):
        return "专案组成员不能重复"
    if len(members) < 2:
        return "应当指定两名或者两名以上执法人员组成专案组（第五条）"
    return None


def report_submitted(ctx: GuardContext) -> str | None:
    return None if case_data(ctx.case).get("report") else "专案组尚未提交移送涉嫌犯罪案件的书面报告（第五条）"


def requester_informed(ctx: GuardContext) -> str | None:
    return None if case_data(ctx.case).get("requester_informed") else "移送前应当先告知请求人（局令81第九条）"


def materials_pending(ctx: GuardContext) -> str | None:
    return None if case_data(ctx.case).get("materials_requested") else "公安机关没有待补充的材料通知"


def no_materials_pending(ctx: GuardContext) -> str | None:
    return "已有尚未补充的材料通知" if case_data(ctx.case).get("materials_requested") else None


def _decision(name, label, source, choices, outcomes, extra_fields=None, guards=(POLICE,)):
    """One variant per outcome, chosen by the ``decision`` input (dest, starts, stops, closes)."""
    fields = {"decision": Choice(label, required=True, choices=choices),
              "document_number": Line("文书编号"),
              "note": Text("说明（理由、文书内容）"),
              **(extra_fields or {})}
    return [Action(name, label, source, dest, roles=STAFF, guards=guards, fields=fields, when=("decision", value),
                   starts=starts, stops=stops, closes=closes, effects=("remember_fields",))
            for value, dest, starts, stops, closes in outcomes]


PROCEDURE = Procedure(
    code="referral",
    title="案件移送",
    number_word="移",
    first="drafted",
    states={
        "drafted": State("拟移送"),
        "approved": State("已批准"),
        "transferred": State("已移送"),
        "accepted_by_police": State("公安已立案"),
        "declined_by_police": State("公安不予立案"),
        "reconsideration": State("复议中"),
        "declined_after_reconsideration": State("复议维持不立案"),
        "supervision": State("检察监督中"),
        "not_referred": Terminal("不予移送"),
        "handed_over": Terminal("已移交涉案物品"),
        "closed": Terminal("已办结"),
    },
    # The head's 3 days run from the receipt of the written report (police), so they start with `submit_report`.
    starts_on_create=(),
    actions=[
        # ---- the special team and its report (art. 5) ----
        Action("submit_report", "专案组提交书面报告", "drafted", None, roles=STAFF, guards=(POLICE, team_size),
               fields={"team": UserList("专案组成员（两名以上执法人员）", required=True),
                       "threshold": Choice("移送依据", required=True, choices=THRESHOLD),
                       "report": Text("移送涉嫌犯罪案件的书面报告", required=True)},
               effects=("store_referral_report",), starts=("REF_APPROVE",),
               help="报告提交后，负责人应当自接到报告之日起三日内作出批准移送或者不批准移送的决定"),
        # ---- the head's decision ----
        Action("approve", "批准移送", "drafted", "approved", roles=HEAD, guards=(POLICE, report_submitted),
               fields={"opinion": Text("审批意见")}, effects=("remember_fields",),
               stops=("REF_APPROVE",), starts=("REF_TRANSFER",)),
        Action("approve", "批准移送", "drafted", "approved", roles=HEAD, guards=(OTHER,),
               fields={"opinion": Text("审批意见")}, effects=("remember_fields",)),
        # A transfer the origin case's own decision ordered (an upheld jurisdiction objection, a revocation for want
        # of jurisdiction, 局令81 art. 9) that a head took or approved is decided already: it is not put to the head a
        # second time (caseflow.policy.head_decided).
        Action("approve_with_origin", "随原案件决定移送", "drafted", "approved", roles={"system"}, guards=(AGENCY,),
               fields={"decision": Text("原案件的决定")}, effects=("remember_fields",)),
        Action("decline", "不批准移送", "drafted", "not_referred", roles=HEAD,
               fields={"reason": Text("不批准移送的理由（应当记录在案）", required=True)},
               closes=True, effects=("remember_fields",), stops=("REF_APPROVE",)),
        # ---- agency: the requester is told first (局令81 art. 9) ----
        Action("inform_requester", "告知请求人", "approved", None, roles=STAFF, guards=(AGENCY,),
               fields={"method": Choice("告知方式", required=True, choices=INFORM_METHODS),
                       "note": Text("告知内容", required=True)},
               effects=("record_requester_informed",)),
        # ---- the transfer with the letter and the evidence package (art. 6) ----
        Action("transfer", "移送", "approved", "transferred", roles=STAFF, guards=(POLICE,),
               notice="referral_letter", effects=("package_referral",),
               stops=("REF_TRANSFER",), starts=("REF_POLICE_DECIDE",)),
        Action("transfer", "移送", "approved", "transferred", roles=STAFF, guards=(AGENCY, requester_informed),
               notice="referral_letter", effects=("package_referral",)),
        Action("transfer", "移送", "approved", "transferred", roles=STAFF, guards=(COURT,),
               notice="referral_letter", effects=("package_referral",)),
        # ---- materials the police find missing (公安机关办理刑事案件程序规定 art. 180: supplied within 3 days) ----
        Action("record_materials_request", "登记公安机关补充材料通知", "transferred", None, roles=STAFF,
               guards=(POLICE, no_materials_pending),
               fields={"items": Text("需要补充的材料", required=True)},
               effects=("track_referral_materials",), starts=("REF_SUPPLEMENT_MATERIALS",)),
        Action("supplement_materials", "补充移送材料", "transferred", None, roles=STAFF,
               guards=(POLICE, materials_pending),
               fields={"note": Text("补充的材料", required=True)},
               effects=("track_referral_materials",), stops=("REF_SUPPLEMENT_MATERIALS",)),
        # ---- the police decision (art. 8) ----
        *_decision("record_police_decision", "公安机关决定", "transferred", POLICE_DECISION, (
            ("accepted", "accepted_by_police", ("REF_HANDOVER",), ("REF_POLICE_DECIDE",), False),
            ("declined", "declined_by_police", ("REF_RECONSIDER_REQUEST",), ("REF_POLICE_DECIDE",), False),
        )),
        Action("hand_over", "移交涉案物品", "accepted_by_police", "handed_over", roles=STAFF, guards=(POLICE,),
               fields={"items": Text("移交的涉案物品及材料清单", required=True),
                       "receiver": Line("接收人（公安机关经办人）", required=True)},
               closes=True, effects=("record_exhibit_handover",), stops=("REF_HANDOVER",)),
        # ---- reconsideration and supervision (art. 9) ----
        Action("request_reconsideration", "提请复议", "declined_by_police", "reconsideration", roles=STAFF,
               guards=(POLICE,), fields={"grounds": Text("提请复议的理由", required=True)},
               notice="reconsideration_request", effects=("remember_fields",), stops=("REF_RECONSIDER_REQUEST",),
               starts=("REF_RECONSIDER_DECIDE",)),
        *_decision("record_reconsideration", "复议决定", "reconsideration", POLICE_DECISION, (
            ("accepted", "accepted_by_police", ("REF_HANDOVER",), ("REF_RECONSIDER_DECIDE",), False),
            ("declined", "declined_after_reconsideration", ("REF_PROCURATORATE",), ("REF_RECONSIDER_DECIDE",), False),
        )),
        Action("propose_supervision", "建议人民检察院立案监督",
               ("declined_by_police", "declined_after_reconsideration"),
               "supervision", roles=STAFF, guards=(POLICE,),
               fields={"procuratorate": Line("人民检察院", required=True),
                       "grounds": Text("建议立案监督的理由", required=True)},
               notice="supervision_proposal", effects=("remember_fields",),
               stops=("REF_RECONSIDER_REQUEST", "REF_PROCURATORATE")),
        *_decision("record_supervision_result", "立案监督结果", "supervision", SUPERVISION_RESULT, (
            ("accepted", "accepted_by_police", ("REF_HANDOVER",), (), False),
            ("declined", "closed", (), (), True),
        )),
        Action("accept_refusal", "接受不立案决定", ("declined_by_police", "declined_after_reconsideration"), "closed",
               roles=STAFF, guards=(POLICE,),
               fields={"note": Text("说明（本局依法继续处理行政违法行为，第十条）")}, closes=True,
               effects=("remember_fields",), stops=("REF_RECONSIDER_REQUEST", "REF_PROCURATORATE")),
        # ---- agency and court ----
        Action("record_receipt", "登记接收", "transferred", "closed", roles=STAFF, guards=(OTHER,),
               fields={"receipt": Text("接收情况（回执、案号）", required=True)}, closes=True,
               effects=("remember_fields",)),
        # ---- what the referring case does meanwhile (docs/procedures.md, referral: "as the officer records") ----
        Action("set_parent_effect", "变更原案件办理安排", OPEN, None, roles=STAFF,
               fields={"parent_effect": Choice("移送期间原案件", required=True, choices=PARENT_EFFECTS),
                       "note": Text("说明")},
               effects=("set_referral_parent_effect",),
               help="例如公安机关不予立案后，原案件依法继续作出行政处理（第十条）"),
        *common_actions(referable=False),
    ],
)
