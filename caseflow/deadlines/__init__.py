"""Statutory deadline engine: the official calendar, period arithmetic and the rule table.

Import-light on purpose (no Flask, no database): the CLI, workflows and tests use it directly.
Database-backed parts (``models.py``, ``services.py``) live beside it and are imported explicitly.
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
