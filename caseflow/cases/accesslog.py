"""The staff access log: who opened which case, and how.

Each staff view is one row committed before the answer leaves; a request that fails leaves none; parties' views are
not logged. Every logged view calls `record_view` once its answer is built.
"""

from __future__ import annotations

import sqlalchemy as sa

from caseflow.accounts.models import User
from caseflow.cases.models import AccessLog
from caseflow.core.db import db, run_transaction, writing


def record_view(case_id: int, user: User, what: str) -> None:
    """Log a staff member's view (``what``: page, api, evidence, notice, notice_pdf) whose answer is built, committed
    before the answer leaves.

    A view that writes anyway (a PDF view records a party's first opening) runs in its own transaction: the row joins
    it. A view that only reads took no write lock on SQLite (one writer at a time), so that page views render side
    by side: its read transaction is ended (it wrote nothing) and the insert queues for the lock in a short
    transaction of its own (``BEGIN IMMEDIATE``). Elsewhere the row joins the read transaction: a second one would
    cost round trips and gain nothing.

    The row goes in as a plain INSERT on the session's connection (its column default stamps the time) rather than
    an object flushed by the unit of work: nothing in the request reads it back, and that costs a quarter."""
    if not user.is_staff:
        return
    values = {"case_id": case_id, "user_id": user.id, "what": what}
    if writing():
        db.session.connection().execute(_INSERT, values)
        return
    session = db.session()
    if session.in_transaction() and session.get_bind().dialect.name == "sqlite":
        db.commit()
    run_transaction(lambda: db.session.connection().execute(_INSERT, values))


_INSERT = sa.insert(AccessLog)  # built once: the values come as parameters
