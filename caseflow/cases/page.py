"""What the case pages show, loaded up front: the view calls one function, the templates get plain data and never
query. Each domain builds its own card (deadlines, hearings, mediation, referrals, evidence, documents, rating);
rows two cards need (the case's evidence, its deadlines, which the action guards read too) are loaded once, related
rows eagerly (no query per row)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from flask import current_app

import workflows
from caseflow import policy
from caseflow.accounts.models import User
from caseflow.cases.models import Case, CaseEvent, Party
from caseflow.cases.services import offered_actions, pending_approval
from caseflow.core.db import db
from caseflow.hearings.models import RespondentAccess
from caseflow.notices.models import ServiceConsent


def approval_needed(case: Case, action, user: User, roles: set[str] | None = None) -> bool:
    """Whether the user's action goes to the approvals inbox (declaration, settings and office overrides)."""
    roles = policy.case_roles(user, case) if roles is None else roles
    return policy.needs_approval(action, roles, case.unit.code, case.procedure,
                                 current_app.config.get("APPROVAL_OVERRIDES", {}))


def readable_names(items, unit_ids, actor_ids=()) -> dict[str, str]:
    """The names behind recorded staff usernames and room codes of ``items`` — (procedure, action, values) — keyed
    as field_text looks them up: one query for the people and one for the rooms, whatever the number of items.
    The people's query also names the users of ``actor_ids`` (keyed ``actor:<id>``): the case page shows its assignee
    and an approval's requester from these names (a relationship would lazy-load each user)."""
    from caseflow.core.templating import name_key
    from caseflow.hearings.models import HearingRoom

    keys: set[str] = set()
    for procedure, action, values in items:
        decl = workflows.procedure(procedure).action(action) if action and procedure in workflows.PROCEDURES else None
        if decl is None or not isinstance(values, dict):
            continue
        for name, spec in decl.fields.items():
            value = values.get(name)
            for v in (value if isinstance(value, list) else [value]):
                key = name_key(spec, v) if isinstance(v, str) and v else None
                if key:
                    keys.add(key)
    users = sorted(k[5:] for k in keys if k.startswith("user:"))
    rooms = sorted(k[5:] for k in keys if k.startswith("room:"))
    names: dict[str, str] = {}
    actor_ids = sorted({i for i in actor_ids if i is not None})
    if users or actor_ids:
        people = db.rows(_PEOPLE, users=users, ids=actor_ids)
        names.update({f"user:{u.username}": u.display_name for u in people})
        names.update({f"actor:{u.id}": u.display_name for u in people})
    if rooms and unit_ids:
        names.update({f"room:{c}": n for c, n in db.session.execute(
            sa.select(HearingRoom.code, HearingRoom.name).where(HearingRoom.code.in_(rooms),
                                                               HearingRoom.unit_id.in_(list(unit_ids))))})
    return names


_PEOPLE = sa.select(User.id, User.username, User.display_name).where(sa.or_(
    User.username.in_(sa.bindparam("users", expanding=True)), User.id.in_(sa.bindparam("ids", expanding=True))))


def agreement_of(case: Case, action) -> dict | None:
    """The agreement a signing action signs (its text and who signed), shown on that action's form."""
    from workflows.mediation import SIDES, agreement_of as recorded

    if action.name not in ("confirm_agreement", "record_signature"):
        return None
    agreement = recorded(case)
    if not agreement:
        return None
    signed = agreement.get("signatures") or {}
    return {"terms": agreement.get("terms") or "", "reached_on": agreement.get("reached_on"),
            "signatures": [(title, signed.get(side)) for side, title in SIDES.items()]}


def actions_of(case: Case, user: User, pending) -> tuple[list[tuple[Any, bool]], list]:
    """(declaration, needs approval) for each action the user may perform now, and (declaration, reasons) for each
    one the user could take in this state but may not now."""
    roles = policy.case_roles(user, case)
    available, refused = offered_actions(case, user, pending=pending, roles=roles)
    return [(a, approval_needed(case, a, user, roles)) for a in available], refused


_EVENTS = (sa.select(CaseEvent.seq, CaseEvent.occurred_at, CaseEvent.actor_id, User.display_name.label("actor_name"),
                     CaseEvent.tag, CaseEvent.action, CaseEvent.to_state, CaseEvent.summary, CaseEvent.data)
           .outerjoin(User, User.id == CaseEvent.actor_id)
           .where(CaseEvent.case_id == sa.bindparam("case_id")).order_by(CaseEvent.seq))


def events_of(case: Case) -> list[sa.Row]:
    """The case's audit events as the timeline shows them, oldest first: plain rows, with their actors' names."""
    return db.rows(_EVENTS, case_id=case.id)


