"""The default statutory deadline rules, as data (docs/deadlines.md, The rule table).

Rule ids follow the procedure codes (``CPL_``, ``ADJ_``, ``MED_``, ``JC_``, ``INJ_``, ``REF_``);
the longer ids of an earlier rule table (``PAT_ADJ_DOCKET`` …) resolve through ``RULE_ALIASES``.
A rule may exist in several versions: by effective date (局令81 replaced the 2015 专利行政执法办法 on
2025-02-01) and by jurisdiction (a rule with a GB/T 2260 code overrides the national one there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypedDict

from caseflow.core import clock
from caseflow.deadlines.calendar import SHANGHAI, Calendar
from caseflow.deadlines.counting import UNITS, Due, due_date
from workflows.complaint import PENALTY_KINDS

__all__ = [
    "BINDS",
    "CHANNEL_DISPATCH",
    "COMPLAINT_ACCEPT_RULES",
    "DEFAULT_RULES",
    "KIND_DISPATCH",
    "NOT_STARTED",
    "PROCEDURES",
    "RULE_ALIASES",
    "Extension",
    "Rule",
    "dispatch_ids",
    "rule_for",
]

#: Who must act before the due date: our office, a party, or an outside body (court, police)
#: whose period the office only watches; ``wait`` is a waiting period before which the office may not act
#: (e.g. 催告 → 强制执行): never missed, it only opens the way.
BINDS = ("office", "party", "external", "wait")
PROCEDURES = ("complaint", "adjudication", "mediation", "injunction", "referral")

LING_81 = "专利纠纷行政裁决和调解办法（国家知识产权局令第81号）"
LING_81_FROM = dt.date(2025, 2, 1)
ENFORCEMENT_2015 = "专利行政执法办法（2015年修订）"
ENFORCEMENT_2015_FROM = dt.date(2015, 7, 1)
ENFORCEMENT_2015_TO = LING_81_FROM - dt.timedelta(days=1)
COMPLAINT_RULES = "市场监督管理投诉举报处理暂行办法（2022年修订）"
REFERRAL_RULES = "行政执法机关移送涉嫌犯罪案件的规定（国务院令第310号，2020年修订）"


@dataclass(frozen=True, slots=True)
class Extension:
    """How far a period may be extended, by whom and when; ``further`` is a next step after it."""

    amount: int | None  # None: no fixed cap ("合理期限", or the approver decides)
    unit: str
    approver: str
    condition: str = ""
    further: Extension | None = None
    #: With no fixed ``amount``: the extending action's field that gives it (e.g. 举证期限 ``days``).
    amount_field: str = ""
    #: The step may be granted again (a party may apply more than once; the office decides each time).
    repeatable: bool = False
    #: Rules whose clock does not count the extended time (局令81 art. 37: an applied-for 举证期限 extension is
    #: excluded from the case limit): the interval from the old to the new due date is excluded there.
    excludes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    """One statutory (or configured) time limit."""

    id: str
    label: str
    basis: str
    trigger: str
    amount: int
    unit: str
    binds: str
    pausable: tuple[str, ...] = ()
    extension: Extension | None = None
    procedure: str = ""
    jurisdiction: str | None = None  # None = national
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    backward: bool = False
    #: How explanations name the trigger day, e.g. "立案之日".
    trigger_label: str = "起算日"
    #: Confidence tag (docs/deadlines.md, Confidence tags): Q quoted, S secondary, G unverified, I inference.
    confidence: str = "Q"
    #: The amount is a floor the office may set higher (e.g. 举证期限 ≥ 15 days).
    minimum: bool = False
    note: str = ""
    #: For a minimum rule: the starting action's field that sets the amount (e.g. 举证期限 ``days``).
    amount_field: str = ""
    #: The trigger day is the due date of this rule's row on the case (e.g. the enforcement window runs from the
    #: end of the period to sue): the row follows when that due date moves (a recorded delivery, a new calendar).
    anchor: str = ""
    #: A rule started when this one lapses unmet, from its due date (the right holder's fallback after the office's
    #: enforcement window).
    on_lapse: str = ""
    #: The case kinds the rule governs (empty: every kind): an action that starts it for another kind starts nothing.
    kinds: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"规则 {self.id} 的期限单位 {self.unit!r} 无效")
        if self.binds not in BINDS:
            raise ValueError(f"规则 {self.id} 的 binds {self.binds!r} 无效")
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount < 0:
            raise ValueError(f"规则 {self.id} 的期限数额 {self.amount!r} 无效")
        if self.effective_from and self.effective_to and self.effective_from > self.effective_to:
            raise ValueError(f"规则 {self.id} 的生效日期晚于失效日期")

    def governs(self, kind: str | None) -> bool:
        """Return True if the rule applies to a case of ``kind`` (``kinds``)."""
        return not self.kinds or kind in self.kinds

    @property
    def extensions(self) -> tuple[Extension, ...]:
        """Return the extension steps in order (first approver first)."""
        steps, ext = [], self.extension
        while ext is not None:
            steps.append(ext)
            ext = ext.further
        return tuple(steps)

    def applies_on(self, on_date: dt.date) -> bool:
        """Return True if this version of the rule is in force on ``on_date``."""
        return (self.effective_from is None or self.effective_from <= on_date) and (
            self.effective_to is None or on_date <= self.effective_to
        )

    def due(
        self,
        start: dt.date | dt.datetime | str,
        *,
        calendar: Calendar | None = None,
        paused_days: int = 0,
        amount: int | None = None,
    ) -> Due:
        """Compute this rule's due date from the trigger ``start`` (``amount`` overrides a minimum rule)."""
        return due_date(
            start,
            self.amount if amount is None else amount,
            self.unit,
            self.backward,
            calendar=calendar,
            paused_days=paused_days,
            trigger_label=self.trigger_label,
        )


