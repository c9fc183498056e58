"""`make run` loads the demo: every procedure is there to try, reached through the engine, and loading twice adds
nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from caseflow.cases.models import Case
from caseflow.demo import DEMO_PASSWORD, seed

pytestmark = pytest.mark.usefixtures("session")


def _cases(session):
    return session.scalars(sa.select(Case).order_by(Case.id)).all()


def test_demo_shows_every_procedure_and_loads_once(session, web):
    logins = seed()
    cases = _cases(session)
    assert {c.procedure for c in cases} == {"complaint", "adjudication", "mediation", "injunction", "referral"}
    mediation = next(c for c in cases if c.procedure == "mediation")
    assert mediation.parent is not None and mediation.data["category"] == "other"
    assert seed() == logins and len(_cases(session)) == len(cases)
    # The printed logins work.
    for username, password, _ in logins:
        assert password == DEMO_PASSWORD
        web.login(username, password)
