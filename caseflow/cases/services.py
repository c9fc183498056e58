"""Case services: creating a case and the one `perform` path for every state change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app

import workflows
from caseflow import policy
from caseflow.accounts.models import IdType, Unit, User
from caseflow.approvals.models import ApprovalRequest, ApprovalStatus
from caseflow.cases import hooks
from caseflow.cases.audit import record_event
from caseflow.cases.models import Case, Party, PartyRole
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import Conflict, Forbidden, Invalid, NotFound
from caseflow.core.numbering import next_number
from workflows.base import GuardContext
from workflows.engine import WorkflowError


@dataclass
class Outcome:
    """What `perform` did: the case, and the approval request when one was opened instead."""

    case: Case
    approval: ApprovalRequest | None = None

    @property
    def status(self) -> int:
        return 202 if self.approval is not None else 200


def format_number(unit: Unit, word: str, year: int, seq: int) -> str:
    """Case number like 渝中知投〔2026〕12号 (六角括号, no leading zeros)."""
    return f"{unit.prefix}{word}〔{year}〕{seq}号"


def check_new_request(procedure: str, fields: dict) -> None:
    """Refuse (422) a request filed anew that its procedure's filing checks refuse: the API and the portal file
    through here, so both ask the same (e.g. the claims of an invention's 处理请求书, none for a design's)."""
    checks = workflows.procedure(procedure).filing_checks
    errors = checks(fields) if checks is not None else {}
    if errors:
        raise Invalid("；".join(errors.values()), fields=errors)


def create_case(*, procedure: str, unit: Unit, actor: User | None, fields: dict, parties: list[dict],
                parent: Case | None = None, summary: str | None = None,
                received_at: dt.datetime | None = None) -> Case:
    """Create a case in its procedure's first state with a gapless number, and audit it.

    ``received_at`` is the moment the office received the request: now, unless the case continues a request
    received earlier (an adjudication converted from a complaint keeps the complaint's date, 局令81 art. 20).
    """
    if fields.get("channel") == "ex_officio" and (actor is None or not actor.is_staff):
        raise Invalid("“依职权发现”的案件只能由执法人员登记", fields={"channel": "请选择来源渠道"})
    proc = workflows.procedure(procedure)
    if proc.create_checks is not None:
        errors = proc.create_checks(fields)
        if errors:
            raise Invalid("；".join(errors.values()), fields=errors)
    today = clock.today()
    seq = next_number(f"case:{proc.number_word}", unit.id, today.year)
    case = Case(
        procedure=procedure,
        unit=unit,
        year=today.year,
        seq=seq,
        number=format_number(unit, proc.number_word, today.year, seq),
        title=fields.get("title") or proc.title,
        facts=fields.get("facts") or "",
        claims=fields.get("claims") or "",
        kind=fields.get("kind"),
        ip_type=fields.get("ip_type"),
        right_number=fields.get("right_number"),
        asserted_claims=fields.get("asserted_claims"),
        channel=fields.get("channel") or "online",
        track=fields.get("track") or "standard",
        data=dict(fields.get("data") or {}),
        created_by=actor if actor is not None and not actor.is_staff else None,
        parent=parent,
        received_at=received_at or clock.now(),
    )
    workflows.engine(procedure).start(case)
    for p in parties:
        case.parties.append(Party(**p))
    db.session.add(case)
    db.session.flush()
    record_event(case, tag="case:create", actor=actor, to_state=case.state,
                 summary=summary or f"{proc.title}案件创建：{case.number}",
                 data={"channel": case.channel, "parent": parent.number if parent else None})
    for on_create in hooks.current().on_create:
        on_create(case, actor)
    db.session.flush()
    return case


def _ctx(case: Case, actor: User | None, data: dict) -> GuardContext:
    now = clock.now()
    registered = hooks.current()
    known: dict[str, Any] = {}  # one moment: a fact several guards ask for is read once

    def fact(name: str) -> Any:
        if name not in known:
            known[name] = registered.facts[name](case) if name in registered.facts else None
        return known[name]

    return GuardContext(case=case, actor=actor, data=data, now=now, today=clock.beijing_date(now),
                        deadline_passed=lambda prefix: registered.deadline_passed(case, prefix),
                        latest_notice_day=lambda rule_id, day: registered.latest_notice_day(case, rule_id, day),
                        fact=fact,
                        extension_refused=lambda prefix: registered.extension_refused(case, prefix),
                        lapse_unconfirmed=lambda prefix: registered.lapse_unconfirmed(case, prefix))


_PENDING = (sa.select(ApprovalRequest.id, ApprovalRequest.action, ApprovalRequest.requested_by_id,
                      ApprovalRequest.requested_at)
            .where(ApprovalRequest.case_id == sa.bindparam("case_id"),
                   ApprovalRequest.status == ApprovalStatus.PENDING))


def pending_approval(case: Case) -> sa.Row | None:
    """The case's pending approval request, if any: what the case page says of it (a plain row; deciding one loads
    the request itself)."""
    found = db.rows(_PENDING, case_id=case.id)
    return found[0] if found else None


_UNKNOWN = object()


def offered_actions(case: Case, actor: User, *, pending: Any = _UNKNOWN,
                    roles: set[str] | None = None) -> tuple[list, list]:
    """The actions the actor may perform on the case now, and (declaration, reasons) for those it could take in this
    state but may not now, asked of the engine once (``pending``: the case's pending approval, ``roles``: the actor's
    case roles, when the caller already read them)."""
    roles = policy.case_roles(actor, case) if roles is None else roles
    if not roles or case.is_deleted:
        return [], []
    offer = workflows.engine(case.procedure).offer(_ctx(case, actor, {}), roles)
    actions = offer.available
    if (pending_approval(case) if pending is _UNKNOWN else pending) is not None:
        actions = [a for a in actions if a.allowed_while_pending]
    return actions, offer.refused


def available_actions(case: Case, actor: User, *, pending: Any = _UNKNOWN) -> list:
    """The actions the actor may perform on the case now."""
    return offered_actions(case, actor, pending=pending)[0]


def authorize_action(case: Case, action: str, actor: User):
    """Return the declaration the actor would use (404 when unknown or invisible, 403 when never allowed)."""
    if not policy.can_view_case(actor, case):
        raise NotFound("案件不存在")
    variants = workflows.procedure(case.procedure).actions_named(action)
    if not variants:
        raise NotFound("没有该操作", code="unknown_action")
    if not any(set(a.roles) & policy.case_roles(actor, case) for a in variants):
        raise Forbidden("您的角色无权执行此操作")
    # The variant this case takes (its form, label and help): 立案 for a matter found ex officio, not 受理.
    return workflows.procedure(case.procedure).variant(action, _ctx(case, actor, {}))


def perform(case: Case, action: str, *, actor: User, data: dict[str, Any] | None = None,
            validate=None, via: str = "web") -> Outcome:
    """Check, then run or send for approval, one action on a case; flushes, never commits.

    Checks run in the order of the API contract (docs/architecture.md, JSON API): visibility and unknown action
    (404), role (403), version and fields (422), then state, stale version and pending approval (409).
    `validate(action_decl, data)` turns raw input into clean data or raises Invalid (the field schema).
    """
    data = dict(data or {})
    decl = authorize_action(case, action, actor)
    eng = workflows.engine(case.procedure)
    roles = policy.case_roles(actor, case)
    version = data.pop("version", None)
    if version is None or isinstance(version, bool) or not str(version).strip().lstrip("-").isdigit():
        raise Invalid("缺少或无效的版本号", fields={"version": "请提供案件当前版本号（version）"})
    clean = validate(decl, data, case) if validate else data
    if int(version) != case.version:
        raise Conflict("案件已被他人更新，请刷新后重试", code="conflict_version")
    pending = pending_approval(case)
    if pending is not None and not decl.allowed_while_pending:
        raise Conflict("该案件有待审批的申请，审批完成前不能进行其他操作", code="approval_pending")
    ctx = _ctx(case, actor, clean)
    try:
        chosen = eng.check(action, ctx, roles)
    except WorkflowError as exc:
        raise Conflict(exc.message) from None
    if policy.needs_approval(chosen, roles, case.unit.code, case.procedure,
                             current_app.config.get("APPROVAL_OVERRIDES", {})):
        return Outcome(case, _request_approval(case, chosen, actor, clean, via))
    _execute(case, action, actor, clean, via)
    return Outcome(case)


def approval_role_of(request: ApprovalRequest) -> str | None:
    """The approving role the request's action needs as the case stands now (e.g. "superior")."""
    case = request.case
    eng = workflows.engine(case.procedure)
    requester = request.requested_by
    roles = policy.case_roles(requester, case) if requester is not None else set()
    try:
        chosen = eng.check(request.action, _ctx(case, requester, dict(request.data or {})), roles)
    except WorkflowError:
        variants = eng.procedure.actions_named(request.action)
        return variants[0].approval if variants else None
    return chosen.approval