class _Scope(TypedDict, total=False):
    """Rule fields shared by a procedure's rules (spread into ``Rule(...)``, where mypy checks each key)."""

    procedure: str
    effective_from: dt.date
    effective_to: dt.date


_ADJ_PAUSES_81 = ("中止", "公告", "检验鉴定", "管辖异议", "当事人申请的延长举证期限", "和解期间")
_ADJ_PAUSES_2015 = ("中止", "公告", "鉴定")

# ---------------------------------------------------------------------------
# 投诉举报 intake (docs/procedures.md, complaint)
# ---------------------------------------------------------------------------

_COMPLAINT = (
    Rule(
        id="CPL_ACCEPT_PATENT_COUNTERFEIT",
        label="假冒专利举报投诉立案审查",
        basis=f"{ENFORCEMENT_2015}第二十八条",
        trigger="complaint_received",
        trigger_label="收到举报投诉之日",
        amount=10,
        unit="working_days",
        binds="office",
        procedure="complaint",
    ),
    Rule(
        id="CPL_ACCEPT_COPYRIGHT",
        label="著作权投诉受理审查",
        basis="著作权行政处罚实施办法（国家版权局令第6号）第十三条",
        trigger="all_materials_received",
        trigger_label="收到全部投诉材料之日",
        amount=15,
        unit="days",
        binds="office",
        procedure="complaint",
    ),
    *(
        Rule(
            id=f"CPL_ACCEPT_{kind.upper()}",
            label=f"{title}举报核查并决定是否立案",
            basis="市场监督管理行政处罚程序规定第十八条（条文待核实）",
            trigger="report_received",
            trigger_label="收到举报之日",
            amount=15,
            unit="working_days",
            binds="office",
            extension=Extension(15, "working_days", "department_head", "特殊情况"),
            procedure="complaint",
            confidence="G",
        )
        for kind, title in (("trademark", "商标"), ("geographical_indication", "地理标志"), ("other", ""))
    ),
    Rule(
        id="CPL_ACCEPT_PATENT_INFRINGEMENT",
        # A complaint's own words (a 投诉 is not a 处理请求书), with the 5 working days art. 20 gives a request.
        label="专利侵权投诉受理审查",
        basis=f"{LING_81}第二十条",
        trigger="request_received",
        trigger_label="收到投诉之日",
        amount=5,
        unit="working_days",
        binds="office",
        extension=Extension(5, "working_days", "department_head", "案情特别复杂或者有其他特殊情况"),
        procedure="complaint",
    ),
    Rule(
        id="CPL_ACCEPT_CONSUMER",
        label="投诉受理决定并告知投诉人",
        basis=f"{COMPLAINT_RULES}第十四条",
        trigger="complaint_received",
        trigger_label="收到投诉之日",
        amount=7,
        unit="working_days",
        binds="office",
        procedure="complaint",
    ),
    Rule(
        id="CPL_CORRECTION",
        label="补正材料",
        basis=f"补正期限由办案部门书面指定（{LING_81}第十六条；其他规章未规定期限）；默认值为本局配置",
        trigger="correction_notice_delivered",
        trigger_label="补正通知送达之日",
        amount=15,
        unit="days",
        binds="party",
        procedure="complaint",
        confidence="I",
        note="逾期未补正或补正后仍不符合要求的，不予受理；补足材料之日重新起算受理期限",
    ),
    Rule(
        id="CPL_MEDIATION_CAP",
        label="投诉调解期限（届满未达成协议的终止调解）",
        basis=f"{COMPLAINT_RULES}第二十条、第二十一条第（五）项",
        trigger="complaint_accepted",
        trigger_label="投诉受理之日",
        amount=45,
        unit="working_days",
        binds="office",
        pausable=("检定检验检测鉴定",),
        procedure="complaint",
    ),
    Rule(
        id="CPL_TERMINATION_NOTICE",
        label="告知终止调解",
        basis=f"{COMPLAINT_RULES}第二十一条",
        trigger="termination_decided",
        trigger_label="作出终止调解决定之日",
        amount=7,
        unit="working_days",
        binds="office",
        procedure="complaint",
    ),
    Rule(
        id="CPL_CLUE_CHECK",
        label="调解中发现违法线索的核查",
        basis=f"{COMPLAINT_RULES}第二十三条",
        trigger="violation_clue_found",
        trigger_label="发现违法线索之日",
        amount=15,
        unit="working_days",
        binds="office",
        extension=Extension(15, "working_days", "department_head", "特殊情况"),
        procedure="complaint",
    ),
    Rule(
        id="RPT_REALNAME_NOTICE",
        label="告知实名举报人是否立案",
        basis=f"{COMPLAINT_RULES}第三十一条",
        trigger="filing_decision_made",
        trigger_label="作出是否立案决定之日",
        amount=5,
        unit="working_days",
        binds="office",
        procedure="complaint",
    ),
    Rule(
        id="JURISDICTION_DISPUTE",
        label="管辖争议协商",
        basis=f"{COMPLAINT_RULES}第三十条",
        trigger="dispute_arises",
        trigger_label="发生管辖争议之日",
        amount=7,
        unit="working_days",
        binds="office",
        procedure="complaint",
    ),
    Rule(
        id="COPYRIGHT_EMERGENCY_FILE",
        label="著作权紧急制止措施后立案",
        basis="著作权行政处罚实施办法（国家版权局令第6号）第十五条",
        trigger="discovery",
        trigger_label="发现之日",
        amount=7,
        unit="days",
        binds="office",
        procedure="complaint",
    ),
    Rule(
        id="FAKE_PATENT_FILE",
        label="依职权发现假冒专利行为的立案",
        basis=f"{ENFORCEMENT_2015}第二十八条",
        trigger="discovery",
        trigger_label="发现之日（依职权登记案件之日）",
        amount=5,
        unit="working_days",
        binds="office",
        procedure="complaint",
    ),
    Rule(
        id="PEN_DECISION",
        label="作出行政处罚决定",
        basis="中华人民共和国行政处罚法（2021年修订）第六十条",
        trigger="case_filed",
        # 受理 of a 假冒专利, trademark or copyright complaint is, or precedes, the penalty case's 立案: counting from
        # it errs early, which is safe for the office's own limit.
        trigger_label="受理（立案）之日",
        amount=90,
        unit="days",
        binds="office",
        procedure="complaint",
        kinds=PENALTY_KINDS,
        note="法律、法规、规章另有规定的，从其规定；本系统按九十日计算，不设延长",
    ),
)

