"""The audit chain's key: configured (CASEFLOW_AUDIT_KEY or CASEFLOW_AUDIT_KEY_FILE), never in the database.

Production refuses to start without one; development and tests generate one per instance directory.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_FILE_NAME = "audit.key"  # under the instance directory, when no key is configured (never in production)


class AuditKeyError(RuntimeError):
    """No usable audit key."""


def load_key(config) -> bytes:
    """The configured audit key: CASEFLOW_AUDIT_KEY, else the file CASEFLOW_AUDIT_KEY_FILE, else (outside production)
    the instance's own key file, generated on first use."""
    if config.get("AUDIT_KEY"):
        key = str(config["AUDIT_KEY"]).encode()
        where = "CASEFLOW_AUDIT_KEY"
    elif config.get("AUDIT_KEY_FILE"):
        where = f"审计密钥文件 {config['AUDIT_KEY_FILE']}"
        try:
            key = Path(config["AUDIT_KEY_FILE"]).read_bytes().strip()
        except OSError as exc:
            raise AuditKeyError(f"无法读取{where}：{exc.strerror}") from None
    elif config.get("ENV") == "production":
        raise AuditKeyError("生产环境拒绝启动：必须设置审计链密钥 CASEFLOW_AUDIT_KEY 或 CASEFLOW_AUDIT_KEY_FILE"
                            "（密钥不得存放在数据库中）")
    else:
        return _instance_key(Path(config["INSTANCE_DIR"]) / KEY_FILE_NAME)
    if len(key) < 32:
        raise AuditKeyError(f"{where} 的审计密钥过短（至少 32 个字符）")
    return key


def _instance_key(path: Path) -> bytes:
    """Read the instance's key file, creating it first if needed (atomically: concurrent processes agree)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # fails if another process linked its key first: theirs wins
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_bytes().strip()


def key_id(key: bytes) -> str:
    """A short name for a key that reveals nothing of it (names the checkpoint file kept for that key)."""
    return hmac.new(key, b"caseflow audit key id", hashlib.sha256).hexdigest()[:16]


