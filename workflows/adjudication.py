"""专利侵权纠纷行政裁决 (docs/procedures.md, adjudication; 专利法 art. 65; 局令81).

Every step, period and document of the procedure. Guards are pure functions of the action's input and the case
(they read ``case.data`` and a few columns through ``getattr`` so that the data generator's light cases work too).
Effects named here are registered by the domains (``caseflow/cases/effects.py`` and ``caseflow/<domain>/effects.py``).
"""

from __future__ import annotations

import datetime as dt

from workflows.base import (
    Action,
    Choice,
    Date,
    Guard,
    GuardContext,
    Line,
    PanelMember,
    Procedure,
    Room,
    State,
    Terminal,
    Text,
    UserList,
    UserRef,
    came_from,
    case_data,
    common_actions,
    deadline_passed,
    extendable,
    injunctions_enabled,
    on_input,
    selector,
)
from workflows.mediation import SIGNING, completes, first_signature, may_sign, side_chosen

STAFF = {"officer"}
PARTIES = {"applicant", "respondent"}
PRE_DECISION = ("submitted", "correction", "docketed", "answering", "examination", "hearing_scheduled",
                "suspended", "mediating")
AFTER_DOCKET = ("docketed", "answering", "examination", "hearing_scheduled", "suspended", "mediating")
SUSPENDABLE = ("answering", "examination", "hearing_scheduled")
POST_DECISION = ("decided", "litigation", "reminded", "enforcement")

# ---- choices (局令81) ----

STANDING = {
    "patentee": "专利权人",
    "exclusive_licensee": "独占实施许可合同的被许可人",
    "sole_licensee": "排他实施许可合同的被许可人（专利权人不请求）",
    "ordinary_licensee_authorised": "普通实施许可合同的被许可人（合同约定或专利权人另行授权）",
    "ordinary_licensee": "普通实施许可合同的被许可人（无授权）",
    "successor": "专利权人的合法继承人",
}
YES_NO = {"yes": "是", "no": "否"}
JURISDICTION = {
    "infringement_place": "侵权行为地在本部门辖区（第六条）",
    "respondent_domicile": "被请求人住所地在本部门辖区（第六条）",
    "designated": "上级部门指定管辖（第八条）",
    "none": "不属于本部门管辖",
}
EVALUATION_REPORT = {
    "provided": "已提交专利权评价报告",
    "requested": "已要求提交，尚未提交",
    "refused": "无正当理由拒绝提交（第十四条第二款，可以不予受理）",
    "not_required": "不需要（发明专利或未要求）",
}
REJECT_REASONS = {
    "standing": "请求人不是专利权人或者利害关系人（第十二条第（一）项）",
    "respondent": "没有明确的被请求人（第十二条第（二）项）",
    "claims": "没有明确的请求事项和具体事实、理由（第十二条第（三）项）",
    "jurisdiction": "不属于本部门受案和管辖范围（第十二条第（四）项）",
    "court_suit": "已就该纠纷向人民法院起诉或约定其他解决方式（第十二条第（五）项）",
    "evaluation_report": "无正当理由拒绝提交专利权评价报告（第十四条第二款）",
    "correction": "逾期未补正或补正后仍不符合要求（第十六条）",
    "foreign_documents": "境外请求人身份证明未公证认证（第十八条）",
    "other": "其他",
}
#: The grounds that are conditions of art. 12 (the 不予受理通知书 says the request fails them; the others do not).
ARTICLE_12_GROUNDS = frozenset({"standing", "respondent", "claims", "jurisdiction", "court_suit"})
SUSPEND_REASONS = {  # 局令81 art. 28: 应当中止 — these seven and no other
    "invalidation": "涉案实用新型或者外观设计专利的无效宣告请求已被国家知识产权局受理（第二十八条第（一）项）",
    "death": "一方当事人死亡，需要等待继承人表明是否参加处理（第二十八条第（二）项）",
    "incapacity": "一方当事人丧失行为能力，尚未确定法定代理人（第二十八条第（三）项）",
    "termination": "作为一方当事人的法人或者非法人组织终止，尚未确定权利义务承受人（第二十八条第（四）项）",
    "force_majeure": "一方当事人因不可抗拒的事由不能参加处理（第二十八条第（五）项）",
    "depends": "本案必须以另一案的审理结果为依据，而另一案尚未审结（第二十八条第（六）项）",
    "referred_up": "本案有关问题需要请示上级部门，尚未得到答复（第二十八条第（七）项）",
}
REFUSE_SUSPENSION = {  # 局令81 art. 29: 可以不中止
    "invention": "涉案专利为发明专利（第二十九条第（一）项）",
    "report_clean": "专利权评价报告未发现导致专利权无效的事由（第二十九条第（二）项）",
    "refiled": "被请求人撤回无效宣告请求后再次提出并请求中止（第二十九条第（三）项）",
    "upheld": "维持专利权有效的无效宣告审查决定已生效（第二十九条第（四）项）",
    "unnecessary": "其他不需要中止的情形（第二十九条第（五）项）",
}
REVOKE_REASONS = {  # 局令81 art. 36 and the other grounds that end the case by 撤销案件
    "not_acceptable": "立案后发现不符合受理条件（第三十六条第（一）项）",
    "withdrawn": "请求人撤回处理请求（第三十六条第（二）项）",
    "requester_absent": "请求人无正当理由拒不参加口头审理或中途退庭，按撤回请求处理（第二十六条）",
    "requester_gone": "请求人死亡或注销，无承继人或承继人放弃（第三十六条第（三）项）",
    "respondent_gone": "被请求人死亡或注销，无遗产且无应当承担义务的人（第三十六条第（四）项）",
    "claims_unclear": "经释明后仍未明确所依据的权利要求（第三十六条第二款）",
    "time_bar": "时效抗辩成立（第十九条）",
    "foreign_documents": "境外当事人身份证明经通知仍未补交（第十八条）",
    "no_jurisdiction": "不属于本部门管辖，移送有管辖权的部门（第九条）",
    "settled_outside": "当事人自行和解并撤回请求",
    "other": "其他情形（第三十六条第（五）项）",
}
STOP_MEASURES = {  # 局令81 art. 32
    "stop_acts": "立即停止制造、使用、许诺销售、销售、进口行为",
    "destroy_tools": "销毁专门用于侵权的设备、模具",
    "withdraw_exhibit": "撤回展会展品（撤展）",
    "notify_customs": "通知海关（产品尚未入境）",
    "notify_platform": "通知电子商务平台删除、屏蔽、断开链接或终止交易",
}
INVESTIGATIONS = {  # 专利法 art. 69 para. 2: only these three in a dispute
    "inquiry": "询问有关当事人，调查与涉嫌违法行为有关的情况（询问笔录）",
    "site_inspection": "对当事人涉嫌违法行为的场所实施现场检查（现场检查笔录）",
    "product_inspection": "检查与涉嫌违法行为有关的产品",
}
REJECT_FIELDS = {"reason": Text("不予立案理由", required=True),
                 "ground": Choice("不予立案依据", choices=REJECT_REASONS)}