# ---------------------------------------------------------------------------
# 专利侵权纠纷行政裁决 (docs/procedures.md, adjudication)
# ---------------------------------------------------------------------------

_ADJ_COMMON: _Scope = {"procedure": "adjudication"}
_ADJ_81: _Scope = {**_ADJ_COMMON, "effective_from": LING_81_FROM}
_ADJ_2015: _Scope = {**_ADJ_COMMON, "effective_from": ENFORCEMENT_2015_FROM, "effective_to": ENFORCEMENT_2015_TO}


def _adj_versions(v81: dict[str, Any], v2015: dict[str, Any], **shared: Any) -> tuple[Rule, Rule]:
    """One adjudication rule under 局令81 and under the 2015 办法 it replaced: ``shared`` plus each version's fields."""
    return Rule(**shared, **v81, **_ADJ_81), Rule(**shared, **v2015, **_ADJ_2015)


_ADJUDICATION = (
    *_adj_versions(
        {"basis": f"{LING_81}第二十条",
         "extension": Extension(5, "working_days", "department_head", "案情特别复杂或者有其他特殊情况")},
        {"basis": f"{ENFORCEMENT_2015}第十三条"},
        id="ADJ_DOCKET",
        label="立案或不予立案",
        trigger="request_received",
        trigger_label="收到请求书之日",
        amount=5,
        unit="working_days",
        binds="office",
    ),
    *_adj_versions(
        {"basis": f"{LING_81}第十六条（补正期限由办案部门在补正通知书中指定）",
         "note": "期限由补正通知书指定，未指定的为十五日；逾期未补正或者补正后仍不符合要求的，不予受理"},
        {"basis": f"补正期限由办案部门在补正通知书中指定（{ENFORCEMENT_2015}未规定期限）", "confidence": "I"},
        id="ADJ_CORRECTION",
        label="补正材料",
        trigger="correction_notice_delivered",
        trigger_label="请求人收到补正通知书之日",
        amount=15,
        unit="days",
        binds="party",
        amount_field="due_in_days",
    ),
    *_adj_versions(
        {"basis": f"{LING_81}第二十二条"},
        {"basis": f"{ENFORCEMENT_2015}第十四条"},
        id="ADJ_SERVE_REQUEST",
        label="向被请求人送达请求书副本及答辩通知书",
        trigger="docketed",
        trigger_label="立案之日",
        amount=5,
        unit="working_days",
        binds="office",
    ),
    *_adj_versions(
        {"basis": f"{LING_81}第二十二条",
         "extension": Extension(None, "days", "panel", "被请求人申请，合议组决定"),
         "note": "期满未答辩的，不影响案件处理"},
        {"basis": f"{ENFORCEMENT_2015}第十四条"},
        id="ADJ_ANSWER",
        label="被请求人答辩",
        trigger="respondent_received_request_copy",
        trigger_label="被请求人收到请求书副本之日",
        amount=15,
        unit="days",
        binds="party",
    ),
    Rule(
        id="ADJ_ANSWER_NO_DOMICILE",
        label="被请求人答辩（在中国境内没有住所）",
        basis=f"{LING_81}第二十二条",
        trigger="respondent_received_request_copy",
        trigger_label="被请求人收到请求书副本之日",
        amount=30,
        unit="days",
        binds="party",
        extension=Extension(None, "days", "panel", "被请求人申请，合议组决定"),
        **_ADJ_81,
    ),
    *_adj_versions(
        {"basis": f"{LING_81}第二十二条"},
        {"basis": f"{ENFORCEMENT_2015}第十四条"},
        id="ADJ_FORWARD_ANSWER",
        label="将答辩书副本送达请求人",
        trigger="answer_received",
        trigger_label="收到答辩书之日",
        amount=5,
        unit="working_days",
        binds="office",
    ),
    Rule(
        id="ADJ_JURISDICTION_OBJECTION_DECISION",
        label="管辖权异议决定",
        basis=f"{LING_81}第九条",
        trigger="objection_received",
        trigger_label="收到管辖权异议之日",
        amount=5,
        unit="working_days",
        binds="office",
        **_ADJ_81,
    ),
    Rule(
        id="ADJ_RECUSAL_APPLICATION",
        label="申请回避",
        basis=f"{LING_81}第五条",
        # The 受理通知书 (claimant) and the 答辩通知书 (respondent) name the panel: their receipt is the day the
        # parties know the names; the later party's receipt counts (one row per case).
        trigger="panel_list_received",
        trigger_label="当事人收到载明合议组成员的通知书之日",
        amount=3,
        unit="working_days",
        binds="party",
        note="最迟在口头审理开始时提出；回避事由在此后知道的，在审理结束前提出",
        **_ADJ_81,
    ),
    Rule(
        id="ADJ_EVIDENCE_PERIOD",
        label="举证期限",
        basis=f"{LING_81}第五十四条",
        trigger="party_received_evidence_notice",
        trigger_label="当事人收到举证通知之日",
        amount=15,
        unit="days",
        binds="party",
        extension=Extension(None, "days", "department", "当事人申请，办案部门决定；延长期间不计入办案期限",
                            amount_field="days", repeatable=True, excludes=("ADJ_CASE_LIMIT",)),
        minimum=True,
        amount_field="days",
        **_ADJ_81,
    ),
    *_adj_versions(
        {"basis": f"{LING_81}第二十六条"},
        {"basis": f"{ENFORCEMENT_2015}第十六条"},
        id="ADJ_HEARING_NOTICE",
        label="口头审理通知最迟发出日",
        trigger="hearing_date",
        trigger_label="口头审理日",
        amount=3,
        unit="working_days",
        binds="office",
        backward=True,
    ),
    Rule(
        id="ADJ_EVIDENCE_PRESERVATION_DECISION",
        label="登记保存证据的处理决定",
        basis=f"{LING_81}第四十九条",
        trigger="registration_preservation_act",
        trigger_label="登记保存之日",
        amount=7,
        unit="days",
        binds="office",
        note="行政处罚案件中按行政处罚法第八十五条为工作日；行政裁决中的单位待核实",
        **_ADJ_81,
    ),
    *_adj_versions(
        {"basis": f"{LING_81}第三十七条",
         "pausable": _ADJ_PAUSES_81,
         "extension": Extension(
             1,
             "months",
             "department_head",
             "案件复杂",
             further=Extension(2, "months", "superior_department", "特别复杂或者有其他特殊情况"),
         )},
        {"basis": f"{ENFORCEMENT_2015}第二十一条",
         "pausable": _ADJ_PAUSES_2015,
         "extension": Extension(1, "months", "department_head", "案件复杂")},
        id="ADJ_CASE_LIMIT",
        label="办案期限（结案）",
        trigger="docketed",
        trigger_label="立案之日",
        amount=3,
        unit="months",
        binds="office",
    ),
    *_adj_versions(
        {"basis": f"{LING_81}第八十三条", "trigger_label": "作出行政裁决之日"},
        {"basis": f"{ENFORCEMENT_2015}第四十六条", "trigger_label": "作出处理决定之日"},
        id="ADJ_PUBLICATION",
        label="公开行政裁决书",
        trigger="decision_made",
        amount=20,
        unit="working_days",
        binds="office",
    ),
    Rule(
        id="ADJ_ADMIN_SUIT",
        label="不服行政裁决提起行政诉讼",
        basis="专利法第六十五条；" + f"{LING_81}第三十一条第（五）项",
        trigger="party_received_decision",
        trigger_label="当事人收到行政裁决书之日",
        amount=15,
        unit="days",
        binds="party",
        note="诉讼期间不停止行政裁决的执行（局令81第八十条）",
        **_ADJ_COMMON,
    ),
    Rule(
        # 局令81 art. 83 publishes a decision a court varied or revoked as well. The day it counts from is taken as
        # the day the office received the judgment (never later than the day the judgment takes effect).
        id="ADJ_PUBLICATION_AFTER_JUDGMENT",
        label="公开经行政诉讼变更、撤销的行政裁决",
        basis=f"{LING_81}第八十三条",
        trigger="judgment_received",
        trigger_label="本机关收到变更、撤销行政裁决的判决书之日",
        amount=20,
        unit="working_days",
        binds="office",
        confidence="I",
        note="起算日取本机关收到判决书之日（不晚于判决生效之日），不待判决生效后另行起算",
        **_ADJ_81,
    ),
    Rule(
        # A 变更 or 撤销 of the decision (局令81 art. 33) is a new act: its 决定书 tells the parties they may sue within
        # 15 days of receipt. Its id extends ADJ_ADMIN_SUIT's, so the guards that wait for "the" period to sue read
        # the latest of the two (lifecycle.latest_period matches by prefix).
        id="ADJ_ADMIN_SUIT_AMENDED",
        label="不服变更、撤销行政裁决的决定提起行政诉讼",
        basis="专利法第六十五条；" + f"{LING_81}第三十三条",
        trigger="party_received_amendment",
        trigger_label="当事人收到变更、撤销行政裁决决定书之日",
        amount=15,
        unit="days",
        binds="party",
        confidence="I",
        note="决定书告知自收到之日起十五日内起诉；变更后的裁决仍为行政裁决，适用专利法第六十五条的十五日",
        **_ADJ_COMMON,
    ),
    Rule(
        id="ADJ_ENFORCEE_SUIT",
        label="被执行人（被请求人）的法定起诉期限",
        basis="专利法第六十五条；行政强制法第五十三条",
        trigger="respondent_received_decision",
        trigger_label="被请求人收到行政裁决书之日",
        amount=15,
        unit="days",
        binds="wait",
        note="本机关申请强制执行的三个月自此期限届满之日起算，与请求人何时收到无关；被请求人有数人的，自最早收到之日起算",
        **_ADJ_COMMON,
    ),
    Rule(
        # A varied stop order is enforced as varied: the 被执行人's period to sue it, from its first receipt of the
        # 变更决定书, is the one the office's enforcement window then runs from (its id extends ADJ_ENFORCEE_SUIT's,
        # the window's anchor).
        id="ADJ_ENFORCEE_SUIT_AMENDED",
        label="被执行人（被请求人）对变更后裁决的法定起诉期限",
        basis="专利法第六十五条；行政强制法第五十三条；" + f"{LING_81}第三十三条",
        trigger="respondent_received_amendment",
        trigger_label="被请求人收到变更行政裁决决定书之日",
        amount=15,
        unit="days",
        binds="wait",
        confidence="I",
        note="裁决变更后，本机关申请强制执行的三个月自此期限届满之日起算；被请求人有数人的，自最早收到之日起算",
        **_ADJ_COMMON,
    ),
    Rule(
        id="ADJ_ENFORCEMENT_REMINDER_WAIT",
        label="催告后等待期（届满仍未履行的方可申请强制执行）",
        basis="行政强制法第五十四条、第六十九条",
        trigger="reminder_delivered",
        trigger_label="催告书送达之日",
        amount=10,
        unit="working_days",
        binds="wait",
        **_ADJ_COMMON,
    ),
    Rule(
        id="ADJ_ENFORCEMENT_APPLICATION",
        label="申请人民法院强制执行",
        basis=(f"{LING_81}第八十条；行政强制法第五十三条；"
               "最高人民法院关于适用《中华人民共和国行政诉讼法》的解释第一百五十六条（条文待核实）"),
        trigger="suit_period_expired",
        trigger_label="被执行人的法定起诉期限届满之日",
        amount=3,
        unit="months",
        binds="office",
        anchor="ADJ_ENFORCEE_SUIT",
        on_lapse="ADJ_ENFORCEMENT_RIGHT_HOLDER",
        note="当事人在法定期限内未起诉又不履行的，自起诉期限届满之日起三个月内申请；逾期申请的，除有正当理由外，"
             "人民法院不予受理",
        **_ADJ_COMMON,
    ),
    Rule(
        id="ADJ_ENFORCEMENT_RIGHT_HOLDER",
        label="权利人申请人民法院强制执行",
        basis=f"{LING_81}第八十条第二款",
        trigger="office_enforcement_window_lapsed",
        trigger_label="管理专利工作的部门申请执行期限届满之日",
        amount=6,
        unit="months",
        binds="party",
        confidence="I",
        **_ADJ_81,
    ),
    Rule(
        id="ADJ_TIME_BAR",
        label="请求处理的时效",
        basis=f"专利法第七十四条；{LING_81}第十九条",
        trigger="knew_of_infringement_and_infringer",
        trigger_label="知道或者应当知道侵权行为以及侵权人之日",
        amount=3,
        unit="years",
        binds="party",
        note="超过时效但侵权行为仍在继续且专利权有效的，应当受理",
        **_ADJ_COMMON,
    ),
)

