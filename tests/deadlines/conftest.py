"""Fixtures for the deadline tests: a controllable clock and the process calendar restored after each test."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from caseflow.core.timeutil import BEIJING
from caseflow.deadlines import calendar as calmod, services


@pytest.fixture(autouse=True)
def _restore_calendar(monkeypatch):
    """Imports install their calendar in the process after commit; the test's rollback must undo that too."""
    monkeypatch.setattr(calmod, "_default", calmod._default)
    monkeypatch.setattr(services, "_cache", dataclasses.replace(services._cache))


class Clock:
    """The deadline services' notion of now (monkeypatching a clock, never the database)."""

    def __init__(self):
        self.moment: dt.datetime | None = None

    def set(self, day: dt.date | str, hour: int = 10) -> dt.datetime:
        day = dt.date.fromisoformat(day) if isinstance(day, str) else day
        self.moment = dt.datetime.combine(day, dt.time(hour), BEIJING)
        return self.moment

    def today(self) -> dt.date:
        return self.moment.astimezone(BEIJING).date()

    def __call__(self) -> dt.datetime:
        assert self.moment is not None, "set the clock first"
        return self.moment


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(services, "now", c)
    return c


@pytest.fixture
def staff(session):
    from tests.factories.accounts import UserFactory

    return {
        "applicant": UserFactory(organisation=True),
        "officer": UserFactory(officer=True),
        "supervisor": UserFactory(supervisor=True),
        "admin": UserFactory(admin=True),
    }
