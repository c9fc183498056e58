"""The keyed, hash-chained audit log: `verify-audit` names the first changed or removed event, with the signed
checkpoints outside the database catching what the key alone cannot (the last events deleted, a stolen key)."""

import json

import pytest
import sqlalchemy as sa

from caseflow.cases import audit
from caseflow.cases.models import Case, CaseEvent
from tests.factories.accounts import UserFactory
from tests.factories.cases import advance, complaint


@pytest.fixture
def chain(session):
    applicant, officer = UserFactory(), UserFactory(officer=True)
    case = complaint(applicant)
    advance(case, ("request_correction", officer, {"items": "补充权利证明"}),
            ("resubmit", applicant, {"note": "已补充"}),
            ("accept", officer, {}))
    session.flush()
    return case


def run_verify(app):
    return app.test_cli_runner().invoke(args=["caseflow", "verify-audit"])


def test_intact_chain_passes(app, chain):
    r = run_verify(app)
    assert r.exit_code == 0, r.output
    assert chain.audit_count == 4


def test_changed_event_is_named(app, session, chain):
    second = session.scalar(sa.select(CaseEvent).where(CaseEvent.case_id == chain.id, CaseEvent.seq == 2))
    # Tamper behind the ORM's back, as someone with database access would.
    session.execute(sa.update(CaseEvent).where(CaseEvent.id == second.id).values(summary="篡改后的记录"))
    r = run_verify(app)
    assert r.exit_code == 1
    assert f"事件 #2（id={second.id}）" in r.output and chain.number in r.output
    assert "已被修改" in r.output


def test_removed_last_event_is_detected(app, session, chain):
    session.execute(sa.delete(CaseEvent).where(CaseEvent.case_id == chain.id, CaseEvent.seq == 4))
    r = run_verify(app)
    assert r.exit_code == 1 and "末尾事件可能被删除" in r.output


def test_removed_middle_event_is_detected(app, session, chain):
    session.execute(sa.delete(CaseEvent).where(CaseEvent.case_id == chain.id, CaseEvent.seq == 2))
    r = run_verify(app)
    assert r.exit_code == 1 and "事件 #3" in r.output


def test_rewritten_head_is_detected(app, session, chain):
    session.execute(sa.update(Case).where(Case.id == chain.id).values(audit_head="0" * 64))
    r = run_verify(app)
    assert r.exit_code == 1 and "链头哈希不符" in r.output


# ---- the keyed chain and the signed checkpoints (issue #17): the two attacks, scripted ----


def delete_last_and_reset_head(session, case):
    """What someone with write access to the database (and nothing else) does to hide the latest event."""
    last = session.scalar(sa.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq.desc()))
    session.execute(sa.delete(CaseEvent).where(CaseEvent.id == last.id))
    session.execute(sa.update(Case).where(Case.id == case.id).values(audit_head=last.prev_hash,
                                                                      audit_count=last.seq - 1))


def rewrite_and_rehash(session, case, seq: int, summary: str, hasher):
    """Change an event and recompute every hash after it, as the tamperer's tool would."""
    events = session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)).all()
    prev = ""
    for ev in events:
        if ev.seq == seq:
            session.execute(sa.update(CaseEvent).where(CaseEvent.id == ev.id).values(summary=summary))
            session.refresh(ev)
        new = hasher(prev, ev)
        session.execute(sa.update(CaseEvent).where(CaseEvent.id == ev.id).values(prev_hash=prev, hash=new))
        prev = new
    session.execute(sa.update(Case).where(Case.id == case.id).values(audit_head=prev))
    session.expire_all()


def test_verify_writes_a_signed_checkpoint(app, chain, audit_checkpoints):
    r = run_verify(app)
    assert r.exit_code == 0, r.output
    assert "尚无检查点" in r.output and "已写入检查点：1 个案件" in r.output
    [log] = list(audit_checkpoints.iterdir())
    line = json.loads(log.read_text())
    assert line["cases"][str(chain.id)][:2] == [4, chain.audit_head] and len(line["mac"]) == 64
    r = run_verify(app)
    assert r.exit_code == 0 and "已与 1 个检查点核对" in r.output, r.output


def test_deleting_the_last_event_and_resetting_the_head_is_caught(app, session, chain):
    assert run_verify(app).exit_code == 0  # the cron job's checkpoint
    delete_last_and_reset_head(session, chain)
    r = run_verify(app)
    assert r.exit_code == 1
    assert chain.number in r.output and "检查点记录本案已有 4 个事件，现在只有 3 个：末尾事件已被删除" in r.output
    r = app.test_cli_runner().invoke(args=["caseflow", "audit-checkpoint"])
    assert r.exit_code == 1 and "末尾事件已被删除" in r.output  # and the truncated chain is not blessed


def test_rewriting_and_rehashing_without_the_key_is_caught(app, session, chain):
    # No checkpoint needed: without the key the tamperer can only produce plain SHA-256 hashes.
    rewrite_and_rehash(session, chain, 2, "篡改后的记录", audit.unkeyed_hash)
    r = run_verify(app)
    assert r.exit_code == 1 and "事件 #1" in r.output and "旧格式" in r.output and "否则事件已被改写" in r.output


def test_rewriting_and_rehashing_with_a_stolen_key_is_caught_by_the_checkpoint(app, session, chain):
    assert run_verify(app).exit_code == 0
    key = audit.current_key()
    rewrite_and_rehash(session, chain, 2, "篡改后的记录", lambda prev, ev: audit.event_hash(prev, ev, key))
    r = run_verify(app)
    assert r.exit_code == 1
    assert "事件 #4" in r.output and "与检查点记录的哈希不符" in r.output


