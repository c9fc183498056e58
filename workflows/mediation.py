"""行政调解 + 司法确认 (docs/procedures.md, mediation; 局令81 ch. 3 arts 63-70; 民事诉讼法 arts 205-206).

Request (调解请求书, art. 64) → 陈述意见通知书 to the respondent (art. 65, 15 days from receipt) → 立案 or 不予立案
(art. 66) → sessions, in person in a room or remote with a link (conflict-checked by caseflow.hearings) → the
调解协议书 drafted from the agreed terms, signed by both parties (a party's online confirmation on the portal is its
signature, recorded in the audit chain) and effective on the second signature (art. 69) → 司法确认: the joint
application within 30 days of the agreement's effective date (民诉法 art. 205), never for 权属/确权 agreements
(民诉解释 art. 355), the court's acceptance, ruling or rejection with its case number → performance or enforcement.
Absences follow art. 67; ownership disputes run on the 2-month (+1) limit of art. 70.

Guards are pure functions of the input and ``case.data``; the state the case carries between steps is written by
``apply`` (called by the ``mediation_record`` effect and by the data generator), so both see the same data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import TypedDict

from workflows.base import (
    Action,
    Choice,
    Consent,
    Date,
    Field,
    GuardContext,
    Line,
    Procedure,
    Room,
    State,
    Terminal,
    Text,
    UserRef,
    case_data,
    common_actions,
    deadline_passed,
    on_input,
    selector,
)


# ``Action`` options several declarations share, spread into ``Action(...)`` where mypy checks each key.
class _Signing(TypedDict):
    roles: frozenset[str] | set[str]
    fields: Mapping[str, Field]
    effects: tuple[str, ...]
    help: str
    confirm: str


class _Termination(TypedDict):
    closes: bool
    notice: str
    stops: tuple[str, ...]


class _Absence(_Termination):
    effects: tuple[str, ...]



STAFF = {"officer", "mediator"}
PARTIES = {"applicant", "respondent"}

# 局令81 art. 63 (实施细则 art. 102): the disputes an office may mediate.
CATEGORIES = {"ownership": "专利申请权或专利权权属纠纷", "inventorship": "发明人、设计人资格纠纷",
              "remuneration": "职务发明奖励报酬纠纷", "provisional_fee": "发明专利临时保护期使用费纠纷",
              "damages": "侵权赔偿数额纠纷", "other": "其他专利纠纷"}
#: 民诉解释 art. 355(五): agreements on 物权/知识产权确权 are not confirmable.
NOT_CONFIRMABLE = frozenset({"ownership"})
CONFIRMATION_BLOCKED = ("本调解协议涉及专利申请权或专利权权属（知识产权确权），"
                        "依照《最高人民法院关于适用〈中华人民共和国"
                        "民事诉讼法〉的解释》第三百五十五条，人民法院不予受理司法确认申请；当事人可以自觉履行、"
                        "依法办理公证或者向人民法院起诉")
YES_NO = {"yes": "是", "no": "否"}
SIDES = {"claimant": "请求人", "respondent": "被请求人"}
BODIES = {"office": "本局（行政调解）", "committee": "本局委托的知识产权纠纷人民调解委员会"}
SESSION_MODES = {"in_person": "现场调解", "remote": "远程调解（在线）"}
HOURS = {str(n): f"{n}小时" for n in range(1, 9)}
ABSENCE = {
    "none": "双方均到场",
    "excused": "一方有正当理由未到场，另行安排",
    "requester": "请求人无正当理由不参加调解（按主动撤回请求处理，第六十七条）",
    "respondent": "被请求人无正当理由不参加调解（按未能达成协议处理，撤销案件，第六十七条）",
}
REFUSE_GROUNDS = {
    "respondent_declined": "被请求人不同意调解（第六十六条）",
    "no_statement": "被请求人逾期未提交意见陈述书（第六十六条）",
    "out_of_scope": "不属于可以请求调解的专利纠纷或者不属于本局管辖（第六十三条）",
    "not_granted": "临时保护期使用费纠纷在专利权授予公告前提出（第六十三条第（四）项）",
    "no_decision": "仅就赔偿数额请求调解但未附认定侵权的处理决定书（第六十四条）",
    "court_suit": "已向人民法院起诉或者已申请仲裁",
    "other": "其他",
}
PROFILES = {"statutory": "法定期限：立案之日起三十日（民事诉讼法第一百八十七条）",
            "spi_2011": "受理之日起十五日，经院长批准可延长十日（2011年司法确认规定第五条）"}
APPLY_MODES = {"joint": "双方当事人共同申请",
               "consented": "一方申请、另一方同意（视为共同申请）"}
COURT_OUTCOMES = {"not_accepted": "裁定不予受理", "rejected": "裁定驳回申请", "withdrawn": "撤回申请或者按撤回申请处理"}

#: What a 处理决定书 number looks like: 渝中知保裁字〔2026〕12号 (brackets 〔〕, [] or () are accepted).
DECISION_NUMBER = re.compile(r"^\S{1,40}[〔\[（(]\s*(19|20)\d{2}\s*[〕\]）)]\s*第?\s*\d{1,6}\s*号$")


def decision_number_ok(value: str | None) -> bool:
    return bool(DECISION_NUMBER.match((value or "").strip()))


# ---- the data the procedure keeps on the case ----


def category_of(case) -> str | None:
    return case_data(case).get("category")


def agreement_of(case) -> dict:
    return case_data(case).get("agreement") or {}


def signatures_of(case) -> dict:
    return agreement_of(case).get("signatures") or {}


def side_of(ctx: GuardContext) -> str | None:
    """Which party signs: a party's own account decides; staff recording a paper signature name the side."""
    role = getattr(getattr(ctx.actor, "role", None), "value", getattr(ctx.actor, "role", None))
    if role == "applicant":
        return "claimant"
    if role == "respondent":
        return "respondent"
    side = ctx.data.get("side")
    return side if side in SIDES else None


