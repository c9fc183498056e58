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
    """One Locust run: ramp up to `users` (signing them in), reset the statistics, measure for `seconds`."""
    # Three sign-ins a second: each costs ~160 ms of password hashing, and a faster ramp (up to 10/s before) left a
    # backlog of sign-ins queued into the measured window, so the day's figures measured the ramp instead.
    rate = 3
    ramp = users // rate + 5
    prefix = work / f"stage-{users}"
    env = {**os.environ, "OFFICE_DAY_ACCOUNTS": str(accounts_file)}
    done = subprocess.run([str(BIN / "locust"), "-f", "bench/office_day.py", "--headless", "--host", base,
                           "-u", str(users), "-r", str(rate), "-t", f"{ramp + seconds}s", "--reset-stats",
                           "--json-file", str(prefix), "--csv", str(prefix), "--only-summary",
                           "--loglevel", "WARNING", "--stop-timeout", "30"],
                          cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if not Path(f"{prefix}.json").exists():  # Locust itself failed (its exit code is 1 whenever a request failed)
        raise RuntimeError(f"Locust wrote no statistics: {done.stderr.decode()[-2000:]}")
    entries = json.loads(Path(f"{prefix}.json").read_text(encoding="utf-8"))
    with open(f"{prefix}_failures.csv", newline="", encoding="utf-8") as f:
        failures = [{"name": r["Name"], "error": r["Error"][:200], "count": int(r["Occurrences"])}
                    for r in csv.DictReader(f)]
    # Signing in belongs to the ramp-up; a user still signing in after it is reported apart, not in the day's work.
    work_entries = [e for e in entries if not e["name"].startswith("login")]
    merged: Counter[int] = Counter()
    for e in work_entries:
        merged.update({int(k): v for k, v in e["response_times"].items()})
    window = (max((e["last_request_timestamp"] or 0) for e in entries) - min(e["start_time"] for e in entries)
              if entries else seconds)
    return {"name": "office_day", "users": users, "seconds": round(window),
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


def past_limit(results: list[dict]) -> list[int]:
    """The stages (users) whose p95 passed the limit above the largest stage within it: a small stage's p95 rests
    on a few dozen requests, and one slow moment passes it without any load behind it."""
    within = max((r["users"] for r in results if r["p95"] < P95_LIMIT_MS), default=0)
    return [r["users"] for r in results if r["p95"] >= P95_LIMIT_MS and r["users"] > within]


def office_day(url: str, env: dict, emit: Callable[[dict], None], *, steps: list[int], seconds: int,
               log: Callable[[str], None]) -> None:
    """Stages at `steps` users (stopping two stages after p95 passed the limit, see past_limit), then one stage to
    narrow it."""
    work = Path(tempfile.mkdtemp(prefix="caseflow-load-"))
    try:
        accounts_file = work / "accounts.json"
        accounts(url, accounts_file)
        results: list[dict] = []
        with production_server({**env, "CASEFLOW_INSTANCE_DIR": str(work)}) as base:
            # Unmeasured: the first stage measured a cold server (each thread's first pages, the database's first
            # reads), its p95 160-750 ms in nine runs against 80-120 ms at twice the users.
            log(f"office day: warm-up, {steps[0]} users")
            (work / "warm-up").mkdir()
            stage(base, steps[0], WARM_UP_SECONDS, accounts_file, work / "warm-up")
            for users in steps:
                log(f"office day: {users} users")
                results.append(stage(base, users, seconds, accounts_file, work))
                emit(results[-1])
                if len(past_limit(results)) >= 2:
                    break
            good = [r["users"] for r in results if r["p95"] < P95_LIMIT_MS]
            bad = past_limit(results)
            if good and bad and min(bad) > max(good) * 1.3:
                middle = (max(good) + min(bad)) // 2
                log(f"office day: {middle} users")
                results.append(stage(base, middle, seconds, accounts_file, work))
                emit(results[-1])
        served = max((r["users"] for r in results if r["p95"] < P95_LIMIT_MS), default=0)
        emit({"name": "office_day_capacity", "users_with_p95_under_300ms": served,
              "steps": sorted(r["users"] for r in results), "seconds_per_stage": seconds,
              "workers": int(env.get("CASEFLOW_WORKERS", os.cpu_count() or 2)), "server": "gunicorn gthread",
              "db": "postgresql"})
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
              f"PostgreSQL, {cap['seconds_per_stage']} s measured per stage after the ramp-up (and the whole run after "
              f"an unmeasured {WARM_UP_SECONDS} s warm-up), Locust on the same machine. "
              f"**Most users served with p95 < {P95_LIMIT_MS} ms: {cap['users_with_p95_under_300ms']}.**"),
             "", ("| users | requests/s | p50 ms | p95 ms | p99 ms | errors | case page p95 | queue p95 | "
                  "issue notice p95 | file complaint p95 |"), "|---|---|---|---|---|---|---|---|---|---|"]
    for r in stages:
        ep = r["endpoints"]

        def p95(name: str, ep: dict = ep) -> str:
            return f"{ep[name]['p95']:.0f}" if name in ep else "—"

        lines.append(f"| {r['users']} | {r['rps']} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | "
                     f"{r['failures']} of {r['requests']} | {p95('case page')} | {p95('queue page')} | "
                     f"{p95('API issue notice')} | {p95('API file complaint')} |")
    return [*lines, ""]
