"""Gapless numbers per scope, office and year, safe under concurrency (the row is locked by the UPDATE)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from caseflow.cases.models import NumberSequence
from caseflow.core.db import db

_table = NumberSequence.__table__


def next_number(scope: str, unit_id: int, year: int) -> int:
    """Take the next value; it is gapless because it rolls back with the transaction that took it."""
    session = db.session()
    bump = (
        sa.update(_table)
        .where(_table.c.scope == scope, _table.c.unit_id == unit_id, _table.c.year == year)
        .values(last_value=_table.c.last_value + 1)
        .returning(_table.c.last_value)
    )
    value = session.execute(bump).scalar()
    if value is not None:
        return value
    try:
        with session.begin_nested():
            session.execute(sa.insert(_table).values(scope=scope, unit_id=unit_id, year=year, last_value=1))
        return 1
    except IntegrityError:
        # Someone created the row at the same moment: take the next value from it.
        return session.execute(bump).scalar_one()
