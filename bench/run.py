"""`make bench`: the quality targets (docs/architecture.md) that exist so far, one JSON line per figure.

Figures:
- ``notice_pdf_render_ms`` (and the notices domain's sample kinds): bench/bench_pdf.py, in process;
- ``throughput_rps`` for the bare Flask "hello" app, the case page and the queue page at 100 000 cases
  (SQLite and PostgreSQL), and an empty signed-in page (bench/floor.py: the least any staff page costs), each
  under gunicorn with workers = cores on loopback, loaded by wrk with a fixed connection count;
  warm-up first, the median of several runs, hello and the pages interleaved in one run; the ratios to hello
  come from the same run (informative, no target: every request renders its page, and each case page view
  writes its access-log row);
- ``upload_mb_per_s``: online filing of a 5 MB evidence file through the API (multipart over HTTP, gunicorn, a
  fresh SQLite database with the demo data) against writing + fsyncing the same bytes in the same directory,
  interleaved; the workers' RSS before and after (target ≥ 0.50 of the disk, memory flat);
- ``stats_page_ms`` for every statistics page and ``GET /api/v1/stats/summary`` at 1 000 000 cases on SQLite
  and on PostgreSQL (a throwaway cluster like tests/pgcluster.py, kept under instance/bench/): sequential
  requests over loopback to the same gunicorn set-up, warm-up first, median and p90 (target ≤ 250 ms);
- ``office_day``: a simulated office day (Locust) against gunicorn as deployed and PostgreSQL at increasing numbers
  of users, p50/p95/p99 and errors per stage, and the most users served with p95 < 300 ms (bench/load.py).

Generated databases are cached under instance/bench/, keyed by (cases, seed, schema head, data date), so that a
rerun only measures. Results go to bench/results/<date>-<commit>.json with the machine and the commit, and the
"Benchmarks" section at the end of README.md is rewritten with them.

Usage: .venv/bin/python bench/run.py [--skip-pg] [--skip-pdf] [--skip-upload] [--skip-throughput] [--skip-stats]
       [--skip-load] [--load-users 10,20,…] [--load-seconds S]
       [--stats-cases N] [--page-cases N] [--runs N] [--duration S] [--no-readme]
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import http.client
import json
import os
import platform
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
BIN = Path(PY).parent
CACHE = ROOT / "instance" / "bench"
RESULTS = ROOT / "bench" / "results"
PASSWORD = "generated-pass-2026"  # caseflow.devtools.generate.GENERATED_PASSWORD
SECRET = secrets.token_hex(32)
AUDIT_KEY = secrets.token_hex(32)
RESULTS_LINES: list[dict] = []

sys.path.insert(0, str(ROOT))
from bench import load  # noqa: E402  (the repository root is on the path only now)
from tests.pgcluster import PgCluster  # noqa: E402


def emit(record: dict) -> None:
    """Print one figure as a JSON line and keep it for the results file."""
    RESULTS_LINES.append(record)
    print(json.dumps(record, ensure_ascii=False), flush=True)


def log(msg: str) -> None:
    print(f"# {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Machine, commit, schema head
# ---------------------------------------------------------------------------


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"cores": os.cpu_count(), "memory_gib": round(mem_kb / 1024 / 1024, 1), "cpu": cpu,
            "python": platform.python_version(), "kernel": platform.release(),
            "load_before": [round(x, 2) for x in os.getloadavg()]}


def commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                         check=False)
    sha = out.stdout.strip() or "unknown"
    # Results of earlier runs are outputs, not changes to what is measured.
    dirty = subprocess.run(["git", "status", "--porcelain", "--", ".", ":!bench/results"], cwd=ROOT,
                           capture_output=True, text=True, check=False).stdout.strip()
    return sha + ("-dirty" if dirty else "")


def schema_head() -> str:
    sys.path.insert(0, str(ROOT))
    from alembic.script import ScriptDirectory

    from caseflow.cli import alembic_config

    return "-".join(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------
# Generated databases, cached
# ---------------------------------------------------------------------------


def app_env(url: str, instance: Path) -> dict:
    env = dict(os.environ)
    env.update(CASEFLOW_DATABASE_URL=url, CASEFLOW_INSTANCE_DIR=str(instance), CASEFLOW_ENV="production",
               CASEFLOW_SECRET_KEY=SECRET, CASEFLOW_AUDIT_KEY=AUDIT_KEY, CASEFLOW_PUBLIC_URL="https://bench.invalid",
               PYTHONPATH=str(ROOT))
    return env


def flask(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "caseflow", *args], cwd=ROOT, env=env, check=True)


def generate(env: dict, cases: int, seed: int, until: dt.date) -> None:
    """Generate the benchmark's data: the generator refuses production mode (its accounts share a published
    password), so it runs in development mode; the server measured afterwards runs in production mode."""
    flask(dict(env, CASEFLOW_ENV="development"), "generate", "--cases", str(cases), "--seed", str(seed),
          "--until", until.isoformat(), "--quiet")


def data_key(cases: int, seed: int, until: dt.date) -> str:
    """What determines the generated data besides the schema: size, seed, data date, generator and rollup layout."""
    from caseflow.devtools.generate import GENERATOR_VERSION
    from caseflow.stats.models import LAYOUT

    return f"{cases}_{seed}_{until:%Y%m%d}_g{GENERATOR_VERSION}s{LAYOUT}"


def sqlite_db(cases: int, seed: int, until: dt.date, head: str) -> Path:
    """The cached generated SQLite database for (cases, seed, schema head, …); generated when missing.

    A copy generated at an older schema head (same data key) is brought forward by the migrations instead of
    generating again: migrations are how existing data meets a new schema anyway.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    key = data_key(cases, seed, until)
    path = CACHE / f"sqlite-{key}-{head}.db"
    if path.exists():
        return path
    older = sorted(CACHE.glob(f"sqlite-{key}-*.db"), key=lambda p: p.stat().st_mtime)
    if older:
        log(f"migrating {older[-1].name} to schema {head}")
        tmp = path.with_suffix(".db.tmp")
        shutil.copyfile(older[-1], tmp)
        flask(app_env(f"sqlite:///{tmp}", CACHE), "migrate")
        _settle(tmp)
        tmp.rename(path)
        older[-1].unlink()
        emit({"name": "cache_migrated", "db": "sqlite", "cases": cases, "from": older[-1].name, "to": path.name})
        return path
    tmp = path.with_suffix(".db.tmp")
    for p in CACHE.glob(tmp.name + "*"):
        p.unlink()
    env = app_env(f"sqlite:///{tmp}", CACHE)
    log(f"generating {cases:,} cases into {path.name} (cached for later runs)")
    started = time.monotonic()
    flask(env, "migrate")
    generate(env, cases, seed, until)
    emit({"name": "generate_seconds", "db": "sqlite", "cases": cases, "seconds": round(time.monotonic() - started, 1)})
    _settle(tmp)
    tmp.rename(path)
    return path


