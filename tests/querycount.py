"""Count the SQL statements a block of code sends (a `before_cursor_execute` listener on the app's engine)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from caseflow.core.db import db

#: Transaction control is not a query of the page: the test's savepoints come and go around each request.
_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT", "ROLLBACK")


class Statements(list):
    """The statements sent, in order; `len()` is the count."""

    def report(self) -> str:
        return "\n".join(f"{i + 1:3}. {s.split(chr(10))[0][:160]}" for i, s in enumerate(self))


@contextmanager
def counting(*, control: bool = False) -> Iterator[Statements]:
    """Collect every statement sent to the database inside the block, transaction control left out (kept with
    ``control=True``)."""
    seen = Statements()

    def before(conn, cursor, statement, parameters, context, executemany):
        if control or not statement.lstrip().upper().startswith(_CONTROL):
            seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)