# ---------------------------------------------------------------------------
# 行政调解 + 司法确认 (docs/procedures.md, mediation)
# ---------------------------------------------------------------------------

_MED_81: _Scope = {"procedure": "mediation", "effective_from": LING_81_FROM}

_MEDIATION = (
    Rule(
        id="MED_NOTICE",
        label="送达陈述意见通知书",
        basis=f"{LING_81}第六十五条",
        trigger="mediation_request_received",
        trigger_label="收到调解请求书之日",
        amount=5,
        unit="working_days",
        binds="office",
        **_MED_81,
    ),
    Rule(
        id="MED_STATEMENT",
        label="被请求人提交意见陈述书",
        basis=f"{LING_81}第六十五条",
        trigger="respondent_received_notice",
        trigger_label="被请求人收到陈述意见通知书之日",
        amount=15,
        unit="days",
        binds="party",
        **_MED_81,
    ),
    Rule(
        id="MED_DOCKET_OR_REFUSE",
        label="调解立案或通知不予立案",
        basis=f"{LING_81}第六十六条",
        trigger="statement_received_or_period_expired",
        trigger_label="收到意见陈述书或陈述期限届满之日",
        amount=5,
        unit="working_days",
        binds="office",
        **_MED_81,
    ),
    Rule(
        id="MED_OWNERSHIP_LIMIT",
        label="权属纠纷调解期限",
        basis=f"{LING_81}第七十条",
        trigger="docketed",
        trigger_label="立案之日",
        amount=2,
        unit="months",
        binds="office",
        extension=Extension(1, "months", "department_head"),
        confidence="I",
        note="起算点（立案之日）为推定",
        **_MED_81,
    ),
    Rule(
        id="MED_OWNERSHIP_CNIPA_RESUME",
        label="权属纠纷达成协议后请求国家知识产权局恢复有关程序",
        basis=f"{LING_81}第七十条；专利法实施细则第一百零三条",
        trigger="agreement_reached",
        trigger_label="达成调解协议之日",
        amount=15,
        unit="days",
        binds="party",
        **_MED_81,
    ),
    Rule(
        id="MED_OWNERSHIP_CNIPA_COPY",
        label="权属纠纷结案文书抄送国家知识产权局",
        basis=f"{LING_81}第七十条",
        trigger="case_closed",
        trigger_label="结案之日",
        amount=5,
        unit="working_days",
        binds="office",
        **_MED_81,
    ),
    Rule(
        id="JC_APPLICATION",
        label="共同申请司法确认",
        basis="民事诉讼法第二百零五条；人民调解法第三十三条",
        trigger="mediation_agreement_effective",
        trigger_label="调解协议生效之日",
        amount=30,
        unit="days",
        binds="party",
        procedure="mediation",
        note="涉及物权、知识产权确权的调解协议不予受理（民诉法解释第三百五十五条）",
    ),
    Rule(
        id="JC_ACCEPTANCE_2011",
        label="人民法院决定是否受理司法确认申请",
        basis="最高人民法院关于人民调解协议司法确认程序的若干规定（2011）第四条",
        trigger="application_received",
        trigger_label="人民法院收到申请之日",
        amount=3,
        unit="days",
        binds="external",
        procedure="mediation",
    ),
    Rule(
        id="JC_DECISION",
        label="人民法院审结司法确认案件",
        basis="民事诉讼法第一百八十七条",
        trigger="accepted",
        trigger_label="人民法院立案之日",
        amount=30,
        unit="days",
        binds="external",
        extension=Extension(None, "days", "court_president", "有特殊情况"),
        procedure="mediation",
    ),
    Rule(
        id="JC_DECISION_SPI_2011",
        label="人民法院作出确认决定（2011年司法解释口径）",
        basis="最高人民法院关于人民调解协议司法确认程序的若干规定（2011）第五条",
        trigger="accepted",
        trigger_label="人民法院受理之日",
        amount=15,
        unit="days",
        binds="external",
        extension=Extension(10, "days", "court_president"),
        procedure="mediation",
        note="与民事诉讼法第一百八十七条（30日）冲突，默认采用法定口径",
    ),
    Rule(
        id="JC_OBJECTION",
        label="对司法确认裁定提出异议",
        basis="最高人民法院关于适用《中华人民共和国民事诉讼法》的解释（2022）第三百七十二条",
        trigger="party_received_ruling",
        trigger_label="当事人收到裁定之日",
        amount=15,
        unit="days",
        binds="party",
        procedure="mediation",
    ),
)

