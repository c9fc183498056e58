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
    """Record a view whose answer is built, and commit before the answer leaves. On SQLite (one writer at a time) the
    reads that built the answer took no write lock, so that page views render side by side: the read transaction is
    ended (it wrote nothing) and the insert queues for the lock in a short transaction of its own (``BEGIN
    IMMEDIATE``). Elsewhere the row joins the read transaction: a second one would cost round trips and gain nothing."""
    session = db.session()
    if session.in_transaction() and session.get_bind().dialect.name == "sqlite":
        db.commit()
    run_transaction(lambda: record(case_id, user_id, what))
