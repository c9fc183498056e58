"""Drafting a document (by an action's ``notice=`` or by hand) and editing a draft's free-text parts.

The notices domain's ``register(app)`` plugs ``on_action`` into the case hooks: when an action that declares
``notice=`` runs, its document is drafted in the same transaction. Services flush, never commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

import sqlalchemy as sa

from caseflow import policy
from caseflow.accounts.models import User
from caseflow.approvals.models import ApprovalRequest
from caseflow.cases.audit import record_event
from caseflow.cases.models import Case, CaseEvent
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import Conflict, Invalid
from caseflow.notices import catalogue, context, rendering
from caseflow.notices.citations import cn_date
from caseflow.notices.models import Notice, NoticeStatus


def on_action(case: Case, fired, actor: User | None, data: dict) -> None:
    """Draft the document an action declares (``notice=``), in the action's transaction."""
    decl = fired.action
    if not decl.notice:
        return
    from caseflow.approvals.services import approval_behind

    kind = catalogue.resolve(decl.notice, case)
    # A 更正通知书 and a 变更、撤销 decision name the decision they concern: the case's latest issued one (the
    # actions' guard asks for one).
    refers = kind.code in ("rectification", "decision_amendment")
    corrects = latest_issued(case, "decision") if refers else None
    if refers and corrects is None:
        raise Conflict("裁决书尚未签发")
    draft_notice(case, kind.code, actor=actor, data=data, action=decl.name, corrects=corrects,
                 approval=approval_behind(case, decl.name))


_ISSUED = sa.select(sa.exists().where(Notice.case_id == sa.bindparam("case_id"), Notice.kind == sa.bindparam("kind"),
                                      Notice.status == NoticeStatus.ISSUED))  # built once: the guards ask per page


def has_issued(case: Case, kind_code: str) -> bool:
    """Whether the case has an issued document of a kind."""
    return bool(db.rows(_ISSUED, case_id=case.id, kind=kind_code)[0][0])


def latest_issued(case: Case, kind_code: str) -> Notice | None:
    """The case's most recently issued document of a kind, or None."""
    return db.session.scalar(sa.select(Notice).where(Notice.case_id == case.id, Notice.kind == kind_code,
                                                     Notice.status == NoticeStatus.ISSUED)
                             .order_by(Notice.id.desc()).limit(1))


def draft_notice(case: Case, code: str, *, actor: User | None, data: Mapping | None = None,
                 action: str | None = None, corrects: Notice | None = None,
                 approval: ApprovalRequest | None = None) -> Notice:
    """Create a draft of a catalogue kind on a case, its editable parts pre-filled."""
    kind = catalogue.kind(code)
    if not kind.issuable:
        raise Invalid(f"“{kind.title}”是随文书打印的表格，不单独起草")
    data = {k: v for k, v in dict(data or {}).items() if k != "version"}
    source = {**(case.data or {}), **data}
    extra = _case_extras(case, kind, source)
    if corrects is not None:
        extra["original"] = context.original_of(corrects)
    parts = context.default_parts(kind, procedure=case.procedure, case=case, data=source, extra=extra)
    groups = _addressee_groups(case, kind, by_hand=action is None)
    # Documents served on each respondent apart share a set: the office's service period ends when all are served.
    together = {context.SET_KEY: secrets.token_hex(8)} if len(groups) > 1 else {}
    drafted = []
    for group in groups:
        # Addressed to one respondent, it stays theirs alone when others join the case before it is issued.
        addressed = {context.ADDRESSEE_KEY: group[0].id} if kind.portal_uses and len(group) == 1 else {}
        notice = Notice(case=case, unit_id=case.unit_id, kind=kind.code,
                        title=catalogue.document_title(kind, case.procedure, data),
                        status=NoticeStatus.DRAFT, action=action, parts=dict(parts),
                        data=jsonable({**data, **together, **addressed}),
                        recipient_party_ids={"ids": [p.id for p in group]},
                        corrects=corrects, drafted_by=actor, missing_chars={"chars": []})
        if approval is not None:
            notice.approval_id = approval.id
            notice.approved_by_id = approval.decided_by_id
            notice.approved_at = approval.decided_at
        db.session.add(notice)
        db.session.flush()
        missing = refresh_font_report(notice)
        if action is None:
            # A draft made by an action is part of that action's audit event (one event per action); a draft made
            # by hand is an act of its own.
            unprintable = f"（{len(missing)}个字符无可用字体）" if missing else ""
            record_event(case, tag="case:notice:draft", actor=actor, summary=f"起草文书：{notice.title}{unprintable}",
                         data={"notice_id": notice.id, "kind": kind.code, "missing_chars": missing})
        drafted.append(notice)
    return drafted[0]