def apply(data: dict, action: str, fields: dict, *, on: dt.date, side: str | None = None,
          by: str | None = None, via: str = "web") -> dict:
    """Return the case data after ``action`` (pure: the effect and the data generator share it)."""
    out = dict(data or {})
    fields = {k: v for k, v in (fields or {}).items() if v not in (None, "")}
    day = on.isoformat()
    if action == "set_category":
        out.update({k: fields[k] for k in ("category", "decision_ref") if k in fields})
    elif action == "record_statement":
        out["statement"] = {"agrees": fields.get("agrees"), "on": day}
    elif action == "refuse":  # the ground tells the respondent's refusal from a request not admissible (art. 66)
        out["refusal"] = {"ground": fields.get("ground"), "on": day}
    elif action == "docket":
        out["body"] = fields.get("body") or "office"
        if fields.get("committee"):
            out["committee"] = fields["committee"]
        if fields.get("decision_checked") == "yes":
            out["decision_checked"] = True
    elif action == "hold_session":
        sessions = list(out.get("sessions") or [])
        sessions.append({"on": day, "notes": fields.get("notes", ""), "absence": fields.get("absence") or "none"})
        out["sessions"] = sessions
    elif action in ("record_agreement", "record_settlement"):
        out["agreement"] = {"terms": fields.get("terms", ""), "reached_on": day, "signatures": {}}
    elif action in ("confirm_agreement", "record_signature") and side in SIDES:
        agreement = dict(out.get("agreement") or {})
        signatures = dict(agreement.get("signatures") or {})
        signatures[side] = {"on": day, "by": by, "via": "portal" if action == "confirm_agreement" else "paper"}
        agreement["signatures"] = signatures
        if all(s in signatures for s in SIDES):
            agreement["effective_on"] = day
        out["agreement"] = agreement
    elif action == "apply_confirmation":
        out["confirmation"] = {"court": fields.get("court"), "mode": fields.get("mode") or "joint",
                               "profile": fields.get("profile") or "statutory", "applied_on": day}
    elif action == "record_court_acceptance":
        out["confirmation"] = {**(out.get("confirmation") or {}), "court_case": fields.get("court_case"),
                               "accepted_on": fields.get("accepted_on") or day}
    elif action in ("record_confirmation", "record_confirmation_rejected"):
        out["confirmation"] = {**(out.get("confirmation") or {}), "court_case": fields.get("court_case"),
                               "ruled_on": fields.get("ruled_on") or day,
                               "outcome": "confirmed" if action == "record_confirmation" else fields.get("outcome")}
    elif action == "record_enforcement":
        out["enforcement"] = {"court": fields.get("court"), "court_case": fields.get("court_case"), "on": day}
    elif action == "copy_to_cnipa":
        out["cnipa_copied_on"] = day
    elif action == "record_performance":
        out["performance"] = {"note": fields.get("note", ""), "on": day}
    return out