HEARING_MODES = {"in_person": "现场审理", "remote": "远程审理（在线）"}
# Numbers are offered as choices (strings), so that every recorded field is text.
CORRECTION_DAYS = {str(n): f"{n}日" for n in (7, 10, 15, 30)}
EVIDENCE_DAYS = {str(n): f"{n}日" for n in (15, 20, 30, 45, 60)}
EXTRA_EVIDENCE_DAYS = {str(n): f"{n}日" for n in (5, 10, 15, 20, 30)}
HOURS = {str(n): f"{n}小时" for n in range(1, 9)}
#: 局令81 art. 37: periods not counted in the case limit that the office records as they begin and end (中止 and
#: 管辖权异议 have their own actions; an applied-for 举证期限 extension is excluded when it is granted; a 公告送达's
#: 30 days when the service is recorded).
EXCLUDED_PERIODS = {
    "settlement": "当事人和解期间",
    "public_notice": "公告期间",
    "appraisal": "检验、鉴定期间",
}
TRACKS = {"standard": "普通程序", "fast": "快速裁决（外观设计及简单案件，繁简分流）"}

SERVE_HELP = ("立案之日起五个工作日内将请求书副本和答辩通知书送达被请求人（第二十二条）：签发答辩通知书后登记送达，"
              "全部被请求人送达之日为完成之日")

#: Internal targets of the fast track, shown beside the statutory periods; never applied to a party's period.
FAST_TRACK_TARGETS = {
    "ADJ_DOCKET": (3, "working_days", "快速立案目标"),
    "ADJ_SERVE_REQUEST": (2, "working_days", "快速送达目标"),
    "ADJ_CASE_LIMIT": (1, "months", "快速结案目标"),
}

# ---- guards ----


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


#: The kinds of right a case concerns (its ip_type), as forms and documents title them.
IP_TYPES = {"invention": "发明专利", "utility_model": "实用新型专利", "design": "外观设计专利", "trademark": "注册商标",
            "copyright": "著作权", "geographical_indication": "地理标志", "other": "其他"}
#: 专利法 art. 65 and 局令81 art. 2: the office adjudicates disputes over these rights only.
PATENT_TYPES = {k: IP_TYPES[k] for k in ("invention", "utility_model", "design")}
#: The 立案 checks of 局令81 art. 12 (and the 专利登记簿副本 of art. 14) that must be recorded, by field.
FILING_CHECKS = {"standing": "请求人主体资格", "claims_clear": "请求事项和具体事实、理由",
                 "jurisdiction": "管辖依据", "court_suit": "是否已向人民法院起诉",
                 "other_route": "是否约定其他纠纷解决方式", "patent_status": "专利权状态"}


def request_checks(fields) -> dict[str, str]:
    """What makes a filing no 专利侵权纠纷 (专利法 art. 65; 局令81 art. 2): {field: reason}, empty when it is one."""
    errors = {}
    if fields.get("kind") != "patent_infringement":
        errors["kind"] = "专利侵权纠纷行政裁决只处理专利侵权纠纷（专利法第六十五条），类型应为“专利侵权”"
    if fields.get("ip_type") not in PATENT_TYPES:
        errors["ip_type"] = "专利侵权纠纷行政裁决只处理专利权纠纷，请选择专利类型：发明、实用新型或外观设计"
    return errors


#: 专利法 art. 64: an invention's or a utility model's protection is defined by its claims; a design's by the
#: product's design shown in the drawings or photos (the brief description may explain them): it has no claims to name.
CLAIMED_TYPES = ("invention", "utility_model")


def filing_refusals(fields) -> dict[str, str]:
    """What refuses a new 处理请求书 (the API's and the portal's filing alike): no 专利侵权纠纷, or, for an invention
    or a utility model, no claims named (局令81 art. 12(三)). A design patent is never refused for missing claims.
    (A complaint converted into an adjudication continues a request already received: its claims are clarified
    under art. 36, not refused here.)"""
    errors = request_checks(fields)
    if fields.get("ip_type") in CLAIMED_TYPES and not (fields.get("asserted_claims") or "").strip():
        errors["asserted_claims"] = "发明、实用新型专利请写明主张的权利要求（第十二条第（三）项）"
    return errors


def needs_evaluation_report(case) -> bool:
    """局令81 art. 14: for a utility model or a design the office decides on the 专利权评价报告 at 立案."""
    return getattr(case, "ip_type", None) in ("utility_model", "design")


def transfer_target_named(name: str, value: str) -> Guard:
    """Art. 9: a case the office transfers (an upheld jurisdiction objection, a revocation for want of jurisdiction)
    names the competent department it goes to."""

    @on_input
    def guard(ctx: GuardContext) -> str | None:
        if ctx.data.get(name) == value and not str(ctx.data.get("target") or "").strip():
            return "移送有管辖权的部门的，应当写明该部门（第九条）"
        return None

    return guard


TARGET_IF_UPHELD = transfer_target_named("outcome", "upheld")
TARGET_IF_NO_JURISDICTION = transfer_target_named("ground", "no_jurisdiction")


@on_input
def jurisdiction_found_after_docket(ctx: GuardContext) -> str | None:
    """Art. 9: a request found not to be the office's before 立案 is refused (不予立案), not revoked and transferred."""
    if ctx.data.get("ground") == "no_jurisdiction" and getattr(ctx.case, "state", None) not in AFTER_DOCKET:
        return "立案前发现不属于本部门管辖的，应当不予立案并告知请求人（第九条）"
    return None


@on_input
def filing_checks_recorded(ctx: GuardContext) -> str | None:
    """局令81 arts 12, 14: 立案 records every condition (callers that skip the form meet this refusal)."""
    missing = [label for name, label in FILING_CHECKS.items() if not ctx.data.get(name)]
    if needs_evaluation_report(ctx.case) and not ctx.data.get("evaluation_report"):
        missing.append("专利权评价报告")
    if missing:
        return "立案前应当审查并记录受理条件（第十二条、第十四条），尚未记录：" + "、".join(missing)
    return None


def filing_conditions(ctx: GuardContext) -> str | None:
    """局令81 arts 12, 14: refuse to docket when the officer recorded that a condition is not met."""
    d = ctx.data
    if d.get("standing") == "ordinary_licensee":
        return "普通实施许可合同的被许可人无专利权人授权，不能单独提出请求（第十二条第（一）项）"
    parties = getattr(ctx.case, "parties", None)
    if parties is not None and not any(getattr(getattr(p, "role", None), "value", getattr(p, "role", None))
                                       == "respondent" for p in parties):
        return "没有明确的被请求人，不能立案（第十二条第（二）项）"
    if d.get("claims_clear") == "no":
        return "没有明确的请求事项和具体事实、理由，不能立案（第十二条第（三）项）"
    if d.get("jurisdiction") == "none":
        return "不属于本部门受案和管辖范围，不能立案（第十二条第（四）项）"
    if d.get("court_suit") == "yes":
        return "当事人已就该专利侵权纠纷向人民法院起诉，不能立案（第十二条第（五）项）"
    if d.get("other_route") == "yes":
        return "双方约定了其他纠纷解决方式，不能立案（第十二条第（五）项）"
    if needs_evaluation_report(ctx.case) and d.get("evaluation_report") == "refused":
        return "请求人无正当理由拒绝提交专利权评价报告，可以不予受理（第十四条第二款）"
    return None