def _addressee_groups(case: Case, kind: catalogue.NoticeKind, *, by_hand: bool) -> list[list]:
    """The recipients of each draft: a document that carries access codes goes to each respondent on its own (a code
    printed on it opens the case to whoever holds the paper, so nobody else's may be on it); others go to all at once.

    By hand, such a document is drafted for the respondents who have none yet (one added after service), else for all.
    """
    recipients = context.recipients_of(kind, case.parties)
    if not kind.portal_uses:
        return [recipients]
    if by_hand:
        addressed = {i for n in db.session.scalars(sa.select(Notice).where(
            Notice.case_id == case.id, Notice.kind == kind.code, Notice.status != NoticeStatus.DISCARDED))
            for i in n.party_ids}
        recipients = [p for p in recipients if p.id not in addressed] or recipients
    return [[p] for p in recipients] or [[]]


def action_label(notice: Notice) -> str:
    """The name of the step that drafted the document, as its procedure calls it (受理, 作出裁决 …); "" if by hand."""
    if not notice.action:
        return ""
    from workflows import PROCEDURES

    procedure = PROCEDURES.get(notice.case.procedure)
    action = procedure.action(notice.action) if procedure is not None else None
    return action.label if action is not None else ""


def draft_manual(case: Case, code: str, *, actor: User) -> Notice:
    """An officer drafts a catalogue kind by hand (不予中止, 管辖权异议决定, 证据清单 …)."""
    policy.require_case_staff(actor, case)
    kind = catalogue.KINDS.get(code)
    if kind is None or kind not in catalogue.manual_kinds(case.procedure):
        raise Invalid("本程序不能起草该类文书", fields={"kind": "请选择有效的文书类型"})
    if kind.recipient == "claimant" and not context.recipients_of(kind, case.parties):
        # A matter found ex officio has no 投诉人/请求人: a document addressed to one would name nobody.
        raise Invalid("本案没有投诉人或请求人，不能起草发给其的文书", fields={"kind": "请选择有效的文书类型"})
    drafted = db.session.scalars(sa.select(Notice.kind).where(Notice.case_id == case.id).distinct())
    refusal = catalogue.hand_refusal(case, kind, drafted)
    if refusal:
        raise Invalid(refusal, fields={"kind": "请先办理相应步骤"})
    return draft_notice(case, code, actor=actor)


def draft_correction(original: Notice, *, actor: User) -> Notice:
    """A 更正通知书 referring to an issued document (the original never changes)."""
    policy.require_case_staff(actor, original.case)
    if original.status != NoticeStatus.ISSUED:
        raise Conflict("只能更正已签发的文书")
    if original.kind == "rectification":
        raise Conflict("更正通知书本身有误的，请作废草稿后重新起草，或对原文书再次更正")
    return draft_notice(original.case, "rectification", actor=actor, corrects=original)


def _case_extras(case: Case, kind: catalogue.NoticeKind, data: Mapping | None = None) -> dict:
    """Defaults that come from earlier steps of the case: the answer, the panel, the decision's measures."""
    extra: dict = {}
    if kind.code == "decision":
        answer = _last_fields(case, "record_answer").get("answer")
        if answer:
            extra["defence"] = f"被请求人辩称：{answer}"
    if kind.code == "hearing_notice":
        extra["panel"] = context.panel_names(case)
        extra.update(_hearing_place(case, data or {}))
    if kind.code == "criminal_referral":
        extra["expert_opinion"] = _holds_expert_opinion(case)
    if kind.code == "reconsideration_request":
        extra["police_decision"] = _last_fields(case, "record_police_decision")
    if kind.code == "supervision_proposal":
        steps = [("transfer", "本局将该案移送{target}"), ("record_police_decision", "公安机关决定不予立案"),
                 ("request_reconsideration", "本局提请复议"), ("record_reconsideration", "公安机关复议维持不予立案")]
        target = (case.data or {}).get("target") or "公安机关"
        done = dict(db.session.execute(sa.select(CaseEvent.action, CaseEvent.occurred_at)
                                       .where(CaseEvent.case_id == case.id, CaseEvent.action.is_not(None))
                                       .order_by(CaseEvent.seq)).all())
        extra["history"] = "；".join(
            f"{cn_date(clock.beijing_date(done[a]))}，{text.format(target=target)}" for a, text in steps if a in done
        ) + "。"
    if kind.code in ("reminder", "enforcement_application"):
        decision = db.session.scalar(
            sa.select(Notice).where(Notice.case_id == case.id, Notice.kind == "decision",
                                    Notice.status == NoticeStatus.ISSUED).order_by(Notice.id.desc()).limit(1))
        if decision is not None:
            extra["obligation"] = (decision.parts or {}).get("measures", "")
    return extra


