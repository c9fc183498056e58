"""Test set-up: databases built by the migrations, one savepoint-isolated transaction per test.

`pytest` runs on SQLite; `pytest --db=postgresql` starts a throwaway PostgreSQL cluster for the run.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import shutil
import tempfile
from pathlib import Path

import jinja2
import pytest
import sqlalchemy as sa

# Test modules import helpers from here (`from tests.conftest import csrf_of`). Under any other name than the one
# pytest gave it (pyproject: consider_namespace_packages), that import would run this module a second time, in the
# middle of a test: pinning the clock back to TEST_NOW and making a new instance directory.
if __name__ != "tests.conftest":
    raise ImportError(f"tests/conftest.py imported as {__name__!r}: pytest needs consider_namespace_packages "
                      "(pyproject.toml)")


def _run_directory() -> tuple[Path, bool]:
    """One temporary directory for the whole run, shared by pytest-xdist's workers (they inherit the variable):
    databases, instance directories, live servers' logs, the PostgreSQL cluster, Chromium's profiles and every
    other temporary file of the tests and their subprocesses go under it; the process that made it removes it."""
    inherited = os.environ.get("CASEFLOW_TEST_RUN_DIR")
    if inherited and Path(inherited).is_dir():
        return Path(inherited), False
    path = Path(tempfile.mkdtemp(prefix="caseflow-tests-"))
    path.chmod(0o711)  # the PostgreSQL cluster below it runs as the postgres user
    os.environ["CASEFLOW_TEST_RUN_DIR"] = os.environ["TMPDIR"] = str(path)
    return path, True


RUN_DIR, OWNS_RUN_DIR = _run_directory()
tempfile.tempdir = str(RUN_DIR)
# Each process its own instance directory: evidence storage checks (fsck) must not see another worker's files.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
os.environ["CASEFLOW_INSTANCE_DIR"] = tempfile.mkdtemp(prefix=f"instance-{WORKER}-")

# The application reads CASEFLOW_INSTANCE_DIR when imported: these imports come after it is set.
from flask import g, has_app_context  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402

from caseflow import create_app  # noqa: E402
from caseflow.core import clock  # noqa: E402
from caseflow.core.db import db  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def pytest_terminal_summary(terminalreporter):
    from tests.browser_fixtures import ARTIFACTS

    if ARTIFACTS.is_dir() and any(ARTIFACTS.iterdir()):
        terminalreporter.write_line(f"浏览器测试截图：{ARTIFACTS}")


def pytest_unconfigure(config):
    if OWNS_RUN_DIR:
        shutil.rmtree(RUN_DIR, ignore_errors=True)


def pytest_addoption(parser):
    parser.addoption("--db", default=os.environ.get("CASEFLOW_TEST_DB", "sqlite"), choices=["sqlite", "postgresql"],
                     help="database backend for the suite")


class Databases:
    """Hands out fresh, migrated databases of the chosen backend."""

    def __init__(self, backend: str, tmp: Path):
        self.backend, self.tmp = backend, tmp
        self.cluster = None
        self.counter = itertools.count(1)
        if backend == "postgresql":
            from tests.pgcluster import PgCluster

            self.cluster = PgCluster().start()

    def new_url(self, name: str = "db") -> str:
        n = next(self.counter)
        if self.cluster:
            return self.cluster.create_database(f"{name}_{n}")
        return f"sqlite:///{self.tmp / f'{name}_{n}.db'}"

    def migrated(self, name: str = "db") -> str:
        """A new database upgraded to head (the migrations load the offices)."""
        url = self.new_url(name)
        migrate(url)
        return url

    def close(self) -> None:
        if self.cluster:
            self.cluster.stop()


def migrate(url: str, revision: str = "head") -> None:
    from alembic import command

    from caseflow.cli import alembic_config

    command.upgrade(alembic_config(url), revision)


#: Every test starts at this instant unless it pins its own (a Wednesday morning, no holiday near, in a year whose
#: official calendar is published): the suite's result does not depend on the day it runs.
TEST_NOW = dt.datetime(2026, 3, 11, 10, 0, tzinfo=clock.BEIJING)
clock.pin(TEST_NOW)  # session fixtures (databases, users) are made at the pinned time too


@pytest.fixture(autouse=True)
def pinned_clock():
    """Pin the one clock at TEST_NOW for each test; a test about a particular day pins its own."""
    clock.pin(TEST_NOW)
    yield
    clock.pin(TEST_NOW)


@pytest.fixture(autouse=True)
def audit_checkpoints(request, tmp_path):
    """Each test its own audit checkpoint log: tests roll their cases back (ids come round again), so a log kept
    across tests would describe cases that no longer exist."""
    if "app" not in request.fixturenames:
        yield None
        return
    app = request.getfixturevalue("app")
    previous = app.config.get("AUDIT_CHECKPOINT_DIR")
    app.config["AUDIT_CHECKPOINT_DIR"] = str(tmp_path / "audit-checkpoints")
    yield Path(app.config["AUDIT_CHECKPOINT_DIR"])
    app.config["AUDIT_CHECKPOINT_DIR"] = previous


@pytest.fixture(scope="session")
def databases(request, tmp_path_factory):
    dbs = Databases(request.config.getoption("--db"), tmp_path_factory.mktemp("dbs"))
    yield dbs
    dbs.close()


@pytest.fixture(scope="session")
def database_url(databases):
    return databases.migrated("main")


class RequestScopedClient(FlaskClient):
    """Each request starts with an empty `g`, as in production: a test's own app context (the `session`
    fixture's) would otherwise carry one client's CSRF token and signed-in user into the next client's request."""

    def open(self, *args, **kwargs):
        if has_app_context():
            vars(g).clear()
        return super().open(*args, **kwargs)


