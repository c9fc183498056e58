"""Real HTTP against a live server: a 400 MB upload in flat memory, and a server killed in mid-upload.

Resource checks, not timing assertions: the server process's resident memory (VmRSS/VmHWM from /proc) must
grow by less than 100 MB while it receives 400 MB.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from caseflow.accounts.models import Role, User
from caseflow.cases.models import CaseEvent
from caseflow.core import clock
from caseflow.core.db import make_engine
from caseflow.evidence.storage import shard
from tests.evidence import helpers as h
from tests.factories.accounts import _HASH, PASSWORD
from tests.live import free_port

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024

pytestmark = pytest.mark.live


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in bytes."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) * 1024
    return out


class MemoryWatch:
    """Samples a process's VmRSS while something runs; resets its high-water mark first where allowed."""

    def __init__(self, pid: int, every: float = 0.02):
        self.pid, self.every = pid, every
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM (Linux ≥ 4.0)
            self.hwm_reset = True
        except OSError:
            self.hwm_reset = False
        self.before = proc_status(pid)
        self.peak = self.before["VmRSS"]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, proc_status(self.pid)["VmRSS"])
            time.sleep(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.after = proc_status(self.pid)
        if self.hwm_reset:
            self.peak = max(self.peak, self.after["VmHWM"])

    @property
    def growth(self) -> int:
        return self.peak - self.before["VmRSS"]


def api_json(base: str, method: str, path: str, body=None, token: str | None = None):
    conn = http.client.HTTPConnection(*base.removeprefix("http://").split(":"), timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, json.loads(data or b"null")


def stream_upload(base: str, case_id: int, token: str, total: int, *, seed: bytes, name: str = "监控录像.mp4",
                  stop_after: int | None = None, sock_out: list | None = None):
    """POST `total` bytes as evidence, generated on the fly; optionally stop sending after `stop_after` bytes."""
    body, length, ctype = h.streaming_multipart({"title": "门店监控录像", "kind": "audiovisual"}, "file", name,
                                                h.video_chunks(total, seed=seed), total)
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=300)
    conn.putrequest("POST", f"/api/v1/cases/{case_id}/evidence")
    conn.putheader("Authorization", f"Bearer {token}")
    conn.putheader("Content-Type", ctype)
    conn.putheader("Content-Length", str(length))
    conn.endheaders()
    if sock_out is not None:
        sock_out.append(conn)
    sent = 0
    for piece in body:
        if stop_after is not None and sent >= stop_after:
            return None  # leave the request hanging: the server is waiting for the rest
        conn.send(piece)
        sent += len(piece)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, json.loads(data)


def expected_sha(total: int, seed: bytes) -> str:
    digest = hashlib.sha256()
    for piece in h.video_chunks(total, seed=seed):
        digest.update(piece)
    return digest.hexdigest()


def test_a_400_mb_upload_keeps_the_servers_memory_flat(live_server):
    live_server.add_user("evidence_big_applicant", "applicant")
    token = live_server.token("evidence_big_applicant")
    status, case = live_server.request("POST", "/api/v1/cases", h.COMPLAINT, token=token)
    assert status == 201, case
    total = 400 * MB
    seed = os.urandom(16)  # new bytes every run: nothing is deduplicated away
    # Warm the upload path first, so that imports and caches are not counted as growth.
    status, small = stream_upload(live_server.url, case["id"], token, 2 * MB, seed=b"warm-up")
    assert status == 201, small

    started = time.monotonic()
    with MemoryWatch(live_server.proc.pid) as mem:
        status, body = stream_upload(live_server.url, case["id"], token, total, seed=seed)
    elapsed = time.monotonic() - started
    assert status == 201, body
    assert body["size"] == total and body["mime"] == "video/mp4"
    assert body["sha256"] == expected_sha(total, seed)
    # The figures show with `pytest -s`; the bound is the assertion below.
    print(f"\n400 MB upload: {elapsed:.1f} s; server VmRSS before {mem.before['VmRSS'] / MB:.1f} MB, "  # noqa: T201
          f"peak {mem.peak / MB:.1f} MB, growth {mem.growth / MB:.1f} MB "
          f"(VmHWM reset: {mem.hwm_reset}, VmHWM after {mem.after['VmHWM'] / MB:.1f} MB)")
    assert mem.growth < 100 * MB
    # The stored file is the upload, byte for byte; remove it (the live server's storage is shared by the run).
    storage_root = Path(os.environ["CASEFLOW_INSTANCE_DIR"]) / "storage"
    stored = storage_root / shard(body["sha256"])
    assert stored.stat().st_size == total
    stored.unlink()


class KillableServer:
    """A live server of its own (database, storage, instance dir), to be killed with SIGKILL."""

    def __init__(self, db_url: str, tmp: Path):
        self.db_url = db_url
        self.tmp = tmp
        self.storage = tmp / "storage"
        self.env = dict(os.environ, CASEFLOW_DATABASE_URL=db_url, CASEFLOW_ENV="testing",
                        CASEFLOW_SECRET_KEY="kill-test-secret-key-0123456789abcdef",
                        CASEFLOW_INSTANCE_DIR=str(tmp / "instance"), CASEFLOW_STORAGE_URL=str(self.storage),
                        CASEFLOW_TEST_CLOCK=clock.now().isoformat())
        self.start()

    def start(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(self.tmp / f"server-{self.port}.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.serve", str(self.port)], cwd=ROOT, env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError("server did not start; see " + self.log.name)

    def kill(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.log.close()

    def flask(self, *args) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "caseflow", *args], cwd=ROOT,
                              env=self.env, capture_output=True, text=True, timeout=120, check=False)


def test_killing_the_server_mid_upload_loses_nothing_committed(databases, tmp_path):
    server = KillableServer(databases.migrated("evidence_kill"), tmp_path)
    engine = make_engine(server.db_url)
    try:
        with Session(engine) as s:
            s.add(User(username="kill_applicant", display_name="投诉人", password_hash=_HASH, role=Role.APPLICANT))
            s.commit()
        status, tok = api_json(server.url, "POST", "/api/v1/auth/token",
                               {"username": "kill_applicant", "password": PASSWORD})
        token = tok["token"]
        status, case = api_json(server.url, "POST", "/api/v1/cases", h.COMPLAINT, token=token)
        assert status == 201, case
        committed = []
        for i in range(2):
            status, body = stream_upload(server.url, case["id"], token, 256 * 1024, seed=f"kept-{i}".encode(),
                                         name=f"录像{i}.mp4")
            assert status == 201, body
            committed.append(body)

        # Half of a 64 MB upload, then SIGKILL while the server is waiting for the rest.
        conns: list = []
        assert stream_upload(server.url, case["id"], token, 64 * MB, seed=b"interrupted", stop_after=32 * MB,
                             sock_out=conns) is None
        part = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            parts = list((server.storage / "tmp").glob("upload-*.part"))
            if parts and parts[0].stat().st_size >= 16 * MB:
                part = parts[0]
                break
            time.sleep(0.05)
        assert part is not None, "the upload never reached the server's temporary file"
        server.kill()
        conns[0].close()

        # Nothing committed is lost: both rows are there, both files are whole.
        with Session(engine) as s:
            rows = s.execute(sa.text("SELECT id, sha256, size FROM evidence ORDER BY id")).all()
        assert [(r.id, r.sha256, r.size) for r in rows] == [(b["id"], b["sha256"], b["size"]) for b in committed]

        # fsck explains every leftover and fails; --clean-temp removes the temporary file; then all is well.
        check = server.flask("fsck")
        assert check.returncode == 1, check.stdout + check.stderr
        assert f"残留的临时文件：临时文件 {part}" in check.stdout and "上传已中断" in check.stdout
        assert "缺少文件" not in check.stdout and "哈希不符" not in check.stdout
        problems = [line for line in check.stdout.splitlines()
                    if line.startswith(("无记录的文件", "缺少文件", "哈希不符", "大小不符", "无法识别", "残留"))]
        assert problems and all(line.startswith("残留的临时文件：") for line in problems)  # the only leftover
        clean = server.flask("fsck", "--clean-temp")
        assert clean.returncode == 0, clean.stdout + clean.stderr
        assert "已删除" in clean.stdout and not part.exists()
        assert "存储中的文件 2 个" in clean.stdout and "检查通过" in clean.stdout
    finally:
        if server.proc.poll() is None:
            server.kill()
        engine.dispose()


def test_chunked_uploads_without_content_length_stream_too(live_server):
    live_server.add_user("evidence_chunked_applicant", "applicant")
    token = live_server.token("evidence_chunked_applicant")
    status, case = live_server.request("POST", "/api/v1/cases", h.COMPLAINT, token=token)
    assert status == 201, case
    total = 3 * MB + 17
    body, _length, ctype = h.streaming_multipart({"title": "录像", "kind": "audiovisual"}, "file", "录像.mp4",
                                                 h.video_chunks(total, seed=b"chunked"), total)
    host, port = live_server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    conn.request("POST", f"/api/v1/cases/{case['id']}/evidence", body=body, encode_chunked=True,
                 headers={"Authorization": f"Bearer {token}", "Content-Type": ctype, "Transfer-Encoding": "chunked"})
    resp = conn.getresponse()
    data = json.loads(resp.read())
    conn.close()
    assert resp.status == 201, data
    assert data["size"] == total and data["sha256"] == expected_sha(total, b"chunked")


def test_simultaneous_uploads_and_downloads_of_one_case_are_all_answered(live_server):
    """Every upload and download appends to the case's audit chain; at the same moment they wait their turn
    (SQLite's write lock, the chain's head) and all succeed, none answers 409."""
    live_server.add_user("evidence_race_applicant", "applicant")
    officers = [f"evidence_race_officer{i}" for i in range(4)]
    for name in officers:
        live_server.add_user(name, "officer", "500103")
    applicant = live_server.token("evidence_race_applicant")
    status, case = live_server.request("POST", "/api/v1/cases", h.COMPLAINT, token=applicant)
    assert status == 201, case
    host, port = live_server.url.removeprefix("http://").split(":")

    def upload() -> tuple[int, dict]:
        body, ctype = h.multipart({"title": "说明", "kind": "documentary"}, [("file", "说明.txt", h.unique_text())])
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        conn.request("POST", f"/api/v1/cases/{case['id']}/evidence", body=body,
                     headers={"Authorization": f"Bearer {applicant}", "Content-Type": ctype})
        resp = conn.getresponse()
        data = json.loads(resp.read())
        conn.close()
        return resp.status, data

    status, first = upload()
    assert status == 201, first
    tokens = [live_server.token(name) for name in officers]
    barrier = threading.Barrier(len(tokens) + 1)
    uploads: list[int] = []
    downloads: list[int] = []

    def download(token: str) -> None:
        barrier.wait()
        for _ in range(3):
            conn = http.client.HTTPConnection(host, int(port), timeout=60)
            conn.request("GET", f"/api/v1/cases/{case['id']}/evidence/{first['id']}/content",
                         headers={"Authorization": f"Bearer {token}"})
            resp = conn.getresponse()
            resp.read()
            conn.close()
            downloads.append(resp.status)

    def upload_some() -> None:
        barrier.wait()
        uploads.extend(upload()[0] for _ in range(4))

    threads = [threading.Thread(target=download, args=(t,)) for t in tokens] + [threading.Thread(target=upload_some)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert downloads == [200] * (3 * len(tokens)) and uploads == [201] * 4
    with live_server.engine.connect() as conn:
        tags = list(conn.scalars(sa.select(CaseEvent.tag).where(CaseEvent.case_id == case["id"])))
    assert tags.count("evidence:download") == 3 * len(tokens)


def test_twenty_simultaneous_uploads_to_one_case_all_succeed(live_server):
    """Twenty parties' files arrive at once: every one gets its record and number (201), none a 409 that would
    leave its stored file without a record (issue #17)."""
    live_server.add_user("evidence_twenty_applicant", "applicant")
    applicant = live_server.token("evidence_twenty_applicant")
    status, case = live_server.request("POST", "/api/v1/cases", h.COMPLAINT, token=applicant)
    assert status == 201, case
    host, port = live_server.url.removeprefix("http://").split(":")
    barrier = threading.Barrier(20)
    results: list[tuple[int, dict]] = []

    def upload(i: int) -> None:
        body, ctype = h.multipart({"title": f"说明{i}", "kind": "documentary"},
                                  [("file", f"说明{i}.txt", h.unique_text())])
        conn = http.client.HTTPConnection(host, int(port), timeout=120)
        barrier.wait()
        conn.request("POST", f"/api/v1/cases/{case['id']}/evidence", body=body,
                     headers={"Authorization": f"Bearer {applicant}", "Content-Type": ctype})
        resp = conn.getresponse()
        results.append((resp.status, json.loads(resp.read())))
        conn.close()

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(s for s, _ in results) == [201] * 20, [b for s, b in results if s != 201]
    assert sorted(b["number"] for _, b in results) == list(range(1, 21))
    with live_server.engine.connect() as conn:
        stored = set(conn.scalars(sa.text("SELECT sha256 FROM evidence WHERE case_id = :c"), {"c": case["id"]}))
        count = conn.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(
            CaseEvent.case_id == case["id"], CaseEvent.tag == "evidence:upload"))
    assert stored == {b["sha256"] for _, b in results} and count == 20


def test_starting_the_application_removes_abandoned_temp_files(databases, tmp_path):
    """A worker killed mid-upload leaves its temporary file; the next start of the application removes it once it
    is older than UPLOAD_TEMP_MAX_AGE_SECONDS, so no manual fsck is needed."""
    storage = tmp_path / "server-storage"
    (storage / "tmp").mkdir(parents=True)
    old = storage / "tmp" / "upload-4242-deadbeef.part"
    old.write_bytes(b"x" * 1000)
    then = old.stat().st_mtime - 2 * 3600  # on the clock that stamps the files, as the application measures ages
    os.utime(old, (then, then))
    recent = storage / "tmp" / "upload-4243-deadbeef.part"
    recent.write_bytes(b"y")
    env = dict(os.environ, CASEFLOW_DATABASE_URL=databases.migrated("evidence_start"), CASEFLOW_ENV="testing",
               CASEFLOW_INSTANCE_DIR=str(tmp_path / "instance"), CASEFLOW_STORAGE_URL=str(storage))
    check = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "caseflow", "fsck"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120, check=False)
    assert not old.exists() and recent.exists()
    assert "残留的临时文件" in check.stdout and str(recent) in check.stdout and str(old) not in check.stdout