# ---------------------------------------------------------------------------
# 先行发布禁令 (docs/procedures.md, injunction): office configuration, no statutory period
# ---------------------------------------------------------------------------

_INJUNCTION = (
    Rule(
        id="INJ_REVIEW",
        label="先行发布禁令申请审查",
        basis="本局配置：2个工作日（INJUNCTION_REVIEW 的默认值；法律、法规未规定审查期限）",
        trigger="injunction_requested",
        trigger_label="收到禁令申请之日",
        amount=2,
        unit="working_days",
        binds="office",
        procedure="injunction",
        confidence="I",
    ),
    Rule(
        id="INJ_REVIEW_EXHIBITION",
        label="展会案件先行发布禁令审查",
        basis="本局配置：24小时（INJUNCTION_EXHIBITION_REVIEW 的默认值；法律、法规未规定审查期限）",
        trigger="injunction_requested",
        trigger_label="收到禁令申请时",
        amount=24,
        unit="hours",
        binds="office",
        procedure="injunction",
        confidence="I",
    ),
    Rule(
        id="INJ_MAX_DURATION",
        label="先行禁令最长期限",
        basis="本局配置（深圳经济特区知识产权保护条例的禁令实践为一个月；默认至主案结案，不单独计时）",
        trigger="injunction_issued",
        trigger_label="禁令发布之日",
        amount=1,
        unit="months",
        binds="external",
        procedure="injunction",
        confidence="I",
        note="期限和单位由 INJUNCTION_MAX_DURATION 配置；为 0 时不计时，禁令至主案结案时失效",
    ),
)