def _settle(db: Path) -> None:
    """Fold the write-ahead log into the file (it would not follow a rename) and refresh the planner's
    statistics."""
    import sqlite3

    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("ANALYZE")
    con.commit()
    con.close()


SETTLED = "caseflow-bench: vacuumed and analyzed"


class BenchCluster(PgCluster):
    """The test suite's cluster kept under instance/bench/, so that its generated databases survive between runs."""

    def __init__(self, directory: Path):
        super().__init__(directory, options=PgCluster.OPTIONS + " -c shared_buffers=2GB -c work_mem=64MB "
                         "-c effective_cache_size=8GB -c max_wal_size=8GB")

    def exists(self, name: str) -> bool:
        return bool(self.sql("SELECT 1 FROM pg_database WHERE datname = %s", params=(name,)))

    def databases(self, like: str) -> list[str]:
        return [r[0] for r in self.sql("SELECT datname FROM pg_database WHERE datname LIKE %s "
                                       "AND datname NOT LIKE %s ORDER BY oid", params=(like, "%\\_tmp"))]


def settle(cluster: PgCluster, name: str) -> None:
    """Make a generated or migrated database look like one that autovacuum keeps: every page all-visible (so
    counts use index-only scans) and fresh planner statistics; marked so that it is done once.

    The cluster runs with synchronous_commit=off, and a tuple's "committed" hint bit may not be set before
    the WAL of its transaction's commit is flushed; the check goes by the newest commit of the transaction's
    group of 32 xids, which a plain VACUUM ANALYZE keeps unflushed with its own ANALYZE commits. VACUUM then
    leaves every page holding the last generated transactions not all-visible (half of the cases and
    events, all of stats_durations). Here a checkpoint flushes the WAL first, and each ANALYZE commits
    synchronously.
    """
    if cluster.sql("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                   params=(name,)) == [(SETTLED,)]:
        return
    import psycopg

    started = time.monotonic()
    with psycopg.connect(host=str(cluster.sock), user="postgres", dbname=name, autocommit=True) as conn:
        conn.execute("SET synchronous_commit = on")
        conn.execute("CHECKPOINT")  # flushes the WAL (and writes the pages: the copies start from them anyway)
        conn.execute("VACUUM (ANALYZE)")
        pages, visible = conn.execute(
            "SELECT sum(relpages), sum(relallvisible) FROM pg_class WHERE relkind = 'r' "
            "AND relnamespace = 'public'::regnamespace").fetchone()
    cluster.sql(f"COMMENT ON DATABASE \"{name}\" IS '{SETTLED}'")
    log(f"{name}: vacuumed and analyzed in {time.monotonic() - started:.1f} s; "
        f"{visible:,} of {pages:,} pages all-visible")


def pg_db(cluster: BenchCluster, cases: int, seed: int, until: dt.date, head: str) -> str:
    key = data_key(cases, seed, until)
    name = f"gen_{key}_{head}"
    if cluster.exists(name):
        settle(cluster, name)  # a database cached before settle() existed
        return cluster.url(name)
    older = cluster.databases(f"gen_{key}_%")
    if older:
        log(f"migrating {older[-1]} to schema {head}")
        flask(app_env(cluster.url(older[-1]), CACHE), "migrate")
        cluster.sql(f'COMMENT ON DATABASE "{older[-1]}" IS NULL')  # the migration may have rewritten rows
        settle(cluster, older[-1])
        cluster.sql(f'ALTER DATABASE "{older[-1]}" RENAME TO "{name}"')
        emit({"name": "cache_migrated", "db": "postgresql", "cases": cases, "from": older[-1], "to": name})
        return cluster.url(name)
    work = name + "_tmp"
    cluster.sql(f'DROP DATABASE IF EXISTS "{work}"')
    cluster.sql(f'CREATE DATABASE "{work}"')
    env = app_env(cluster.url(work), CACHE)
    log(f"generating {cases:,} cases into PostgreSQL database {name} (cached for later runs)")
    started = time.monotonic()
    flask(env, "migrate")
    generate(env, cases, seed, until)
    emit({"name": "generate_seconds", "db": "postgresql", "cases": cases,
          "seconds": round(time.monotonic() - started, 1)})
    settle(cluster, work)
    cluster.sql(f'ALTER DATABASE "{work}" RENAME TO "{name}"')
    return cluster.url(name)


# ---------------------------------------------------------------------------
# Servers and clients
# ---------------------------------------------------------------------------


@contextmanager
def gunicorn(app: str, env: dict, workers: int):
    port = free_port()
    proc = subprocess.Popen([str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", "--timeout", "120", app],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(proc.stderr.read().decode()[-2000:]) from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def request(base: str, method: str, path: str, *, body: dict | None = None, headers: dict | None = None):
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    data = urllib.parse.urlencode(body).encode() if body is not None and method == "POST" else None
    hdrs = dict(headers or {})
    if data is not None:
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=data, headers=hdrs)
    resp = conn.getresponse()
    payload = resp.read()
    conn.close()
    return resp.status, resp.getheaders(), payload


def login(base: str, username: str) -> str:
    """Log in through the form (CSRF included); return the Cookie header value."""
    status, headers, page = request(base, "GET", "/login")
    cookies = _cookies(headers)
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
    status, headers, _ = request(base, "POST", "/login", body={"csrf_token": token, "username": username,
                                                              "password": PASSWORD},
                                 headers={"Cookie": _cookie_header(cookies)})
    if status != 303:
        raise RuntimeError(f"login as {username} failed: {status}")
    cookies.update(_cookies(headers))
    return _cookie_header(cookies)


def api_token(base: str, username: str) -> str:
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    conn.request("POST", "/api/v1/auth/token", body=json.dumps({"username": username, "password": PASSWORD}),
                 headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    body = json.loads(resp.read())
    conn.close()
    return body["token"]


def _cookies(headers) -> dict:
    out = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            k, _, v = value.split(";", 1)[0].partition("=")
            out[k.strip()] = v.strip()
    return out


def _cookie_header(cookies: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def wrk(url: str, *, seconds: int, connections: int, headers: dict | None = None) -> tuple[float, float]:
    """Run wrk; return (requests/s, share of the responses that were 2xx/3xx)."""
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s"]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, (1 - int(bad.group(1)) / total) if bad and total else 1.0


# ---------------------------------------------------------------------------
# The figures
# ---------------------------------------------------------------------------


def bench_pdf(runs: int) -> None:
    out = subprocess.run([PY, str(ROOT / "bench" / "bench_pdf.py"), "--runs", str(runs)], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            record.setdefault("target", "≤ 150 ms median")
            emit(record)


CASE_SQL = ("SELECT c.id FROM cases c JOIN units u ON u.id = c.unit_id WHERE u.code = '500103' "
            "AND c.procedure = 'adjudication' AND c.audit_count >= 10 ORDER BY c.id DESC LIMIT 1")


#: Every request renders its page (there is no cache of rendered pages); issue #18's goal for both databases.
PAGE_TARGETS = {"case_page": "≥ 0.10 of hello", "queue_page": "≥ 0.10 of hello"}


def bench_throughput(url: str, db_name: str, cases: int, runs: int, seconds: int, connections: int) -> None:
    """hello vs the case page vs the queue page, interleaved, in one run (the case page logs every view)."""
    workers = os.cpu_count() or 2
    work = Path(tempfile.mkdtemp(prefix="caseflow-bench-"))
    try:
        env = app_env(url, work)
        import sqlalchemy as sa

        engine = sa.create_engine(url)
        with engine.connect() as conn:
            case_id = conn.exec_driver_sql(CASE_SQL).scalar()
        engine.dispose()
        with gunicorn("bench.floor:app", env, workers) as app_url, \
                gunicorn("bench.hello:app", env, workers) as hello_url:
            cookie = login(app_url, "gen-500103-s1")
            targets = {"hello": (hello_url + "/", {}),
                       "signed_in_empty": (f"{app_url}/_bench/signed-in", {"Cookie": cookie}),
                       "case_page": (f"{app_url}/cases/{case_id}", {"Cookie": cookie}),
                       "queue_page": (f"{app_url}/cases/?queue=all", {"Cookie": cookie})}
            for name, (target, headers) in targets.items():
                u = urllib.parse.urlsplit(target)
                status, _, _ = request(f"{u.scheme}://{u.netloc}", "GET", u.path + (f"?{u.query}" if u.query else ""),
                                       headers=headers)
                if status != 200:
                    raise RuntimeError(f"{name} answered {status}")
                wrk(target, seconds=3, connections=connections, headers=headers)  # warm-up
            samples: dict[str, list[float]] = {k: [] for k in targets}
            ok: dict[str, list[float]] = {k: [] for k in targets}
            for _ in range(runs):
                for name, (target, headers) in targets.items():
                    rps, share = wrk(target, seconds=seconds, connections=connections, headers=headers)
                    samples[name].append(rps)
                    ok[name].append(share)
        # Only successful answers count: an error page (e.g. 409 "database is locked") is not throughput.
        med = {k: statistics.median(r * o for r, o in zip(samples[k], ok[k], strict=True)) for k in samples}
        for name in targets:
            record = {"name": "throughput_rps", "endpoint": name, "cases": cases, "db": db_name,
                      "median": round(med[name], 1), "runs": [round(x, 1) for x in samples[name]],
                      "ok_share": [round(x, 3) for x in ok[name]], "workers": workers, "connections": connections,
                      "seconds": seconds, "client": "wrk"}
            if name != "hello":
                record["ratio_to_hello"] = round(med[name] / med["hello"], 3)
            if name in PAGE_TARGETS:
                record["target"] = PAGE_TARGETS[name]
            emit(record)
    finally:
        shutil.rmtree(work, ignore_errors=True)


STATS_URLS = [
    ("overview", "/stats/"), ("monthly", "/stats/monthly"), ("limits", "/stats/limits"),
    ("mediation", "/stats/mediation"), ("duration", "/stats/duration"), ("open", "/stats/open"),
    ("deadlines", "/stats/deadlines"), ("workload", "/stats/workload"), ("referrals", "/stats/referrals"),
    ("ratings", "/stats/ratings"),
]
VARIANTS = [
    ("city, last 12 months", "gen-500000-s1", ""),
    ("city, all years", "gen-500000-s1", "?from=2020-01"),
    ("district 500103, last 12 months", "gen-500103-s1", ""),
    ("city, officer + IP type", "gen-500000-s1", "?officer=gen-500103-o1&ip_type=invention&from=2020-01"),
]


UPLOAD_BYTES = 5 * 1024 * 1024


def _rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/status") as f:
            total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return total


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False).stdout  # 1: none
    return [int(x) for x in out.split()]


def bench_upload(runs: int) -> None:
    """Online filing with a 5 MB evidence file (API multipart, real HTTP) against the disk's own write + fsync of
    the same bytes in the same directory, interleaved; and the workers' memory before and after."""
    from caseflow.demo import DEMO_PASSWORD

    work = Path(tempfile.mkdtemp(prefix="caseflow-bench-upload-"))
    try:
        db = work / "upload.db"
        env = app_env(f"sqlite:///{db}", work)
        flask(env, "migrate")
        # Production refuses demo data: the demo accounts are loaded as a developer would, then served as deployed.
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", "caseflow", "seed-demo"], cwd=ROOT,
                       env={**env, "CASEFLOW_ENV": "development"}, check=True, capture_output=True)
        import sqlite3

        con = sqlite3.connect(db)
        case_id = con.execute("SELECT c.id FROM cases c JOIN users u ON u.id = c.created_by_id WHERE "
                              "u.username = 'applicant' AND c.closed_at IS NULL ORDER BY c.id LIMIT 1").fetchone()[0]
        con.close()
        rng = random.Random(1)
        with gunicorn("wsgi:app", env, os.cpu_count() or 2) as base:
            u = urllib.parse.urlsplit(base)
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
            conn.request("POST", "/api/v1/auth/token", headers={"Content-Type": "application/json"},
                         body=json.dumps({"username": "applicant", "password": DEMO_PASSWORD}))
            token = json.loads(conn.getresponse().read())["token"]
            conn.close()
            master = int(subprocess.run(["pgrep", "-f", f"gunicorn.*127.0.0.1:{u.port}"], capture_output=True,
                                        text=True, check=True).stdout.split()[0])
            workers = _children(master)

            def upload(payload: bytes) -> float:
                boundary = "caseflowbench" + secrets.token_hex(8)
                head = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                               for k, v in (("title", "基准测试证据"), ("kind", "documentary"))).encode()
                head += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="evidence.txt"\r\n'
                         "Content-Type: text/plain\r\n\r\n").encode()
                body = head + payload + f"\r\n--{boundary}--\r\n".encode()
                c = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
                started = time.perf_counter()
                c.request("POST", f"/api/v1/cases/{case_id}/evidence", body=body,
                          headers={"Authorization": f"Bearer {token}",
                                   "Content-Type": f"multipart/form-data; boundary={boundary}"})
                resp = c.getresponse()
                resp.read()
                took = time.perf_counter() - started
                c.close()
                if resp.status != 201:
                    raise RuntimeError(f"upload answered {resp.status}")
                return took

            def disk(payload: bytes) -> float:
                path = work / f"disk-{secrets.token_hex(4)}.bin"
                started = time.perf_counter()
                with open(path, "wb") as f:
                    f.write(payload)
                    f.flush()
                    os.fsync(f.fileno())
                took = time.perf_counter() - started
                path.unlink()
                return took

            def payload() -> bytes:  # plain text lines (an allowed type), different every time
                return base64.encodebytes(rng.randbytes(UPLOAD_BYTES))[:UPLOAD_BYTES]

            for _ in range(10 * len(workers)):  # warm-up: every worker has taken several (allocator pools settle)
                upload(payload())
            rss_before = _rss_kib(workers)
            up, dk = [], []
            for _ in range(runs):
                data = payload()
                dk.append(disk(data))
                up.append(upload(data + b"x"))  # a different file each time: storage is content-addressed
            rss_after = _rss_kib(workers)
        mb = UPLOAD_BYTES / 1e6
        up_rate, disk_rate = mb / statistics.median(up), mb / statistics.median(dk)
        emit({"name": "upload_mb_per_s", "db": "sqlite", "bytes": UPLOAD_BYTES, "runs": runs,
              "upload_median_ms": round(statistics.median(up) * 1000, 1),
              "disk_median_ms": round(statistics.median(dk) * 1000, 1), "upload": round(up_rate, 1),
              "disk": round(disk_rate, 1), "ratio_to_disk": round(up_rate / disk_rate, 3),
              "workers_rss_growth_kib": rss_after - rss_before, "target": "≥ 0.50 of disk write+fsync"})
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench_stats(url: str, env_db: str, cases: int, runs: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="caseflow-bench-"))
    try:
        env = app_env(url, work)
        with gunicorn("wsgi:app", env, os.cpu_count() or 2) as base:
            cookies, tokens = {}, {}
            for _, user, _ in VARIANTS:
                if user not in cookies:
                    cookies[user], tokens[user] = login(base, user), api_token(base, user)
            for label, user, query in VARIANTS:
                pages = [(n, p + query) for n, p in STATS_URLS]
                pages.append(("summary_api", "/api/v1/stats/summary" + query))
                pages.append(("export_csv", "/stats/monthly/by_month.csv" + query))
                for name, path in pages:
                    headers = ({"Authorization": f"Bearer {tokens[user]}"} if name == "summary_api"
                               else {"Cookie": cookies[user]})
                    timings = []
                    for i in range(runs + 2):
                        started = time.perf_counter()
                        status, _, body = request(base, "GET", path, headers=headers)
                        elapsed = (time.perf_counter() - started) * 1000
                        if status != 200:
                            raise RuntimeError(f"{path} answered {status}: {body[:300]!r}")
                        if i >= 2:  # two warm-up requests
                            timings.append(elapsed)
                    timings.sort()
                    emit({"name": "stats_page_ms", "page": name, "variant": label, "db": env_db, "cases": cases,
                          "median": round(statistics.median(timings), 1),
                          "p90": round(timings[int(0.9 * (len(timings) - 1))], 1), "runs": runs,
                          "target": "≤ 250 ms"})
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------------
# Results and README
# ---------------------------------------------------------------------------


