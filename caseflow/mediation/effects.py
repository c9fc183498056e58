"""The mediation domain's effects (``effects=`` of workflows/mediation.py)."""

from __future__ import annotations

from caseflow.cases.hooks import Effects
from caseflow.hearings import services as hearings
from caseflow.mediation import services

EFFECTS = Effects()


@EFFECTS("mediation_record")
def mediation_record(*, case, actor, data, fired):
    """Keep what the step established on the case (category, statement, sessions, agreement, signatures …)."""
    services.record_step(case, actor=actor, data=data, fired=fired)


@EFFECTS("schedule_mediation_session")
def schedule_mediation_session(*, case, actor, data, fired):
    """A session in a room or remote, conflict-checked against rooms, the mediator and the parties (hearings)."""
    services.schedule_session(case, actor=actor, data=data)


@EFFECTS("hold_mediation_session")
def hold_mediation_session(*, case, actor, data, fired):
    hearings.hold_from_action(case, actor=actor, data={"record": data.get("notes")})
