"""投诉举报 intake (docs/procedures.md, complaint; 市场监督管理投诉举报处理暂行办法, 专利行政执法办法 art. 28,
局令81 art. 20)."""

from dataclasses import replace

from workflows.adjudication import PATENT_TYPES, request_checks
from workflows.base import (
    OPEN,
    Action,
    Choice,
    GuardContext,
    Line,
    Procedure,
    State,
    Terminal,
    Text,
    common_actions,
    deadline_passed,
    extendable,
    injunctions_enabled,
    selector,
)
from workflows.mediation import CATEGORIES as MEDIATION_CATEGORIES

KINDS = {
    "patent_infringement": "专利侵权",
    "patent_counterfeit": "假冒专利",
    "trademark": "商标侵权",
    "copyright": "著作权侵权",
    "geographical_indication": "地理标志",
    "other": "其他",
}
#: Kinds whose accepted complaint is an administrative penalty case (行政处罚法), handled ex officio once filed.
PENALTY_KINDS = ("patent_counterfeit", "trademark", "copyright", "geographical_indication")
CHANNELS = {"online": "网上提交", "hotline_12330": "12330热线", "walk_in": "窗口受理", "transfer": "转办",
            "ex_officio": "依职权发现"}

STAFF = {"officer"}
#: 受理/立案 cannot be undone: the office's periods run from it and the party is told.
ACCEPT_CONFIRM = "受理（立案）后不能撤销。请核对材料后确认。"
APPLICANT = {"applicant"}


def convertible(ctx: GuardContext) -> str | None:
    """A complaint becomes a 行政裁决 only for a patent-infringement dispute (专利法 art. 65; 局令81 art. 2), and a
    行政调解 of 局令81 chapter 3 only for a patent dispute (art. 63)."""
    case = ctx.case
    kind, ip_type = getattr(case, "kind", None), getattr(case, "ip_type", None)
    what = KINDS.get(kind or "", kind or "未分类")
    if ctx.data.get("procedure") == "adjudication" and request_checks({"kind": kind, "ip_type": ip_type}):
        return (f"专利侵权纠纷行政裁决只处理专利侵权纠纷（专利法第六十五条），本投诉为“{what}”，不能转为行政裁决；"
                "请依其适用的程序办理或者移送有管辖权的部门")
    if ctx.data.get("procedure") == "mediation" and kind == "patent_counterfeit":
        return "假冒专利是违法行为，依法查处，不是当事人之间可以调解的专利纠纷（局令81第六十三条），不能转为行政调解"
    if ctx.data.get("procedure") == "mediation" and (ip_type not in PATENT_TYPES or kind in PENALTY_KINDS):
        return f"行政调解（局令81第六十三条）只适用于专利纠纷，本投诉为“{what}”，不能转为专利纠纷行政调解"
    return None


def convertible_at_all(ctx: GuardContext) -> str | None:
    """转立案办理 is offered only where some procedure could take the matter: never for a trademark, copyright or
    假冒专利 complaint, which is handled as it is (or referred)."""
    if any(convertible(replace(ctx, data={"procedure": p})) is None for p in ("adjudication", "mediation")):
        return None
    what = KINDS.get(getattr(ctx.case, "kind", None) or "", "本案")
    return f"“{what}”不是专利纠纷，不能转为专利侵权纠纷行政裁决或者专利纠纷行政调解，请依其适用的程序办理或者移送"


def intake_checks(fields) -> dict[str, str]:
    """What no complaint may be: a patent infringement dispute is handled on the right holder's (or an interested
    party's) request (专利法 art. 65), never registered as found by the office itself."""
    if fields.get("kind") == "patent_infringement" and fields.get("channel") == "ex_officio":
        return {"channel": "专利侵权纠纷应当依专利权人或者利害关系人的请求处理（专利法第六十五条），"
                           "不能作为“依职权发现”登记"}
    return {}


@selector
def dispute_request(ctx: GuardContext) -> str | None:
    """A patent infringement dispute request: screening it is no 受理 of its own; its one 受理通知书 comes with the
    立案 of the case it is converted into, stating the day this request was received (局令81 art. 20)."""
    return None if getattr(ctx.case, "kind", None) == "patent_infringement" else "并非专利侵权纠纷处理请求"


