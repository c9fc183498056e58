"""The staff access log: who opened which case, and how.

Each staff view is one row written in the request's own transaction: it is committed with the request, before
the answer leaves, and rolled back with it when the request fails.
"""

from __future__ import annotations

from caseflow.cases.models import AccessLog
from caseflow.core.db import db


def record(case_id: int, user_id: int, what: str) -> None:
    """Note that a staff member viewed a case (``what``: page, api, evidence, notice, notice_pdf)."""
    db.session.add(AccessLog(case_id=case_id, user_id=user_id, what=what))
