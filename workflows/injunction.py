"""先行发布禁令 (DESIGN.md §2.4). The full graph; configuration and documents grow with issue 7."""

from workflows.base import Action, Procedure, State, Terminal, Text, common_actions

STAFF = {"officer"}

PROCEDURE = Procedure(
    code="injunction",
    title="先行发布禁令",
    number_word="禁",
    first="requested",
    states={
        "requested": State("已申请"),
        "issued": State("已发布"),
        "complied": State("已履行"),
        "breached": State("违反禁令"),
        "refused": Terminal("不予发布"),
        "lifted": Terminal("已解除"),
        "superseded": Terminal("随主案结案失效"),
        "expired": Terminal("期满失效"),
    },
    starts_on_create=("INJ_REVIEW",),
    actions=[
        Action("propose_issue", "发布禁令", "requested", "issued", roles=STAFF, approval="supervisor",
               fields={"measures": Text("禁止的行为", required=True)}, notice="injunction_order", stops=("INJ_REVIEW",)),
        Action("refuse", "不予发布", "requested", "refused", roles=STAFF,
               fields={"reason": Text("理由", required=True)}, closes=True, stops=("INJ_REVIEW",)),
        Action("record_compliance", "登记履行", "issued", "complied", roles=STAFF,
               fields={"note": Text("检查情况", required=True)}),
        Action("record_breach", "登记违反", ("issued", "complied"), "breached", roles=STAFF,
               fields={"note": Text("违反情况", required=True)}),
        Action("lift", "解除禁令", ("issued", "complied", "breached"), "lifted", roles=STAFF, approval="supervisor",
               fields={"reason": Text("解除理由", required=True)}, closes=True, notice="injunction_lift"),
        Action("supersede", "随主案结案失效", ("requested", "issued", "complied", "breached"), "superseded",
               roles={"system"}, closes=True),
        Action("expire", "期满失效", ("issued", "complied", "breached"), "expired", roles={"system"}, closes=True),
        *common_actions(),
    ],
)
