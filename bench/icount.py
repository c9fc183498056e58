"""Instructions per request of the case page or the queue page: a measure that does not move with how busy the
machine is, for comparing two versions of the code on a machine whose speed changes within the hour.

Usage: .venv/bin/python bench/icount.py DATABASE_URL [--page case|queue|both] [--n 40] [--user gen-500103-s1]

Two runs under ``valgrind --tool=callgrind`` (valgrind counts instructions, not seconds), each in a fresh process
signed in through the login form with production settings and 5 warm-up requests: one with N more requests and one
with none. The difference divided by N is one request's instructions, without start-up, imports and warm-up. On
SQLite both runs use a copy of the database (the case page logs each view); on PostgreSQL the views are logged to
the database given, so use a copy there too (bench/run.py makes one per run).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def inner(url: str, page: str, n: int, user: str) -> None:
    """The measured process: sign in, warm up, then ``n`` requests of the page."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import sqlalchemy as sa
    from profile_pages import CASE_SQL, PASSWORD

    from caseflow import create_app
    from caseflow.core.db import db

    app = create_app()
    with app.app_context():
        case_id = db.session.execute(sa.text(CASE_SQL)).scalar()
        db.session.remove()
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").data.decode()).group(1)
    assert client.post("/login", data={"csrf_token": token, "username": user,
                                       "password": PASSWORD}).status_code == 303
    path = {"case": f"/cases/{case_id}", "queue": "/cases/?queue=all"}[page]
    for _ in range(5 + n):
        assert client.get(path).status_code == 200


def count(url: str, page: str, n: int, user: str, work: Path) -> int:
    """Instructions of one whole run of the measured process with ``n`` requests after the warm-up."""
    if url.startswith("sqlite:///"):
        copy = work / f"copy-{page}-{n}.db"
        shutil.copyfile(url.removeprefix("sqlite:///"), copy)
        url = f"sqlite:///{copy}"
    out = work / f"callgrind-{page}-{n}.out"
    env = dict(os.environ, CASEFLOW_DATABASE_URL=url, CASEFLOW_INSTANCE_DIR=str(work), CASEFLOW_ENV="production",
               CASEFLOW_SECRET_KEY=secrets.token_hex(32), CASEFLOW_AUDIT_KEY=secrets.token_hex(32),
               CASEFLOW_PUBLIC_URL="https://bench.invalid", PYTHONHASHSEED="0")
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, __file__,
                    "--inner", url, "--page", page, "--n", str(n), "--user", user],
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    summary = re.search(r"^(?:summary|totals): (\d+)", out.read_text(), re.MULTILINE)
    assert summary, "no totals in the callgrind output"
    return int(summary.group(1))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--page", default="both", choices=["case", "queue", "both"])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--user", default="gen-500103-s1")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.url, args.page, args.n, args.user)
        return 0
    work = Path(tempfile.mkdtemp(prefix="caseflow-icount-"))
    try:
        for page in ["case", "queue"] if args.page == "both" else [args.page]:
            base = count(args.url, page, 0, args.user, work)
            more = count(args.url, page, args.n, args.user, work)
            print(f"{page}: {(more - base) / args.n / 1e6:.2f} M instructions per request "
                  f"({args.n} requests; runs of {base:,} and {more:,})", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
