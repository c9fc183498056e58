"""移送 to the police, another agency or a court (DESIGN.md §2.5; 国务院令310). Details grow with issue 7."""

from workflows.base import Action, Choice, Procedure, State, Terminal, Text, common_actions

STAFF = {"officer"}


def _kind(*kinds):
    def guard(ctx):
        return None if (ctx.case.data or {}).get("referral_kind") in kinds else "该移送类型不适用此操作"

    return guard


POLICE = (_kind("police"),)
OTHER = (_kind("agency", "court"),)
POLICE_DECISION = {"accepted": "立案", "declined": "不予立案"}

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
    starts_on_create=("REF_APPROVE",),
    actions=[
        Action("approve", "批准移送", "drafted", "approved", roles={"supervisor"}, stops=("REF_APPROVE",),
               starts=("REF_TRANSFER",)),
        Action("decline", "不予移送", "drafted", "not_referred", roles={"supervisor"},
               fields={"reason": Text("理由", required=True)}, closes=True, stops=("REF_APPROVE",)),
        Action("transfer", "移送", "approved", "transferred", roles=STAFF, notice="referral_letter",
               stops=("REF_TRANSFER",)),
        *[Action("record_police_decision", "登记公安决定", "transferred", dest, roles=STAFF, guards=POLICE,
                 fields={"decision": Choice("公安机关决定", required=True, choices=POLICE_DECISION),
                         "note": Text("文书号及说明")}, when=("decision", value), starts=starts)
          for value, dest, starts in (("accepted", "accepted_by_police", ("REF_HAND_OVER",)),
                                      ("declined", "declined_by_police", ("REF_RECONSIDER",)))],
        Action("hand_over", "移交涉案物品", "accepted_by_police", "handed_over", roles=STAFF, closes=True),
        Action("request_reconsideration", "提请复议", "declined_by_police", "reconsideration", roles=STAFF, guards=POLICE),
        *[Action("record_reconsideration", "登记复议结果", "reconsideration", dest, roles=STAFF, guards=POLICE,
                 fields={"decision": Choice("复议结果", required=True, choices=POLICE_DECISION)}, when=("decision", value))
          for value, dest in (("accepted", "accepted_by_police"), ("declined", "declined_after_reconsideration"))],
        Action("propose_supervision", "建议检察监督", ("declined_by_police", "declined_after_reconsideration"),
               "supervision", roles=STAFF, guards=POLICE),
        *[Action("record_supervision_result", "登记监督结果", "supervision", dest, roles=STAFF, guards=POLICE,
                 fields={"decision": Choice("监督结果", required=True, choices=POLICE_DECISION)}, when=("decision", value),
                 closes=dest == "closed")
          for value, dest in (("accepted", "accepted_by_police"), ("declined", "closed"))],
        Action("accept_refusal", "接受不立案决定", ("declined_by_police", "declined_after_reconsideration"), "closed",
               roles=STAFF, guards=POLICE, closes=True),
        Action("record_receipt", "登记接收", "transferred", "closed", roles=STAFF, guards=OTHER, closes=True),
        *common_actions(),
    ],
)
