"""Alembic alone creates the schema, agrees with the models, and goes down and up again."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from caseflow.cli import alembic_config
from caseflow.core.db import make_engine
from caseflow.models import metadata
from tests.conftest import migrate


def diff(url):
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
            return compare_metadata(ctx, metadata)
    finally:
        engine.dispose()


def test_single_head():
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1


def test_models_match_migrations(databases):
    url = databases.new_url("autogen")
    migrate(url)
    assert diff(url) == []


def test_upgrade_downgrade_upgrade(databases):
    url = databases.new_url("updown")
    cfg = alembic_config(url)
    command.upgrade(cfg, "head")
    command.downgrade(cfg, "base")
    engine = make_engine(url)
    with engine.connect() as conn:
        from sqlalchemy import inspect

        leftover = set(inspect(conn).get_table_names()) - {"alembic_version"}
    engine.dispose()
    assert leftover == set()
    command.upgrade(cfg, "head")
    assert diff(url) == []


def test_an_office_with_accounts_upgrades(databases):
    """A database in use — accounts referenced by their API tokens — upgrades to head: SQLite's copy-and-drop
    alterations of the users table must not be refused for the rows that reference it."""
    url = databases.new_url("in_use")
    cfg = alembic_config(url)
    command.upgrade(cfg, "0012")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO units (code, name, area, prefix) "
                             "VALUES ('500103', '渝中区知识产权局', '渝中区', '渝中')")
        conn.exec_driver_sql("INSERT INTO users (username, display_name, password_hash, role, unit_id, "
                             "is_disabled, created_at) SELECT 'officer', '执法员', 'x', 'officer', id, false, "
                             "'2026-01-05 08:00:00' FROM units")
        conn.exec_driver_sql("INSERT INTO api_tokens (user_id, token_hash, created_at, expires_at) SELECT "
                             "id, 'h', '2026-01-05 08:00:00', '2026-01-06 08:00:00' FROM users")
    engine.dispose()
    command.upgrade(cfg, "head")
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT username FROM users").scalars().all() == ["officer"]
    engine.dispose()
