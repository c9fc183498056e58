"""Cases as JSON for the API (docs/architecture.md, JSON API)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

import workflows
from caseflow import policy
from caseflow.cases.models import Case, CaseEvent
from caseflow.cases.services import available_actions
from caseflow.core.db import db
from caseflow.core.validators import mask_id
from caseflow.deadlines.reading import deadlines_json
from caseflow.evidence.serialize import case_evidence
from caseflow.notices.serialize import case_notices


def party_json(p, full: bool) -> dict:
    # The id is what a delivery (POST /api/v1/notices/{id}/deliveries, party_id) names the party by.
    return {"id": p.id, "role": p.role.value, "name": p.name, "id_type": p.id_type.value if p.id_type else None,
            "id_number": p.id_number if full else mask_id(p.id_number), "address": p.address}


def case_summary(case: Case) -> dict:
    return {
        "id": case.id, "number": case.number, "procedure": case.procedure, "state": case.state,
        "state_title": workflows.procedure(case.procedure).state_title(case.state, case.channel),
        "version": case.version, "unit": case.unit.code, "title": case.title, "kind": case.kind,
        "received_at": case.received_at.isoformat(),
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "assignee": case.assignee.username if case.assignee else None,
    }


def events_of(case: Case) -> list[CaseEvent]:
    """The case's audit events, read fresh (the relationship may predate this request's events)."""
    return list(db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)
                                   .options(selectinload(CaseEvent.actor)).order_by(CaseEvent.seq)))


def case_detail(case: Case, viewer) -> dict:
    """The full case as the viewer may see it, with the actions the viewer may perform now."""
    staff = viewer.is_staff
    out = case_summary(case)
    out.update(
        ip_type=case.ip_type, right_number=case.right_number, asserted_claims=case.asserted_claims,
        facts=case.facts, claims=case.claims, channel=case.channel, track=case.track,
        parties=[party_json(p, full=staff) for p in case.parties],
        actions=[a.name for a in available_actions(case, viewer)],
        deadlines=deadlines_json(case), evidence=case_evidence(case),
        notices=case_notices(case, viewer),
        events=[
            {"seq": e.seq, "at": e.occurred_at.isoformat(), "tag": e.tag, "action": e.action,
             "from": e.from_state, "to": e.to_state, "summary": e.summary,
             "actor": (e.actor.display_name if e.actor else None)}
            for e in events_of(case) if staff or e.tag.startswith(("case:state", "case:create"))
        ],
        linked=_linked_procedures(case, viewer),
        links=[{"id": c.id, "number": c.number, "procedure": c.procedure, "relation": rel}
               for c, rel in [(c, "child") for c in case.children] + ([(case.parent, "parent")] if case.parent else [])
               if policy.can_view_case(viewer, c)],
    )
    return out


def _linked_procedures(case: Case, viewer) -> dict:
    """Referrals and injunctions: each linked one's state and what this case does meanwhile (staff see details)."""
    from caseflow.cases.page import children_of
    from caseflow.referral.services import linked_of, panel_of

    if viewer.is_staff:
        return panel_of(case, viewer, *children_of(case, viewer))
    return {"linked": linked_of(case, viewer, *children_of(case, viewer))}
