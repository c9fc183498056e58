"""The office-day load benchmark: Locust (bench/office_day.py) against the production server set-up.

The application runs as deployed — gunicorn with deploy/gunicorn.conf.py (gthread workers, one per core) — on
PostgreSQL holding the generated data, in production mode. Locust runs headless in its own process at increasing
numbers of simulated users; each stage logs everyone in while ramping up, resets the statistics, then measures
for a fixed time. A stage reports requests per second, p50/p95/p99 latency and the errors (anything but a 2xx/3xx,
a deliberate 409 excepted); the answer sought is the most users served with p95 < 300 ms. When the doubling
steps straddle that line, one more stage halfway between them narrows it.

Locust and the server share this machine's cores: the figures are for both on one box, which is pessimistic.

bench/run.py calls `office_day` (skip with --skip-load); by hand:
    .venv/bin/python bench/run.py --skip-pdf --skip-upload --skip-throughput --skip-stats
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
P95_LIMIT_MS = 300
WARM_UP_SECONDS = 30
WARM_UP_USERS = 10


def accounts(url: str, path: Path) -> dict:
    """The generated accounts Locust signs in as, and each rights holder's party details for filing."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        staff = conn.execute(sa.text(
            "SELECT u.username, u.role, unit.code FROM users u JOIN units unit ON unit.id = u.unit_id "
            "WHERE u.username LIKE 'gen-%' AND NOT u.is_disabled ORDER BY u.username")).all()
        holders = conn.execute(sa.text(
            "SELECT username, display_name, id_number FROM users WHERE username LIKE 'gen-app-%' "
            "AND NOT is_disabled ORDER BY id")).all()
    engine.dispose()
    out = {"officer": [u for u, r, _ in staff if r == "officer"],
           "supervisor": [u for u, r, _ in staff if r == "supervisor"],
           "applicant": [u for u, _, _ in holders],
           "units": sorted({c for _, r, c in staff if r == "officer" and c != "500000"}),
           "claimants": {u: {"name": name, "id_type": "uscc", "id_number": number, "address": "重庆市渝中区",
                             "phone": "13800000000"} for u, name, number in holders}}
    path.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def production_server(env: dict):
    """gunicorn as deployed (deploy/gunicorn.conf.py), access log off."""
    port = _free_port()
    env = {**env, "CASEFLOW_BIND": f"127.0.0.1:{port}"}
    proc = subprocess.Popen([str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "--access-logfile", "/dev/null",
                             "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((proc.stderr.read() if proc.stderr else b"").decode()[-2000:]) from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def stage(base: str, users: int, seconds: int, accounts_file: Path, work: Path) -> dict:
    """One Locust run: ramp up to `users`, wait until all have signed in, then reset the statistics and measure for
    `seconds` (bench/office_day.py's `measure_after_sign_in`). A stage whose sign-ins did not all finish within
    three times the planned ramp is reported with ``sign_in_s`` None: the server did not serve that many users."""
    # Three users a second, each signing in twice (browser and API) at ~230 ms of CPU for password hashing.
    rate = 3
    ramp = users // rate + 5
    prefix = work / f"stage-{users}"
    mark = work / f"stage-{users}-signed-in.json"
    env = {**os.environ, "OFFICE_DAY_ACCOUNTS": str(accounts_file), "OFFICE_DAY_USERS": str(users),
           "OFFICE_DAY_SECONDS": str(seconds), "OFFICE_DAY_MARK": str(mark)}
    done = subprocess.run([str(BIN / "locust"), "-f", "bench/office_day.py", "--headless", "--host", base,
                           "-u", str(users), "-r", str(rate), "-t", f"{3 * ramp + seconds}s",
                           "--json-file", str(prefix), "--csv", str(prefix), "--only-summary",
                           "--loglevel", "WARNING", "--stop-timeout", "30"],
                          cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if not Path(f"{prefix}.json").exists():  # Locust itself failed (its exit code is 1 whenever a request failed)
        raise RuntimeError(f"Locust wrote no statistics: {done.stderr.decode()[-2000:]}")
    sign_in_s = json.loads(mark.read_text())["sign_in_s"] if mark.exists() else None
    entries = json.loads(Path(f"{prefix}.json").read_text(encoding="utf-8"))
    with open(f"{prefix}_failures.csv", newline="", encoding="utf-8") as f:
        failures = [{"name": r["Name"], "error": r["Error"][:200], "count": int(r["Occurrences"])}
                    for r in csv.DictReader(f)]
    # Signing in belongs to the ramp-up; any sign-in after the reset is reported apart, not in the day's work.
    work_entries = [e for e in entries if not e["name"].startswith("login")]
    merged: Counter[int] = Counter()
    for e in work_entries:
        merged.update({int(k): v for k, v in e["response_times"].items()})
    window = (max((e["last_request_timestamp"] or 0) for e in entries) - min(e["start_time"] for e in entries)
              if entries else seconds)
    return {"name": "office_day", "users": users, "seconds": round(window), "sign_in_s": sign_in_s,
            "rps": round(sum(e["num_requests"] for e in work_entries) / max(window, 1), 1),
            **_figures(merged, sum(e["num_requests"] for e in work_entries),
                       sum(e["num_failures"] for e in work_entries)),
            "endpoints": {e["name"]: _figures(Counter({int(k): v for k, v in e["response_times"].items()}),
                                              e["num_requests"], e["num_failures"])
                          for e in sorted(entries, key=lambda e: e["name"])},
            "failure_examples": failures[:5]}


def _figures(times: Counter[int], requests: int, failures: int) -> dict:
    """Request and failure counts and the p50/p95/p99 of a histogram of response times (ms → count)."""
    out: dict = {"requests": requests, "failures": failures}
    total = sum(times.values())
    for name, q in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99)):
        seen, value = 0, 0
        for ms in sorted(times):
            seen += times[ms]
            value = ms
            if seen >= q * total:
                break
        out[name] = value
    return out


def served(stage: dict) -> bool:
    """Everyone signed in within the stage's time and the day's p95 stayed under the limit."""
    return stage["sign_in_s"] is not None and stage["p95"] < P95_LIMIT_MS


def past_limit(results: list[dict]) -> list[int]:
    """The stages (users) not served above the largest stage served: a small stage's p95 rests on a few dozen
    requests, and one slow moment passes it without any load behind it."""
    within = max((r["users"] for r in results if served(r)), default=0)
    return [r["users"] for r in results if not served(r) and r["users"] > within]


def office_day(fresh_db: Callable[[], str], env_for: Callable[[str], dict], emit: Callable[[dict], None], *,
               steps: list[int], seconds: int, log: Callable[[str], None]) -> None:
    """Stages at `steps` users (stopping two stages after p95 passed the limit, see past_limit), then one stage to
    narrow it. Each stage starts from the same day: a fresh copy of the database (`fresh_db()` makes it and answers
    its URL) under a freshly started server. On one copy for all, each stage found fewer complaints waiting to be
    accepted than the one before, and so issued fewer notices (the day's slowest step): in one run their share of
    the requests fell stage by stage, 8.9, 7.1, 5.9, 5.0 %, then 3.8 % in the stage added to narrow the answer."""
    work = Path(tempfile.mkdtemp(prefix="caseflow-load-"))
    try:
        accounts_file = work / "accounts.json"
        accounts(fresh_db(), accounts_file)
        results: list[dict] = []

        def run(users: int) -> None:
            log(f"office day: {users} users")
            here = work / f"users-{users}"
            (here / "warm-up").mkdir(parents=True)
            with production_server({**env_for(fresh_db()), "CASEFLOW_INSTANCE_DIR": str(here)}) as base:
                # Unmeasured: a cold server's first pages (each thread's, the database's first reads) measured
                # p95 160-750 ms in nine runs against 80-120 ms at twice the users.
                stage(base, WARM_UP_USERS, WARM_UP_SECONDS, accounts_file, here / "warm-up")
                results.append(stage(base, users, seconds, accounts_file, here))
            emit(results[-1])

        for users in steps:
            run(users)
            if len(past_limit(results)) >= 2:
                break
        good = [r["users"] for r in results if served(r)]
        bad = past_limit(results)
        if good and bad and min(bad) > max(good) * 1.3:
            run((max(good) + min(bad)) // 2)
        emit({"name": "office_day_capacity",
              "users_with_p95_under_300ms": max((r["users"] for r in results if served(r)), default=0),
              "steps": sorted(r["users"] for r in results), "seconds_per_stage": seconds,
              "workers": int(os.environ.get("CASEFLOW_WORKERS", str(os.cpu_count() or 2))),
              "server": "gunicorn gthread", "db": "postgresql"})
    finally:
        shutil.rmtree(work, ignore_errors=True)


def readme_lines(records: list[dict]) -> list[str]:
    stages = sorted((r for r in records if r["name"] == "office_day"), key=lambda r: r["users"])
    cap = next((r for r in records if r["name"] == "office_day_capacity"), None)
    if not stages or cap is None:
        return []
    lines = [(f"A simulated office day (Locust, bench/office_day.py: officers reading queues and cases, accepting and "
              "answering complaints and issuing their notices, uploading evidence; rights holders following cases "
              "and filing complaints with evidence; supervisors reading statistics and signing off documents; "
              f"think times of 5–40 s) against gunicorn as deployed ({cap['workers']} gthread workers) and "
              f"PostgreSQL, {cap['seconds_per_stage']} s measured per stage once every user has signed in (three a "
              "second), each on a fresh copy of the database under a freshly started server warmed up by "
              f"{WARM_UP_USERS} users for {WARM_UP_SECONDS} s, Locust on the same machine. A stage counts as served "
              "when all its users signed in within three times the planned ramp and the day's p95 stayed under the "
              "limit. "
              f"**Most users served with p95 < {P95_LIMIT_MS} ms: {cap['users_with_p95_under_300ms']}.**"),
             "", ("| users | sign-in s | requests/s | p50 ms | p95 ms | p99 ms | errors | case page p95 | queue p95 | "
                  "issue notice p95 | file complaint p95 |"), "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in stages:
        ep = r["endpoints"]

        def p95(name: str, ep: dict = ep) -> str:
            return f"{ep[name]['p95']:.0f}" if name in ep else "—"

        sign_in = "did not finish" if r["sign_in_s"] is None else r["sign_in_s"]
        lines.append(f"| {r['users']} | {sign_in} | {r['rps']} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | "
                     f"{r['failures']} of {r['requests']} | {p95('case page')} | {p95('queue page')} | "
                     f"{p95('API issue notice')} | {p95('API file complaint')} |")
    return [*lines, ""]