# ---- guards ----


def category_known(ctx: GuardContext) -> str | None:
    return None if category_of(ctx.case) in CATEGORIES else "请先登记纠纷类型（第六十三条）"


def _is(category_wanted: bool):
    def guard(ctx: GuardContext) -> str | None:
        own = category_of(ctx.case) in NOT_CONFIRMABLE
        return None if own == category_wanted else ("仅适用于权属纠纷" if category_wanted else "不适用于权属纠纷")

    return guard


ownership = selector(_is(True))
not_ownership = selector(_is(False))


def only_ownership(ctx: GuardContext) -> str | None:
    return None if category_of(ctx.case) in NOT_CONFIRMABLE else "只有权属纠纷的调解期限可以延长（第七十条）"


def respondent_agreed(ctx: GuardContext) -> str | None:
    agrees = (case_data(ctx.case).get("statement") or {}).get("agrees")
    return None if agrees == "yes" else "被请求人尚未书面同意调解，不能立案调解（第六十六条）"


def statement_pending(ctx: GuardContext) -> str | None:
    return "已登记意见陈述书" if case_data(ctx.case).get("statement") else None


def decision_checked(ctx: GuardContext) -> str | None:
    """局令81 art. 64: a damages-only request needs the 处理决定书 finding infringement."""
    d = case_data(ctx.case)
    if d.get("category") != "damages":
        return None
    if not decision_number_ok(d.get("decision_ref")):
        return "仅就侵权赔偿数额请求调解的，应当附认定侵权的处理决定书；请先登记处理决定书文号（第六十四条）"
    if d.get("decision_verified") or ctx.data.get("decision_checked") == "yes":
        return None
    return "处理决定书未在本系统中找到，请核对请求人提交的处理决定书副本后勾选“已核对”（第六十四条）"


def committee_named(ctx: GuardContext) -> str | None:
    if ctx.data.get("body") == "committee" and not (ctx.data.get("committee") or "").strip():
        return "委托人民调解委员会调解的，请填写调解委员会名称"
    return None


def session_link(ctx: GuardContext) -> str | None:
    if ctx.data.get("mode") == "remote" and not (ctx.data.get("link") or "").strip():
        return "远程调解应当填写调解链接"
    return None


def _signing(ctx: GuardContext) -> tuple[str | None, dict]:
    return side_of(ctx), signatures_of(ctx.case)


@on_input
def side_chosen(ctx: GuardContext) -> str | None:
    return None if side_of(ctx) is not None else "请选择签署方"


def may_sign(ctx: GuardContext) -> str | None:
    side, signed = _signing(ctx)
    if side is None:
        # Staff before naming the side (the case page's list of steps): a side still to sign is one to record.
        return None if set(SIDES) - set(signed) else "双方当事人均已签署本调解协议书"
    if side in signed:
        return f"{SIDES[side]}已经签署本调解协议书"
    return None


@selector
def completes(ctx: GuardContext) -> str | None:
    """This signature is the second one: the agreement takes effect."""
    side, signed = _signing(ctx)
    others = set(SIDES) - {side}
    return None if others <= set(signed) else "对方当事人尚未签署"


@selector
def first_signature(ctx: GuardContext) -> str | None:
    return "对方当事人已签署" if completes(ctx) is None else None


def confirmable(ctx: GuardContext) -> str | None:
    return CONFIRMATION_BLOCKED if category_of(ctx.case) in NOT_CONFIRMABLE else None


def within_confirmation_window(ctx: GuardContext) -> str | None:
    if ctx.deadline_passed("JC_APPLICATION"):
        return "自调解协议生效之日起三十日的司法确认申请期限已经届满（民事诉讼法第二百零五条）"
    return None


def profile_is(profile: str):
    def guard(ctx: GuardContext) -> str | None:
        chosen = (case_data(ctx.case).get("confirmation") or {}).get("profile") or "statutory"
        return None if chosen == profile else "法院审查期限口径不符"

    return selector(guard)