def _holds_expert_opinion(case: Case) -> bool:
    """Whether the referral or the case it came from holds a 鉴定意见 among its evidence."""
    from caseflow.evidence.models import Evidence, EvidenceKind

    ids = [case.id] + ([case.parent_id] if case.parent_id else [])
    return bool(db.session.scalar(sa.select(sa.exists().where(Evidence.case_id.in_(ids),
                                                              Evidence.kind == EvidenceKind.EXPERT_OPINION))))


def _hearing_place(case: Case, data: Mapping) -> dict:
    """The room (name and address) a hearing notice names: the one chosen now, or, when a hearing is postponed,
    the one it was booked in."""
    from caseflow.hearings.models import Hearing, HearingRoom

    room_code = str(data.get("room") or "").strip()
    if room_code:
        room = db.session.scalar(sa.select(HearingRoom).where(HearingRoom.unit_id == case.unit_id,
                                                              HearingRoom.code == room_code))
    else:
        booked = db.session.scalar(sa.select(Hearing).where(Hearing.case_id == case.id, Hearing.status == "scheduled")
                                   .order_by(Hearing.id.desc()).limit(1))
        if booked is not None and booked.mode == "remote":
            return {"remote_link": booked.link or ""}
        room = booked.room if booked is not None else None
    if room is None:
        return {}
    return {"room": room.name + (f"（{room.address}）" if room.address else "")}


def _last_fields(case: Case, action: str) -> dict:
    event = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == action,
                                                         CaseEvent.tag.like("case:%:" + action))
                              .order_by(CaseEvent.seq.desc()).limit(1))
    return dict((event.data or {}).get("fields") or {}) if event is not None else {}


def jsonable(data: Mapping) -> dict:
    import json

    return json.loads(json.dumps(dict(data), ensure_ascii=False, default=str))


def refresh_font_report(notice: Notice) -> list[str]:
    """Record the characters of the document no installed font covers (shown to the officer)."""
    missing = rendering.missing_characters(context.build_context(notice))
    if (notice.missing_chars or {}).get("chars") != missing:
        notice.missing_chars = {"chars": missing}
    return missing


def update_parts(notice: Notice, *, actor: User, parts: Mapping[str, str], version: int | None = None) -> Notice:
    """Revise the editable parts of a draft; changes void a supervisor's approval of the text."""
    case = notice.case
    policy.require_case_staff(actor, case)
    if notice.status not in (NoticeStatus.DRAFT, NoticeStatus.SIGNOFF):
        raise Conflict("已签发的文书不能修改；如有错误，请起草更正通知书")
    if version is not None and int(version) != notice.version:
        raise Conflict("文书已被他人修改，请刷新后重试", code="conflict_version")
    kind = catalogue.kind(notice.kind)
    clean, errors = {}, {}
    for part in kind.parts:
        value = parts.get(part.name, (notice.parts or {}).get(part.name, ""))
        if not isinstance(value, str):
            errors[part.name] = "应为文本"
            continue
        value = value.replace("\r\n", "\n").strip()
        if part.rows == 1:
            value = " ".join(value.split())
        if len(value) > part.max_length:
            errors[part.name] = f"不能超过 {part.max_length} 个字"
        elif part.required and not value:
            errors[part.name] = f"请填写“{part.label}”"
        clean[part.name] = value
    unknown = set(parts) - {p.name for p in kind.parts}
    for name in unknown:
        errors[name] = "该文书没有此项内容"
    if errors:
        raise Invalid("文书内容有误", fields=errors)
    old = dict(notice.parts or {})
    diff = {k: [old.get(k, ""), v] for k, v in clean.items() if old.get(k, "") != v}
    if not diff:
        return notice
    notice.parts = clean
    if notice.approved_by_id is not None:
        notice.approved_by_id, notice.approved_at = None, None  # the approved text changed
    if notice.status == NoticeStatus.SIGNOFF:
        notice.status = NoticeStatus.DRAFT
    db.session.flush()
    missing = refresh_font_report(notice)
    record_event(case, tag="case:notice:edit", actor=actor, summary=f"修改文书草稿：{notice.title}",
                 data={"notice_id": notice.id, "diff": {k: [a[:500], b[:500]] for k, (a, b) in diff.items()},
                       "missing_chars": missing})
    db.session.flush()
    return notice


def discard_draft(notice: Notice, *, actor: User) -> Notice:
    """Drop a draft that will not be issued (issued documents are never discarded)."""
    policy.require_case_staff(actor, notice.case)
    if notice.status not in (NoticeStatus.DRAFT, NoticeStatus.SIGNOFF):
        raise Conflict("只能作废尚未签发的草稿")
    notice.status = NoticeStatus.DISCARDED
    record_event(notice.case, tag="case:notice:discard", actor=actor, summary=f"作废文书草稿：{notice.title}",
                 data={"notice_id": notice.id})
    db.session.flush()
    return notice
