"""A fresh production database: `migrate` loads the offices, so the first accounts can be created at once; the demo
loader and the generator refuse to run there (their passwords are published)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from caseflow.core.db import make_engine

ROOT = Path(__file__).resolve().parents[2]


def flask(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "caseflow", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def production(databases, tmp_path):
    url = databases.new_url("fresh")
    env = dict(os.environ, CASEFLOW_ENV="production", CASEFLOW_DATABASE_URL=url, CASEFLOW_INSTANCE_DIR=str(tmp_path),
               CASEFLOW_SECRET_KEY="fresh-production-secret-0123456789abcdef",
               CASEFLOW_AUDIT_KEY="fresh-production-audit-key-0123456789abcdef",
               CASEFLOW_PUBLIC_URL="https://ip.cq.gov.cn")
    return url, env


def test_migrate_loads_the_offices_and_create_user_works_at_once(production):
    url, env = production
    done = flask(env, "migrate")
    assert done.returncode == 0, done.stderr
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            offices = dict(conn.execute(sa.text("SELECT code, prefix FROM units")).all())
            parent = conn.scalar(sa.text("SELECT p.code FROM units u JOIN units p ON p.id = u.parent_id "
                                         "WHERE u.code = '500103'"))
    finally:
        engine.dispose()
    assert len(offices) == 39 and offices["500103"] == "渝中知" and offices["500000"] == "渝知" and parent == "500000"
    made = flask(env, "create-user", "first.officer", "--role", "officer", "--unit", "500103",
                 "--password", "lantern-orchard-47")
    assert made.returncode == 0, made.stderr + made.stdout
    again = flask(env, "migrate")  # idempotent
    assert again.returncode == 0 and "新增 0 个单位" in again.stdout


@pytest.mark.parametrize(("command", "what"), [(["seed-demo"], "加载演示数据"),
                                               (["generate", "--cases", "5"], "生成数据")])
def test_production_refuses_demo_data_and_generated_accounts(production, command, what):
    url, env = production
    assert flask(env, "migrate").returncode == 0
    refused = flask(env, *command)
    assert refused.returncode == 1
    assert f"生产环境（CASEFLOW_ENV=production）拒绝{what}" in refused.stderr
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT count(*) FROM users")) == 0
            assert conn.scalar(sa.text("SELECT count(*) FROM cases")) == 0
    finally:
        engine.dispose()