def time_bar_risk(known_on, continuing, today: dt.date) -> str | None:
    """局令81 art. 19: 3 years from knowing of the infringement and the infringer; shown as a risk, never a refusal."""
    known = _as_date(known_on)
    if known is None:
        return None
    try:
        bar = known.replace(year=known.year + 3)
    except ValueError:  # 29 February
        bar = known.replace(year=known.year + 3, day=28)
    if today <= bar:
        return None
    if continuing == "yes":
        return f"请求已超过三年时效（{bar.isoformat()} 届满），但侵权行为仍在继续且专利权有效，应当受理（第十九条）"
    return (f"请求可能已超过三年时效（{bar.isoformat()} 届满）；如被请求人提出时效抗辩且无中止、中断、延长事由，"
            "应当撤案（第十九条）")


@on_input
def invalidation_ground(ctx: GuardContext) -> str | None:
    """局令81 art. 28(一) covers utility models and designs only; for an invention art. 29(一) lets the office go on."""
    if ctx.data.get("reason") != "invalidation" or getattr(ctx.case, "ip_type", None) in ("utility_model", "design"):
        return None
    return ("涉案专利为发明专利，不适用第二十八条第（一）项；发明专利在处理过程中被提出无效宣告请求的，"
            "可以不中止处理（第二十九条第（一）项）")


@on_input
def panel_size(ctx: GuardContext) -> str | None:
    """局令81 art. 20: three or more 办案人员, an odd number, form the 合议组."""
    members = ctx.data.get("members") or []
    if not members:
        return "应当指定三名以上单数办案人员组成合议组（第二十条）"
    if isinstance(members, str):
        members = [m for m in members.replace("，", ",").split(",") if m.strip()]
    if len(set(members)) != len(members):
        return "合议组成员不能重复"
    if len(members) < 3 or len(members) % 2 == 0:
        return "合议组应当由三名以上单数办案人员组成（第二十条）"
    return None


def _panel_problem(members) -> str | None:
    members = list(members or [])
    if not members:
        return "尚未组成合议组（第二十条）"
    if len(members) < 3 or len(members) % 2 == 0 or len(set(members)) != len(members):
        return "合议组应当由三名以上单数办案人员组成（第二十条）"
    return None


def panel_formed(ctx: GuardContext) -> str | None:
    """局令81 art. 20: the case has its 合议组 (formed at 立案)."""
    return _panel_problem(case_data(ctx.case).get("panel"))


OUTCOMES = {"infringement": "认定侵权，责令停止侵权", "dismissed": "驳回请求"}
AMENDMENTS = {"vary": "变更裁决", "revoke": "撤销裁决"}
JUDGMENTS = {"upheld": "维持行政裁决（或者驳回诉讼请求、驳回起诉）", "varied": "变更行政裁决",
             "revoked": "撤销行政裁决"}


def deliberated(ctx: GuardContext) -> str | None:
    """局令81 art. 25: the 合议组 deliberates (合议) before the decision, which follows its majority opinion.

    A deliberation of another panel (a member replaced since) or before a later hearing does not count.
    """
    panel = case_data(ctx.case).get("panel")
    problem = _panel_problem(panel)
    if problem:
        return f"{problem}，不能作出裁决"
    held = case_data(ctx.case).get("deliberation") or {}
    if not held:
        return "作出裁决前，合议组应当进行合议（第二十五条）：请先登记合议"
    if list(held.get("panel") or []) != list(panel or []):
        return "合议后合议组成员已经变更，应当由现合议组重新合议（第二十五条）"
    outcome = ctx.data.get("outcome")
    if outcome and held.get("outcome") and outcome != held["outcome"]:
        return (f"裁决结果应当与合议组的多数意见一致（第二十五条）：合议意见为“{OUTCOMES.get(held['outcome'])}”，"
                "如需改变，应当重新合议")
    return None


def hearing_notice_in_time(field_name: str = "hearing_date"):
    """局令81 art. 26: the 口头审理通知书 goes out at least 3 working days before the hearing (backward count).

    Counted by the application's deadlines (``ctx.latest_notice_day``): the rule ADJ_HEARING_NOTICE on the office's
    published calendar (admin overrides included), so that a holiday the office published moves the latest notice
    day exactly as it moves every other deadline.
    """

    def guard(ctx: GuardContext) -> str | None:
        raw = ctx.data.get(field_name)
        if not raw:
            return None  # a required field: the form asks for it
        day = _as_date(raw)
        if day is None:
            return "请填写有效的口头审理日期"
        latest = ctx.latest_notice_day("ADJ_HEARING_NOTICE", day)
        if latest is not None and latest < ctx.today:
            return (f"口头审理通知应当至少在口头审理三个工作日前发出：{day.isoformat()} 的口头审理最迟应于 "
                    f"{latest.isoformat()} 通知，今天已晚（第二十六条）")
        return None

    return guard


def _hearing_day(case) -> dt.date | None:
    return _as_date((case_data(case).get("hearing") or {}).get("date"))


def hearing_day_reached(ctx: GuardContext) -> str | None:
    """A hearing is recorded as held on or after the day it was set for, never before."""
    day = _hearing_day(ctx.case)
    if day is not None and ctx.today < day:
        return f"口头审理定于 {day.isoformat()} 举行，不能在此之前登记举行口头审理"
    return None


def hearing_notice_served(ctx: GuardContext) -> str | None:
    """局令81 art. 26: every party received the 口头审理通知书 at least 3 working days before the hearing, counted from
    the recorded 送达, not from issue. Not served in time: the hearing is postponed and notified again."""
    service = ctx.fact("hearing_notice_service")
    day = _hearing_day(ctx.case)
    if service is None or day is None:
        return None  # the application does not know (the data generator's light cases)
    parties = service.get("parties") or []
    if not parties:
        return "口头审理通知书尚未签发送达当事人（第二十六条）"
    latest = ctx.latest_notice_day("ADJ_HEARING_NOTICE", day)
    unserved = [name for name, on in parties if on is None]
    late = [f"{name}（{on.isoformat()}收到）" for name, on in parties
            if on is not None and latest is not None and on > latest]
    if not unserved and not late:
        return None
    parts = []
    if unserved:
        parts.append("尚未送达：" + "、".join(unserved))
    if late and latest is not None:
        parts.append(f"送达晚于 {latest.isoformat()}：" + "、".join(late))
    what = "；".join(parts)
    return (f"口头审理通知书应当至少在口头审理三个工作日前送达当事人（第二十六条），{day.isoformat()} 的口头审理"
            f"{what}。请登记送达，或者延期口头审理并重新通知")


def objection_pending(ctx: GuardContext) -> str | None:
    return None if case_data(ctx.case).get("jurisdiction_objection") == "pending" else "没有待决定的管辖权异议"


def no_objection_pending(ctx: GuardContext) -> str | None:
    return "已有待决定的管辖权异议" if case_data(ctx.case).get("jurisdiction_objection") == "pending" else None


def answer_not_filed(ctx: GuardContext) -> str | None:
    """A late answer (after the office closed the answer period) is still accepted, once."""
    return "答辩书已经提交" if case_data(ctx.case).get("record_answer") else None


