"""Where a page's time goes: render the case page and the queue page N times in process (Flask's test client,
production settings, a generated database from bench/run.py's cache) under cProfile, and report the statements
sent, the time per request and the functions with the most time.

Usage: .venv/bin/python bench/profile_pages.py DATABASE_URL [--n 200] [--page case|queue|both] [--top 40]
       [--sort tottime|cumtime] [--user gen-500103-s1] [--dump PREFIX] [--explain]

``--explain`` (PostgreSQL) prints EXPLAIN (ANALYZE, BUFFERS) of each query of one request, run again with its
parameters in a transaction that is rolled back.

Besides the profile, the phases of a request are timed without the profiler (inclusive wall time per request, so
nested phases add up to more than the whole): loading the signed-in user, the policy's checks, loading the case,
building the page's data (and each card), rendering the template, constructing WTForms forms, writing the access
log and committing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CASE_SQL = ("SELECT c.id FROM cases c JOIN units u ON u.id = c.unit_id WHERE u.code = '500103' "
            "AND c.procedure = 'adjudication' AND c.audit_count >= 10 ORDER BY c.id DESC LIMIT 1")
PASSWORD = "generated-pass-2026"

#: (label, module, attribute): the phases timed around each request; inclusive times.
PHASES = [
    ("sign-in session + user", "caseflow.accounts.sessions", "session_for_secret"),
    ("policy.unit_scope", "caseflow.policy", "unit_scope"),
    ("policy.case_roles", "caseflow.policy", "case_roles"),
    ("load_case", "caseflow.cases.queries", "load_case"),
    ("list_cases", "caseflow.cases.queries", "list_cases"),
    ("queue_rows", "caseflow.cases.queries", "queue_rows"),
    ("case_page (all cards)", "caseflow.cases.page", "case_page"),
    ("  pending_approval", "caseflow.cases.page", "pending_approval"),
    ("  actions_of", "caseflow.cases.page", "actions_of"),
    ("  events_of", "caseflow.cases.page", "events_of"),
    ("  deadlines card", "caseflow.deadlines.reading", "case_deadlines"),
    ("  hearings card", "caseflow.hearings.services", "case_card"),
    ("  evidence rows", "caseflow.evidence.services", "list_evidence"),
    ("  evidence card", "caseflow.evidence.services", "case_card"),
    ("  documents card", "caseflow.notices.reading", "case_card"),
    ("  referral panel", "caseflow.referral.services", "panel_of"),
    ("queue_page (urgency)", "caseflow.cases.page", "queue_page"),
    ("render_template", "caseflow.cases.views", "render_template"),
    ("WTForms construction", "wtforms.form", "FormMeta.__call__"),
    ("access log write", "caseflow.cases.accesslog", "record_view"),
    ("commit", "caseflow.core.db", "Database.commit"),
]


def time_phases(totals: dict[str, float]) -> None:
    """Wrap each phase's function to add its wall time to ``totals``."""
    import functools
    import importlib

    for label, module, attr in PHASES:
        owner = importlib.import_module(module)
        name = attr
        if "." in attr:
            cls, name = attr.split(".")
            owner = getattr(owner, cls)
        fn = getattr(owner, name, None)
        if fn is None:
            continue

        def wrapped(*a, __fn=fn, __label=label, **kw):
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return __fn(*a, **kw)
            finally:
                totals[__label] = totals.get(__label, 0.0) + time.perf_counter() - started
                totals[__label + " cpu"] = totals.get(__label + " cpu", 0.0) + time.process_time() - cpu

        setattr(owner, name, functools.wraps(fn)(wrapped))


PACKAGES = [("sqlalchemy", "/sqlalchemy/"), ("jinja2/markupsafe", "/jinja2/"), ("jinja2/markupsafe", "/markupsafe/"),
            ("jinja2/markupsafe", ".html"), ("wtforms", "/wtforms/"), ("wtforms", "/flask_wtf/"),
            ("flask/werkzeug", "/werkzeug/"), ("flask/werkzeug", "/flask/"), ("flask/werkzeug", "/flask_login/"),
            ("caseflow", "/caseflow/"), ("caseflow", "/workflows/")]


