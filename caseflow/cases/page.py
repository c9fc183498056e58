"""What the case pages show, loaded up front: the view calls one function, the templates get plain data and never
query. Each domain builds its own card (deadlines, hearings, mediation, referrals, evidence, documents, rating);
rows two cards need (the case's evidence, its deadlines) are loaded once, related rows eagerly (no query per row)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from caseflow import policy
from caseflow.accounts.models import User
from caseflow.cases.models import Case, CaseEvent
from caseflow.cases.services import available_actions, pending_approval
from caseflow.core.db import db


def approval_needed(case: Case, action, user: User, roles: set[str] | None = None) -> bool:
    """Whether the user's action goes to the approvals inbox (declaration, settings and office overrides)."""
    roles = policy.case_roles(user, case) if roles is None else roles
    return policy.needs_approval(action, roles, case.unit.code, case.procedure,
                                 current_app.config.get("APPROVAL_OVERRIDES", {}))


def actions_of(case: Case, user: User, pending) -> list[tuple[Any, bool]]:
    """(declaration, needs approval) for each action the user may perform now."""
    roles = policy.case_roles(user, case)
    return [(a, approval_needed(case, a, user, roles)) for a in available_actions(case, user, pending=pending)]


def events_of(case: Case) -> list[CaseEvent]:
    """The case's audit events, oldest first, with their actors."""
    return list(db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)
                                   .options(selectinload(CaseEvent.actor)).order_by(CaseEvent.seq)))


def case_page(case: Case, user: User) -> dict[str, Any]:
    """Everything the staff case page and the party's status page show besides the case row itself."""
    from caseflow.deadlines import reading as deadlines
    from caseflow.evidence import services as evidence
    from caseflow.hearings import services as hearings
    from caseflow.mediation import services as mediation
    from caseflow.notices import reading as notices
    from caseflow.referral import services as referral
    from caseflow.stats import services as stats

    staff = policy.can(user, "use_workspace")
    pending = pending_approval(case)
    items = evidence.list_evidence(case)
    periods = deadlines.rows_of(case)
    return {
        "pending": pending,
        "actions": actions_of(case, user, pending),
        "events": events_of(case),
        "deadlines": deadlines.case_deadlines(case, include_ended=staff, rows=periods),
        "hearings": hearings.case_card(case, staff=staff, evidence=items, deadlines=periods),
        "mediation": mediation.panel(case, user) if case.procedure == "mediation" else None,
        "referral": referral.panel_of(case, user),
        "evidence": evidence.case_card(case, user, items),
        "notices": notices.case_card(case, user),
        "rating": None if staff else stats.rating_box(case, user),
    }


def queue_page(cases: list[Case]) -> dict[str, Any]:
    """What the queue shows beside each case row: its nearest office deadline (one query for the page)."""
    from caseflow.deadlines import reading as deadlines

    return {"urgency": deadlines.urgency_of([c.id for c in cases])}
