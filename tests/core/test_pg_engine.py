"""PostgreSQL engine: a transaction that only read keeps psycopg's prepared statements; one that wrote still
rolls back."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from caseflow.core.db import make_engine


@pytest.fixture
def pg_engine(databases):
    if databases.cluster is None:
        pytest.skip("PostgreSQL only")
    engine = make_engine(databases.migrated("engine"))
    yield engine
    engine.dispose()


def _prepared(engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM pg_prepared_statements").scalar()


def test_requests_that_only_read_keep_their_prepared_statements(pg_engine):
    # A request's session reads and is closed without a commit (a queue page): psycopg prepares a statement
    # from its 5th execution, and dropped them all at each ROLLBACK, so no page that only reads was prepared.
    for _ in range(8):
        with Session(pg_engine) as session:
            assert session.execute(sa.text("SELECT code FROM units WHERE id = :id"), {"id": 1}).all() is not None
    assert _prepared(pg_engine) >= 1


def test_a_transaction_that_wrote_is_still_rolled_back(pg_engine):
    with Session(pg_engine) as session:
        session.execute(sa.text("SELECT code FROM units WHERE id = 1")).all()
        session.execute(sa.text("UPDATE units SET name = 'rolled back' WHERE id = 1"))
        session.rollback()
    with Session(pg_engine) as session:
        session.execute(sa.text("UPDATE units SET name = 'closed unsaved' WHERE id = 1"))
    with pg_engine.connect() as conn:
        names = conn.exec_driver_sql("SELECT name FROM units WHERE id = 1").scalar()
    assert names not in ("rolled back", "closed unsaved")
