"""Who may see and do what: the one home of permissions (docs/architecture.md, Users and visibility)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import abort, g, has_request_context
from flask_login import current_user, login_required

from caseflow.accounts.models import Role, Unit, User
from caseflow.cases.models import Case, Party, PartyRole
from caseflow.core.db import db
from caseflow.core.errors import Forbidden
from caseflow.notices.models import Notice, NoticeStatus

CITY_UNIT_CODE = "500000"
#: The staff who handle cases: the one set of staff roles. As workflow roles ("officer" …) they are the staff roles an
#: action may name; the administrator is staff too (``User.is_staff``) but handles no case.
CASE_STAFF_ROLES = frozenset({Role.OFFICER, Role.MEDIATOR, Role.SUPERVISOR})


def unit_scope(user: User) -> frozenset[int]:
    """The units whose cases a staff member sees (none for other users)."""
    if not user.is_staff or user.unit_id is None:
        return frozenset()
    unit = user.unit
    if unit is None:  # unit_id is set, so the row exists
        return frozenset()
    if user.role == Role.SUPERVISOR and unit.code == CITY_UNIT_CODE:
        # Read once a request: a page asks it several times (the queue, its count, the menu).
        scopes = g.setdefault("unit_scopes", {}) if has_request_context() else {}
        if unit.id not in scopes:
            scopes[unit.id] = frozenset(_unit_and_descendants(unit.id))
        return scopes[unit.id]
    return frozenset({unit.id})


def _unit_and_descendants(unit_id: int) -> set[int]:
    rows = db.session.execute(sa.select(Unit.id, Unit.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for uid, parent in rows:
        children.setdefault(parent, []).append(uid)
    found, todo = set(), [unit_id]
    while todo:
        uid = todo.pop()
        if uid not in found:
            found.add(uid)
            todo.extend(children.get(uid, []))
    return found


def visible_cases(user: User):
    """A WHERE clause selecting the cases the user may see."""
    if user.is_staff:
        scope = unit_scope(user)
        return Case.unit_id.in_(scope) if scope else sa.false()
    if user.role == Role.APPLICANT:
        # One IN over a UNION, not "created_by = … OR id IN (…)": PostgreSQL cannot use an index for that OR and
        # scanned every case for each page of a rights holder's list.
        own = sa.union(sa.select(Case.id).where(Case.created_by_id == user.id),
                       sa.select(Party.case_id).where(Party.user_id == user.id, Party.role != PartyRole.RESPONDENT))
        return Case.id.in_(own)
    if user.role == Role.RESPONDENT:
        mine = sa.select(Party.case_id).where(Party.user_id == user.id, Party.role == PartyRole.RESPONDENT)
        return Case.id.in_(mine)
    return sa.false()


def can_view_case(user: User | None, case: Case | sa.Row | None, parties=None) -> bool:
    """Tell whether the user may see the case at all (otherwise it answers 404). ``case`` may be a row of its
    columns (unit_id, is_deleted, created_by_id) with ``parties``, rows of its parties' (user_id, role): for a
    party's account the rule reads them instead of ``case.parties``."""
    if user is None or case is None or case.is_deleted or not user.is_authenticated:
        return False
    if user.is_staff:
        scope = unit_scope(user)
        return bool(scope) and case.unit_id in scope
    return bool(case_roles(user, case, parties) & {"applicant", "respondent"})


def case_roles(user: User, case: Case | sa.Row, parties=None) -> set[str]:
    """The workflow roles the user holds in this case (matched against each action's roles); ``parties``: as
    can_view_case takes them."""
    if user.is_staff:
        scope = unit_scope(user)
        if not scope or case.unit_id not in scope:
            return set()
        roles = {
            Role.OFFICER: {"officer"},
            Role.MEDIATOR: {"mediator"},
            Role.SUPERVISOR: {"supervisor", "officer", "mediator"},
        }.get(user.role, set())
        if user.role == Role.SUPERVISOR and case.unit_id != user.unit_id:
            # A supervisor of a parent office (the city office over a district) is the case's superior office.
            roles = roles | {"superior"}
        return roles
    roles = set()
    parties = case.parties if parties is None else parties
    if user.role == Role.APPLICANT:
        if case.created_by_id == user.id or any(
            p.user_id == user.id and p.role != PartyRole.RESPONDENT for p in parties
        ):
            roles.add("applicant")
    elif user.role == Role.RESPONDENT and any(
        p.user_id == user.id and p.role == PartyRole.RESPONDENT for p in parties
    ):
        roles.add("respondent")
    return roles