def write_results(info: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{dt.datetime.now().astimezone().date():%Y-%m-%d}-{info['commit']}.json"
    path.write_text(json.dumps({**info, "results": RESULTS_LINES}, ensure_ascii=False, indent=1) + "\n",
                    encoding="utf-8")
    return path


def readme_section(info: dict, path: Path) -> str:
    lines = ["## Benchmarks", "",
             (f"Latest `make bench` ({info['date']}, commit `{info['commit']}`; {info['machine']['cores']} cores, "
              f"{info['machine']['memory_gib']} GiB, {info['machine']['cpu']}; load before the run "
              f"{info['machine']['load_before']}). Raw figures: `{path.relative_to(ROOT)}`."), ""]
    if info.get("skipped"):
        lines += [(f"Not measured in this run: {', '.join(info['skipped'])}; their latest figures are in the newest "
                   "file of `bench/results/` that has them."), ""]
    pdf = [r for r in RESULTS_LINES if r["name"].endswith("render_ms")]
    if pdf:
        lines += ["| notice PDF | median ms | p90 ms | target |", "|---|---|---|---|"]
        lines += [f"| {r.get('kind', r['name'])} | {r.get('median')} | {r.get('p90')} | ≤ 150 ms |" for r in pdf]
        lines.append("")
    up = [r for r in RESULTS_LINES if r["name"] == "upload_mb_per_s"]
    if up:
        lines += [("Online filing of a 5 MB evidence file (API multipart over HTTP, gunicorn; medians of "
                   f"{up[0]['runs']} uploads interleaved with writing + fsyncing the same bytes in the same "
                   "directory):"),
                  "",
                  ("| upload ms | disk write+fsync ms | upload MB/s | disk MB/s | ratio | workers' RSS growth "
                   "| target |"),
                  "|---|---|---|---|---|---|---|"]
        lines += [f"| {r['upload_median_ms']} | {r['disk_median_ms']} | {r['upload']} | {r['disk']} | "
                  f"{r['ratio_to_disk']} | {r['workers_rss_growth_kib']} KiB | ≥ 0.50 of disk |" for r in up]
        lines.append("")
    tp = [r for r in RESULTS_LINES if r["name"] == "throughput_rps"]
    if tp:
        lines += [(f"Throughput at {tp[0]['cases']:,} cases (gunicorn, {tp[0]['workers']} workers; wrk, "
                   f"{tp[0]['connections']} connections, {tp[0]['seconds']} s × {len(tp[0]['runs'])} runs interleaved, "
                   "medians of successful responses per second):"), "",
                  "| database | endpoint | 2xx/s | share 2xx | ratio to hello | target |", "|---|---|---|---|---|---|"]
        lines += [f"| {r['db']} | {r['endpoint']} | {r['median']} | {min(r['ok_share'])}–{max(r['ok_share'])} | "
                  f"{r.get('ratio_to_hello', '1')} | {r.get('target', r.get('note', ''))} |" for r in tp]
        lines.append("")
    st = [r for r in RESULTS_LINES if r["name"] == "stats_page_ms"]
    if st:
        dbs = sorted({r["db"] for r in st})
        lines += [(f"Statistics pages at {st[0]['cases']:,} cases (median ms over {st[0]['runs']} sequential requests "
                   "after warm-up; target ≤ 250 ms):"), ""]
        for variant in dict.fromkeys(r["variant"] for r in st):
            rows = [r for r in st if r["variant"] == variant]
            lines += [f"*{variant}*", "", "| page | " + " | ".join(dbs) + " |", "|---|" + "---|" * len(dbs)]
            for page in dict.fromkeys(r["page"] for r in rows):
                cells = [next((f"{r['median']}" for r in rows if r["page"] == page and r["db"] == d), "—") for d in dbs]
                lines.append(f"| {page} | " + " | ".join(cells) + " |")
            lines.append("")
    lines += load.readme_lines(RESULTS_LINES)
    gen = [r for r in RESULTS_LINES if r["name"] == "generate_seconds"]
    if gen:
        lines += ["Data generation (when the cache was empty): " + "; ".join(
            f"{r['cases']:,} cases on {r['db']} in {r['seconds']} s" for r in gen) + ".", ""]
    lines += [("Run it with `make bench` (options: `.venv/bin/python bench/run.py --help`). Generated databases are "
               "cached under `instance/bench/`."), ""]
    return "\n".join(lines)


def update_readme(section: str) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start = text.find("## Benchmarks")
    text = (text[:start].rstrip() if start >= 0 else text.rstrip()) + "\n\n" + section
    readme.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CaseFlow benchmarks (docs/architecture.md, Quality targets)")
    parser.add_argument("--stats-cases", type=int, default=1_000_000)
    parser.add_argument("--page-cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5, help="wrk runs per endpoint / timed requests ÷ 3 per page")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--skip-pdf", action="store_true")
    parser.add_argument("--skip-upload", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-stats", action="store_true")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--skip-load", action="store_true", help="skip the office-day load benchmark (Locust)")
    parser.add_argument("--load-users", default="10,20,40,80,160,320,640",
                        help="simulated users per office-day stage")
    parser.add_argument("--load-seconds", type=int, default=60, help="measured seconds per office-day stage")
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)

    head = schema_head()
    until = dt.datetime.now().astimezone().date().replace(day=1)  # one data date per month keeps the cache useful
    info = {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "commit": commit(),
            "machine": machine(), "schema_head": head, "data_until": until.isoformat()}
    log(f"commit {info['commit']}, {info['machine']['cores']} cores, load {info['machine']['load_before']}")
    info["skipped"] = [label for label, skip in (("notice PDFs", args.skip_pdf), ("evidence upload", args.skip_upload),
                                                 ("page throughput", args.skip_throughput),
                                                 ("statistics pages", args.skip_stats), ("PostgreSQL", args.skip_pg),
                                                 ("office day", args.skip_load)) if skip]
    if not args.skip_pdf:
        bench_pdf(20)
    if not args.skip_upload:
        bench_upload(10)
    if not args.skip_throughput:
        db = sqlite_db(args.page_cases, args.seed, until, head)
        work = Path(tempfile.mkdtemp(prefix="caseflow-bench-"))
        try:
            copy = work / "pages.db"
            shutil.copyfile(db, copy)  # the case page logs each view: measure on a copy, keep the cache pristine
            bench_throughput(f"sqlite:///{copy}", "sqlite", args.page_cases, args.runs, args.duration,
                             args.connections)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if not args.skip_stats:
        db = sqlite_db(args.stats_cases, args.seed, until, head)
        bench_stats(f"sqlite:///{db}", "sqlite", args.stats_cases, args.runs * 3)
    if not args.skip_pg and not (args.skip_stats and args.skip_throughput and args.skip_load):
        cluster = BenchCluster(CACHE / "pg").start()
        try:
            if not args.skip_throughput:
                url = pg_db(cluster, args.page_cases, args.seed, until, head)
                name = urllib.parse.urlsplit(url).path.lstrip("/")
                cluster.sql('DROP DATABASE IF EXISTS "pages_copy"')
                cluster.sql(f'CREATE DATABASE "pages_copy" TEMPLATE "{name}"')  # views are logged: use a copy
                bench_throughput(cluster.url("pages_copy"), "postgresql", args.page_cases, args.runs, args.duration,
                                 args.connections)
                cluster.sql('DROP DATABASE "pages_copy"')
            if not args.skip_load:
                url = pg_db(cluster, args.page_cases, args.seed, until, head)
                name = urllib.parse.urlsplit(url).path.lstrip("/")
                work = Path(tempfile.mkdtemp(prefix="caseflow-bench-"))

                def fresh_day() -> str:  # the day writes: each stage gets its own copy
                    cluster.sql('DROP DATABASE IF EXISTS "office_day"')
                    cluster.sql(f'CREATE DATABASE "office_day" TEMPLATE "{name}"')
                    # The copy's pages written out now, not by the kernel during the stage (the cluster runs
                    # without fsync).
                    cluster.sql("CHECKPOINT")
                    os.sync()
                    return cluster.url("office_day")

                try:
                    load.office_day(fresh_day, lambda day: app_env(day, work), emit,
                                    steps=[int(n) for n in args.load_users.split(",")], seconds=args.load_seconds,
                                    log=log)
                finally:
                    shutil.rmtree(work, ignore_errors=True)
                    cluster.sql('DROP DATABASE "office_day"')
            if not args.skip_stats:
                url = pg_db(cluster, args.stats_cases, args.seed, until, head)
                bench_stats(url, "postgresql", args.stats_cases, args.runs * 3)
        finally:
            cluster.stop()
    info["machine"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    path = write_results(info)
    log(f"results written to {path.relative_to(ROOT)}")
    if not args.no_readme:
        update_readme(readme_section(info, path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