# ---------------------------------------------------------------------------
# 移送 (docs/procedures.md, referral)
# ---------------------------------------------------------------------------

_REF: _Scope = {"procedure": "referral"}

_REFERRAL = (
    Rule(
        id="REF_APPROVE",
        label="审批是否移送",
        basis=f"{REFERRAL_RULES}第五条",
        trigger="referral_report_received",
        trigger_label="收到移送报告之日",
        amount=3,
        unit="days",
        binds="office",
        note="条文为“日”，未规定为工作日，按自然日从严计算",
        **_REF,
    ),
    Rule(
        id="REF_TRANSFER",
        label="向公安机关移送",
        basis=f"{REFERRAL_RULES}第五条、第六条",
        trigger="approval",
        trigger_label="批准移送时",
        amount=24,
        unit="hours",
        binds="office",
        **_REF,
    ),
    Rule(
        id="REF_POLICE_ONWARD",
        label="公安机关转送有管辖权的机关",
        basis=f"{REFERRAL_RULES}第七条",
        trigger="receipt_not_competent",
        trigger_label="公安机关接受移送时",
        amount=24,
        unit="hours",
        binds="external",
        **_REF,
    ),
    Rule(
        id="REF_POLICE_MATERIALS",
        label="公安机关通知补充材料",
        basis="公安机关办理刑事案件程序规定第一百八十条",
        trigger="receipt",
        trigger_label="公安机关接受移送时",
        amount=24,
        unit="hours",
        binds="external",
        **_REF,
    ),
    Rule(
        id="REF_SUPPLEMENT_MATERIALS",
        label="补充移送材料",
        basis="公安机关办理刑事案件程序规定第一百八十条",
        trigger="supplement_notice_received",
        trigger_label="收到补充材料通知之日",
        amount=3,
        unit="days",
        binds="office",
        **_REF,
    ),
    Rule(
        id="REF_POLICE_DECIDE",
        label="公安机关决定是否立案",
        basis=f"{REFERRAL_RULES}第八条；公安机关办理刑事案件程序规定第一百八十条",
        trigger="receipt",
        trigger_label="公安机关接受移送之日",
        amount=3,
        unit="days",
        binds="external",
        **_REF,
    ),
    Rule(
        id="REF_RECONSIDER_REQUEST",
        label="提请公安机关复议",
        basis=f"{REFERRAL_RULES}第九条；公安机关办理刑事案件程序规定第一百八十一条",
        trigger="refusal_notice_received",
        trigger_label="收到不予立案通知书之日",
        amount=3,
        unit="days",
        binds="office",
        **_REF,
    ),
    Rule(
        id="REF_RECONSIDER_DECIDE",
        label="公安机关作出复议决定",
        basis=f"{REFERRAL_RULES}第九条",
        trigger="reconsideration_request_received",
        trigger_label="公安机关收到复议请求之日",
        amount=3,
        unit="days",
        binds="external",
        **_REF,
    ),
    Rule(
        id="REF_PROCURATORATE",
        label="建议人民检察院立案监督",
        basis=f"{REFERRAL_RULES}第九条",
        trigger="reconsideration_decision_received",
        trigger_label="收到复议决定之日",
        amount=3,
        unit="days",
        binds="office",
        **_REF,
    ),
    Rule(
        id="REF_HANDOVER",
        label="移交涉案物品及有关材料",
        basis=f"{REFERRAL_RULES}第十二条",
        trigger="filing_notice_received",
        trigger_label="收到立案通知书之日",
        amount=3,
        unit="days",
        binds="office",
        **_REF,
    ),
)