class RowColumnUndefined(jinja2.Undefined):
    """Jinja's silent Undefined, except for a column a page's plain row does not carry: in production that reads as
    empty and hides part of the page (a badge, a date); in the tests it fails."""

    def __init__(self, hint=None, obj=jinja2.utils.missing, name=None, exc=None):
        if isinstance(obj, sa.Row):
            raise AttributeError(f"template reads {name!r} of a row of {obj._fields}: select it")
        super().__init__(hint, obj, name, exc)


@pytest.fixture(scope="session")
def app(database_url):
    # Tests move the clock by days within one signed-in session; the tests of the session limits set their own.
    app = create_app({"DATABASE_URL": database_url, "ENV": "testing", "SERVER_NAME": "localhost",
                      "SESSION_IDLE_MINUTES": 0, "SESSION_MAX_HOURS": 0})
    app.test_client_class = RequestScopedClient
    app.jinja_env.undefined = RowColumnUndefined
    yield app
    db.engine.dispose()


@pytest.fixture
def session(app):
    """A transaction per test; the app's commits become savepoints that the teardown rolls back."""
    connection = db.engine.connect()
    outer = connection.begin()
    db.session.remove()
    db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
    ctx = app.app_context()
    ctx.push()
    try:
        yield db.session
    finally:
        ctx.pop()
        db.session.remove()
        outer.rollback()
        connection.close()
        db.session.configure(bind=db.engine, join_transaction_mode="conditional_savepoint")


@pytest.fixture
def client(app, session):
    return app.test_client()


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_of(html: bytes | str) -> str:
    """The CSRF token in a rendered page (tests keep CSRF on)."""
    text = html.decode() if isinstance(html, bytes) else html
    m = _CSRF.search(text)
    assert m, "no CSRF token on the page"
    return m.group(1)


@pytest.fixture
def web(client):
    """A browser-like helper: GET a page, then POST its form with the page's CSRF token."""
    return WebClient(client)


class WebClient:
    def __init__(self, client):
        self.client = client

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def post_form(self, page_url, data=None, post_url=None, **kw):
        page = self.client.get(page_url)
        token = csrf_of(page.data)
        return self.client.post(post_url or page_url, data={"csrf_token": token, **(data or {})}, **kw)

    def login(self, username, password="secret-pass-1"):
        resp = self.post_form("/login", {"username": username, "password": password})
        assert resp.status_code == 303, resp.data.decode()[:500]
        return resp


@pytest.fixture
def units(session):
    from caseflow.accounts.models import Unit

    return {u.code: u for u in session.scalars(sa.select(Unit))}


@pytest.fixture
def api(client):
    """The JSON API, called as a given user (tokens fetched once per user)."""
    from tests.api.conftest import Api

    return Api(client)


class Shift:
    """Move the one clock ``days`` days after the moment of the first call (absolute: shift(16) then shift(20)
    lands 20 days after that moment)."""

    def __init__(self):
        self.start: dt.datetime | None = None
        self.days = 0

    def __call__(self, days: int) -> dt.date:
        if self.start is None:
            self.start = clock.now()
        self.days = days
        clock.pin(self.start + dt.timedelta(days=days))
        return clock.today()


@pytest.fixture
def shift():
    return Shift()


@pytest.fixture
def notices_of():
    """The case's documents (of one kind), oldest first."""
    from caseflow.notices.models import Notice

    def find(case, kind=None):
        stmt = sa.select(Notice).where(Notice.case_id == case.id).order_by(Notice.id)
        if kind:
            stmt = stmt.where(Notice.kind == kind)
        return list(db.session.scalars(stmt))

    return find


@pytest.fixture
def deadline():
    """The case's latest deadline row of a rule, or None."""
    from caseflow.deadlines.models import Deadline

    def row(case, rule_id):
        return db.session.scalars(sa.select(Deadline).where(Deadline.case_id == case.id, Deadline.rule_id == rule_id)
                                  .order_by(Deadline.id.desc())).first()

    return row


from tests.browser_fixtures import browser, new_page, snapshot  # noqa: E402,F401  (fixtures)
from tests.live import live_server  # noqa: E402,F401  (fixture)
