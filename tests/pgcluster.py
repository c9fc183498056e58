"""A throwaway PostgreSQL cluster in a temporary directory, listening only on a Unix socket there."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path


def _bindir() -> Path:
    out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
    candidates = [Path(out), *sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)]
    for path in candidates:
        if (path / "initdb").exists():
            return path
    raise RuntimeError("initdb not found: install postgresql (apt-get install postgresql)")


class PgCluster:
    """Start with start(), stop with stop(); initdb refuses root, so root runs it as `postgres`.

    By default everything lives in a fresh temporary directory removed at stop(). Given a ``directory``, the
    data directory is kept there and reused by the next start (the benchmarks cache generated databases so).
    """

    OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"

    def __init__(self, directory: Path | None = None, options: str | None = None) -> None:
        self.keep = directory is not None
        self.dir = directory or Path(tempfile.mkdtemp(prefix="caseflow-pg-"))
        self.data = self.dir / "data"
        # The socket lives in a short temporary path: Unix socket paths are limited to ~100 bytes.
        self.sock = Path(tempfile.mkdtemp(prefix="caseflow-pg-sock-")) if self.keep else self.dir
        self.options = self.OPTIONS if options is None else options
        self.bindir = _bindir()
        self.as_postgres = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            cmd = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{c}'" for c in cmd)]
        subprocess.run(cmd, check=True, capture_output=True, text=True)

    def start(self):
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            if self.as_postgres:
                pw = pwd.getpwnam("postgres")
                for path in {self.dir, self.sock}:
                    os.chown(path, pw.pw_uid, pw.pw_gid)
            if not (self.data / "PG_VERSION").exists():
                self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E",
                          "UTF8", "--locale=C")
            opts = f"-k {self.sock} -c listen_addresses= {self.options}"
            self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w", "start")
        except BaseException:  # a failed or interrupted start leaves no server and no temporary directory behind
            self.stop()
            raise
        return self

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@/{dbname}?host={self.sock}"

    def sql(self, statement: str, db: str = "postgres", params: tuple = ()) -> list[tuple]:
        """Run one statement outside a transaction (CREATE DATABASE needs that); return its rows, if any."""
        import psycopg

        with psycopg.connect(host=str(self.sock), user="postgres", dbname=db, autocommit=True) as conn:
            cur = conn.execute(statement, params)
            return cur.fetchall() if cur.description else []

    def create_database(self, name: str) -> str:
        self.sql(f'DROP DATABASE IF EXISTS "{name}"')
        self.sql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast" if self.keep else "immediate", "-w", "stop")
        shutil.rmtree(self.sock if self.keep else self.dir, ignore_errors=True)
