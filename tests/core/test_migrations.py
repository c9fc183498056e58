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