def by_package(stats: pstats.Stats, n: int) -> list[tuple[str, float]]:
    """Own (not cumulative) time per package, per request: where the time is spent, not who asked for it."""
    totals: dict[str, float] = {}
    for (filename, _line, func), (_cc, _nc, own, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if filename == "~":  # built-ins: the database driver's calls by name, the rest as built-ins
            package = "database driver" if "sqlite3" in func or "psycopg" in func else "built-ins"
        else:
            package = next((name for name, part in PACKAGES if part in filename),
                           "database driver" if "psycopg" in filename else "other")
        totals[package] = totals.get(package, 0.0) + own
    return sorted(((k, v / n * 1000) for k, v in totals.items()), key=lambda kv: -kv[1])


def watch_write_lock(app, totals: dict[str, float]) -> bool:
    """On SQLite, add to ``totals["write lock"]`` the time from each BEGIN IMMEDIATE to its COMMIT or ROLLBACK: how
    long a request keeps every other writer (page views that log, actions, logins) waiting."""
    from sqlalchemy import event

    from caseflow.core.db import db

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return False
    since: list[float] = []

    @event.listens_for(engine, "after_cursor_execute")
    def began(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("BEGIN IMMEDIATE"):
            since.append(time.perf_counter())

    def ended(session, *_):
        if since:
            totals["write lock"] = totals.get("write lock", 0.0) + time.perf_counter() - since.pop()

    from sqlalchemy.orm import Session

    event.listen(Session, "after_commit", ended)  # after the database's own commit (its fsync included)
    event.listen(Session, "after_rollback", ended)
    return True


def explain(app, client, url: str) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) each SELECT one request of ``url`` sends, with its own parameters, on a
    connection of its own in a transaction rolled back afterwards (PostgreSQL only)."""
    import psycopg
    from sqlalchemy import event

    from caseflow.core.db import db

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        print("## --explain: PostgreSQL only")
        return
    seen: list[tuple[str, object]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn:
        cur = psycopg.ClientCursor(conn)  # binds the parameters into the text, as EXPLAIN needs
        for i, (statement, params) in enumerate(seen, 1):
            sql = cur.mogrify(statement, params)  # type: ignore[arg-type]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                print(f"-- {i}. {' '.join(sql.split())[:160]} (not explained)")
                continue
            print(f"-- {i}. {' '.join(sql.split())[:300]}")
            for (line,) in cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql).fetchall():
                print("   " + line)
        conn.rollback()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--page", default="both", choices=["case", "queue", "both"])
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--user", default="gen-500103-s1")
    parser.add_argument("--dump", help="write the raw profile here (pstats)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS) each query (PostgreSQL)")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="caseflow-profile-")
    try:
        os.environ.update(CASEFLOW_DATABASE_URL=args.url, CASEFLOW_INSTANCE_DIR=work, CASEFLOW_ENV="production",
                          CASEFLOW_SECRET_KEY=secrets.token_hex(32), CASEFLOW_AUDIT_KEY=secrets.token_hex(32),
                          CASEFLOW_PUBLIC_URL="https://bench.invalid")
        import sqlalchemy as sa

        from caseflow import create_app
        from caseflow.core.db import db
        from tests.querycount import counting

        totals: dict[str, float] = {}
        time_phases(totals)
        app = create_app()
        lock = watch_write_lock(app, totals)
        with app.app_context():
            case_id = db.session.execute(sa.text(CASE_SQL)).scalar()
            db.session.remove()
        client = app.test_client()
        page = client.get("/login").data.decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        resp = client.post("/login", data={"csrf_token": token, "username": args.user, "password": PASSWORD})
        assert resp.status_code == 303, resp.status_code
        urls = {"case": f"/cases/{case_id}", "queue": "/cases/?queue=all"}
        chosen = list(urls) if args.page == "both" else [args.page]
        for name in chosen:
            url = urls[name]
            for _ in range(5):  # warm-up
                assert client.get(url).status_code == 200
            with app.app_context(), counting() as seen:
                client.get(url)
            print(f"## {name} {url}: {len(seen)} statements")
            print(seen.report())
            if args.explain:
                print(f"## {name}: plans")
                explain(app, client, url)
            totals.clear()
            started, cpu = time.perf_counter(), time.process_time()
            for _ in range(args.n):
                client.get(url)
            plain = (time.perf_counter() - started) / args.n * 1000
            plain_cpu = (time.process_time() - cpu) / args.n * 1000
            print(f"## {name}: phases, ms per request (inclusive; wall, then CPU: a busy machine inflates wall time, "
                  "waiting for the disk is wall time only)")
            for label, _module, _attr in PHASES:
                if label in totals:
                    wall, cpu_ms = (totals[label + k] / args.n * 1000 for k in ("", " cpu"))
                    print(f"  {label:28} {wall:7.2f} {cpu_ms:7.2f}")
            print(f"  {'whole request':28} {plain:7.2f} {plain_cpu:7.2f}")
            if lock:
                print(f"  {'SQLite write lock held':28} {totals.get('write lock', 0.0) / args.n * 1000:7.2f}")
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(args.n):
                client.get(url)
            prof.disable()
            print(f"## {name}: {plain:.2f} ms per request without the profiler ({args.n} requests), "
                  f"{plain_cpu:.2f} ms CPU")
            out = io.StringIO()
            stats = pstats.Stats(prof, stream=out)
            if args.dump:
                stats.dump_stats(f"{args.dump}.{name}")
            print(f"## {name}: own time by package (profiled ms per request)")
            for package, ms in by_package(stats, args.n):
                print(f"  {package:22} {ms:7.2f}")
            stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
            print(out.getvalue())
    finally:
        shutil.rmtree(work, ignore_errors=True)  # the instance directory, also after a failed run
    return 0


if __name__ == "__main__":
    sys.exit(main())