def touch(case: Case) -> None:
    """Bump the case's optimistic-lock version: a workflow change makes earlier forms stale."""
    case.version = (case.version or 1) + 1


def _request_approval(case: Case, action, actor: User, data: dict, via: str) -> ApprovalRequest:
    touch(case)
    record_event(case, tag="case:approval:request", actor=actor, action=action.name,
                 summary=f"申请审批：{action.label}", data={"fields": data, "via": via})
    db.session.flush()  # bumps the case version; a later change voids the request
    req = ApprovalRequest(case=case, action=action.name, data=data, case_version=case.version,
                          requested_by=actor, status=ApprovalStatus.PENDING)
    db.session.add(req)
    db.session.flush()
    return req


def _execute(case: Case, action: str, actor: User | None, data: dict, via: str, approval=None) -> None:
    eng = workflows.engine(case.procedure)
    ctx = _ctx(case, actor, data)
    try:
        fired = eng.fire(action, ctx)
    except WorkflowError as exc:
        raise Conflict(exc.message) from None
    decl = fired.action
    touch(case)
    if decl.closes and case.closed_at is None:
        case.closed_at = clock.now()
        case.closing_action = decl.name
    changed = fired.from_state != fired.to_state
    event_data = {"fields": data, "via": via}
    if approval is not None:
        event_data["approval_id"] = approval.id
        event_data["requested_by"] = approval.requested_by.username
    titles = [eng.procedure.state_title(s, case.channel) for s in (fired.from_state, fired.to_state)]
    record_event(case, tag=f"case:{'state' if changed else 'action'}:{decl.name}", actor=actor, action=decl.name,
                 from_state=fired.from_state, to_state=fired.to_state,
                 summary=decl.label + (f"（{titles[0]} → {titles[1]}）" if changed else ""), data=event_data)
    registered = hooks.current()
    for on_action in registered.on_action:
        on_action(case, fired, actor, data)
    for name in decl.effects:
        registered.effects[name](case=case, actor=actor, data=data, fired=fired)
    db.session.flush()


