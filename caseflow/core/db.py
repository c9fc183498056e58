"""Plain SQLAlchemy 2: engine, scoped session, declarative base and the one commit point."""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, TypeVar

import sqlalchemy as sa
from sqlalchemy import MetaData, event
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, scoped_session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from caseflow.core import clock

T = TypeVar("T")
log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """Aware datetimes stored as UTC; SQLite has no time zones, so normalise on the way in and out."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: timestamps must be time-zone aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


intpk = Annotated[int, mapped_column(primary_key=True)]
created_at = Annotated[datetime, mapped_column(UTCDateTime(), default=clock.now, nullable=False)]
bool_false = Annotated[bool, mapped_column(default=False, server_default=sa.false(), nullable=False)]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    __table__: ClassVar[sa.Table]  # every model maps a Table (SQLAlchemy types it as any FromClause)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(), dict: sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
    }

    def __repr__(self) -> str:
        pk = ", ".join(f"{c.key}={getattr(self, c.key or '', None)!r}" for c in self.__mapper__.primary_key)
        return f"<{type(self).__name__} {pk}>"


def str_enum(enum_cls, length: int = 32) -> sa.Enum:
    """Store a StrEnum by value with a CHECK constraint."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


# What the ORM passes for its own reads (sqlalchemy/orm/context.py): the result keeps the cached statement's column
# keys instead of being re-keyed by the columns of the statement invoked (see Database.rows).
_PLAIN_ROWS = sa.util.immutabledict({"_result_disable_adapt_to_context": True})


class Database:
    """Holds the engine and the scoped session of one application."""

    def __init__(self) -> None:
        self.engine: sa.Engine | None = None
        self.session = scoped_session(sessionmaker(expire_on_commit=False))

    def init_app(self, app) -> None:
        """Create the engine from the app's DATABASE_URL and remove the session after each request."""
        url = app.config["DATABASE_URL"]
        self.engine = make_engine(url, busy_timeout_ms=app.config.get("SQLITE_BUSY_TIMEOUT_MS", 5000))
        self.session.configure(bind=self.engine)
        app.teardown_appcontext(self._teardown)
        app.extensions["caseflow_db"] = self

    def _teardown(self, exc=None) -> None:
        self.session.remove()

    def after_commit(self, fn: Callable[[], Any]) -> None:
        """Queue work (mail, notifications) to run only once the transaction has committed."""
        self.session().info.setdefault("after_commit", []).append(fn)

    def commit(self) -> None:
        """Commit the request's transaction and run the queued after-commit work."""
        session = self.session()
        queued = session.info.pop("after_commit", [])
        session.commit()
        for fn in queued:
            fn()

    def rows(self, stmt: sa.Executable, **params: Any) -> list[sa.Row]:
        """The plain rows of a read on the request's connection and transaction (what it flushed included), without
        objects or the ORM's execution path: for what a page shows and never changes. With ``stmt`` built once at
        import (values as bind parameters), a read costs about a third of a statement built per request.

        Rows are read by column name, never by column object: a result of a statement built per request is not re-keyed
        by that statement's columns (which compared each ORM column with ``==``, building an expression per column)."""
        session = self.session()
        session.flush()
        return list(session.connection().execute(stmt, params, execution_options=_PLAIN_ROWS).all())

    def rollback(self) -> None:
        """Roll back the request's transaction and drop queued after-commit work."""
        session = self.session()
        session.info.pop("after_commit", None)
        session.rollback()


# Set while run_transaction runs its function: a transaction begun meanwhile may write.
_WRITING: ContextVar[bool] = ContextVar("caseflow_writing", default=False)
# Set while run_read_only runs its function: a transaction begun meanwhile only reads.
_READING: ContextVar[bool] = ContextVar("caseflow_reading", default=False)
_COMMITS = "caseflow_commits"  # marks a view wrapped by `transactional` (copied outwards by functools.wraps)


def _takes_write_lock() -> bool:
    """Whether a SQLite transaction begun now takes the write lock at once (BEGIN IMMEDIATE).

    In WAL mode a deferred transaction that has read cannot start writing once another connection has committed
    (SQLITE_BUSY_SNAPSHOT, which the busy timeout does not wait out): simultaneous logins and actions would
    answer 409 although nobody touched their data. A transaction that may write therefore queues for the lock
    at BEGIN (busy timeout) and then reads the latest data: one inside `run_transaction`, and a request's first
    one when it changes state or its view commits (`transactional`, e.g. a case page, which logs the staff
    member's view). Uploads are the exception: they stream their body first and write through
    `run_transaction` afterwards, rather than hold the lock while a large file arrives.
    """
    if _WRITING.get():
        return True
    if _READING.get():
        return False
    from flask import current_app, has_request_context, request

    if not has_request_context() or request.mimetype == "multipart/form-data":
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return request.method not in ("GET", "HEAD", "OPTIONS") or getattr(view, _COMMITS, False)


def make_engine(url: str, busy_timeout_ms: int = 5000) -> sa.Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # Let SQLAlchemy emit BEGIN itself so transactions and savepoints behave as on PostgreSQL.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE" if _takes_write_lock() else "BEGIN")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    # pre_ping costs one round trip per checkout (~30 µs of CPU, 0.2 % of a case page): kept, so that a restarted
    # server costs no failed request.
    engine = sa.create_engine(url, pool_pre_ping=True)
    if engine.dialect.driver == "psycopg":
        _end_reads_with_commit(engine)
    return engine


