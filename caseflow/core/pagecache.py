"""Rendered pages and signed-in users kept per process while the database has not changed.

Every transaction that writes through the session bumps one counter, ``data_generation``, before it commits
(listeners installed by :class:`caseflow.core.db.Database`). A rendering made at generation G for one user on
one Beijing date is served again to that user while the generation is still G — and at most ``MAX_AGE``
seconds, because due-soon and overdue badges move with the clock. Any write anywhere starts a new
generation, so a cached page is never older than the last commit; the price is that a busy office misses
more often. Writes that bypass the session (the bulk generator, hand-made SQL) must call :func:`bump`.

The CSRF token is the one per-session part of a page: it is cut out of the stored text and the viewer's own
token is put back on every hit. A request carrying flashed messages is rendered afresh so they show once.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable

import sqlalchemy as sa
from cachetools import LRUCache
from flask import current_app, g, has_request_context, request, session
from sqlalchemy.orm import Mapped, make_transient_to_detached, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

from caseflow.core.db import Base, db

MAX_AGE = 60.0  # seconds; bounds how late a deadline badge can turn at a change of day or hour
_PLACEHOLDER = "\x00csrf\x00"


class DataGeneration(Base):
    """One row counting the committed write transactions: the validity stamp of cached pages."""

    __tablename__ = "data_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=1, nullable=False)


GENERATION = DataGeneration.__table__
_SELECT = sa.select(GENERATION.c.value).where(GENERATION.c.id == 1)


def bump(connection_or_session) -> None:
    """Start a new generation (inside the caller's transaction)."""
    connection_or_session.execute(sa.update(GENERATION).where(GENERATION.c.id == 1)
                                  .values(value=GENERATION.c.value + 1))


def generation() -> int:
    """The generation at the start of this request (read once per request).

    Read before anything else of the request, on a connection of its own: a write that commits after this
    read can only make what the request renders newer than its stamp, never older.
    """
    memo = request.environ if has_request_context() else {}  # per request (tests share one `g` per test)
    value = memo.get("caseflow.data_generation")
    if value is None:
        bind = db.session.get_bind()
        if isinstance(bind, sa.Connection):  # the session is joined to an outer transaction (tests): read in it
            value = bind.execute(_SELECT).scalar_one()
        else:
            value = _store().reader.read(bind)
        memo["caseflow.data_generation"] = value
    return value


class _GenerationReader:
    """One autocommit driver connection per process for the per-request read: no pool checkout, no ping,
    no transaction left open; reconnects once if the database went away."""

    def __init__(self) -> None:
        self.conn = None
        self.pid: int | None = None
        self.lock = threading.Lock()

    def read(self, engine: sa.Engine) -> int:
        with self.lock:
            for attempt in (1, 2):
                if self.conn is None or self.pid != os.getpid():  # gunicorn forks: never share a connection
                    fairy = engine.raw_connection()
                    fairy.detach()  # ours alone, outside the pool
                    if engine.dialect.name != "sqlite":
                        fairy.dbapi_connection.autocommit = True
                    self.conn, self.pid = fairy, os.getpid()
                try:
                    cur = self.conn.cursor()
                    try:
                        cur.execute("SELECT value FROM data_generation WHERE id = 1")
                        return cur.fetchone()[0]
                    finally:
                        cur.close()
                except engine.dialect.loaded_dbapi.Error:
                    self.conn = None
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")


class _Store:
    """An app's caches: rendered pages (LRU by bytes) and user snapshots, shared by the worker's threads."""

    def __init__(self, max_bytes: int) -> None:
        self.enabled = max_bytes > 0
        self.pages: LRUCache = LRUCache(maxsize=max(max_bytes, 1), getsizeof=lambda entry: len(entry[2]) + 200)
        self.users: LRUCache = LRUCache(maxsize=4096)
        self.tokens: LRUCache = LRUCache(maxsize=4096)
        self.reader = _GenerationReader()
        self.lock = threading.Lock()

    def get(self, cache: LRUCache, key):
        with self.lock:
            return cache.get(key)

    def put(self, cache: LRUCache, key, value) -> None:
        with self.lock:
            try:
                cache[key] = value
            except ValueError:  # larger than the whole cache
                pass


def init_app(app) -> None:
    app.extensions["caseflow_pagecache"] = _Store(int(app.config.get("PAGE_CACHE_MB", 32)) * 1024 * 1024)


def _store() -> _Store:
    return current_app.extensions["caseflow_pagecache"]


def clear() -> None:
    """Forget everything (the test harness rolls committed data back, which production never does)."""
    store = _store()
    with store.lock:
        for cache in (store.pages, store.users, store.tokens):
            cache.clear()


def cached_render(name: str) -> Callable:
    """Cache what ``render(*key_parts)`` returns (a page's HTML) per user, generation and Beijing date.

    The positional arguments are the page's key besides the user: they must determine the page (an id, the
    normalised query string). Exceptions (404, 403) are never cached.
    """

    def decorate(render: Callable[..., str]) -> Callable[..., str]:
        @functools.wraps(render)
        def wrapper(user, *parts):
            store = _store()
            if not store.enabled or session.get("_flashes"):
                return render(user, *parts)
            from caseflow.deadlines.services import today

            key = (name, parts, user.id, generation(), today())
            now = time.monotonic()
            hit = store.get(store.pages, key)
            if hit is not None and now - hit[0] < MAX_AGE:
                return hit[2].replace(_PLACEHOLDER, _csrf_token()) if hit[1] else hit[2]
            html = render(user, *parts)
            token = g.get("csrf_token")  # Flask-WTF keeps the request's signed token there once generated
            stored = html.replace(token, _PLACEHOLDER) if token else html
            store.put(store.pages, key, (now, bool(token), stored))
            return html

        return wrapper

    return decorate


def _csrf_token() -> str:
    """The session's signed CSRF token; signed once per session and process, since tokens do not expire
    (WTF_CSRF_TIME_LIMIT is None) and signing costs as much as the rest of a cache hit."""
    from flask_wtf.csrf import generate_csrf

    store, raw = _store(), session.get("csrf_token")
    if raw is None or current_app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return generate_csrf()
    signed = store.get(store.tokens, raw)
    if signed is None:
        signed = generate_csrf()
        store.put(store.tokens, raw, signed)
    else:
        g.csrf_token = signed  # where Flask-WTF keeps the request's token, so that later calls agree
    return signed


def cached_instance(model, ident: int, load: Callable[[], object | None]):
    """A persistent ``model`` row for this request's session, rebuilt from a per-process snapshot while the
    generation is unchanged (signed-in users are loaded on every request)."""
    store = _store()
    if not store.enabled:
        return load()
    gen = generation()
    hit = store.get(store.users, (model.__name__, ident))
    if hit is not None and hit[0] == gen:
        return db.session.merge(hit[1], load=False)
    obj = load()
    if obj is not None:
        store.put(store.users, (model.__name__, ident), (gen, _snapshot(obj)))
    return obj


def _snapshot(obj):
    """A detached copy holding the row's column values only, never attached to a session itself."""
    mapper = sa.inspect(type(obj))
    copy = mapper.class_manager.new_instance()
    for attr in mapper.column_attrs:
        set_committed_value(copy, attr.key, getattr(obj, attr.key))
    make_transient_to_detached(copy)
    return copy
