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


def test_the_benchmark_settles_a_just_written_database_into_all_visible_pages(databases):
    """bench/run.py settles a generated database so that counts use index-only scans, as under autovacuum: rows
    committed asynchronously a moment earlier (the cluster runs with synchronous_commit=off) end on all-visible
    pages, and the planner has statistics."""
    if databases.cluster is None:
        pytest.skip("PostgreSQL only")
    import psycopg

    from bench.run import settle

    cluster = databases.cluster
    cluster.create_database("settle")
    with psycopg.connect(host=str(cluster.sock), user="postgres", dbname="settle", autocommit=True) as conn:
        conn.execute("CREATE TABLE written (id int PRIMARY KEY, pad text)")
        conn.execute("INSERT INTO written SELECT g, repeat('x', 100) FROM generate_series(1, 50000) g")
    settle(cluster, "settle")
    pages, visible, tuples = cluster.sql("SELECT relpages, relallvisible, reltuples FROM pg_class "
                                         "WHERE relname = 'written'", db="settle")[0]
    assert pages > 0 and visible == pages
    assert tuples == 50000