#: Actions whose approving role is a setting (先行禁令: INJUNCTION_APPROVER, "supervisor" or "none").
CONFIGURED_APPROVERS = {"injunction.propose_issue": "INJUNCTION_APPROVER", "injunction.lift": "INJUNCTION_APPROVER"}


def _configured_approver(key: str, default):
    from flask import current_app, has_app_context

    setting = CONFIGURED_APPROVERS.get(key)
    if setting is None or not has_app_context():
        return default
    role = str(current_app.config.get(setting, default or "none") or "none").strip()
    return None if role == "none" else role


def needs_approval(action, roles: set[str], unit_code: str, procedure: str, overrides: dict) -> bool:
    """Tell whether this actor's action must go to the approvals inbox (per-office overrides apply)."""
    key = f"{procedure}.{action.name}"
    required = _configured_approver(key, action.approval)
    office = overrides.get(unit_code, {})
    if key in office and required != "superior":
        # An office chooses its own sign-offs, never the superior office's (局令81 art. 37's second extension).
        required = "supervisor" if office[key] else None
    return bool(required) and required not in roles


def head_decided(action, roles: set[str], unit_code: str, procedure: str, overrides: dict) -> bool:
    """Tell whether a head (负责人) decided an action that has run: the actor is one, or it needed one's approval
    (and so ran approved). False where the office lets officers take it alone (per-office overrides)."""
    return "supervisor" in roles or needs_approval(action, roles, unit_code, procedure, overrides)


def can_decide_approval(user: User, request) -> bool:
    """Supervisors who can see the case decide, but never on their own request; a step reserved to the superior
    office (e.g. the second extension of an adjudication, 局令81 art. 37) only by a supervisor of a parent office."""
    if not (user.role == Role.SUPERVISOR and request.requested_by_id != user.id
            and can_view_case(user, request.case)):
        return False
    from caseflow.cases.services import approval_role_of

    required = approval_role_of(request)
    return required in (None, "supervisor") or required in case_roles(user, request.case)


def can_preview_approval(user: User, request) -> bool:
    """The draft document an approval would issue is read by those who decide the request and by its requester."""
    if not (user.is_authenticated and user.is_staff and can_view_case(user, request.case)):
        return False
    return request.requested_by_id == user.id or can_decide_approval(user, request)


def can_file(user: User) -> bool:
    """Only a rights holder's account files complaints and requests; a respondent's account answers its case."""
    return user.is_authenticated and user.role == Role.APPLICANT


def can_manage_rooms(user: User) -> bool:
    """The head of an office keeps its hearing rooms (the office itself is checked against the scope)."""
    return user.role == Role.SUPERVISOR


def can_use_access_code(user) -> bool:
    """An access code opens a respondent's account, or links a respondent's own: nobody else uses one."""
    return not user.is_authenticated or user.role == Role.RESPONDENT


def can_create_in_unit(user: User, unit: Unit) -> bool:
    """Rights holders file with any office; staff register cases for their own offices only."""
    if user.role == Role.APPLICANT:
        return True
    if user.role in CASE_STAFF_ROLES:
        scope = unit_scope(user)
        return bool(scope) and unit.id in scope
    return False


def can_register_incoming_referral(user: User, unit: Unit) -> bool:
    """Officers and supervisors register referrals received by their own offices."""
    return user.is_staff and user.role in (Role.OFFICER, Role.SUPERVISOR) and unit.id in unit_scope(user)