DEFAULT_RULES: tuple[Rule, ...] = (*_COMPLAINT, *_ADJUDICATION, *_MEDIATION, *_INJUNCTION, *_REFERRAL)

#: Other ids that name a rule here: the workflow declarations' short forms and an earlier rule table's ids.
RULE_ALIASES: dict[str, str] = {
    # Short forms used by the workflow declarations.
    "ADJ_SERVE": "ADJ_SERVE_REQUEST",
    "ADJ_PUBLISH": "ADJ_PUBLICATION",
    "REF_HAND_OVER": "REF_HANDOVER",
    "REF_RECONSIDER": "REF_RECONSIDER_REQUEST",
    # An earlier rule table's ids.
    "COPYRIGHT_COMPLAINT_ACCEPT": "CPL_ACCEPT_COPYRIGHT",
    "RPT_CHECK_AND_FILE": "CPL_ACCEPT_OTHER",
    "PAT_ADJ_DOCKET": "ADJ_DOCKET",
    "PAT_ADJ_SERVE_REQUEST": "ADJ_SERVE_REQUEST",
    "PAT_ADJ_ANSWER": "ADJ_ANSWER",
    "PAT_ADJ_FORWARD_ANSWER": "ADJ_FORWARD_ANSWER",
    "PAT_ADJ_JURISDICTION_OBJECTION_DECISION": "ADJ_JURISDICTION_OBJECTION_DECISION",
    "PAT_ADJ_RECUSAL_APPLICATION": "ADJ_RECUSAL_APPLICATION",
    "PAT_ADJ_EVIDENCE_PERIOD": "ADJ_EVIDENCE_PERIOD",
    "PAT_ADJ_HEARING_NOTICE": "ADJ_HEARING_NOTICE",
    "PAT_ADJ_EVIDENCE_PRESERVATION_DECISION": "ADJ_EVIDENCE_PRESERVATION_DECISION",
    "PAT_ADJ_CASE_LIMIT": "ADJ_CASE_LIMIT",
    "PAT_ADJ_PUBLICATION": "ADJ_PUBLICATION",
    "PAT_ADJ_ADMIN_SUIT": "ADJ_ADMIN_SUIT",
    "PAT_ADJ_ENFORCEMENT_APPLICATION": "ADJ_ENFORCEMENT_APPLICATION",
    "PAT_ADJ_TIME_BAR": "ADJ_TIME_BAR",
    "PAT_MED_NOTICE": "MED_NOTICE",
    "PAT_MED_STATEMENT": "MED_STATEMENT",
    "PAT_MED_DOCKET_OR_REFUSE": "MED_DOCKET_OR_REFUSE",
    "PAT_MED_OWNERSHIP_LIMIT": "MED_OWNERSHIP_LIMIT",
    "PAT_MED_OWNERSHIP_CNIPA_RESUME": "MED_OWNERSHIP_CNIPA_RESUME",
}

#: Rules no step starts as a case's row, and why: kept as the record of the law (docs/deadlines.md shows it), and a
#: test keeps this list true both ways (a rule here that something starts, or one that nothing starts and is missing).
NOT_STARTED: dict[str, str] = {
    "ADJ_HEARING_NOTICE": "counted back from the hearing date when a hearing is set and held (the schedule and hold "
                          "guards); no row",
    "ADJ_TIME_BAR": "a condition the officer checks at 立案 (the filing checks), not a period the office watches",
    "JC_OBJECTION": "a party's period against the court's ruling, outside the office's case",
    "REF_POLICE_ONWARD": "the police's own step after accepting a referral; the office records the answer only",
    "REF_POLICE_MATERIALS": "the police's own step after accepting a referral; the office records the answer only",
    "RPT_REALNAME_NOTICE": "the 受理 or 不予受理 notice drafted at the decision tells a real-name reporter",
    "ADJ_EVIDENCE_PRESERVATION_DECISION": "not built yet: there is no 登记保存 step",
    "COPYRIGHT_EMERGENCY_FILE": "not built yet: copyright emergency measures before 立案 are no step here",
    "CPL_MEDIATION_CAP": "mediating a consumer complaint (投诉举报办法 ch. 3) is no step here",
    "CPL_TERMINATION_NOTICE": "mediating a consumer complaint (投诉举报办法 ch. 3) is no step here",
    "CPL_CLUE_CHECK": "mediating a consumer complaint (投诉举报办法 ch. 3) is no step here",
    "JURISDICTION_DISPUTE": "not built yet: there is no step for a jurisdiction dispute between offices",
}

