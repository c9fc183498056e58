"""What no case may look like, whatever made it (the demo, the generator, the application): the legally impossible
cases of issue #15, found from the stored cases and their audit events."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from caseflow.cases.models import Case, CaseEvent, PartyRole
from caseflow.core import clock
from workflows.adjudication import FILING_CHECKS, PATENT_TYPES
from workflows.complaint import PENALTY_KINDS

PATENT = set(PATENT_TYPES)
#: The actions that create a linked case of each procedure.
CREATED_BY = {"adjudication": ("convert",), "mediation": ("convert",),
              "referral": ("refer", "start_referral", "apply_enforcement", "decide_jurisdiction_objection"),
              "injunction": ("request_injunction",)}
#: Complaint kinds that may be a civil patent dispute (not 假冒专利, an offence against the public order).
MEDIABLE_KINDS = ("patent_infringement", "other")
IN_FORCE = ("issued", "complied", "breached")


def _panel_ok(members) -> bool:
    members = list(members or [])
    return len(members) >= 3 and len(members) % 2 == 1 and len(set(members)) == len(members)


def problems(session) -> list[str]:
    """One line per legally impossible case (empty when there is none)."""
    cases = session.scalars(sa.select(Case).where(Case.is_deleted.is_(False)).order_by(Case.id)).all()
    actions: dict[int, list[tuple[str, str, object, dict]]] = defaultdict(list)
    for case_id, action, tag, at, payload in session.execute(
            sa.select(CaseEvent.case_id, CaseEvent.action, CaseEvent.tag, CaseEvent.occurred_at, CaseEvent.data)
            .where(CaseEvent.action.is_not(None)).order_by(CaseEvent.case_id, CaseEvent.seq)):
        actions[case_id].append((action, tag, at, (payload or {}).get("fields") or {}))
    by_id = {c.id: c for c in cases}
    out = []
    for c in cases:
        data = c.data or {}
        steps = [(a, at, fields) for a, tag, at, fields in actions[c.id]
                 if tag.startswith(("case:state:", "case:action:"))]
        done = [a for a, _, _ in steps]
        where = f"{c.number}（{c.procedure}）"
        if c.procedure == "adjudication":
            # Item 1: 行政裁决 is for patent-infringement disputes only.
            if c.kind != "patent_infringement" or c.ip_type not in PATENT:
                out.append(f"{where}: 非专利侵权纠纷的行政裁决（{c.kind}, {c.ip_type}）")
            if "docket" in done:
                # Items 2 and 3: 立案 recorded the art. 12 checks and formed the panel.
                checks = data.get("filing_checks") or {}
                missing = [k for k in FILING_CHECKS if not checks.get(k)]
                if missing:
                    out.append(f"{where}: 立案未记录受理条件 {missing}")
                if c.ip_type in ("utility_model", "design") and not checks.get("evaluation_report"):
                    out.append(f"{where}: 实用新型或外观设计立案未记录专利权评价报告")
                if not _panel_ok(data.get("panel")):
                    out.append(f"{where}: 立案时未组成三名以上单数的合议组")
            # Item 8: a request converted from a complaint keeps the day it was received (局令81 art. 20).
            parent = by_id.get(c.parent_id) if c.parent_id else None
            if parent is not None and parent.procedure == "complaint" and c.received_at != parent.received_at:
                out.append(f"{where}: 转立案的行政裁决未沿用收到请求书之日")
            # Item 14: 局令81 art. 28(一) suspends for utility models and designs only.
            for action, _at, chosen in steps:
                if action == "suspend" and chosen.get("reason") == "invalidation" \
                        and c.ip_type not in ("utility_model", "design"):
                    out.append(f"{where}: 发明专利以第二十八条第（一）项中止")
                if action == "suspend" and chosen.get("reason") in ("ownership", "other_art29"):
                    out.append(f"{where}: 中止理由不属于第二十八条（{chosen.get('reason')}）")
            # Item 3: the decision follows a 合议 of the panel (art. 25).
            if "decide" in done and "deliberate" not in done[:done.index("decide")]:
                out.append(f"{where}: 未经合议作出裁决")
            # 局令81 art. 83: a decided case closes only after its decision was published.
            closers = ("finalize", "record_compliance", "record_judgment")
            if "decide" in done and any(a in done for a in closers) and "publish" not in done[
                    :min(done.index(a) for a in closers if a in done)]:
                out.append(f"{where}: 裁决书未公开即结案")
            # Item 4: a hearing is held on or after the day it was set for.
            set_for = None
            for action, at, fields in steps:
                if action in ("schedule_hearing", "postpone_hearing"):
                    set_for = str(fields.get("hearing_date") or "")[:10]
                elif action == "hold_hearing" and set_for and clock.beijing_date(at).isoformat() < set_for:
                    out.append(f"{where}: 口头审理在排定的 {set_for} 之前登记举行")
            # Item 5: 不予立案 while awaiting 补正 only after the period ran out; "补正后仍不符合" needs a correction.
            if "reject" in done:
                i = done.index("reject")
                if "request_correction" in done[:i] and "resubmit" not in done[:i]:
                    asked = next(at for a, at, _ in steps if a == "request_correction")
                    days = int((next(f for a, _, f in steps if a == "request_correction")).get("due_in_days") or 15)
                    if (steps[i][1] - asked).days < days:
                        out.append(f"{where}: 补正期限届满前以逾期未补正为由不予立案")
                elif steps[i][2].get("ground") == "correction" and "resubmit" not in done[:i]:
                    out.append(f"{where}: 未补正而以补正后仍不符合要求为由不予立案")
        if c.procedure in ("adjudication", "mediation") and c.closing_action in (
                "record_settlement", "record_agreement", "confirm_agreement", "record_signature"):
            # Item 6: an agreement closes its case only once both parties have signed (arts 35, 69).
            agreement = data.get("agreement") or {}
            if len(agreement.get("signatures") or {}) < 2 or not agreement.get("effective_on"):
                out.append(f"{where}: 调解协议未经双方签署即以调解结案")
            elif c.closed_at is not None and clock.beijing_date(c.closed_at).isoformat() < agreement["effective_on"]:
                out.append(f"{where}: 调解结案早于调解协议生效")
        if c.procedure == "mediation" and c.ip_type not in PATENT:
            out.append(f"{where}: 非专利纠纷的行政调解（{c.ip_type}）")
        parent = by_id.get(c.parent_id) if c.parent_id else None
        if parent is not None:
            # A linked case exists only because its parent (or, for an injunction handed over on a conversion, the
            # case converted) performed the action that creates it, before it was made.
            makers = CREATED_BY.get(c.procedure, ())
            origins = [parent] + ([by_id[parent.parent_id]] if c.procedure == "injunction" and parent.parent_id
                                  in by_id else [])
            if not any(a in makers and at <= c.created_at for o in origins for a, _tag, at, _f in actions[o.id]):
                out.append(f"{where}: 关联案件的来源案件 {parent.number} 未办理产生它的操作")
            if c.procedure in ("adjudication", "mediation") and parent.procedure == "complaint":
                # A dispute is handled on a party's request: not from a matter the office found itself, and a
                # 假冒专利 matter is no civil dispute to mediate (局令81 art. 63).
                if parent.channel == "ex_officio":
                    out.append(f"{where}: 由依职权发现的案件转为{c.procedure}（无请求人）")
                if c.procedure == "mediation" and parent.kind not in MEDIABLE_KINDS:
                    out.append(f"{where}: 由“{parent.kind}”投诉转为专利纠纷调解")
        if c.procedure == "complaint" and c.kind in PENALTY_KINDS and "withdraw" in done and "accept" in done[
                :done.index("withdraw")]:
            out.append(f"{where}: 已立案查处的行政处罚案件因撤回投诉而终止")
        if c.procedure == "complaint" and c.state == "referred":
            # 已移送 means the matter left the office: its referral was sent, not refused or still awaiting approval.
            referral = by_id.get(data.get("referral"))
            if referral is None or referral.state in ("drafted", "approved", "not_referred"):
                out.append(f"{where}: 以“已移送”结案，而移送案件未移送（{referral.state if referral else '无'}）")
        if c.procedure == "complaint" and c.channel == "ex_officio" and c.kind == "patent_infringement":
            out.append(f"{where}: 依职权登记的专利侵权纠纷（专利法第六十五条：应当事人请求处理）")
        if c.channel == "ex_officio" and c.parent_id is None \
                and any(p.role == PartyRole.CLAIMANT for p in c.parties):
            out.append(f"{where}: 依职权发现的案件列有投诉人")
        if c.procedure == "injunction" and c.state in IN_FORCE and parent is not None \
                and parent.closed_at is not None:
            out.append(f"{where}: 主案 {parent.number} 已结案，禁令仍然有效")
        if c.closed_at is not None:
            # 结案 is the moment of the closing action, never before the case was received or made.
            closings = [clock.beijing_date(at) for a, tag, at, _f in actions[c.id]
                        if a == c.closing_action and tag.startswith("case:")]
            if c.closed_at < c.received_at or clock.beijing_date(c.closed_at) not in closings:
                out.append(f"{where}: 结案时间与结案操作不符")
        if "withdraw" in done and c.created_by_id is None:
            out.append(f"{where}: 无申请人的案件由申请人撤回")
    return out