#: The party's period each filing belongs to: a filing after it ran out is accepted and flagged 逾期
#: (the effect ``flag_late_filing``), never refused.
FILING_PERIODS = {
    "record_answer": ("ADJ_ANSWER", "答辩期"),
    "raise_jurisdiction_objection": ("ADJ_ANSWER", "答辩期（管辖权异议应当在答辩期内提出，第九条）"),
    "apply_recusal": ("ADJ_RECUSAL_APPLICATION", "申请回避期限（第五条）"),
}


def recusal_pending(ctx: GuardContext) -> str | None:
    return None if case_data(ctx.case).get("recusal") else "没有待决定的回避申请"



def _decided(case) -> dict:
    return case_data(case).get("decide") or {}


def _revoked(case) -> bool:
    """局令81 art. 33: the office revoked its decision (``amend_decision`` with change ``revoke``)."""
    return (case_data(case).get("amend_decision") or {}).get("change") == "revoke"


def stop_order(ctx: GuardContext) -> str | None:
    if _decided(ctx.case).get("outcome") != "infringement":
        return "驳回请求的裁决无需催告和强制执行"
    return "行政裁决已经撤销，无需催告和强制执行" if _revoked(ctx.case) else None


@selector
def varies_stop_order(ctx: GuardContext) -> str | None:
    """The variant of 变更 that enforces the order as varied: only a stop order still in force has enforcement."""
    return stop_order(ctx)


def not_revoked(ctx: GuardContext) -> str | None:
    return "行政裁决已经撤销，不能再变更或者撤销" if _revoked(ctx.case) else None


def order_revoked(ctx: GuardContext) -> str | None:
    """A revoked stop order has nothing left to enforce: the case is archived from 催告 or 强制执行 as well."""
    return None if _revoked(ctx.case) else "责令停止侵权的裁决正在执行，以登记履行结案"


# After a 变更 or 撤销 these read its own period to sue (ADJ_ADMIN_SUIT_AMENDED: the latest row of the prefix).
_SUIT_OVER_TO_FILE = deadline_passed("ADJ_ADMIN_SUIT", "责令停止侵权的裁决须待起诉期限届满后方可归档")


def may_finalize(ctx: GuardContext) -> str | None:
    """A dismissal, or a revoked decision, has nothing to enforce; a stop order is archived after its period to sue."""
    if _decided(ctx.case).get("outcome") == "dismissed" or _revoked(ctx.case):
        return None
    return _SUIT_OVER_TO_FILE(ctx)


suit_window_over = deadline_passed("ADJ_ADMIN_SUIT", "当事人收到裁决书之日起十五日的起诉期限尚未届满")
#: 行政强制法 art. 54: a waiting period of 10 working days from the 催告书's recorded delivery (not an office deadline):
#: the enforcement application is refused until it has run out.
reminder_wait_over = deadline_passed(
    "ADJ_ENFORCEMENT_REMINDER_WAIT",
    "催告书送达之日起十个工作日内不得申请强制执行（行政强制法第五十四条）：请先登记催告书的送达日期，等待期届满后再申请")


def published(ctx: GuardContext) -> str | None:
    """局令81 art. 83: the decision (and any 变更 or 撤销 of it) is published within 20 working days; closing the case
    would end that period unmet, so the publication is recorded first."""
    if not ctx.fact("publication_due"):
        return None
    if getattr(ctx.case, "state", None) == "judged":
        return ("经行政诉讼变更、撤销的行政裁决尚未公开：请先登记“公开裁决书”（自收到判决书之日起二十个工作日内公开，"
                "第八十三条），再归档")
    return "裁决书尚未公开：请先登记“公开裁决书”（自作出行政裁决之日起二十个工作日内公开，第八十三条），再结案"


def decision_issued(ctx: GuardContext) -> str | None:
    """局令81 art. 33: a 更正通知书 corrects an issued decision; a draft's slip is mended in the draft itself."""
    if ctx.fact("decision_issued") is False:
        return "裁决书尚未签发：签发前请直接修改裁决书草稿；签发后才以更正通知书更正，或者变更、撤销裁决（第三十三条）"
    return None


def stop_measures_given(ctx: GuardContext) -> str | None:
    """局令81 art. 32: a decision finding infringement orders the infringer to stop, naming the measures."""
    if ctx.data.get("outcome") != "infringement":
        return None
    if not str(ctx.data.get("measures") or "").strip():
        return "认定侵权行为成立的，应当在裁决中写明责令停止侵权行为的类型、对象和范围（第三十二条）"
    return None


def _extensions_used(case) -> int:
    try:
        return int(case_data(case).get("case_limit_extensions") or 0)
    except (TypeError, ValueError):
        return 0


def first_extension(ctx: GuardContext) -> str | None:
    return None if _extensions_used(ctx.case) == 0 else "已延长过一次"


def second_extension(ctx: GuardContext) -> str | None:
    used = _extensions_used(ctx.case)
    if used == 1:
        return None
    if used >= 2:
        return "办案期限已延长两次，已无可批准的延长（第三十七条）"
    return "尚未作第一次延长"


def correction_period_over(ctx: GuardContext) -> str | None:
    """局令81 art. 16: materials awaited are 逾期未补正 only after the period the 补正通知书 set."""
    service = ctx.fact("correction_notice_service")
    if service is not None and (not service.get("parties") or any(on is None for _, on in service["parties"])):
        return "补正通知书尚未送达请求人，补正期限自请求人收到之日起算，不能以逾期未补正为由不予立案（第十六条）"
    if ctx.deadline_passed("ADJ_CORRECTION"):
        return None
    return ("补正期限尚未届满，不能以逾期未补正为由不予立案（第十六条）；请求人提交补正材料后，"
            "补正后仍不符合要求的，可以不予立案")


def correction_ground_fits(ctx: GuardContext) -> str | None:
    """A 不予立案 for want of 补正 states a correction that was asked for and made (art. 16)."""
    if ctx.data.get("ground") != "correction" or case_data(ctx.case).get("resubmit"):
        return None
    return "本案未通知补正或者请求人尚未提交补正材料，不能以“逾期未补正或补正后仍不符合要求”为由不予立案（第十六条）"


def _excluded(case) -> dict:
    return case_data(case).get("excluded_periods") or {}


def excluded_not_open(period: str):
    def guard(ctx: GuardContext) -> str | None:
        return f"{EXCLUDED_PERIODS[period]}已在计算中" if period in _excluded(ctx.case) else None

    return guard


def excluded_open(period: str):
    def guard(ctx: GuardContext) -> str | None:
        return None if period in _excluded(ctx.case) else f"没有正在计算的{EXCLUDED_PERIODS[period]}"

    return guard


JUDGMENT_FIELDS = {
    "result": Choice("判决对行政裁决的处理", required=True, choices=JUDGMENTS),
    "judgment": Text("判决结果", required=True),
    "received_on": Date("本部门收到判决书之日（生效判决；一审判决未上诉的，为收到一审判决书之日）", required=True),
}
JUDGMENT_CONFIRM = ("判决维持行政裁决的，登记后本案即告终结，不能撤销；判决变更或者撤销行政裁决的，"
                    "应当自收到判决书之日起二十个工作日内公开（第八十三条），公开后归档。请核对判决结果后确认。")


