"""The staff access log (who opened which case, DESIGN.md §7), written in batches.

A page view is a read; committing one row per view would cost every case page a write transaction (and on
SQLite an fsync under the one write lock). With ``ACCESS_LOG_DELAY_SECONDS`` > 0 each worker process keeps
the views it served and writes them together at most that many seconds later (a background thread, and at
process exit). A worker killed outright loses at most that many seconds of view records, never case data.
With 0, each view is written in the request's own transaction.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading

import sqlalchemy as sa
from flask import current_app

from caseflow.cases.models import AccessLog
from caseflow.core import clock
from caseflow.core.db import db

log = logging.getLogger(__name__)
MAX_PENDING = 100_000  # rows kept while the database refuses writes; beyond, the oldest are dropped (and logged)


class BatchWriter:
    """One process's pending view records and the thread that writes them."""

    def __init__(self, engine: sa.Engine, delay: float) -> None:
        self.engine = engine
        self.delay = delay
        self.rows: list[dict] = []
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.pid: int | None = None

    def add(self, row: dict) -> None:
        with self.lock:
            self.rows.append(row)
            if self.pid != os.getpid():  # first view in this process (gunicorn forks workers)
                self.pid = os.getpid()
                threading.Thread(target=self._run, name="access-log", daemon=True).start()
                atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            self.wake.wait(self.delay)
            self.wake.clear()
            try:
                self.flush()
            except Exception:  # the database is busy or away: keep the rows, try again next time
                log.exception("访问记录暂未写入，稍后重试")

    def flush(self) -> int:
        """Write what is pending in one transaction; return how many rows were written."""
        with self.lock:
            rows, self.rows = self.rows, []
        if not rows:
            return 0
        try:
            with self.engine.begin() as conn:
                conn.execute(sa.insert(AccessLog.__table__), rows)
        except sa.exc.IntegrityError:  # a row that can never be written must not hold back the others
            return sum(self._write_one(row) for row in rows)
        except Exception:
            with self.lock:
                self.rows[:0] = rows
                if len(self.rows) > MAX_PENDING:
                    log.error("访问记录积压过多，丢弃最早的 %d 条", len(self.rows) - MAX_PENDING)
                    del self.rows[:len(self.rows) - MAX_PENDING]
            raise
        return len(rows)

    def _write_one(self, row: dict) -> int:
        try:
            with self.engine.begin() as conn:
                conn.execute(sa.insert(AccessLog.__table__), [row])
            return 1
        except sa.exc.IntegrityError:
            log.error("访问记录无法写入（案件或用户不存在），已丢弃：%s", row)
            return 0


def init_app(app) -> None:
    delay = float(app.config.get("ACCESS_LOG_DELAY_SECONDS", 0))
    app.extensions["caseflow_accesslog"] = BatchWriter(db.engine, delay) if delay > 0 else None


def record(case_id: int, user_id: int, what: str) -> None:
    """Note that a staff member viewed a case (``what``: page, api, notice, notice_pdf)."""
    writer = current_app.extensions.get("caseflow_accesslog")
    if writer is None:
        db.append_later(AccessLog(case_id=case_id, user_id=user_id, what=what))
    else:
        writer.add({"case_id": case_id, "user_id": user_id, "what": what, "accessed_at": clock.now()})
