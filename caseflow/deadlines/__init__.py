"""Statutory deadline engine: the official calendar, period arithmetic and the rule table.

Import-light on purpose (no Flask, no database): the CLI, workflows and tests use it directly.
Database-backed parts live beside it and are imported explicitly: ``models``, ``office_calendar`` (the published
override table as the process calendar), ``overrides`` (maintaining that table), ``lifecycle`` (a case's deadline
rows: start, stop, pause, resume, extend, recompute), ``reading`` (status, countdowns, urgency) and ``reminders``.
"""

from caseflow.deadlines.calendar import Calendar, DayInfo, default_calendar, set_overrides
from caseflow.deadlines.counting import UNITS, Due, due_date
from caseflow.deadlines.rules import DEFAULT_RULES, Extension, Rule, rule_for

__all__ = [
    "DEFAULT_RULES",
    "UNITS",
    "Calendar",
    "DayInfo",
    "Due",
    "Extension",
    "Rule",
    "default_calendar",
    "due_date",
    "rule_for",
    "set_overrides",
]


def register(app) -> None:
    """Start, stop, pause, resume and extend the declared periods on every case creation and action; answer the
    guards' deadline questions."""
    from caseflow.cases import hooks
    from caseflow.deadlines import lifecycle

    registered = hooks.of(app).domain("deadlines")
    registered.on_create.append(lifecycle.on_create)
    registered.on_action.append(lifecycle.on_action)
    registered.deadline_passed = lifecycle.deadline_passed
    registered.latest_notice_day = lambda case, rule_id, day: lifecycle.latest_notice_day(case.unit.code, rule_id, day)
    registered.extension_refused = lifecycle.extension_refused
    registered.lapse_unconfirmed = lifecycle.unconfirmed_lapse
    registered.add_fact("publication_due", lambda case: any(  # 结案's guard
        lifecycle.period_open(case, rule) for rule in ("ADJ_PUBLISH", "ADJ_PUBLICATION_AFTER_JUDGMENT")))
