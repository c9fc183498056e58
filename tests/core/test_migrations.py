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


def test_started_complaint_periods_take_the_complaints_words(databases):
    """0019: a patent-infringement complaint's intake rows already started read 专利侵权投诉受理审查 / 收到投诉之日
    as new ones do; a request's own row (ADJ_DOCKET, 收到请求书之日) is left as it is; downgrading restores the old
    words."""
    url = databases.new_url("words")
    cfg = alembic_config(url)
    command.upgrade(cfg, "0018")
    engine = make_engine(url)
    stamp = "'2026-03-05 08:00:00'"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO cases (procedure, number, unit_id, year, seq, state, version, title, facts, claims, channel, "
            "data, received_at, audit_head, audit_count, created_at, updated_at) "
            "SELECT 'complaint', '渝中知投〔2026〕1号', id, 2026, 1, 'submitted', 1, '案由', '事实', '请求', "
            f"'online', '{{}}', {stamp}, '', 0, {stamp}, {stamp} "
            "FROM units WHERE code = '500103'")  # the offices are seeded by the migrations
        for rule, label, trigger in (("CPL_ACCEPT_PATENT_INFRINGEMENT", "专利侵权纠纷处理请求审查", "收到请求书之日"),
                                     ("ADJ_DOCKET", "立案或不予立案", "收到请求书之日")):
            conn.exec_driver_sql(
                "INSERT INTO deadlines (case_id, rule_id, label, basis, binds, amount, unit, trigger_event, "
                "trigger_label, trigger_date, started_by, due_date, status, pauses, paused_days, extensions, "
                "explanation, calendar_version, created_at, updated_at) SELECT id, "
                f"'{rule}', '{label}', '第二十条', 'office', 5, 'working_days', 'request_received', '{trigger}', "
                f"'2026-03-05', 'create', '2026-03-12', 'running', '[]', 0, '[]', "
                f"'{trigger} 2026-03-05 起 5 个工作日 → 2026-03-12', '2026', {stamp}, {stamp} FROM cases")
    engine.dispose()

    def rows():
        engine = make_engine(url)
        with engine.connect() as conn:
            found = conn.exec_driver_sql("SELECT rule_id, label, trigger_label, explanation FROM deadlines "
                                         "ORDER BY rule_id").all()
        engine.dispose()
        return [tuple(r) for r in found]

    command.upgrade(cfg, "head")
    assert rows() == [
        ("ADJ_DOCKET", "立案或不予立案", "收到请求书之日", "收到请求书之日 2026-03-05 起 5 个工作日 → 2026-03-12"),
        ("CPL_ACCEPT_PATENT_INFRINGEMENT", "专利侵权投诉受理审查", "收到投诉之日",
         "收到投诉之日 2026-03-05 起 5 个工作日 → 2026-03-12")]
    command.downgrade(cfg, "0018")
    assert rows()[1] == ("CPL_ACCEPT_PATENT_INFRINGEMENT", "专利侵权纠纷处理请求审查", "收到请求书之日",
                         "收到请求书之日 2026-03-05 起 5 个工作日 → 2026-03-12")
