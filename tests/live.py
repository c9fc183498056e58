"""A live server in a subprocess, on its own migrated database (race and browser tests)."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from caseflow.accounts.models import Role, Unit, User
from caseflow.cases.models import AccessLog
from caseflow.core import clock
from caseflow.core.db import make_engine
from tests.factories.accounts import _HASH, PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def _csrf_of(page: str) -> str:
    from tests.conftest import csrf_of  # not at the top: tests/conftest.py imports this module

    return csrf_of(page)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie-keeping HTTP client of a live server that shows redirects instead of following them."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirect())

    def open(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        """(status, Location, body) of a GET, or of a form POST when ``data`` is given."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as resp:
                return resp.status, resp.headers.get("Location", ""), resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", ""), exc.read().decode()

    def token(self) -> str:
        return _csrf_of(self.open("/login")[2])

    def login(self, username: str, password: str) -> int:
        status, _, page = self.open("/login")
        assert status == 200, page[:300]
        return self.open("/login", {"csrf_token": _csrf_of(page), "username": username, "password": password})[0]


def at_once(work, calls, *, timeout: float | None = None) -> list:
    """Run ``work(*args)`` for each ``args`` of ``calls`` in threads released together; the results, in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i: int, args) -> None:
        barrier.wait()
        results[i] = work(*args)

    threads = [threading.Thread(target=run, args=(i, args)) for i, args in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return results


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, db_url: str):
        self.db_url = db_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.engine = make_engine(db_url)
        self.clock_file = tempfile.NamedTemporaryFile("w+", prefix=f"live-{self.port}-clock-")  # noqa: SIM115 - closed in stop()
        env = dict(os.environ, CASEFLOW_DATABASE_URL=db_url, CASEFLOW_ENV="testing",
                   CASEFLOW_SECRET_KEY="live-test-secret-key-0123456789abcdef",
                   # move_clock jumps days within one signed-in session (as the test app, the limits are off)
                   CASEFLOW_SESSION_IDLE_MINUTES="0", CASEFLOW_SESSION_MAX_HOURS="0",
                   CASEFLOW_TEST_CLOCK=clock.now().isoformat(),  # the server's clock starts where the test's stands
                   CASEFLOW_TEST_CLOCK_FILE=self.clock_file.name,
                   # The journeys include an office that runs 先行发布禁令 (off by default: no statute sets it).
                   CASEFLOW_INJUNCTION_ENABLED="true")
        self.log = tempfile.NamedTemporaryFile("w+", prefix=f"live-{self.port}-", suffix=".log")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.serve", str(self.port)], cwd=ROOT, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/login", timeout=1)
                return
            except (urllib.error.URLError, ConnectionError):
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        self.log.seek(0)
        raise RuntimeError("live server did not start:\n" + self.log.read()[-4000:])

    def move_clock(self, moment: dt.datetime) -> None:
        """Move the server's clock to ``moment`` from its next request on (it runs on from there)."""
        self.clock_file.seek(0)
        self.clock_file.truncate()
        self.clock_file.write(moment.isoformat())
        self.clock_file.flush()

    def add_user(self, username: str, role: str, unit_code: str | None = None, **kw) -> None:
        """Create an account directly in the live database (password: the factories' PASSWORD)."""
        with Session(self.engine) as s:
            unit = s.scalar(sa.select(Unit).where(Unit.code == unit_code)) if unit_code else None
            s.add(User(username=username, display_name=kw.pop("display_name", username), password_hash=_HASH,
                       role=Role(role), unit=unit, **kw))
            s.commit()

    def token(self, username: str) -> str:
        status, body = self.request("POST", "/api/v1/auth/token", {"username": username, "password": PASSWORD})
        assert status == 200, body
        return body["token"]

    def request(self, method: str, path: str, body=None, token: str | None = None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def filed_case(self, applicant: str) -> dict:
        """A complaint filed through the API by a new rights holder ``applicant``: the case as the API answers it."""
        from tests.api.conftest import COMPLAINT_BODY

        self.add_user(applicant, "applicant")
        status, case = self.request("POST", "/api/v1/cases", COMPLAINT_BODY, token=self.token(applicant))
        assert status == 201, case
        return case

    @contextlib.contextmanager
    def others_committing(self, case_id: int, username: str, pause: float) -> Iterator[None]:
        """Meanwhile other connections commit all the time: an access-log row of ``username`` every ``pause`` s."""
        with self.engine.connect() as conn:
            user_id = conn.scalar(sa.select(User.id).where(User.username == username))
        stop = threading.Event()

        def commit_often():
            while not stop.is_set():
                with self.engine.begin() as conn:
                    conn.execute(sa.insert(AccessLog).values(case_id=case_id, user_id=user_id, what="other"))
                time.sleep(pause)

        writer = threading.Thread(target=commit_often)
        writer.start()
        try:
            yield
        finally:
            stop.set()
            writer.join()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.engine.dispose()
        self.log.close()
        self.clock_file.close()


@pytest.fixture(scope="session")
def live_server(databases):
    server = LiveServer(databases.migrated("live"))
    yield server
    server.stop()
