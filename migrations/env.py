"""Alembic environment: the schema comes only from here."""

from __future__ import annotations

import os

from alembic import context

from caseflow.core.db import make_engine
from caseflow.models import metadata

config = context.config


def database_url() -> str:
    url = config.attributes.get("database_url") or os.environ.get("CASEFLOW_DATABASE_URL")
    if not url:
        from caseflow.config import Config

        url = Config.from_env().to_flask()["DATABASE_URL"]
    return url


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(database_url())
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it and dropping the old one, which the rows of other tables still
            # reference: the references are checked once, after the migrations, instead of refusing every drop.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # outside any transaction
        _run(conn)
        if sqlite:
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"迁移后存在无效的外键引用：{broken[:5]}")
        conn.commit()
        if sqlite:
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
    engine.dispose()


def _run(connection) -> None:
    is_pg = connection.dialect.name == "postgresql"
    if is_pg:
        connection.exec_driver_sql("SET lock_timeout = '10s'")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        compare_server_default=True,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
