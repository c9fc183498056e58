"""The staff access log: who opened which case, and how.

Each staff view is one row committed before the answer leaves; a request that fails leaves none. Most views write
it in the request's own transaction (`record`); the case page writes it once the page is built (`record_after_reading`).
"""

from __future__ import annotations

from caseflow.cases.models import AccessLog
from caseflow.core.db import db, run_transaction


def record(case_id: int, user_id: int, what: str) -> None:
    """Note that a staff member viewed a case (``what``: page, api, evidence, notice, notice_pdf)."""
    db.session.add(AccessLog(case_id=case_id, user_id=user_id, what=what))


def record_after_reading(case_id: int, user_id: int, what: str) -> None:
    """Record a view whose answer is built, in a short transaction of its own: the reads that built it took no write
    lock (on SQLite one writer at a time: holding it while a page renders would serialise every page view), the
    insert queues for the lock (``BEGIN IMMEDIATE``) and commits before the answer leaves. The read transaction is
    ended first: it wrote nothing."""
    if db.session().in_transaction():
        db.commit()
    run_transaction(lambda: record(case_id, user_id, what))
