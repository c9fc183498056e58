"""先行发布禁令 (docs/procedures.md, injunction).

No statute sets this procedure in Chongqing yet (Shenzhen's regulation is the model), so every period, the approving
role, the legal-basis text and the maximum duration are office configuration (``INJUNCTION_*`` settings, read by
``caseflow.injunction.config``). An injunction always belongs to an open main case (its ``parent``): an accepted
complaint or an adjudication. The main case's 结案 supersedes it (``supersede``, a system action run by
``caseflow.injunction.services``); the configured maximum duration running out expires it (``expire``, run by
``flask --app wsgi caseflow injunctions-expire``).

Guards read only the case and the action's input, except ``has_evidence``, which asks the application for the
``evidence_count`` fact (``GuardContext.fact``; the data generator's light cases know none and skip it).
"""

from __future__ import annotations

from workflows.base import (
    Action,
    Choice,
    Date,
    GuardContext,
    Line,
    MultiChoice,
    Procedure,
    State,
    Terminal,
    Text,
    case_data,
    common_actions,
)

STAFF = {"officer"}
#: The states in which an issued injunction binds the respondent.
IN_FORCE = ("issued", "complied", "breached")

#: The measures an order may require, printed on the 先行禁令决定书 (stop making, selling, offering, importing;
#: taking down online listings, with a notice to the e-commerce platform).
MEASURES = {
    "stop_making": "立即停止制造涉嫌侵权产品",
    "stop_selling": "立即停止销售涉嫌侵权产品",
    "stop_offering": "立即停止许诺销售涉嫌侵权产品（含展示、宣传、报价）",
    "stop_importing": "立即停止进口涉嫌侵权产品",
    "take_down": "立即删除、屏蔽、断开涉嫌侵权产品的网络销售链接（同时通知电子商务平台）",
}
EVALUATION_REPORT = {
    "provided": "已提交专利权评价报告",
    "not_required": "不需要（发明专利、商标、著作权等）",
    "missing": "未提交",
}
REFUSE_REASONS = {
    "insufficient_evidence": "现有证据不足以证明存在侵权事实",
    "no_urgency": "不存在需要立即制止的情形",
    "evaluation_report": "实用新型、外观设计专利未提交专利权评价报告",
    "disabled": "本局未开展先行发布禁令工作",
    "other": "其他",
}
CHECK_METHODS = {
    "site_inspection": "现场检查",
    "online_check": "网络巡查",
    "test_purchase": "购买取证",
    "holder_report": "权利人举报核实",
    "platform_reply": "电子商务平台回复",
}
LIFT_GROUNDS = {
    "no_infringement": "新的证据表明不构成侵权",
    "right_lapsed": "权利已被宣告无效或者终止",
    "withdrawn": "申请人撤回禁令申请",
    "changed": "情况发生变化，无需继续禁止",
    "other": "其他",
}
LISTINGS_HELP = "每行一个网络销售链接或商品编号"


def _measures(ctx: GuardContext) -> list[str]:
    raw = ctx.data.get("measures") or []
    return [raw] if isinstance(raw, str) else list(raw)


def platform_for_take_down(ctx: GuardContext) -> str | None:
    """Taking down listings needs the platform to notify and the listings to remove."""
    if "take_down" not in _measures(ctx):
        return None
    if not (ctx.data.get("platform") or "").strip():
        return "责令删除网络销售链接的，应当写明需通知的电子商务平台"
    if not (ctx.data.get("listings") or "").strip():
        return "责令删除网络销售链接的，应当列明涉嫌侵权的链接或商品编号"
    return None


def evaluation_report(ctx: GuardContext) -> str | None:
    """Utility models and designs may need a 专利权评价报告 first (office configuration)."""
    if getattr(ctx.case, "ip_type", None) not in ("utility_model", "design"):
        return None
    if not (case_data(ctx.case).get("config") or {}).get("require_evaluation_report"):
        return None
    if ctx.data.get("evaluation_report") == "provided":
        return None
    return "本局要求实用新型、外观设计专利的禁令申请提交专利权评价报告，尚未提交的不能发布禁令"


def has_evidence(ctx: GuardContext) -> str | None:
    """有证据证明存在侵权事实: the injunction or its main case holds at least one piece of evidence."""
    count = ctx.fact("evidence_count")  # None: the application does not know (the generator's light cases)
    if count is None or count > 0:
        return None
    return "本禁令及其主案均没有证据材料；先行发布禁令须有证据证明存在侵权事实"


def main_case_open(ctx: GuardContext) -> str | None:
    parent = getattr(ctx.case, "parent", None) if hasattr(ctx.case, "parent_id") else None
    if parent is None or parent.closed_at is None:
        return None
    return f"主案 {parent.number} 已经结案，不能再发布禁令"


def _defence(case) -> dict:
    return case_data(case).get("defence") or {}


def no_defence_pending(ctx: GuardContext) -> str | None:
    return "被申请人的陈述申辩尚待复核" if _defence(ctx.case).get("status") == "pending" else None


def defence_pending(ctx: GuardContext) -> str | None:
    return None if _defence(ctx.case).get("status") == "pending" else "没有待复核的陈述申辩"