#: How a party signs an agreement (an in-case settlement's too): online on the portal, or on paper (staff record it).
SIGNING = (
    ("confirm_agreement", "在线确认调解协议", PARTIES,
     {"consent": Consent("确认", required=True,
                        choices={"yes": "本人已阅读调解协议书全文，同意其内容，以在线确认作为签名"})},
     "在线确认视为您在调解协议书上签名，并记入案件的办理记录；双方均确认后协议生效", ""),
    ("record_signature", "登记当事人签名", STAFF,
     {"side": Choice("签名的当事人", required=True, choices=SIDES)},
     "当事人在纸质调解协议书上签名或者盖章的，由工作人员登记",
     "签名一经登记不能撤销；双方均已签名的，调解协议即时生效，本案结案。请核对签名的当事人后确认。"),
)


def _sign_variants(name: str, label: str, roles, fields, help_text: str, confirm: str) -> list[Action]:
    """Three variants: the second signature on an ownership agreement (effective; CNIPA periods), the second on
    any other agreement (effective; the 30-day confirmation window starts), and the first signature."""
    common: _Signing = {"roles": roles, "fields": fields, "effects": ("mediation_record",), "help": help_text,
                        "confirm": confirm}
    return [
        Action(name, label, "signing", "agreement", guards=(side_chosen, may_sign, completes, ownership),
               closes=True, completes_office_task=True, stops=("MED_OWNERSHIP_LIMIT",),
               starts=("MED_OWNERSHIP_CNIPA_RESUME", "MED_OWNERSHIP_CNIPA_COPY"), **common),
        Action(name, label, "signing", "agreement", guards=(side_chosen, may_sign, completes, not_ownership),
               closes=True, completes_office_task=True, starts=("JC_APPLICATION",), **common),
        Action(name, label, "signing", None, guards=(side_chosen, may_sign, first_signature), **common),
    ]


PRE_AGREEMENT = ("submitted", "awaiting_statement", "in_session")
TERMINATION: _Termination = {"closes": True, "notice": "mediation_termination", "stops": ("MED_OWNERSHIP_LIMIT",)}
ABSENT: _Absence = {**TERMINATION, "effects": ("mediation_record", "hold_mediation_session")}