#: A rule a document's delivery re-bases → the variants an action may have started instead (the answer period
#: of a respondent without PRC domicile is 30 days, 局令81 art. 22; the 答辩通知书's delivery re-bases that one).
RULE_VARIANTS: dict[str, tuple[str, ...]] = {
    "ADJ_ANSWER": ("ADJ_ANSWER_NO_DOMICILE",),
}

#: Complaint kind (docs/procedures.md, complaint) → the rule that limits the acceptance decision.
COMPLAINT_ACCEPT_RULES: dict[str, str] = {
    "patent_counterfeit": "CPL_ACCEPT_PATENT_COUNTERFEIT",
    "copyright": "CPL_ACCEPT_COPYRIGHT",
    "trademark": "CPL_ACCEPT_TRADEMARK",
    "geographical_indication": "CPL_ACCEPT_GEOGRAPHICAL_INDICATION",
    "other": "CPL_ACCEPT_OTHER",
    "patent_infringement": "CPL_ACCEPT_PATENT_INFRINGEMENT",
    "consumer": "CPL_ACCEPT_CONSUMER",
}


#: Generic ids whose rule depends on the case's kind (``rule_for(..., kind=...)``): ``CPL_ACCEPT`` means "the
#: acceptance rule for this complaint's kind" (the consumer complaints' rule is ``CPL_ACCEPT_CONSUMER``).
KIND_DISPATCH: dict[str, dict[str, str]] = {"CPL_ACCEPT": COMPLAINT_ACCEPT_RULES}

#: (kind, channel) pairs whose rule differs from the kind's: 假冒专利 the office found itself (channel
#: ``ex_officio``) is filed within 5 working days of discovery, a report or complaint within 10 working days of
#: receipt (专利行政执法办法 2015 art. 28).
CHANNEL_DISPATCH: dict[str, dict[tuple[str, str], str]] = {
    "CPL_ACCEPT": {("patent_counterfeit", "ex_officio"): "FAKE_PATENT_FILE"},
}


def dispatch_ids(rule_id: str) -> set[str]:
    """Every canonical id a generic id may stand for (its kinds' and channels' rules), else the id itself."""
    if rule_id in KIND_DISPATCH:
        return {*KIND_DISPATCH[rule_id].values(), *CHANNEL_DISPATCH.get(rule_id, {}).values()}
    return {RULE_ALIASES.get(rule_id, rule_id)}


def _jurisdiction_chain(code: str) -> list[str]:
    """Return ``code`` and its parents (GB/T 2260: district → city → province), most specific first."""
    code = str(code).strip()
    chain = [code]
    if len(code) == 6 and code.isdigit():
        for parent in (code[:4] + "00", code[:2] + "0000"):
            if parent not in chain:
                chain.append(parent)
    return chain


def rule_for(
    rule_id: str,
    on_date: dt.date | dt.datetime | None = None,
    jurisdiction: str | None = None,
    *,
    rules: Iterable[Rule] | None = None,
    kind: str | None = None,
    channel: str | None = None,
) -> Rule:
    """Return the version of ``rule_id`` in force on ``on_date`` for ``jurisdiction``.

    A rule carrying the jurisdiction's code (or a parent code: city, then province) wins over the
    national rule. ``on_date`` is the trigger date; None means today in Beijing. ``kind`` selects
    the rule behind a generic id such as ``CPL_ACCEPT`` (see ``KIND_DISPATCH``), refined by ``channel``
    (``CHANNEL_DISPATCH``).

    :raises LookupError: when no version applies, or a generic id is given without its kind.
    """
    if rule_id in KIND_DISPATCH:
        by_kind = KIND_DISPATCH[rule_id]
        if kind not in by_kind:
            raise LookupError(f"期限规则 {rule_id} 按案件类型确定，类型 {kind!r} 无对应规则")
        rule_id = CHANNEL_DISPATCH.get(rule_id, {}).get((str(kind), channel or ""), by_kind[str(kind)])
    if on_date is None:
        on_date = clock.today()
    elif isinstance(on_date, dt.datetime):
        on_date = (on_date.astimezone(SHANGHAI) if on_date.tzinfo else on_date).date()
    canonical = RULE_ALIASES.get(rule_id, rule_id)
    candidates = [
        r for r in (DEFAULT_RULES if rules is None else rules) if r.id == canonical and r.applies_on(on_date)
    ]
    order = [*(_jurisdiction_chain(jurisdiction) if jurisdiction else []), None]
    for code in order:
        matching = [r for r in candidates if r.jurisdiction == code]
        if matching:
            # Several versions in force at once would be a data error; the latest-starting one wins.
            return max(matching, key=lambda r: r.effective_from or dt.date.min)
    raise LookupError(f"未找到期限规则 {rule_id}（{on_date.isoformat()} 适用的版本）")
