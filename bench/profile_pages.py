"""Where a page's time goes: render the case page and the queue page N times in process (Flask's test client,
production settings, a generated database from bench/run.py's cache) under cProfile, and report the statements
sent, the time per request and the functions with the most time.

Usage: .venv/bin/python bench/profile_pages.py DATABASE_URL [--n 200] [--page case|queue|both] [--top 40]
       [--sort tottime|cumtime] [--user gen-500103-s1]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CASE_SQL = ("SELECT c.id FROM cases c JOIN units u ON u.id = c.unit_id WHERE u.code = '500103' "
            "AND c.procedure = 'adjudication' AND c.audit_count >= 10 ORDER BY c.id DESC LIMIT 1")
PASSWORD = "generated-pass-2026"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--page", default="both", choices=["case", "queue", "both"])
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--user", default="gen-500103-s1")
    parser.add_argument("--dump", help="write the raw profile here (pstats)")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="caseflow-profile-")
    os.environ.update(CASEFLOW_DATABASE_URL=args.url, CASEFLOW_INSTANCE_DIR=work, CASEFLOW_ENV="production",
                      CASEFLOW_SECRET_KEY=secrets.token_hex(32), CASEFLOW_AUDIT_KEY=secrets.token_hex(32),
                      CASEFLOW_PUBLIC_URL="https://bench.invalid")
    import sqlalchemy as sa

    from caseflow import create_app
    from caseflow.core.db import db
    from tests.querycount import counting

    app = create_app()
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
        started = time.perf_counter()
        for _ in range(args.n):
            client.get(url)
        plain = (time.perf_counter() - started) / args.n * 1000
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(args.n):
            client.get(url)
        prof.disable()
        print(f"## {name}: {plain:.2f} ms per request without the profiler ({args.n} requests)")
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out)
        stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())
        if args.dump:
            stats.dump_stats(f"{args.dump}.{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