def can_download_referral_package(user: User, case: Case) -> bool:
    """The evidence package of a referral leaves the office: staff of the case only."""
    return user.role in CASE_STAFF_ROLES and can_view_case(user, case) and case.procedure == "referral"


# ---- evidence (docs/architecture.md, Evidence) ----


def evidence_role(user: User, case: Case) -> str | None:
    """The capacity in which the user may submit evidence to the case: applicant, respondent, staff or None."""
    if not can_view_case(user, case):
        return None
    if user.is_staff:
        return "staff" if user.role in CASE_STAFF_ROLES else None
    roles = case_roles(user, case)
    for role in ("applicant", "respondent"):
        if role in roles:
            return role
    return None


def can_upload_evidence(user: User, case: Case) -> bool:
    """Parties of the case and staff who may see it; parties only while the case is open."""
    role = evidence_role(user, case)
    if role is None:
        return False
    return role == "staff" or case.closed_at is None


def can_decide_evidence(user: User, case: Case) -> bool:
    """The panel decides on admission and records hand-overs: officers and supervisors of the case's office."""
    return bool(case_roles(user, case) & {"officer", "supervisor"})


def can_replace_evidence(user: User, evidence) -> bool:
    """The submitter may correct their own evidence; staff may correct any."""
    role = evidence_role(user, evidence.case)
    if role == "staff":
        return True
    return role is not None and evidence.submitted_by_id == user.id and evidence.case.closed_at is None


# ---- statistics and ratings (docs/architecture.md, Statistics) ----


def can_view_stats(user) -> bool:
    """Supervisors read the statistics of their unit scope (the city office: every office)."""
    return bool(user is not None and user.is_authenticated and user.role == Role.SUPERVISOR and unit_scope(user))


def can_rate_case(user: User, case: Case) -> bool:
    """Rights holders (the applicant side of the case, not respondents) may rate a closed case."""
    return (user is not None and user.is_authenticated and user.role == Role.APPLICANT
            and case.closed_at is not None and "applicant" in case_roles(user, case))


# ---- documents (notices) ----



def case_staff_roles(user: User | None, case: Case) -> set[str]:
    """The staff roles the user holds on the case (empty for parties and other offices)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_staff:
        return set()
    return {role for role in case_roles(user, case) if role in CASE_STAFF_ROLES}


def is_case_staff(user: User | None, case: Case) -> bool:
    return bool(case_staff_roles(user, case))


def acting_parties(user: User | None, case: Case, parties=None) -> list[Any]:
    """The parties of the case this public account acts for (itself, or the claimants it filed for); ``parties``:
    the case's parties (objects or rows of their columns) when already loaded, and then the ones returned."""
    if user is None or not getattr(user, "is_authenticated", False) or user.is_staff:
        return []
    parties = case.parties if parties is None else parties
    if not can_view_case(user, case, parties):
        return []
    out = []
    for p in parties:
        if p.user_id == user.id:
            if (user.role == Role.RESPONDENT) == (p.role == PartyRole.RESPONDENT):
                out.append(p)
        elif (user.role == Role.APPLICANT and case.created_by_id == user.id and p.user_id is None
              and p.role != PartyRole.RESPONDENT):
            out.append(p)
    return out



def can_read_notice(user: User | None, notice: Notice) -> bool:
    """Staff of the case see every document of it; a party sees issued documents served on it."""
    return notice_reader(user, notice.case)(notice, notice.deliveries)


def notice_reader(user: User | None, case: Case, parties=None, acting=None) -> Callable[[Any, Any], bool]:
    """can_read_notice for the documents of one case, asked once of the case: the returned check takes a document
    and its deliveries (objects, or rows of their columns: status; party_id). ``parties``: as acting_parties takes
    them; ``acting``: acting_parties(user, case, parties) when the caller has asked it (it is empty for an account
    that may not see the case)."""
    if is_case_staff(user, case):
        if not can_view_case(user, case):
            return lambda notice, deliveries: False
        return lambda notice, deliveries: notice.status != NoticeStatus.DISCARDED
    mine = {p.id for p in (acting_parties(user, case, parties) if acting is None else acting)}
    return lambda notice, deliveries: (notice.status == NoticeStatus.ISSUED
                                       and any(d.party_id in mine for d in deliveries))