def test_a_forged_or_cut_checkpoint_log_is_caught(app, session, chain, audit_checkpoints):
    assert run_verify(app).exit_code == 0
    audit.record_event(session.get(Case, chain.id), tag="case:note", summary="补充说明")  # verify expunged it
    session.flush()
    r = run_verify(app)
    assert r.exit_code == 0, r.output
    [log] = list(audit_checkpoints.iterdir())
    first, second = log.read_text().splitlines()
    log.write_text(second + "\n")  # the first checkpoint removed
    r = run_verify(app)
    assert r.exit_code == 1 and "与前一行不相接" in r.output
    forged = json.loads(first)
    forged["cases"][str(chain.id)][0] = 3
    log.write_text(json.dumps(forged) + "\n" + second + "\n")
    r = run_verify(app)
    assert r.exit_code == 1 and "签名不符" in r.output


def test_the_hashes_depend_on_the_key(session, chain):
    ev = session.scalar(sa.select(CaseEvent).where(CaseEvent.case_id == chain.id, CaseEvent.seq == 1))
    assert ev.hash == audit.event_hash("", ev) != audit.event_hash("", ev, b"k" * 32)
    assert ev.hash != audit.unkeyed_hash("", ev)


def test_rekey_converts_an_unkeyed_chain_and_refuses_a_tampered_one(app, session, chain):
    from tests.factories.cases import complaint

    tampered = complaint(UserFactory())
    session.flush()
    # A database from before the key: plain SHA-256 chains.
    rewrite_and_rehash(session, chain, 0, "", audit.unkeyed_hash)
    rewrite_and_rehash(session, tampered, 0, "", audit.unkeyed_hash)
    session.execute(sa.update(CaseEvent).where(CaseEvent.case_id == tampered.id, CaseEvent.seq == 1)
                    .values(summary="改写过的事件"))
    r = run_verify(app)
    assert r.exit_code == 1 and "audit-rekey" in r.output
    r = app.test_cli_runner().invoke(args=["caseflow", "audit-rekey"])
    assert r.exit_code == 1, r.output
    assert f"未转换：案件 {tampered.number}" in r.output and chain.number not in r.output.split("未转换")[-1]
    session.expire_all()
    assert audit.verify_case(session.get(Case, chain.id)) is None
    assert audit.verify_case(session.get(Case, tampered.id)) is not None


def test_rekey_refuses_a_chain_that_no_longer_holds_a_checkpoint(app, session, chain):
    assert run_verify(app).exit_code == 0
    rewrite_and_rehash(session, chain, 2, "篡改后的记录", audit.unkeyed_hash)
    r = app.test_cli_runner().invoke(args=["caseflow", "audit-rekey"])
    assert r.exit_code == 1 and "与检查点记录的不符，未转换" in r.output


def test_rotating_the_key(app, session, chain, tmp_path):
    old = audit.current_key()
    old_file = tmp_path / "old.key"
    old_file.write_bytes(old)
    assert run_verify(app).exit_code == 0
    app.extensions["caseflow_audit_key"] = b"n" * 40  # the new key is configured
    try:
        assert run_verify(app).exit_code == 1
        r = app.test_cli_runner().invoke(args=["caseflow", "audit-rekey", "--old-key-file", str(old_file)])
        assert r.exit_code == 0, r.output
        assert run_verify(app).exit_code == 0
    finally:
        app.extensions["caseflow_audit_key"] = old


# ---- where the key comes from ----


def test_production_refuses_to_start_without_an_audit_key(tmp_path):
    from caseflow.config import ConfigError, check_config

    base = {"ENV": "production", "SECRET_KEY": "s" * 40, "INSTANCE_DIR": str(tmp_path),
            "PUBLIC_URL": "https://ip.cq.gov.cn"}
    with pytest.raises(ConfigError, match="CASEFLOW_AUDIT_KEY"):
        check_config(dict(base))
    with pytest.raises(ConfigError, match="过短"):
        check_config(dict(base, AUDIT_KEY="short"))
    with pytest.raises(ConfigError, match="不得与 CASEFLOW_SECRET_KEY 相同"):
        check_config(dict(base, AUDIT_KEY="s" * 40))
    key_file = tmp_path / "audit.key"
    key_file.write_text("a" * 64 + "\n")
    check_config(dict(base, AUDIT_KEY_FILE=str(key_file)))
    with pytest.raises(ConfigError, match="无法读取"):
        check_config(dict(base, AUDIT_KEY_FILE=str(tmp_path / "missing.key")))


def test_development_generates_a_private_key_per_instance(tmp_path):
    from caseflow.core.auditkey import load_key

    config = {"ENV": "development", "INSTANCE_DIR": str(tmp_path)}
    key = load_key(config)
    assert len(key) == 64 and load_key(config) == key
    assert (tmp_path / "audit.key").stat().st_mode & 0o777 == 0o600
    assert load_key({"ENV": "development", "INSTANCE_DIR": str(tmp_path / "other")}) != key


def test_the_remind_cron_job_checkpoints_and_reports_a_truncation(app, session, chain, audit_checkpoints):
    r = app.test_cli_runner().invoke(args=["caseflow", "remind"])
    assert r.exit_code == 0, r.output
    [log] = list(audit_checkpoints.iterdir())
    assert str(chain.id) in json.loads(log.read_text())["cases"]
    delete_last_and_reset_head(session, chain)
    r = app.test_cli_runner().invoke(args=["caseflow", "remind"])
    assert r.exit_code == 1 and "末尾事件已被删除" in r.output
