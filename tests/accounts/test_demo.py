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


def test_demo_shows_every_procedure_and_loads_once(session, web, app, monkeypatch):
    monkeypatch.setitem(app.config, "INJUNCTION_ENABLED", True)  # an office that runs 先行禁令
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


def test_every_demo_page_opens_for_everyone_who_may_see_it(session, web, client):
    """What a visitor of `make run` clicks first: each case page, each offered action form, the queues, the
    approvals, the statistics and the portal — for every demo login, none answers an error."""
    from caseflow import policy
    from caseflow.accounts.models import User
    from caseflow.cases.services import available_actions

    logins = seed()
    cases = _cases(session)
    for username, password, _ in logins:
        user = session.scalar(sa.select(User).where(User.username == username))
        web.login(username, password)
        pages = ["/", "/portal/"] if not user.is_staff else ["/", "/cases/", "/approvals/", "/stats/"]
        for case in cases:
            if not policy.can_view_case(user, case):
                continue
            pages.append(f"/cases/{case.id}" if user.is_staff else f"/portal/cases/{case.id}")
            pages += [f"/cases/{case.id}/actions/{a.name}" for a in available_actions(case, user)]
        for url in dict.fromkeys(pages):
            r = client.get(url)
            assert r.status_code in (200, 302, 404), (username, url, r.status_code)
            assert r.status_code != 404 or url in ("/approvals/", "/stats/"), (username, url)


def test_the_demo_holds_no_legally_impossible_case(session):
    """Issue #15: e.g. no geographical-indication complaint converted to a 专利侵权纠纷行政裁决."""
    from tests.legal_checks import problems

    seed()
    assert problems(session) == []
    # 先行发布禁令 ships off (no statute sets it): the demo of an office that has not turned it on holds none.
    assert not [c for c in _cases(session) if c.procedure == "injunction"]
    converted = [c for c in _cases(session) if c.procedure == "adjudication" and c.parent is not None]
    assert converted and all(c.parent.kind == "patent_infringement" for c in converted)