def require_case_staff(user: User, case: Case) -> set[str]:
    """The user's staff roles on the case; 403 for anyone else (documents are the case staff's work)."""
    roles = case_staff_roles(user, case)
    if not roles:
        raise Forbidden("只有本案所属单位的办案人员可以办理文书")
    return roles


# ---- accounts and offices administration ----


def can_administer(user) -> bool:
    """System administrators manage accounts and offices (within administered_units)."""
    return bool(user is not None and user.is_authenticated and user.role == Role.ADMIN and user.unit_id is not None)


def administered_units(user: User) -> set[int]:
    """The offices whose staff and details an administrator manages: their own office and those under it."""
    if not can_administer(user) or user.unit_id is None:
        return set()
    return _unit_and_descendants(user.unit_id)


def administers_public_accounts(user: User) -> bool:
    """Rights holders' and respondents' accounts belong to no office: the top office's administrators manage
    them."""
    return can_administer(user) and user.unit is not None and user.unit.parent_id is None


def can_manage_account(admin: User, target: User) -> bool:
    """An administrator manages staff of the offices they administer, and (at the top office) public accounts."""
    if not can_administer(admin):
        return False
    if target.is_staff:
        return target.unit_id in administered_units(admin)
    return administers_public_accounts(admin)


def can_assign_unit(admin: User, unit: Unit) -> bool:
    """Staff may be placed only in offices the administrator administers."""
    return unit.id in administered_units(admin)


def can_edit_office(admin: User, unit: Unit) -> bool:
    return unit.id in administered_units(admin)


# ---- what views and templates ask by name: @requires("…") and can("…") ----


def can_create_cases(user: User) -> bool:
    """Rights holders file cases; the staff who handle cases register them (in their own offices)."""
    return user.is_authenticated and (user.role == Role.APPLICANT or user.role in CASE_STAFF_ROLES)


#: Each rule takes the user and an optional object; templates reach them through ``can(...)``.
RULES: dict[str, Callable[[Any, Any], bool]] = {
    # The staff workspace (queues, case pages); parties use the portal instead.
    "use_workspace": lambda user, obj: bool(user.is_authenticated and user.is_staff),
    "use_portal": lambda user, obj: bool(user.is_authenticated and not user.is_staff),
    "handle_cases": lambda user, obj: bool(user.is_authenticated and user.role in CASE_STAFF_ROLES),
    "decide_approvals": lambda user, obj: bool(user.is_authenticated and user.role == Role.SUPERVISOR),
    "preview_approval": lambda user, obj: obj is not None and can_preview_approval(user, obj),
    "sign_off_notices": lambda user, obj: bool(user.is_authenticated and user.role == Role.SUPERVISOR),
    "view_stats": lambda user, obj: can_view_stats(user),
    "manage_calendar": lambda user, obj: bool(user.is_authenticated and user.role == Role.ADMIN),
    "see_system_warnings": lambda user, obj: bool(user.is_authenticated and user.role == Role.ADMIN),
    "register_incoming_referral": lambda user, obj: bool(
        user.is_authenticated and user.unit is not None and can_register_incoming_referral(user, user.unit)),
    # Accounts and offices (the administrator's pages); which accounts and offices: can_manage_account/can_edit_office.
    "administer": lambda user, obj: can_administer(user),
}


def can(user, rule: str, obj: object = None) -> bool:
    """Ask a rule of RULES by name (an unknown name is a KeyError: a typo in a template fails loudly)."""
    return RULES[rule](user, obj)


def requires(rule: str):
    """View decorator: signed in (else the login page), and allowed by ``rule`` (else 404: no such page for them)."""

    def decorate(view):
        @functools.wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not can(current_user, rule):
                abort(404)
            return view(*args, **kwargs)

        return wrapper

    return decorate


#: The staff pages; parties and visitors get 404.
staff_required = requires("use_workspace")
