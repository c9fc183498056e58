"""The throwaway PostgreSQL cluster cleans up after itself, also when it cannot start."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.pgcluster import PgCluster


def test_a_kept_cluster_that_fails_to_start_leaves_no_socket_directory():
    kept = Path(tempfile.mkdtemp(prefix="caseflow-pg-kept-"))  # not tmp_path: initdb runs as postgres under root
    try:
        cluster = PgCluster(kept, options="-c no_such_setting=1")  # the server refuses to start
        assert cluster.sock.exists()
        with pytest.raises(subprocess.CalledProcessError):
            cluster.start()
        assert not cluster.sock.exists()
        assert (cluster.data / "PG_VERSION").exists()  # the kept data directory stays for the next start
    finally:
        shutil.rmtree(kept, ignore_errors=True)


def test_a_throwaway_cluster_that_fails_to_start_leaves_no_directory():
    cluster = PgCluster(options="-c no_such_setting=1")
    with pytest.raises(subprocess.CalledProcessError):
        cluster.start()
    assert not cluster.dir.exists()