DEFENCE_OUTCOMES = {"maintained": "陈述申辩的理由不成立，维持禁令",
                    "lift": "陈述申辩的理由成立，应当解除禁令（请随后办理“解除禁令”）"}


def not_exhibition(ctx: GuardContext) -> str | None:
    return "已标记为展会案件" if case_data(ctx.case).get("mark_exhibition") else None


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
        Action("mark_exhibition", "标记为展会案件", "requested", None, roles=STAFF, guards=(not_exhibition,),
               fields={"exhibition": Line("展会名称", required=True),
                       "closes_on": Date("展会闭幕日期", required=True)},
               effects=("remember_fields",), stops=("INJ_REVIEW",), starts=("INJ_REVIEW_EXHIBITION",),
               help="展会案件按本局配置的较短期限审查（默认24小时，自标记时起算）"),
        Action("propose_issue", "发布禁令", "requested", "issued", roles=STAFF, approval="supervisor",
               fields={
                   "findings": Text("审查意见（有证据证明存在侵权事实的情况）", required=True),
                   "measures": MultiChoice("责令停止的行为", required=True, choices=MEASURES),
                   "products": Text("涉嫌侵权产品及范围（型号、场所）", required=True),
                   "platform": Line("电子商务平台（删除网络链接时）"),
                   "listings": Text("涉嫌侵权的网络销售链接或商品编号", help=LISTINGS_HELP),
                   "evaluation_report": Choice("专利权评价报告（实用新型、外观设计）", choices=EVALUATION_REPORT),
               },
               guards=(main_case_open, platform_for_take_down, evaluation_report, has_evidence),
               notice="injunction_order", effects=("issue_injunction",),
               stops=("INJ_REVIEW", "INJ_REVIEW_EXHIBITION"), starts=("INJ_MAX_DURATION",),
               help="先行禁令决定书送达被申请人；责令删除网络链接的，同时起草致电子商务平台的通知书"),
        # A refusal is told to the applicant in writing, with its reasons.
        Action("refuse", "不予发布", "requested", "refused", roles=STAFF,
               fields={"ground": Choice("不予发布的理由", required=True, choices=REFUSE_REASONS),
                       "reason": Text("具体说明", required=True)},
               closes=True, notice="injunction_refusal", effects=("remember_fields",),
               stops=("INJ_REVIEW", "INJ_REVIEW_EXHIBITION")),
        # The respondent is heard on an order made without hearing it first (陈述申辩); the office reviews what it
        # says and keeps or lifts the order.
        Action("state_defence", "陈述申辩", ("issued", "complied", "breached"), None, roles=STAFF | {"respondent"},
               fields={"statement": Text("陈述和申辩的事实、理由", required=True),
                       "evidence": Line("证据编号（本禁令案件中已上传的证据，如 1,2）")},
               guards=(no_defence_pending,), effects=("record_defence",),
               help="被申请人对禁令有异议的，可以提出陈述和申辩；工作人员代为登记书面或者口头陈述申辩"),
        Action("review_defence", "复核陈述申辩", ("issued", "complied", "breached"), None, roles=STAFF,
               fields={"outcome": Choice("复核结论", required=True, choices=DEFENCE_OUTCOMES),
                       "reasons": Text("复核意见", required=True)},
               guards=(defence_pending,), effects=("record_defence",),
               help="对被申请人提出的事实、理由和证据进行复核；理由成立的，解除禁令"),
        Action("record_compliance", "登记履行检查", ("issued", "complied"), "complied", roles=STAFF,
               fields={"checked_on": Date("检查日期", required=True),
                       "method": Choice("检查方式", required=True, choices=CHECK_METHODS),
                       "result": Text("检查情况", required=True),
                       "evidence": Line("证据编号（本禁令案件中已上传的证据，如 1,2）")},
               effects=("record_injunction_check",)),
        Action("record_breach", "登记违反禁令", ("issued", "complied", "breached"), "breached", roles=STAFF,
               fields={"found_on": Date("发现日期", required=True),
                       "method": Choice("发现方式", required=True, choices=CHECK_METHODS),
                       "description": Text("违反禁令的情况", required=True),
                       "evidence": Line("证据编号（本禁令案件中已上传的证据，如 1,2）", required=True)},
               effects=("record_injunction_check",),
               help="违反禁令涉嫌犯罪的，可以通过“发起移送”移送公安机关"),
        Action("lift", "解除禁令", ("issued", "complied", "breached"), "lifted", roles=STAFF, approval="supervisor",
               fields={"ground": Choice("解除理由", required=True, choices=LIFT_GROUNDS),
                       "reason": Text("具体说明", required=True)},
               closes=True, notice="injunction_lift", effects=("remember_fields",)),
        Action("supersede", "随主案结案失效", ("requested", "issued", "complied", "breached"), "superseded",
               roles={"system"}, fields={"reason": Text("失效原因")}, closes=True, effects=("remember_fields",)),
        Action("expire", "期满失效", ("issued", "complied", "breached"), "expired", roles={"system"},
               fields={"reason": Text("失效原因")}, closes=True, effects=("remember_fields",)),
        *common_actions(),
    ],
)