PROCEDURE = Procedure(
    code="mediation",
    title="行政调解",
    number_word="调",
    first="submitted",
    states={
        "submitted": State("已申请"),
        "awaiting_statement": State("待陈述意见"),
        "in_session": State("调解中"),
        "signing": State("协议待签署"),
        "agreement": State("协议已生效"),
        "confirmation_applied": State("已申请司法确认"),
        "confirmation_accepted": State("法院已受理确认申请"),
        "confirmed": State("已司法确认"),
        "enforcement": State("申请强制执行中"),
        "refused": Terminal("不予受理"),
        "failed": Terminal("调解不成"),
        "confirmation_rejected": Terminal("未获司法确认"),
        "performed": Terminal("已履行"),
        "withdrawn": Terminal("已撤回"),
    },
    starts_on_create=("MED_NOTICE",),
    actions=[
        # ---- the request and the respondent's statement (arts 63-66) ----
        Action("set_category", "登记纠纷类型", ("submitted", "awaiting_statement"), None, roles=STAFF,
               fields={"category": Choice("纠纷类型（第六十三条）", required=True, choices=CATEGORIES),
                       "decision_ref": Line("认定侵权的处理决定书文号（仅就赔偿数额调解时必填）", max_length=80)},
               effects=("mediation_record",),
               help="由投诉转来的调解案件须先登记纠纷类型；仅就侵权赔偿数额调解的，"
                    "须有认定侵权的处理决定书（第六十四条）"),
        Action("notify_respondent", "通知被请求人陈述意见", "submitted", "awaiting_statement", roles=STAFF,
               guards=(category_known,), notice="statement_notice", effects=("issue_access_codes",),
               starts=("MED_STATEMENT",),
               help="收到调解请求书之日起五个工作日内，将陈述意见通知书和请求书副本送达被请求人（第六十五条）："
                    "签发后登记送达，送达之日为完成之日"),
        Action("record_statement", "提交意见陈述书", "awaiting_statement", None, roles=STAFF | {"respondent"},
               fields={"agrees": Choice("是否同意调解", required=True, choices=YES_NO),
                       "statement": Text("意见陈述", required=True)},
               guards=(statement_pending,), effects=("mediation_record",),
               stops=("MED_STATEMENT",), starts=("MED_DOCKET_OR_REFUSE",)),
        Action("close_statement_period", "陈述期满", "awaiting_statement", None, roles=STAFF,
               guards=(statement_pending, deadline_passed("MED_STATEMENT", "被请求人的十五日陈述期尚未届满")),
               stops=("MED_STATEMENT",), starts=("MED_DOCKET_OR_REFUSE",)),
        *[Action("docket", "立案调解", "awaiting_statement", "in_session", roles=STAFF,
                 fields={"body": Choice("主持调解的组织", required=True, choices=BODIES),
                         "committee": Line("受委托的人民调解委员会名称"),
                         "decision_checked": Choice("已核对认定侵权的处理决定书（赔偿数额纠纷）", choices=YES_NO)},
                 guards=(respondent_agreed, decision_checked, committee_named, *extra),
                 notice="acceptance", effects=("mediation_record",),
                 stops=("MED_DOCKET_OR_REFUSE", "MED_STATEMENT", "MED_NOTICE"), starts=starts,
                 confirm="立案调解后不能撤销，并据此发出受理通知书。请核对被请求人的意见和主持调解的组织后确认。",
                 help="被请求人同意调解的，收到意见陈述书之日起五个工作日内立案，"
                      "并通知双方调解的时间和地点（第六十六条）")
          for extra, starts in (((ownership,), ("MED_OWNERSHIP_LIMIT",)), ((not_ownership,), ()))],
        Action("refuse", "不予受理", ("submitted", "awaiting_statement"), "refused", roles=STAFF,
               fields={"ground": Choice("不予受理的依据", required=True, choices=REFUSE_GROUNDS),
                       "reason": Text("理由", required=True)},
               closes=True, notice="rejection", effects=("mediation_record",),
               stops=("MED_NOTICE", "MED_STATEMENT", "MED_DOCKET_OR_REFUSE"),
               help="被请求人逾期未提交意见陈述书或者不同意调解的，五个工作日内通知请求人不予立案（第六十六条）"),
        Action("mediator", "指定调解员", PRE_AGREEMENT, None, roles={"officer", "supervisor"},
               fields={"mediator": UserRef("调解员", required=True, roles=frozenset({"mediator", "officer"}))},
               effects=("assign_mediator",)),
        # ---- sessions (arts 67, 68) ----
        Action("schedule_session", "安排调解", "in_session", None, roles=STAFF,
               fields={"session_date": Date("调解日期", required=True),
                       "start_time": Line("开始时间（如 09:30）", max_length=5),
                       "hours": Choice("预计时长", choices=HOURS),
                       "mode": Choice("调解方式", required=True, choices=SESSION_MODES),
                       "room": Room("调解室（现场调解）", max_length=32),
                       "link": Line("远程调解链接", max_length=300),
                       "invitees": Text("邀请参加调解的单位或个人（第六十八条）", max_length=1000)},
               guards=(session_link,), effects=("schedule_mediation_session",),
               help="调解室、调解员和当事人的时间冲突会被检查；远程调解须填写链接"),
        Action("hold_session", "登记调解情况", "in_session", "withdrawn", roles=STAFF, when=("absence", "requester"),
               fields={"absence": Choice("到场情况", required=True, choices=ABSENCE),
                       "notes": Text("调解笔录（调解员记录）", required=True)}, **ABSENT),
        Action("hold_session", "登记调解情况", "in_session", "failed", roles=STAFF, when=("absence", "respondent"),
               fields={"absence": Choice("到场情况", required=True, choices=ABSENCE),
                       "notes": Text("调解笔录（调解员记录）", required=True)}, **ABSENT),
        Action("hold_session", "登记调解情况", "in_session", None, roles=STAFF,
               fields={"absence": Choice("到场情况", required=True, choices=ABSENCE),
                       "notes": Text("调解笔录（调解员记录）", required=True)},
               effects=("mediation_record", "hold_mediation_session")),
        Action("extend", "延长调解期限", "in_session", None, roles=STAFF, approval="supervisor",
               guards=(only_ownership,), fields={"reason": Text("延长理由", required=True)},
               extends=("MED_OWNERSHIP_LIMIT",),
               help="权属纠纷应当自立案之日起两个月内结案；经本部门负责人批准，可以延长一个月（第七十条）"),
        # ---- the agreement (art. 69) ----
        # The agreement takes effect, and the case closes (结案), on the second signature (art. 69).
        Action("record_agreement", "达成调解协议", "in_session", "signing", roles=STAFF,
               fields={"terms": Text("双方同意的协议内容", required=True)},
               notice="mediation_agreement", effects=("mediation_record",),
               help="据此起草调解协议书；双方当事人签名或者在线确认后，协议生效，案件结案"),
        *[variant for signing in SIGNING for variant in _sign_variants(*signing)],
        Action("fail", "调解不成", ("in_session", "signing"), "failed", roles=STAFF,
               fields={"reason": Text("理由", required=True)}, effects=("mediation_record",), **TERMINATION),
        Action("copy_to_cnipa", "抄送国家知识产权局", "agreement", None, roles=STAFF, guards=(only_ownership,),
               fields={"note": Text("抄送的文书及方式")}, effects=("mediation_record",),
               stops=("MED_OWNERSHIP_CNIPA_COPY",),
               help="权属纠纷结案后五个工作日内将调解协议书抄送国家知识产权局（第七十条）"),
        # ---- 司法确认 (民事诉讼法 arts 205-206; 民诉解释 arts 353-358) ----
        Action("apply_confirmation", "申请司法确认", "agreement", "confirmation_applied", roles=STAFF,
               fields={"court": Line("受理申请的人民法院", required=True),
                       "mode": Choice("申请方式", required=True, choices=APPLY_MODES),
                       "profile": Choice("法院审查期限口径", required=True, choices=PROFILES)},
               guards=(confirmable, within_confirmation_window), notice="confirmation_notice",
               effects=("mediation_record",), stops=("JC_APPLICATION",), starts=("JC_ACCEPTANCE_2011",),
               help="双方当事人自调解协议生效之日起三十日内共同提出；涉及知识产权确权的协议不能申请"),
        *[Action("record_court_acceptance", "登记法院受理", "confirmation_applied", "confirmation_accepted",
                 roles=STAFF, fields={"court_case": Line("法院案号", required=True, max_length=80),
                                      "accepted_on": Date("受理日期")},
                 guards=(profile_is(profile),), effects=("mediation_record",),
                 stops=("JC_ACCEPTANCE_2011",), starts=(rule,))
          for profile, rule in (("spi_2011", "JC_DECISION_SPI_2011"), ("statutory", "JC_DECISION"))],
        Action("record_confirmation", "登记确认裁定", ("confirmation_applied", "confirmation_accepted"), "confirmed",
               roles=STAFF, fields={"court_case": Line("法院案号", required=True, max_length=80),
                                    "ruled_on": Date("裁定日期")},
               effects=("mediation_record",), stops=("JC_ACCEPTANCE_2011", "JC_DECISION", "JC_DECISION_SPI_2011"),
               help="人民法院裁定调解协议有效；一方拒绝履行的，对方可以向人民法院申请执行（民事诉讼法第二百零六条）"),
        Action("record_confirmation_rejected", "登记不予受理或驳回裁定",
               ("confirmation_applied", "confirmation_accepted"), "confirmation_rejected", roles=STAFF,
               fields={"outcome": Choice("法院的处理", required=True, choices=COURT_OUTCOMES),
                       "court_case": Line("法院案号", required=True, max_length=80),
                       "ruled_on": Date("裁定日期"), "reason": Text("理由")},
               effects=("mediation_record",), stops=("JC_ACCEPTANCE_2011", "JC_DECISION", "JC_DECISION_SPI_2011"),
               help="驳回申请的，当事人可以通过调解变更原协议或者达成新的协议，也可以向人民法院起诉"),
        # ---- performance or enforcement ----
        Action("record_enforcement", "登记申请强制执行", "confirmed", "enforcement", roles=STAFF,
               fields={"court": Line("执行法院", required=True), "court_case": Line("执行案号", max_length=80)},
               effects=("mediation_record",)),
        Action("record_performance", "登记履行", ("agreement", "confirmed", "enforcement"), "performed", roles=STAFF,
               fields={"note": Text("履行情况")}, effects=("mediation_record",)),
        Action("withdraw", "撤回申请", (*PRE_AGREEMENT, "signing"), "withdrawn", roles={"applicant"},
               fields={"reason": Text("撤回理由")}, closes=True, allowed_while_pending=True,
               confirm="撤回后本案即告终结，确定撤回吗？",
               stops=("MED_NOTICE", "MED_STATEMENT", "MED_DOCKET_OR_REFUSE", "MED_OWNERSHIP_LIMIT")),
        *common_actions(),
    ],
)