# The parties with what the cards show beside each (a party has at most one of each): its consent to electronic
# service (``consent_source``, and ``consented_at`` while it stands) and a respondent's access code (``access_id``,
# ``access_code``, ``code_claimed_at``).
_PARTIES = (sa.select(*Party.__table__.c, ServiceConsent.source.label("consent_source"),
                      sa.case((ServiceConsent.withdrawn_at.is_(None), ServiceConsent.given_at)).label("consented_at"),
                      RespondentAccess.id.label("access_id"), RespondentAccess.code.label("access_code"),
                      RespondentAccess.claimed_at.label("code_claimed_at"))
            .outerjoin(ServiceConsent, ServiceConsent.party_id == Party.id)
            .outerjoin(RespondentAccess, RespondentAccess.party_id == Party.id)
            .where(Party.case_id == sa.bindparam("case_id")).order_by(Party.id))
_CHILDREN = (sa.select(Case.id, Case.number, Case.procedure, Case.state, Case.closed_at, Case.data, Case.unit_id,
                       Case.is_deleted, Case.created_by_id)
             .where(Case.parent_id == sa.bindparam("case_id")).order_by(Case.id))
_CHILD_PARTIES = (sa.select(Party.case_id, Party.user_id, Party.role).join(Case, Case.id == Party.case_id)
                  .where(Case.parent_id == sa.bindparam("case_id")).order_by(Party.id))


def children_of(case: Case, viewer: User) -> tuple[list[sa.Row], dict[int, list[sa.Row]]]:
    """The cases started from this one, as plain rows, and for a party's account their parties' rows by case id:
    the policy reads them to show a party a linked case (staff see a case by its office)."""
    children = db.rows(_CHILDREN, case_id=case.id)
    parties: dict[int, list[sa.Row]] = {}
    if children and not viewer.is_staff:
        for p in db.rows(_CHILD_PARTIES, case_id=case.id):
            parties.setdefault(p.case_id, []).append(p)
    return children, parties


def _attrs(card: dict | None) -> SimpleNamespace | None:
    """A card's values as attributes: the templates read ``card.key``, and Jinja asks for an attribute before a key,
    so on a dict each read raised and caught an AttributeError first."""
    return None if card is None else SimpleNamespace(**card)


def case_page(case: Case, user: User) -> SimpleNamespace:
    """Everything the staff case page and the party's status page show besides the case row itself (attributes,
    as _attrs says)."""
    from caseflow.core.templating import labelled_fields
    from caseflow.deadlines import reading as deadlines
    from caseflow.deadlines.lifecycle import rows_known
    from caseflow.evidence import services as evidence
    from caseflow.hearings import services as hearings
    from caseflow.mediation import services as mediation
    from caseflow.notices import reading as notices
    from caseflow.referral import services as referral
    from caseflow.stats import services as stats

    staff = policy.can(user, "use_workspace")
    pending = pending_approval(case)
    items = evidence.rows_of(case)
    periods = deadlines.rows_of(case)
    events = events_of(case)
    # The parties and the linked cases as plain rows (a relationship's lazy load costs several times a plain read).
    parties = db.rows(_PARTIES, case_id=case.id)
    children, their_parties = children_of(case, user)
    # Only the staff page names people and rooms: the timeline's, the assignee and an approval's requester.
    recorded = [(e, (e.data or {}).get("fields")) for e in events]
    names = readable_names([(case.procedure, e.action, values) for e, values in recorded], [case.unit_id],
                           actor_ids=(case.assignee_id, pending.requested_by_id if pending else None)) if staff else {}
    with rows_known(case, periods):  # the guards read the rows just loaded (the page writes nothing)
        actions, refused = actions_of(case, user, pending)
    return SimpleNamespace(
        staff=staff,  # policy.can(user, "use_workspace"), asked once for the cards' templates
        pending=pending,
        actions=actions,
        refused=refused,  # (declaration, reasons): what the user could do in this state but may not now
        events=events,
        names=names,
        # The staff page's timeline, newest first: each event with its recorded values as its form labels them.
        timeline=[(e, labelled_fields(case.procedure, e.action, values, names)) for e, values in reversed(recorded)]
        if staff else None,
        deadlines=deadlines.case_deadlines(case, include_ended=staff, rows=periods),
        hearings=_attrs(hearings.case_card(case, staff=staff, evidence=items, deadlines=periods, parties=parties)),
        mediation=_attrs(mediation.panel(case, user, parties) if case.procedure == "mediation" else None),
        referral=_attrs(referral.panel_of(case, user, children, their_parties)),
        evidence=evidence.case_card(case, user, items),
        notices=_attrs(notices.case_card(case, user, parties)),
        parties=parties,
        children=children,
        rating=None if staff else _attrs(stats.rating_box(case, user)),
    )


def queue_page(cases: list[Case]) -> dict[str, Any]:
    """The queue's lines: each case row with what is shown beside it, its nearest office deadline or None (one query
    for the page)."""
    from caseflow.deadlines import reading as deadlines

    urgency = deadlines.urgency_of([c.id for c in cases])
    return {"lines": [(c, urgency.get(c.id)) for c in cases]}
