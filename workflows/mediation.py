"""行政调解 + 司法确认 (DESIGN.md §2.3; 局令81 ch. 3). The full graph; details grow with issue 7."""

from workflows.base import OPEN, Action, Procedure, State, Terminal, Text, UserRef, common_actions

STAFF = {"officer", "mediator"}
CATEGORIES = {"ownership": "专利申请权或专利权权属纠纷", "inventorship": "发明人、设计人资格纠纷",
              "remuneration": "职务发明奖励报酬纠纷", "provisional_fee": "发明专利临时保护期使用费纠纷",
              "damages": "侵权赔偿数额纠纷", "other": "其他专利纠纷"}

PROCEDURE = Procedure(
    code="mediation",
    title="行政调解",
    number_word="调",
    first="submitted",
    states={
        "submitted": State("已申请"),
        "awaiting_statement": State("待陈述意见"),
        "in_session": State("调解中"),
        "agreement": State("已达成协议"),
        "confirmation_applied": State("已申请司法确认"),
        "refused": Terminal("不予受理"),
        "failed": Terminal("调解不成"),
        "confirmed": Terminal("已司法确认"),
        "confirmation_rejected": Terminal("确认申请被驳回"),
        "performed": Terminal("已履行"),
        "withdrawn": Terminal("已撤回"),
    },
    actions=[
        Action("notify_respondent", "通知被请求人陈述意见", "submitted", "awaiting_statement", roles=STAFF,
               notice="statement_notice", starts=("MED_STATEMENT",)),
        Action("docket", "立案调解", "awaiting_statement", "in_session", roles=STAFF, stops=("MED_STATEMENT",)),
        Action("refuse", "不予受理", ("submitted", "awaiting_statement"), "refused", roles=STAFF,
               fields={"reason": Text("理由", required=True)}, closes=True, stops=("MED_STATEMENT",)),
        Action("mediator", "指定调解员", ("submitted", "awaiting_statement", "in_session"), None, roles={"officer", "supervisor"},
               fields={"mediator": UserRef("调解员", required=True, roles=frozenset({"mediator", "officer"}))},
               effects=("assign_mediator",)),
        Action("schedule_session", "安排调解", "in_session", None, roles=STAFF,
               fields={"when": Text("时间地点或远程链接", required=True)}),
        Action("record_agreement", "达成调解协议", "in_session", "agreement", roles=STAFF,
               fields={"terms": Text("协议内容", required=True)}, closes=True, notice="mediation_agreement"),
        Action("fail", "调解不成", "in_session", "failed", roles=STAFF,
               fields={"reason": Text("理由", required=True)}, closes=True),
        Action("apply_confirmation", "申请司法确认", "agreement", "confirmation_applied", roles=STAFF,
               fields={"court": Text("人民法院", required=True)}),
        Action("record_confirmation", "登记确认裁定", "confirmation_applied", "confirmed", roles=STAFF,
               fields={"court_case": Text("法院案号", required=True)}),
        Action("record_confirmation_rejected", "登记驳回裁定", "confirmation_applied", "confirmation_rejected",
               roles=STAFF, fields={"court_case": Text("法院案号", required=True)}),
        Action("record_performance", "登记履行", "agreement", "performed", roles=STAFF),
        Action("withdraw", "撤回申请", OPEN, "withdrawn", roles={"applicant"}, fields={"reason": Text("撤回理由")},
               closes=True, allowed_while_pending=True),
        *common_actions(),
    ],
)
