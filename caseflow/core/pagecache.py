"""Rendered pages and signed-in users kept per process while the database has not changed.

Every transaction that writes through an ORM session bumps one counter, ``data_generation``, before it commits
(listeners in :mod:`caseflow.core.db`). A rendering made at generation G for one user on one Beijing date is
served again to that user while the generation is still G — and at most ``MAX_AGE`` seconds, because due-soon
and overdue badges move with the clock. Any write anywhere starts a new generation. Each worker re-reads the
generation at most every ``PAGE_CACHE_MAX_LAG_MS`` (default 250 ms), so another worker's commit reaches a
cached page at most that late; the browser session that made a write carries its generation in its cookie and
sees it at once, on any worker. Actions stay safe whatever a page shows: they check the case's version.
Writes that bypass the session (the bulk generator, hand-made SQL) must call :func:`bump`.

The CSRF token is the one per-session part of a page: it is cut out of the stored text and the viewer's own
token is put back on every hit. A request carrying flashed messages is rendered afresh so they show once.
A request for a cached page (:func:`page`) is looked up while the user is loaded (:func:`signed_in_user`):
when it is found, the request needs no database session at all.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable

import sqlalchemy as sa
from cachetools import LRUCache
from flask import current_app, g, has_app_context, has_request_context, request, session
from sqlalchemy.orm import Mapped, make_transient_to_detached, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

from caseflow.core.db import Base, db

MAX_AGE = 60.0  # seconds; bounds how late a deadline badge can turn at a change of day or hour


class DataGeneration(Base):
    """One row counting the committed write transactions: the validity stamp of cached pages."""

    __tablename__ = "data_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=1, nullable=False)


GENERATION = DataGeneration.__table__
_SELECT = sa.select(GENERATION.c.value).where(GENERATION.c.id == 1)


def bump(connection_or_session) -> int:
    """Start a new generation (inside the caller's transaction); return its number."""
    return connection_or_session.execute(
        sa.update(GENERATION).where(GENERATION.c.id == 1).values(value=GENERATION.c.value + 1)
        .returning(GENERATION.c.value)).scalar_one()


def committed(value: int) -> None:
    """A transaction of this process committed generation ``value``: this worker knows it at once, and so does
    the browser session that wrote it, whichever worker serves its next request (read-your-writes)."""
    if not has_app_context() or "caseflow_pagecache" not in current_app.extensions:
        return
    _store().learn(value, time.monotonic())
    if has_request_context() and "_user_id" in session:
        session["_gen"] = value


def generation() -> int:
    """The generation this request's pages are stamped with (worked out once per request).

    Read before anything else of the request, on a connection of its own: a write that commits after this
    read can only make what the request renders newer than its stamp, never older. A worker re-reads it at
    most every ``PAGE_CACHE_MAX_LAG_MS`` (a round trip to PostgreSQL costs as much as the rest of a cached
    page): another worker's commit shows after at most that long, the signed-in session's own writes at once.
    """
    memo = request.environ if has_request_context() else {}  # per request (tests share one `g` per test)
    value = memo.get("caseflow.data_generation")
    if value is None:
        bind = db.session.session_factory.kw.get("bind")  # what sessions are configured with; makes none
        if isinstance(bind, sa.Connection):  # the session is joined to an outer transaction (tests): read in it
            value = bind.execute(_SELECT).scalar_one()
        else:
            value = _store().current(bind, session.get("_gen") if has_request_context() else None)
        memo["caseflow.data_generation"] = value
    return value


class _GenerationReader:
    """One autocommit driver connection per process for the per-request read: no pool checkout, no ping,
    no transaction left open; reconnects once if the database went away."""

    def __init__(self) -> None:
        self.conn = None
        self.pid: int | None = None
        self.lock = threading.Lock()

    def close(self) -> None:
        with self.lock:
            if self.conn is not None and self.pid == os.getpid():
                self.conn.close()
            self.conn = None

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

    def __init__(self, max_bytes: int, max_lag_ms: int = 0) -> None:
        self.enabled = max_bytes > 0
        self.max_lag = max_lag_ms / 1000
        self.known: tuple[int, float] | None = None  # the newest generation seen and when it was read
        self.pages: LRUCache = LRUCache(maxsize=max(max_bytes, 1),
                                        getsizeof=lambda entry: sum(map(len, entry[1])) + 200)
        self.users: LRUCache = LRUCache(maxsize=4096)
        self.tokens: LRUCache = LRUCache(maxsize=4096)
        self.reader = _GenerationReader()
        self.lock = threading.Lock()

    def current(self, engine: sa.Engine, at_least: int | None) -> int:
        known, now = self.known, time.monotonic()
        if known is not None and now - known[1] < self.max_lag and (at_least is None or known[0] >= at_least):
            return known[0]
        value = self.reader.read(engine)
        self.learn(value, now)
        return value

    def learn(self, value: int, at: float) -> None:
        with self.lock:
            if self.known is None or value >= self.known[0]:
                self.known = (value, at)

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
    app.extensions["caseflow_pagecache"] = _Store(int(app.config.get("PAGE_CACHE_MB", 32)) * 1024 * 1024,
                                                  int(app.config.get("PAGE_CACHE_MAX_LAG_MS", 0)))


def _store() -> _Store:
    return current_app.extensions["caseflow_pagecache"]


def clear() -> None:
    """Forget everything (the test harness rolls committed data back, which production never does)."""
    store = _store()
    with store.lock:
        for cache in (store.pages, store.users, store.tokens):
            cache.clear()


_PAGE = "caseflow.page"  # environ: the cached page this request asks for, (name, key parts)
_FOUND = "caseflow.page_found"  # environ: its stored rendering, found while the user was being loaded


def page(name: str, key_parts: Callable[..., tuple]) -> Callable:
    """View decorator, above the login checks: names the cached page the request asks for, so that loading
    the signed-in user can already look it up (see :func:`signed_in_user`). ``key_parts`` gets the view's
    arguments and returns what :func:`cached_render`'s wrapped function is called with besides the user."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            request.environ[_PAGE] = (name, key_parts(*args, **kwargs))
            return view(*args, **kwargs)

        return wrapper

    return decorate


def _key(name: str, parts: tuple, user_id: int):
    from caseflow.core.clock import today

    return (name, parts, user_id, generation(), today())


def _lookup(store: _Store, key):
    hit = store.get(store.pages, key)
    return hit[1] if hit is not None and time.monotonic() - hit[0] < MAX_AGE else None


def cached_render(name: str) -> Callable:
    """Cache what ``render(user, *key_parts)`` returns (a page's HTML) per user, generation and Beijing date;
    the wrapped function returns the page as UTF-8 bytes.

    The positional arguments are the page's key besides the user: they must determine the page (an id, the
    normalised query string). Exceptions (404, 403) are never cached.
    """

    def decorate(render: Callable[..., str]) -> Callable[..., bytes]:
        @functools.wraps(render)
        def wrapper(user, *parts) -> bytes:
            store = _store()
            if not store.enabled or session.get("_flashes"):
                return render(_attached(user), *parts).encode()
            key = _key(name, parts, user.id)
            found = request.environ.pop(_FOUND, None)
            chunks = found[1] if found is not None and found[0] == key else _lookup(store, key)
            if chunks is not None:
                return chunks[0] if len(chunks) == 1 else _csrf_token().encode().join(chunks)
            html = render(_attached(user), *parts).encode()
            token = g.get("csrf_token")  # Flask-WTF keeps the request's signed token there once generated
            # Kept as the bytes around each occurrence of the token: a hit joins them with the viewer's token.
            store.put(store.pages, key, (time.monotonic(), html.split(token.encode()) if token else [html]))
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


def signed_in_user(model, ident: int, load: Callable[[], object | None]):
    """The signed-in user (a ``model`` row) for this request, loaded once per generation and process.

    Usually a persistent row of this request's session, rebuilt from a per-process snapshot. When the request
    asks for a cached page (:func:`page`) whose rendering for this user and generation is at hand, the page is
    set aside for the view and the user is a detached copy: such a request reads nothing else about the user
    than its columns, and skips the session altogether.
    """
    store = _store()
    if not store.enabled:
        return load()
    gen = generation()
    hit = store.get(store.users, (model.__name__, ident))
    if hit is None or hit[0] != gen:
        obj = load()
        if obj is not None:
            store.put(store.users, (model.__name__, ident), (gen, _snapshot(obj)))
        return obj
    wanted = request.environ.get(_PAGE) if has_request_context() else None
    if wanted is not None and not session.get("_flashes"):
        key = _key(wanted[0], wanted[1], ident)
        chunks = _lookup(store, key)
        if chunks is not None:
            request.environ[_FOUND] = (key, chunks)
            return _snapshot(hit[1])
    return db.session.merge(hit[1], load=False)


def _attached(obj):
    """The object as a row of this request's session (a detached copy handed out for a cached page that
    then had to be rendered after all)."""
    state = sa.inspect(obj)
    return db.session.merge(obj, load=False) if state.detached else obj


def _snapshot(obj):
    """A detached copy holding the row's column values only, never attached to a session itself."""
    mapper = sa.inspect(type(obj))
    copy = mapper.class_manager.new_instance()
    for attr in mapper.column_attrs:
        set_committed_value(copy, attr.key, getattr(obj, attr.key))
    make_transient_to_detached(copy)
    return copy