@selector
def complained(ctx: GuardContext) -> str | None:
    """Someone complained (or reported, or requested): the steps that write to the 投诉人 apply."""
    return "依职权发现" if getattr(ctx.case, "channel", None) == "ex_officio" else None


def has_complainant(ctx: GuardContext) -> str | None:
    """补正 asks the complainant for materials: a matter the office found itself has nobody to ask."""
    return "依职权发现的案件没有投诉人，不适用通知补正" if getattr(ctx.case, "channel", None) == "ex_officio" else None


def withdrawable(ctx: GuardContext) -> str | None:
    """Once a penalty matter is filed, the case is the office's (行政处罚法 art. 54): withdrawing the complaint does
    not end it, so the 90 days to decide run on."""
    case = ctx.case
    if getattr(case, "state", None) in ("accepted", "referring") and getattr(case, "kind", None) in PENALTY_KINDS:
        return "本案已受理（立案）查处，撤回投诉举报不终止行政处罚案件，由本局依法作出处理决定"
    return None


@selector
def found_ex_officio(ctx: GuardContext) -> str | None:
    """A matter the office found itself (依职权): there is no complainant to send a 受理通知书 to."""
    return None if getattr(ctx.case, "channel", None) == "ex_officio" else "并非依职权发现"



PROCEDURE = Procedure(
    code="complaint",
    title="投诉举报",
    number_word="投",
    first="submitted",
    create_checks=intake_checks,
    states={
        "submitted": State("已提交"),
        "correction": State("待补正"),
        "accepted": State("已受理", by_channel={"ex_officio": "已立案"}),
        "referring": State("移送中", on_referral=("referral_transferred", "referral_declined")),
        "rejected": State("不予受理", terminal=True, by_channel={"ex_officio": "不予立案"}),
        "converted": Terminal("已转立案"),
        "referred": Terminal("已移送"),
        "concluded": Terminal("已办结"),
        "withdrawn": Terminal("已撤回"),
    },
    starts_on_create=("CPL_ACCEPT",),
    actions=[
        Action("request_correction", "通知补正", "submitted", "correction", roles=STAFF, guards=(has_complainant,),
               fields={"items": Text("需补正的材料及要求", required=True)},
               notice="correction", stops=("CPL_ACCEPT",), starts=("CPL_CORRECTION",)),
        Action("resubmit", "提交补正材料", "correction", "submitted", roles=APPLICANT,
               fields={"note": Text("补正说明", required=True)},
               # The acceptance clock restarts from the day complete materials arrive.
               stops=("CPL_CORRECTION",), starts=("CPL_ACCEPT",)),
        Action("accept", "受理", ("submitted", "correction"), "accepted", roles=STAFF, guards=(dispute_request,),
               stops=("CPL_ACCEPT", "CPL_CORRECTION"), confirm=ACCEPT_CONFIRM,
               help="专利侵权纠纷处理请求经审查符合条件的，转立案办理；受理通知书在立案时发出，载明收到请求书之日"),
        # 受理 (立案) of a penalty matter starts the 90 days to decide (行政处罚法 art. 60); PEN_DECISION governs
        # only those kinds, so a dispute or consumer complaint starts nothing.
        Action("accept", "立案", ("submitted", "correction"), "accepted", roles=STAFF, guards=(found_ex_officio,),
               stops=("CPL_ACCEPT", "CPL_CORRECTION"), starts=("PEN_DECISION",), confirm=ACCEPT_CONFIRM,
               help="依职权发现的假冒专利行为，自发现之日起五个工作日内立案（专利行政执法办法第二十八条）"),
        Action("accept", "受理", ("submitted", "correction"), "accepted", roles=STAFF,
               notice="acceptance", stops=("CPL_ACCEPT", "CPL_CORRECTION"), starts=("PEN_DECISION",),
               confirm=ACCEPT_CONFIRM),
        Action("extend_acceptance", "延长核查期限", "submitted", None, roles=STAFF, approval="supervisor",
               fields={"reason": Text("延长理由（特殊情况）", required=True)},
               guards=(extendable("CPL_ACCEPT"),), extends=("CPL_ACCEPT",),
               help="商标、地理标志等举报的核查期限，特殊情况下经负责人批准可以延长十五个工作日（市场监督管理行政处罚"
                    "程序规定第十八条）；专利侵权纠纷处理请求的立案期限可以延长五个工作日（局令81第二十条）"),
        Action("reject", "不予受理", "submitted", "rejected", roles=STAFF, approval="supervisor",
               fields={"reason": Text("不予受理理由", required=True),
                       "competent_department": Line("有处理权限的部门（如有）")},
               guards=(complained,), closes=True, notice="rejection", stops=("CPL_ACCEPT",)),
        # Found ex officio: no 投诉人 to write to: no 不予受理通知书, no 办结答复书 (the record holds the reasons).
        # These variants come second: the first of a name gives the labels the pages and the inbox show.
        Action("reject", "不予立案", "submitted", "rejected", roles=STAFF, approval="supervisor",
               fields={"reason": Text("不予立案理由", required=True)}, guards=(found_ex_officio,),
               closes=True, stops=("CPL_ACCEPT",)),
        Action("reject", "不予受理", "correction", "rejected", roles=STAFF, approval="supervisor",
               fields={"reason": Text("不予受理理由", required=True),
                       "competent_department": Line("有处理权限的部门（如有）")},
               guards=(deadline_passed("CPL_CORRECTION", "补正期限尚未届满，不能以未补正为由不予受理"),),
               closes=True, notice="rejection", stops=("CPL_CORRECTION",)),
        Action("convert", "转立案办理", "accepted", "converted", roles=STAFF,
               fields={"procedure": Choice("转为", required=True,
                                           choices={"adjudication": "专利侵权纠纷行政裁决", "mediation": "行政调解"}),
                       "category": Choice("调解的纠纷类型（转为行政调解时）", choices=MEDIATION_CATEGORIES)},
               guards=(convertible_at_all, convertible), closes=True, effects=("create_linked_case",)),
        # The whole matter goes: the complaint waits while the referral is decided (the head's approval, for the
        # police the special team's report first: 国务院令310 art. 5) and ends only once the matter has left the
        # office; a 不批准移送 returns it to 已受理 with its periods still running. Both are fired from the referral.
        Action("refer", "全案移送", "accepted", "referring", roles=STAFF,
               fields={"kind": Choice("移送类型", required=True,
                                      choices={"police": "涉嫌犯罪移送公安机关", "agency": "移送有管辖权的行政机关"}),
                       "target": Line("接收机关", required=True),
                       "reason": Text("移送理由", required=True)},
               effects=("create_referral",),
               help="本案整体移送：另立移送案件报负责人批准，移送后本案以“已移送”结案；负责人不批准移送的，本案恢复办理。"
                    "本案继续办理、另行移送涉嫌犯罪等事项的，请用“发起移送”"),
        Action("referral_transferred", "移送完成", "referring", "referred", roles={"system"}, closes=True),
        Action("referral_declined", "不批准移送，恢复办理", "referring", "accepted", roles={"system"},
               fields={"reason": Text("不批准移送的理由")}),
        Action("conclude", "办结答复", "accepted", "concluded", roles=STAFF, guards=(complained,),
               fields={"outcome": Text("处理结果", required=True)}, closes=True, notice="conclusion",
               stops=("PEN_DECISION",)),
        Action("conclude", "办结", "accepted", "concluded", roles=STAFF, guards=(found_ex_officio,),
               fields={"outcome": Text("处理结果", required=True)}, closes=True, stops=("PEN_DECISION",)),
        Action("request_injunction", "申请先行禁令", "accepted", None, roles=STAFF | APPLICANT,
               fields={"reason": Text("申请理由及请求禁止的行为", required=True)}, effects=("create_injunction",),
               guards=(injunctions_enabled,)),
        Action("withdraw", "撤回投诉", OPEN, "withdrawn", roles=APPLICANT,
               fields={"reason": Text("撤回理由")}, guards=(withdrawable,), closes=True, allowed_while_pending=True,
               confirm="撤回后本案即告终结，确定撤回吗？",
               stops=("CPL_ACCEPT", "CPL_CORRECTION")),
        *common_actions(),
    ],
)