_WROTE = "caseflow_wrote"  # set on a connection's info by any statement of its transaction that is not a SELECT


def _end_reads_with_commit(engine: sa.Engine) -> None:
    """End a transaction that only read with COMMIT where SQLAlchemy would roll it back (the same for the data).

    psycopg drops every prepared statement of a connection at each ROLLBACK (and deallocates them on the server),
    and every request that only reads (a queue page, a statistics page) ends so: the statements of all pages
    were parsed and planned anew each time, and so were the other pages' after it. With case and queue pages
    alternating, the server's CPU per request fell from 2.9–3.5 ms to 1.6–2.0 ms.
    """
    from psycopg.pq import TransactionStatus

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.info[_WROTE] = False

    @event.listens_for(engine, "before_cursor_execute")
    def _statement(conn, cursor, statement, parameters, context, executemany):
        if not conn.info.get(_WROTE) and (executemany or statement.lstrip()[:6].upper() != "SELECT"):
            conn.info[_WROTE] = True

    @event.listens_for(engine, "rollback")
    def _rollback(conn):
        dbapi_conn = conn.connection.dbapi_connection
        if (conn.info.get(_WROTE) is False and dbapi_conn is not None
                and dbapi_conn.pgconn.transaction_status == TransactionStatus.INTRANS):
            dbapi_conn.commit()  # the rollback that follows finds no transaction and sends nothing


db = Database()


class ConcurrencyConflict(Exception):
    """Someone else changed the data first (stale version, lock timeout, serialisation failure)."""


def is_concurrency_error(exc: BaseException) -> bool:
    """Tell whether a database error means 'try again later' rather than a bug."""
    if isinstance(exc, StaleDataError | ConcurrencyConflict):
        return True
    if isinstance(exc, OperationalError):
        text = str(exc.orig).lower()
        return "locked" in text or "busy" in text
    if isinstance(exc, DBAPIError):
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        return code in {"40001", "40P01", "55P03"}
    return False


def run_transaction(fn: Callable[[], T], *, attempts: int = 1) -> T:
    """Run ``fn`` and commit once; roll back on any exception (the one commit point of a request).

    A concurrency error (stale version, lock timeout, serialisation failure) rolls back and, while ``attempts``
    last, runs ``fn`` again on a fresh snapshot; after the last one it answers 409 (ConcurrencyConflict).
    """
    token = _WRITING.set(True)
    try:
        for attempt in range(1, attempts + 1):
            try:
                result = fn()
                db.commit()
                return result
            except BaseException as exc:
                db.rollback()
                if not (isinstance(exc, Exception) and is_concurrency_error(exc)):
                    raise
                if attempt == attempts:
                    raise ConcurrencyConflict from exc
                time.sleep(random.uniform(0.02, 0.1) * attempt)
    finally:
        _WRITING.reset(token)
    raise AssertionError("unreachable")


def writing() -> bool:
    """Whether the code runs inside `run_transaction` (a `transactional` view included): what it adds commits
    with it."""
    return _WRITING.get()


def run_read_only(fn: Callable[[], T]) -> T:
    """Run ``fn``, which only reads, in a transaction of its own that takes no write lock, then end it.

    For the slow part of a request that writes afterwards: a login or a password change spends ~0.1 s of CPU in
    Argon2, and on SQLite a writing request's transaction would hold the database's one write lock all that time,
    so that simultaneous logins queue past the busy timeout. The write then follows in `run_transaction`.
    A transaction already open (the signed-in user was loaded) is ended first. Ending is a commit: ``fn`` wrote
    nothing, and what the caller flushed before stays (a rollback would discard it).
    """
    session = db.session()
    if session.in_transaction():
        db.commit()
    token = _READING.set(True)
    try:
        result = fn()
    except SQLAlchemyError:
        db.rollback()
        raise
    except BaseException:
        db.commit()
        raise
    finally:
        _READING.reset(token)
    db.commit()
    return result


def run_bookkeeping(fn: Callable[[], Any]) -> None:
    """Commit a small write that is not the request's own business (a session's last-seen time) in a transaction of
    its own, before the request's work: the read transaction open so far is ended first (it wrote nothing), and a
    conflict skips the write instead of failing the request."""
    if db.session().in_transaction():
        db.commit()
    try:
        run_transaction(fn)
    except ConcurrencyConflict:
        log.info("bookkeeping write skipped after a conflict")


def transactional(view: Callable | None = None, *, attempts: int = 1):
    """View decorator: the request commits once when the view returns (through `run_transaction`).

    ``@transactional`` answers 409 on a concurrency error; ``@transactional(attempts=n)`` runs the whole view
    again first (for views whose conflicts are internal, e.g. two officers taking numbers at once).
    """

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            return run_transaction(lambda: view(*args, **kwargs), attempts=attempts)

        wrapper.__dict__[_COMMITS] = True
        return wrapper

    return decorate if view is None else decorate(view)


class Model(Base):
    """Abstract base with an integer primary key."""

    __abstract__ = True
    id: Mapped[intpk]
