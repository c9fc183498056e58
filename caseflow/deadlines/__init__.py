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