def run_approved(request: ApprovalRequest, *, actor: User) -> Case:
    """Run an approved request's action against the case as it is now (guards re-checked by the engine)."""
    case = request.case
    _execute(case, request.action, request.requested_by, dict(request.data), "approval", approval=request)
    return case


def run_system_action(case: Case, action: str, *, data: dict | None = None) -> Case:
    """Run a ``system`` action (an injunction superseded by its main case's 结案, or expired) through the engine.

    Nobody performs these by hand: no role, approval or version check applies; the state and guards still do.
    """
    decl = workflows.procedure(case.procedure).action(action)
    if decl is None or "system" not in decl.roles:
        raise ValueError(f"{case.procedure}.{action} is not a system action")
    _execute(case, action, None, dict(data or {}), "system")
    return case


def find_staff(unit: Unit, username: str, roles) -> User | None:
    """A staff member of the unit with one of the roles (for assignment fields)."""
    return db.session.scalar(
        sa.select(User).where(User.username == username, User.unit_id == unit.id, User.role.in_(roles),
                              User.is_disabled.is_(False))
    )


def party_dicts(items: list[dict], role: PartyRole) -> list[dict]:
    """Turn validated party input into Party constructor arguments."""
    return [{
        "role": role,
        "name": item["name"].strip(),
        "id_type": IdType(item["id_type"]) if item.get("id_type") else None,
        "id_number": item.get("id_number") or None,
        "address": item.get("address") or None,
        "phone": item.get("phone") or None,
    } for item in items]
