"""The shipped production server configuration (deploy/gunicorn.conf.py) carries an upload that takes longer than
the worker timeout — the 500 MB file on a slow link, in small: the worker timeout is lowered to 3 s and a 2 MB
file trickles in over about 8 s. With gunicorn's default sync workers the same upload is cut off (the control
case: the test can tell the difference). No timing is asserted; the durations only make the upload outlast the
timeout by a wide margin.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from caseflow.accounts.models import Role, User
from caseflow.core.db import make_engine
from tests.evidence import helpers as h
from tests.factories.accounts import _HASH, PASSWORD
from tests.live import free_port

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
WORKER_TIMEOUT = 3
UPLOAD_SECONDS = 8
pytestmark = pytest.mark.live


class Gunicorn:
    def __init__(self, db_url: str, tmp: Path, *extra: str):
        self.port = free_port()
        self.log = open(tmp / f"gunicorn-{self.port}.log", "w+")  # noqa: SIM115 — closed in stop()
        # The server runs on the real clock: under libfaketime (make test-any-day) a timed wait such as gunicorn's
        # arbiter loop (queue.SimpleQueue.get(timeout=1.0)) never wakes, so no worker timeout would be enforced
        # and the control case could not tell the worker classes apart.
        env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}
        env.update(CASEFLOW_DATABASE_URL=db_url, CASEFLOW_ENV="testing",
                   CASEFLOW_SECRET_KEY="gunicorn-test-secret-key-0123456789abcdef",
                   CASEFLOW_INSTANCE_DIR=str(tmp / "instance"), CASEFLOW_WORKERS="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "--bind", f"127.0.0.1:{self.port}",
             "--timeout", str(WORKER_TIMEOUT), *extra, "wsgi:app"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _ = self.request("GET", "/login")
                if status == 200:
                    return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start:\n" + self.output()[-4000:])

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                chunked: bool = False):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            # The server may answer before reading the whole body and close: then read that answer.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                conn.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="module")
def database(databases):
    url = databases.migrated("gunicorn")
    engine = make_engine(url)
    with Session(engine) as s:
        s.add(User(username="slow_link_applicant", display_name="投诉人", password_hash=_HASH, role=Role.APPLICANT))
        s.commit()
    engine.dispose()
    return url


def token_and_case(server: Gunicorn) -> tuple[str, int]:
    status, body = server.request("POST", "/api/v1/auth/token",
                                  json.dumps({"username": "slow_link_applicant", "password": PASSWORD}).encode(),
                                  {"Content-Type": "application/json"})
    assert status == 200, body
    token = json.loads(body)["token"]
    status, body = server.request("POST", "/api/v1/cases", json.dumps(h.COMPLAINT).encode(),
                                  {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    assert status == 201, body
    return token, json.loads(body)["id"]


def slow_upload(server: Gunicorn, token: str, case_id: int) -> tuple[int, dict]:
    """A 2 MB text file sent in 40 pieces over about UPLOAD_SECONDS (a slow link, in small)."""
    data = "".join(f"第 {i} 行：现场检查记录。\n" for i in range(90_000)).encode()[: 2 * 1024 * 1024]
    body, ctype = h.multipart({"title": "现场检查记录", "kind": "documentary"}, [("file", "检查记录.txt", data)])
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    conn.putrequest("POST", f"/api/v1/cases/{case_id}/evidence")
    conn.putheader("Authorization", f"Bearer {token}")
    conn.putheader("Content-Type", ctype)
    conn.putheader("Content-Length", str(len(body)))
    conn.endheaders()
    pieces = 40
    step = -(-len(body) // pieces)
    try:
        for i in range(pieces):
            conn.send(body[i * step:(i + 1) * step])
            time.sleep(UPLOAD_SECONDS / pieces)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"null")
    finally:
        conn.close()


def test_the_shipped_config_carries_an_upload_longer_than_the_worker_timeout(database, tmp_path):
    server = Gunicorn(database, tmp_path)
    try:
        token, case_id = token_and_case(server)
        started = time.monotonic()
        status, body = slow_upload(server, token, case_id)
        assert time.monotonic() - started > 2 * WORKER_TIMEOUT  # the premise, not a performance target
        assert status == 201, (body, server.output()[-4000:])
        assert body["size"] == 2 * 1024 * 1024 and body["mime"].startswith("text/plain")
        assert "WORKER TIMEOUT" not in server.output()

        # A JSON body sent without a length (chunked) still stops at the 2 MB limit: 413 in Chinese, never read whole.
        big = json.dumps({"username": "a", "password": "x" * (3 * 1024 * 1024)}).encode()
        status, answer = server.request("POST", "/api/v1/auth/token", iter([big[i:i + 65536] for i in
                                                                             range(0, len(big), 65536)]),
                                        {"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                                        chunked=True)
        assert status == 413 and "过大" in json.loads(answer)["message"]
    finally:
        server.stop()


def test_control_sync_workers_cut_the_same_upload_off(database, tmp_path):
    # One thread: gunicorn would otherwise turn a sync worker with threads into a gthread one.
    server = Gunicorn(database, tmp_path, "--worker-class", "sync", "--threads", "1")
    try:
        token, case_id = token_and_case(server)
        try:
            status, _body = slow_upload(server, token, case_id)
        except (TimeoutError, ConnectionError, http.client.HTTPException):
            status = None  # the worker was killed mid-upload: the connection dropped
        assert status != 201
        assert "WORKER TIMEOUT" in server.output()
    finally:
        server.stop()
