"""Fixtures for the deadline tests: a day to pin the clock at, and the process calendar restored after each test."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from caseflow.core import clock as app_clock
from caseflow.core.clock import BEIJING
from caseflow.deadlines import calendar as calmod, office_calendar


@pytest.fixture(autouse=True)
def _restore_calendar(monkeypatch):
    """Imports install their calendar in the process after commit; the test's rollback must undo that too."""
    monkeypatch.setattr(calmod, "_default", calmod._default)
    monkeypatch.setattr(office_calendar, "_cache", dataclasses.replace(office_calendar._cache))


class Clock:
    """Stops the application's one clock at a given Beijing day and hour (10:00 by default) for a deadline test."""

    def set(self, day: dt.date | str, hour: int = 10) -> dt.datetime:
        day = dt.date.fromisoformat(day) if isinstance(day, str) else day
        moment = dt.datetime.combine(day, dt.time(hour), BEIJING)
        app_clock.pin(moment, frozen=True)  # periods in hours are asserted to the second
        return moment

    def today(self) -> dt.date:
        return app_clock.today()


@pytest.fixture
def clock():
    return Clock()  # the autouse pinned_clock fixture puts the clock back after the test


@pytest.fixture
def staff(session):
    from tests.factories.accounts import UserFactory

    return {
        "applicant": UserFactory(organisation=True),
        "officer": UserFactory(officer=True),
        "supervisor": UserFactory(supervisor=True),
        "admin": UserFactory(admin=True),
    }
