"""The hearings domain's effects (``effects=`` of workflows/adjudication.py): booking, postponing and holding
口头审理, respondents' access codes, late filings."""

from __future__ import annotations

from caseflow.cases.hooks import Effects
from caseflow.hearings import access, filings, services

EFFECTS = Effects()


def _remember_day(case, data) -> None:
    """The day the hearing is set for, on the case: holding it is refused before that day."""
    case.remember(hearing={"date": str(data.get("hearing_date") or "")[:10],
                           "start_time": data.get("start_time") or ""})


@EFFECTS("schedule_hearing")
def schedule_hearing(*, case, actor, data, fired):
    services.schedule_from_action(case, actor=actor, data=data)
    _remember_day(case, data)


@EFFECTS("postpone_hearing")
def postpone_hearing(*, case, actor, data, fired):
    services.postpone_from_action(case, actor=actor, data=data)
    _remember_day(case, data)


@EFFECTS("hold_hearing")
def hold_hearing(*, case, actor, data, fired):
    services.hold_from_action(case, actor=actor, data=data)


@EFFECTS("issue_access_codes")
def issue_access_codes(*, case, actor, data, fired):
    """Serving the request gives each respondent an access code to the portal (one case only)."""
    access.issue_codes(case, actor)


@EFFECTS("flag_late_filing")
def flag_late_filing(*, case, actor, data, fired):
    """A party's filing after its period ran out is accepted and flagged 逾期 (case page and audit chain)."""
    filings.flag_action(case, fired.action, actor, data)