def evidence_days(ctx: GuardContext) -> str | None:
    try:
        days = int(ctx.data.get("days") or 15)
    except (TypeError, ValueError):
        return "举证期限天数无效"
    return None if days >= 15 else "举证期限不得少于十五日（第五十四条）"


PROCEDURE = Procedure(
    code="adjudication",
    title="专利侵权纠纷行政裁决",
    number_word="裁",
    first="submitted",
    create_checks=request_checks,
    filing_checks=filing_refusals,
    states={
        "submitted": State("已提交"),
        "correction": State("待补正"),
        "docketed": State("已立案"),
        "answering": State("答辩期"),
        "examination": State("审查中"),
        "hearing_scheduled": State("已排期口审"),
        "suspended": State("中止"),
        "mediating": State("调解中"),
        "settlement_signing": State("调解协议待签署"),
        "decided": State("已裁决"),
        "litigation": State("诉讼中"),
        "judged": State("判决变更或撤销裁决"),
        "reminded": State("已催告"),
        "enforcement": State("强制执行中", on_referral=(None, "enforcement_declined")),
        "not_docketed": Terminal("不予立案"),
        "settled": Terminal("调解结案"),
        "revoked": Terminal("撤销案件"),
        "closed": Terminal("已结案归档"),
    },
    starts_on_create=("ADJ_DOCKET",),
    actions=[
        # ---- filing (局令81 arts 12, 14, 16, 19, 20) ----
        Action("docket", "立案", "submitted", "docketed", roles=STAFF, approval="supervisor",
               fields={
                   "standing": Choice("请求人主体资格（第十二条第（一）项）", required=True, choices=STANDING),
                   "claims_clear": Choice("有明确的请求事项和具体事实、理由（第十二条第（三）项）", required=True,
                                          choices=YES_NO),
                   "jurisdiction": Choice("管辖依据（第六条、第十二条第（四）项）", required=True,
                                          choices=JURISDICTION),
                   "court_suit": Choice("任何一方已就该纠纷向人民法院起诉（第十二条第（五）项）", required=True,
                                        choices=YES_NO),
                   "other_route": Choice("双方约定了其他纠纷解决方式（第十二条第（五）项）", required=True,
                                         choices=YES_NO),
                   "patent_status": Choice("专利权状态（专利登记簿副本，第十四条）", required=True,
                                           choices={"valid": "有效", "invalidation_pending": "无效宣告请求审查中",
                                                    "lapsed": "已终止或被宣告无效"}),
                   "evaluation_report": Choice("专利权评价报告（实用新型、外观设计，第十四条第二款）",
                                               choices=EVALUATION_REPORT, required_if=needs_evaluation_report),
                   "known_on": Date("知道或应当知道侵权行为及侵权人之日（第十九条时效）"),
                   "continuing": Choice("侵权行为仍在继续", choices=YES_NO),
                   "members": UserList("合议组成员（三名以上单数办案人员，第二十条）", required=True),
               },
               guards=(filing_checks_recorded, filing_conditions, panel_size), notice="acceptance",
               confirm="立案后不能撤销，并据此发出受理通知书。请核对立案条件和合议组成员后确认。",
               effects=("record_filing_checks", "store_panel"),
               stops=("ADJ_DOCKET",), starts=("ADJ_SERVE", "ADJ_CASE_LIMIT", "ADJ_RECUSAL_APPLICATION"),
               help="局令81第十二条的受理条件：主体资格、明确的被请求人、具体请求及事实理由、管辖、未起诉且未约定其他途径；"
                    "立案时指定三名以上单数办案人员组成合议组（第二十条）"),
        Action("reject", "不予立案", "submitted", "not_docketed", roles=STAFF, approval="supervisor",
               fields=REJECT_FIELDS, guards=(correction_ground_fits,), notice="rejection", stops=("ADJ_DOCKET",)),
        # While the materials are awaited, 不予立案 only once the period set for them ran out (art. 16).
        Action("reject", "不予立案", "correction", "not_docketed", roles=STAFF, approval="supervisor",
               fields=REJECT_FIELDS, guards=(correction_period_over,), notice="rejection",
               stops=("ADJ_DOCKET", "ADJ_CORRECTION")),
        Action("extend_docket", "延长立案期限", "submitted", None, roles=STAFF, approval="supervisor",
               fields={"reason": Text("延长理由（案情特别复杂或者有其他特殊情况）", required=True)},
               guards=(extendable("ADJ_DOCKET"),), extends=("ADJ_DOCKET",),
               help="案情特别复杂或者有其他特殊情况的，经本部门负责人批准，立案期限可以延长五个工作日（第二十条）"),
        Action("request_correction", "通知补正", "submitted", "correction", roles=STAFF,
               fields={"items": Text("需补正的材料及要求（书面一次性全面告知，第十六条）", required=True),
                       "due_in_days": Choice("补正期限（自请求人收到补正通知书之日起；未选择的为十五日）",
                                             choices=CORRECTION_DAYS)},
               notice="correction", stops=("ADJ_DOCKET",), starts=("ADJ_CORRECTION",),
               help="补正通知书写明补正期限；期满未补正或者补正后仍不符合要求的，不予受理（第十六条）"),
        Action("resubmit", "提交补正材料", "correction", "submitted", roles={"applicant"},
               fields={"note": Text("补正说明", required=True)}, effects=("remember_fields",),
               stops=("ADJ_CORRECTION",), starts=("ADJ_DOCKET",)),
        Action("set_track", "设定程序（繁简分流）", PRE_DECISION, None, roles=STAFF,
               fields={"track": Choice("程序", required=True, choices=TRACKS)}, effects=("set_track",),
               help="快速裁决只缩短内部办理目标，不缩短当事人的任何期间"),
        Action("consolidate", "合并审理", AFTER_DOCKET, None, roles=STAFF, approval="supervisor",
               fields={"other_case": Line("关联案件案号", required=True),
                       "reason": Text("合并理由（同一当事人、同一被诉产品或同一专利，第二十一条）", required=True)},
               effects=("link_consolidated",)),
        # ---- the panel and recusal (arts 5, 20) ----
        Action("set_panel", "变更合议组", ("docketed", "answering", "examination", "hearing_scheduled"), None,
               roles=STAFF, fields={"members": UserList("合议组成员（至少3人，奇数）", required=True)},
               guards=(panel_size,), effects=("store_panel",), starts=("ADJ_RECUSAL_APPLICATION",)),
        Action("apply_recusal", "申请回避", ("docketed", "answering", "examination", "hearing_scheduled"), None,
               roles=STAFF | PARTIES, guards=(panel_formed,),
               fields={"member": PanelMember("申请回避的合议组成员", required=True),
                       "grounds": Text("回避理由（第五条）", required=True)},
               effects=("record_recusal", "flag_late_filing")),
        Action("decide_recusal", "回避决定", ("docketed", "answering", "examination", "hearing_scheduled"), None,
               roles=STAFF, approval="supervisor", guards=(recusal_pending,),
               fields={"outcome": Choice("决定", required=True, choices={"granted": "准予回避", "refused": "驳回申请"}),
                       "replacement": UserRef("替换的办案人员（准予回避时）")},
               notice="recusal_decision", effects=("decide_recusal",), stops=("ADJ_RECUSAL_APPLICATION",)),
        # ---- service and answer (arts 9, 22) ----
        Action("serve_respondent", "送达被请求人", "docketed", "answering", roles=STAFF,
               fields={"no_domicile": Choice("被请求人在中国境内没有住所", choices=YES_NO)},
               when=("no_domicile", "yes"),
               notice="answer_notice", effects=("issue_access_codes",), starts=("ADJ_ANSWER_NO_DOMICILE",),
               help=SERVE_HELP),
        Action("serve_respondent", "送达被请求人", "docketed", "answering", roles=STAFF,
               fields={"no_domicile": Choice("被请求人在中国境内没有住所", choices=YES_NO)},
               notice="answer_notice", effects=("issue_access_codes",), starts=("ADJ_ANSWER",), help=SERVE_HELP),
        Action("record_answer", "登记答辩", "answering", "examination", roles=STAFF | {"respondent"},
               fields={"answer": Text("答辩意见", required=True)}, effects=("remember_fields", "flag_late_filing"),
               stops=("ADJ_ANSWER", "ADJ_ANSWER_NO_DOMICILE"), starts=("ADJ_FORWARD_ANSWER",)),
        # A late answer after the office closed the answer period is still accepted (flagged 逾期).
        Action("record_answer", "登记答辩", ("examination", "hearing_scheduled"), None, roles=STAFF | {"respondent"},
               fields={"answer": Text("答辩意见", required=True)}, guards=(answer_not_filed,),
               effects=("remember_fields", "flag_late_filing"), starts=("ADJ_FORWARD_ANSWER",)),
        Action("close_answer_period", "答辩期满", "answering", "examination", roles=STAFF,
               guards=(deadline_passed("ADJ_ANSWER", "答辩期尚未届满"),),
               stops=("ADJ_ANSWER", "ADJ_ANSWER_NO_DOMICILE")),
        Action("forward_answer", "向请求人送达答辩书副本", ("examination", "hearing_scheduled", "mediating"), None,
               roles=STAFF, fields={"delivered_on": Date("请求人收到答辩书副本的日期（送达日期）", required=True)},
               done_on="delivered_on", stops=("ADJ_FORWARD_ANSWER",),
               help="收到答辩书之日起五个工作日内送达请求人（第二十二条）；期限以送达之日计，不以寄出之日计"),
        Action("raise_jurisdiction_objection", "提出管辖权异议", "answering", None, roles=STAFF | {"respondent"},
               fields={"grounds": Text("异议理由", required=True)},
               guards=(no_objection_pending,), effects=("remember_objection", "flag_late_filing"),
               starts=("ADJ_JURISDICTION_OBJECTION_DECISION",), pauses=("ADJ_CASE_LIMIT",),
               pause_key="jurisdiction_objection"),
        Action("decide_jurisdiction_objection", "管辖权异议决定", ("answering", "examination"), "revoked",
               roles=STAFF, approval="supervisor", guards=(objection_pending, TARGET_IF_UPHELD),
               when=("outcome", "upheld"),
               fields={"outcome": Choice("决定", required=True,
                                         choices={"rejected": "驳回管辖权异议",
                                                  "upheld": "异议成立，移送有管辖权的部门"}),
                       "reasons": Text("理由", required=True),
                       "target": Line("有管辖权的部门（异议成立时）")},
               closes=True, notice="jurisdiction_decision", effects=("decide_objection", "transfer_case"),
               stops=("ADJ_JURISDICTION_OBJECTION_DECISION", "ADJ_CASE_LIMIT")),
        Action("decide_jurisdiction_objection", "管辖权异议决定", ("answering", "examination"), None,
               roles=STAFF, approval="supervisor", guards=(objection_pending, TARGET_IF_UPHELD),
               fields={"outcome": Choice("决定", required=True,
                                         choices={"rejected": "驳回管辖权异议",
                                                  "upheld": "异议成立，移送有管辖权的部门"}),
                       "reasons": Text("理由", required=True),
                       "target": Line("有管辖权的部门（异议成立时）")},
               notice="jurisdiction_decision", effects=("decide_objection",),
               stops=("ADJ_JURISDICTION_OBJECTION_DECISION",), resumes=("ADJ_CASE_LIMIT",),
               pause_key="jurisdiction_objection"),
        # ---- evidence and investigation (arts 44-54; 专利法 art. 69) ----
        Action("set_evidence_period", "指定举证期限", ("answering", "examination", "hearing_scheduled"), None,
               roles=STAFF, fields={"days": Choice("举证期限（不少于15日）", choices=EVIDENCE_DAYS)},
               guards=(evidence_days,), starts=("ADJ_EVIDENCE_PERIOD",)),
        Action("extend_evidence_period", "延长举证期限（当事人申请）",
               ("answering", "examination", "hearing_scheduled"), None, roles=STAFF,
               fields={"days": Choice("延长的期间", required=True, choices=EXTRA_EVIDENCE_DAYS),
                       "reason": Text("当事人申请延长的理由", required=True)},
               guards=(extendable("ADJ_EVIDENCE_PERIOD"),), extends=("ADJ_EVIDENCE_PERIOD",),
               help="当事人申请延长举证期限的，由办案部门决定并通知各方；延长的期间不计入办案期限（第五十四条、第三十七条）"),
        Action("record_investigation", "登记调查取证", ("answering", "examination", "hearing_scheduled"), None,
               roles=STAFF,
               fields={"measure": Choice("调查措施（专利法第六十九条第二款）", required=True, choices=INVESTIGATIONS),
                       "summary": Text("笔录摘要", required=True)},
               effects=("remember_fields",)),
        # ---- hearing (art. 26) ----
        Action("schedule_hearing", "安排口头审理", "examination", "hearing_scheduled", roles=STAFF,
               fields={"hearing_date": Date("口头审理日期", required=True),
                       "start_time": Line("开始时间（如 09:30）", max_length=5),
                       "hours": Choice("预计时长", choices=HOURS),
                       "mode": Choice("审理方式", choices=HEARING_MODES),
                       "room": Room("审理庭（现场审理）", max_length=32),
                       "link": Line("远程审理链接", max_length=300)},
               guards=(hearing_notice_in_time(),), notice="hearing_notice", effects=("schedule_hearing",),
               help="口头审理通知书应当至少在口头审理三个工作日前送达当事人（第二十六条）"),
        Action("request_postponement", "申请延期口头审理", "hearing_scheduled", None, roles=STAFF | PARTIES,
               fields={"reason": Text("延期理由", required=True)}, effects=("remember_fields",)),
        Action("postpone_hearing", "延期口头审理", "hearing_scheduled", None, roles=STAFF,
               fields={"hearing_date": Date("新的口头审理日期", required=True),
                       "start_time": Line("开始时间（如 09:30）", max_length=5),
                       "reason": Text("延期理由", required=True)},
               guards=(hearing_notice_in_time(),), notice="hearing_notice", effects=("postpone_hearing",)),
        Action("hold_hearing", "举行口头审理", "hearing_scheduled", "examination", roles=STAFF,
               fields={"record": Text("口头审理笔录摘要", required=True),
                       "requester_attended": Choice("请求人到庭", choices=YES_NO),
                       "respondent_attended": Choice("被请求人到庭", choices=YES_NO)},
               guards=(panel_formed, hearing_day_reached, hearing_notice_served),
               effects=("hold_hearing", "reopen_deliberation"),
               help="请求人无正当理由拒不参加或中途退庭的，按撤回请求处理（撤销案件）；被请求人缺席的，缺席审理"),
        # ---- suspension (arts 28, 29) ----
        Action("suspend", "中止处理", SUSPENDABLE, "suspended", roles=STAFF,
               fields={"reason": Choice("中止理由（第二十八条）", required=True, choices=SUSPEND_REASONS),
                       "detail": Text("具体情况")}, guards=(invalidation_ground,),
               notice="suspension", pauses=("ADJ_CASE_LIMIT",), pause_key="suspension",
               effects=("remember_paused_from",)),
        Action("refuse_suspension", "不予中止", SUSPENDABLE, None, roles=STAFF,
               fields={"ground": Choice("不予中止的理由（第二十九条）", required=True, choices=REFUSE_SUSPENSION),
                       "detail": Text("具体情况")},
               notice="suspension_refusal"),
        *[Action("resume", "恢复处理", "suspended", s, roles=STAFF, guards=(came_from(s),), notice="resumption",
                 resumes=("ADJ_CASE_LIMIT",), pause_key="suspension") for s in SUSPENDABLE],
        # ---- mediation inside the case (arts 35, 37) ----
        # Office-led mediation (art. 35) does not stop the case clock; the parties' own 和解 does (art. 37).
        *[Action("start_mediation", "开始调解", "examination", "mediating", roles=STAFF,
                 fields={"note": Text("双方同意调解的情况"),
                         "settlement": Choice("双方当事人同意和解（和解期间不计入办案期限，第三十七条）",
                                              choices=YES_NO)},
                 when=when, pauses=("ADJ_CASE_LIMIT",) if when else (), pause_key="settlement" if when else "",
                 effects=("track_excluded_period",) if when else ())
          for when in (("settlement", "yes"), None)],
        # The 调解协议书 takes effect, and the case closes, on the second party's signature (art. 35).
        Action("record_settlement", "达成调解协议", "mediating", "settlement_signing", roles=STAFF,
               fields={"terms": Text("协议内容", required=True)}, notice="mediation_agreement",
               effects=("mediation_record",),
               help="据此起草调解协议书；双方当事人签名或者在线确认后协议生效，案件以调解结案（第三十五条）"),
        *[variant for name, label, roles, fields, help_text, confirm in SIGNING for variant in (
            Action(name, label, "settlement_signing", "settled", roles=roles, fields=fields,
                   guards=(side_chosen, may_sign, completes), closes=True, completes_office_task=True,
                   effects=("mediation_record",),
                   stops=("ADJ_CASE_LIMIT",), help=help_text, confirm=confirm),
            Action(name, label, "settlement_signing", None, roles=roles, fields=fields,
                   guards=(side_chosen, may_sign, first_signature), effects=("mediation_record",), help=help_text,
                   confirm=confirm))],
        Action("end_mediation", "调解不成", ("mediating", "settlement_signing"), "examination", roles=STAFF,
               fields={"note": Text("调解不成的情况（如一方拒绝签署调解协议书）")}, resumes=("ADJ_CASE_LIMIT",),
               pause_key="settlement", effects=("track_excluded_period",)),
        # ---- periods not counted in the case limit (art. 37) ----
        *[Action("start_excluded_period", "登记不计入办案期限的期间", AFTER_DOCKET, None, roles=STAFF,
                 fields={"period": Choice("期间", required=True, choices=EXCLUDED_PERIODS),
                         "detail": Text("具体情况（如：双方申请和解、公告送达、委托鉴定）", required=True)},
                 when=("period", period), guards=(excluded_not_open(period),), pauses=("ADJ_CASE_LIMIT",),
                 pause_key=period, effects=("track_excluded_period",),
                 help="当事人和解、公告、检验鉴定的期间不计入办案期限（第三十七条）；期间结束时登记结束")
          for period in EXCLUDED_PERIODS],
        *[Action("end_excluded_period", "登记不计入期间结束", AFTER_DOCKET, None, roles=STAFF,
                 fields={"period": Choice("期间", required=True, choices=EXCLUDED_PERIODS),
                         "detail": Text("结束情况")},
                 when=("period", period), guards=(excluded_open(period),), resumes=("ADJ_CASE_LIMIT",),
                 pause_key=period, effects=("track_excluded_period",))
          for period in EXCLUDED_PERIODS],
        # ---- the case clock (art. 37) ----
        Action("extend", "延长办案期限", ("docketed", "answering", "examination", "hearing_scheduled"), None,
               roles=STAFF, approval="supervisor", fields={"reason": Text("延长理由", required=True)},
               guards=(first_extension,), notice="extension", extends=("ADJ_CASE_LIMIT",),
               effects=("count_extension",),
               help="第一次延长不超过一个月（本部门负责人批准）；特别复杂的，再延长不超过两个月（上一级部门批准）"),
        # The second extension is approved by the superior office (a supervisor of the parent unit).
        Action("extend", "延长办案期限", ("docketed", "answering", "examination", "hearing_scheduled"), None,
               roles=STAFF, approval="superior", fields={"reason": Text("延长理由", required=True)},
               guards=(second_extension,), notice="extension", extends=("ADJ_CASE_LIMIT",),
               effects=("count_extension",),
               help="特别复杂或者有其他特殊情况的，经上一级部门批准再延长不超过两个月（第三十七条）"),
        # ---- 合议 and closing (arts 25, 30-32, 36) ----
        # A stop order also opens the office's window to apply for court enforcement: 3 months from the end of the
        # period to sue (局令81 art. 80; 行政强制法 art. 53), the right holder's 6 months after it lapses.
        Action("deliberate", "合议", "examination", None, roles=STAFF, guards=(panel_formed,),
               fields={"outcome": Choice("合议组多数意见", required=True, choices=OUTCOMES),
                       "opinion": Text("合议意见（认定的事实、理由和处理意见）", required=True),
                       "dissent": Text("不同意见（如有，如实记入合议笔录）")},
               effects=("record_deliberation",),
               help="合议组按照少数服从多数的原则合议，不同意见如实记入笔录（第二十五条）；裁决依合议组的多数意见作出"),
        *[Action("decide", "作出裁决", "examination", "decided", roles=STAFF, approval="supervisor",
                 fields={"outcome": Choice("裁决结果", required=True, choices=OUTCOMES),
                         "reasons": Text("裁决理由", required=True),
                         "measures": Text("责令停止侵权行为的类型、对象和范围（第三十二条）"),
                         "measure_kind": Choice("主要措施", choices=STOP_MEASURES)},
                 when=when, guards=(deliberated, stop_measures_given), closes=True, notice="decision",
                 confirm="作出裁决后本案结案，不能撤销；此后只能依法变更或撤销裁决。请核对裁决结果和理由后确认。",
                 effects=("remember_fields",), stops=("ADJ_CASE_LIMIT",), starts=starts)
          for when, starts in ((("outcome", "infringement"), ("ADJ_PUBLISH", "ADJ_ADMIN_SUIT", "ADJ_ENFORCEE_SUIT",
                                                              "ADJ_ENFORCEMENT_APPLICATION")),
                               (None, ("ADJ_PUBLISH", "ADJ_ADMIN_SUIT")))],
        # Art. 9 para. 3: a case found after 立案 not to be this office's is revoked and its lead transferred to the
        # competent department: a referral, decided here, that tells the requester and sends the 案件移送函.
        *[Action("revoke", "撤销案件", PRE_DECISION, "revoked", roles=STAFF, approval="supervisor",
                 fields={"reason": Text("撤销理由", required=True),
                         "ground": Choice("撤销依据（第三十六条等）", choices=REVOKE_REASONS),
                         "target": Line("有管辖权的部门（以不属于本部门管辖撤销时，本案移送该部门）")},
                 when=when, guards=(jurisdiction_found_after_docket, TARGET_IF_NO_JURISDICTION), closes=True,
                 notice="revocation", effects=effects, stops=("ADJ_CASE_LIMIT", "ADJ_DOCKET"))
          for when, effects in ((("ground", "no_jurisdiction"), ("remember_fields", "transfer_case")),
                                (None, ("remember_fields",)))],
        # ---- after the decision (arts 33, 80, 83; 行政强制法 arts 53-54) ----
        Action("publish", "公开裁决书", (*POST_DECISION, "judged"), None, roles=STAFF,
               fields={"redactions": Text("删除的个人隐私、商业秘密、国家秘密"),
                       "typical": Choice("列为典型案例", choices=YES_NO)},
               effects=("record_publication",), stops=("ADJ_PUBLISH", "ADJ_PUBLICATION_AFTER_JUDGMENT")),
        # A 变更 or 撤销 is a new act: published again (art. 83), and the parties may sue it within 15 days of receiving
        # its 决定书 (ADJ_ADMIN_SUIT_AMENDED, from the delivery). A revoked stop order has nothing left to enforce; a
        # varied one is enforced as varied: a 催告 for the old order no longer stands, and the office's window runs
        # from the respondent's period to sue the variation. Under a suit or an enforcement application already
        # lodged, the enforcement rows are left as they are.
        *[Action("amend_decision", "变更或撤销裁决", sources, dest, roles=STAFF, approval="supervisor",
                 fields={"change": Choice("处理", required=True, choices=AMENDMENTS),
                         "reasons": Text("理由（专利权被宣告无效等，第三十三条）", required=True)},
                 when=when, guards=(decision_issued, not_revoked, *selects), notice="decision_amendment",
                 effects=("remember_fields",), starts=("ADJ_PUBLISH", "ADJ_ADMIN_SUIT_AMENDED", *starts),
                 cancels=cancels)
          for when, sources, dest, selects, starts, cancels in (
              (("change", "revoke"), POST_DECISION, None, (), (),
               ("ADJ_ENFORCEE_SUIT", "ADJ_ENFORCEE_SUIT_AMENDED", "ADJ_ENFORCEMENT_APPLICATION",
                "ADJ_ENFORCEMENT_RIGHT_HOLDER", "ADJ_ENFORCEMENT_REMINDER_WAIT")),
              (("change", "vary"), ("decided", "reminded"), "decided", (varies_stop_order,),
               ("ADJ_ENFORCEE_SUIT_AMENDED", "ADJ_ENFORCEMENT_APPLICATION"),
               ("ADJ_ENFORCEE_SUIT", "ADJ_ENFORCEE_SUIT_AMENDED", "ADJ_ENFORCEMENT_APPLICATION",
                "ADJ_ENFORCEMENT_RIGHT_HOLDER", "ADJ_ENFORCEMENT_REMINDER_WAIT")),
              (("change", "vary"), POST_DECISION, None, (), (), ()))],
        Action("correct", "更正裁决书", POST_DECISION, None, roles=STAFF,
               fields={"errors": Text("需更正的文字错误", required=True)}, guards=(decision_issued,),
               notice="rectification", effects=("remember_fields",)),
        Action("record_litigation", "登记起诉", "decided", "litigation", roles=STAFF,
               fields={"court_case": Text("法院案号", required=True), "court": Line("受诉法院")},
               stops=("ADJ_ADMIN_SUIT", "ADJ_ADMIN_SUIT_AMENDED"),
               cancels=("ADJ_ENFORCEE_SUIT", "ADJ_ENFORCEE_SUIT_AMENDED", "ADJ_ENFORCEMENT_APPLICATION",
                        "ADJ_ENFORCEMENT_RIGHT_HOLDER")),
        # Art. 83: a judgment that varies or revokes the decision is published again, from the day the office
        # received it; the case is archived once that is done. A judgment upholding it closes the case as before.
        *[Action("record_judgment", "登记判决", "litigation", "judged", roles=STAFF, guards=(published,),
                 fields=JUDGMENT_FIELDS, when=("result", result), done_on="received_on",
                 effects=("remember_fields",), starts=("ADJ_PUBLICATION_AFTER_JUDGMENT",), confirm=JUDGMENT_CONFIRM)
          for result in ("varied", "revoked")],
        Action("record_judgment", "登记判决", "litigation", "closed", roles=STAFF, guards=(published,),
               fields=JUDGMENT_FIELDS, confirm=JUDGMENT_CONFIRM),
        Action("record_compliance", "登记履行", ("decided", "reminded", "enforcement"), "closed", roles=STAFF,
               fields={"note": Text("履行情况", required=True)}, guards=(published,)),
        Action("finalize", "归档", "decided", "closed", roles=STAFF, guards=(may_finalize, published)),
        Action("finalize", "归档", ("reminded", "enforcement"), "closed", roles=STAFF,
               guards=(order_revoked, published)),
        Action("finalize", "归档", "judged", "closed", roles=STAFF, guards=(published,)),
        Action("issue_reminder", "催告", "decided", "reminded", roles=STAFF,
               guards=(stop_order, suit_window_over), notice="reminder",
               starts=("ADJ_ENFORCEMENT_REMINDER_WAIT",)),
        Action("apply_enforcement", "申请强制执行", "reminded", "enforcement", roles=STAFF,
               fields={"target": Line("受理法院"), "reason": Text("申请事由")},
               guards=(stop_order, suit_window_over, reminder_wait_over), effects=("create_referral",),
               stops=("ADJ_ENFORCEMENT_APPLICATION",), cancels=("ADJ_ENFORCEMENT_RIGHT_HOLDER",)),
        # Fired from the court referral when the head does not approve the application: the office may apply again
        # within its window, which restarts as it was (anchored on the period to sue); once it lapses the right
        # holder's own period runs.
        Action("enforcement_declined", "不批准申请强制执行", "enforcement", "reminded", roles={"system"},
               fields={"reason": Text("不批准的理由")}, starts=("ADJ_ENFORCEMENT_APPLICATION",)),
        Action("request_injunction", "申请先行禁令", PRE_DECISION, None, roles=STAFF | {"applicant"},
               fields={"reason": Text("申请理由及请求禁止的行为", required=True)}, effects=("create_injunction",),
               guards=(injunctions_enabled,)),
        Action("withdraw", "撤回请求", ("submitted", "correction"), "revoked", roles={"applicant"},
               fields={"reason": Text("撤回理由")}, closes=True, allowed_while_pending=True, stops=("ADJ_DOCKET",)),
        *common_actions(),
    ],
)
