"""Settings from CASEFLOW_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

DEMO_SECRET_KEY = "caseflow-demo-secret-key-do-not-use-in-production"
#: What documents print as the public address outside production when PUBLIC_URL is not set (make run serves here).
DEV_PUBLIC_URL = "http://127.0.0.1:5000"

INSTANCE_DIR = Path(os.environ.get("CASEFLOW_INSTANCE_DIR", Path(__file__).resolve().parent.parent / "instance"))


def _user_cache(*parts: str) -> str:
    """A directory in the user's cache (XDG_CACHE_HOME, else ~/.cache)."""
    return str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", *parts))


class ConfigError(RuntimeError):
    """Raised when the settings are unsafe or inconsistent."""


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _parse(name: str, raw: str, current: object) -> object:
    """A setting's value from its environment text, typed like its default; a value that is not one (a mistyped
    "ture" would silently turn a cautious reading off) stops the start with the setting named."""
    import json

    try:
        if isinstance(current, bool):
            word = raw.strip().lower()
            if word not in _TRUE | _FALSE:
                raise ValueError
            return word in _TRUE
        if isinstance(current, int):
            return int(raw)
        if isinstance(current, float):
            return float(raw)
        if isinstance(current, dict):
            return json.loads(raw)
    except ValueError:
        kind = {bool: "“true”或“false”", int: "整数", float: "数字", dict: "JSON 对象"}[type(current)]
        raise ConfigError(f"设置 {name} 的值 {raw!r} 无效：应为{kind}") from None
    return raw


@dataclass
class Config:
    """Application settings; every field can be set by CASEFLOW_<NAME>."""

    ENV: str = "development"  # development | production | testing
    SECRET_KEY: str = DEMO_SECRET_KEY
    # The system's public address, e.g. https://ip.cq.gov.cn: documents print it for verification (never a request's
    # Host header, which a client chooses). Required in production; elsewhere DEV_PUBLIC_URL stands in.
    PUBLIC_URL: str = ""
    DATABASE_URL: str = ""
    INSTANCE_DIR: str = str(INSTANCE_DIR)
    SESSION_COOKIE_SECURE: bool = False
    # Login throttling per username, with a growing wait (caseflow/accounts/throttle.py).
    LOGIN_MAX_FAILURES: int = 5  # failures of one username since its last success before it must wait
    LOGIN_BACKOFF_SECONDS: int = 30  # the first wait; it doubles with each further failure
    LOGIN_BACKOFF_MAX_SECONDS: int = 900  # and stops growing here (a wait, never a lockout)
    LOGIN_WINDOW_SECONDS: int = 24 * 3600  # failures older than this are forgotten
    LOGIN_ADDRESS_MAX_FAILURES: int = 50  # failures from one address (any name) before its new names wait too
    LOGIN_ADDRESS_WINDOW_SECONDS: int = 3600
    REGISTER_MAX_PER_ADDRESS: int = 10  # registrations (created, or name taken) per address within the window
    REGISTER_WINDOW_SECONDS: int = 3600
    TRUSTED_PROXIES: int = 0  # reverse proxies in front whose X-Forwarded-For/-Proto are believed (0: none)
    SESSION_IDLE_MINUTES: int = 120  # a sign-in session unused this long ends (0: no idle limit)
    SESSION_MAX_HOURS: int = 12  # and any session ends this long after sign-in (0: no limit)
    API_TOKEN_HOURS: int = 24 * 7
    PASSWORD_MIN_SCORE: int = 3  # zxcvbn's score (0–4) a new password must reach
    SQLITE_BUSY_TIMEOUT_MS: int = 5000
    # The audit chain's HMAC key (≥ 32 characters), or a file holding it; required in production, and never kept in
    # the database. Elsewhere INSTANCE_DIR/audit.key is generated. Signed checkpoints of the chains are appended to
    # AUDIT_CHECKPOINT_DIR (default INSTANCE_DIR/audit-checkpoints): put it where the database's users cannot write.
    AUDIT_KEY: str = ""
    AUDIT_KEY_FILE: str = ""
    AUDIT_CHECKPOINT_DIR: str = ""
    # Request bodies other than streamed uploads (forms, JSON): larger ones are refused with 413 before reading.
    MAX_BODY_BYTES: int = 2 * 1024 * 1024
    # Actions that need approval, per office: {"500103": {"complaint.reject": False}} overrides the declaration.
    APPROVAL_OVERRIDES: dict = field(default_factory=dict)
    # Evidence (docs/architecture.md, Evidence): storage is a local directory (default INSTANCE_DIR/storage) or s3://bucket/prefix.
    STORAGE_URL: str = ""
    S3_ENDPOINT_URL: str = ""
    S3_ACCESS_KEY: str = ""
    S3_SECRET_KEY: str = ""
    S3_REGION: str = "us-east-1"
    EVIDENCE_MAX_BYTES: int = 500 * 1024 * 1024  # per file
    EVIDENCE_MAX_PER_CASE: int = 500  # evidence records (all versions) per case
    EVIDENCE_ALLOW_ARCHIVES: bool = False  # zip, rar, 7z, tar, gz …
    EVIDENCE_ALLOW_EXECUTABLES: bool = False  # programs and scripts (e.g. an infringing copy of software)
    # Temporary files of interrupted uploads older than this are removed (at start, after uploads, by `remind`).
    UPLOAD_TEMP_MAX_AGE_SECONDS: int = 3600
    # 先行发布禁令 (docs/procedures.md, injunction): no statute sets its procedure, so it ships off and everything
    # is office configuration; an office that runs it on its own rules turns it on (docs/legal-settings.md).
    INJUNCTION_ENABLED: bool = False
    INJUNCTION_REVIEW: str = "2 working_days"  # review period from the application: "<amount> <unit>"
    INJUNCTION_EXHIBITION_REVIEW: str = "24 hours"  # review period of an exhibition (展会) case
    INJUNCTION_APPROVER: str = "supervisor"  # who approves issuing and lifting: supervisor | none
    INJUNCTION_MAX_DURATION: str = "0 months"  # "0 …": until the main case's 结案; e.g. "1 months"
    INJUNCTION_REQUIRE_EVALUATION_REPORT: bool = False  # 专利权评价报告 for utility models and designs
    # Printed on the 先行禁令决定书 after "根据": the office's own rules (a policy plan is no legal basis).
    INJUNCTION_LEGAL_BASIS: str = "本局先行发布禁令工作规则"
    # "至少在口头审理3个工作日前通知" (局令81 art. 26): true leaves 3 whole working days between the notice's receipt
    # and the hearing (the cautious reading); false lets the receipt fall on the 3rd working day before it
    # (docs/legal-settings.md).
    HEARING_NOTICE_CLEAR_DAYS: bool = True
    # Deadline reminders go by mail when SMTP_HOST is set (`remind`), else to the log only.
    SMTP_HOST: str = ""
    SMTP_PORT: int = 25
    SMTP_USER: str = ""
    SMTP_PASSWORD: str = ""
    SMTP_FROM: str = "caseflow@localhost"
    SMTP_STARTTLS: bool = False
    # Where the CJK font subsets derived for fast PDF rendering are kept (rebuilt when missing).
    FONT_CACHE: str = field(default_factory=lambda: _user_cache("caseflow", "fonts"))
    # The office's licensed GB/T 9704 fonts (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312): a directory of font
    # files (.ttf/.otf/.ttc) the documents use first; `flask caseflow fonts` tells which standard faces are present.
    FONT_DIR: str = ""

    @classmethod
    def from_env(cls, environ: os._Environ | dict | None = None) -> Config:
        environ = os.environ if environ is None else environ
        cfg = cls()
        for f in fields(cls):
            raw = environ.get(f"CASEFLOW_{f.name}")
            if raw is None:
                continue
            setattr(cfg, f.name, _parse(f"CASEFLOW_{f.name}", raw, getattr(cfg, f.name)))
        return cfg

    def to_flask(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        if not data["DATABASE_URL"]:
            data["DATABASE_URL"] = "sqlite:///" + str(Path(self.INSTANCE_DIR) / "caseflow.db")
        data.update(
            SESSION_COOKIE_HTTPONLY=True,
            SESSION_COOKIE_SAMESITE="Lax",
            REMEMBER_COOKIE_HTTPONLY=True,
            REMEMBER_COOKIE_SAMESITE="Lax",
            WTF_CSRF_TIME_LIMIT=None,
            MAX_CONTENT_LENGTH=None,
        )
        return data


def check_config(config: dict) -> None:
    """Refuse unsafe production settings and force secure cookies in production."""
    if config.get("ENV") == "production":
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
        key = config.get("SECRET_KEY") or ""
        if key == DEMO_SECRET_KEY or len(key) < 32:
            raise ConfigError(
                "生产环境拒绝启动：CASEFLOW_SECRET_KEY 未设置或仍为演示密钥（至少 32 个字符）。"
            )
        from caseflow.core.auditkey import AuditKeyError, load_key

        try:
            audit_key = load_key(config)
        except AuditKeyError as exc:
            raise ConfigError(str(exc)) from None
        if audit_key == key.encode():
            raise ConfigError("生产环境拒绝启动：审计链密钥不得与 CASEFLOW_SECRET_KEY 相同")
        problem = public_url_problem(config.get("PUBLIC_URL"))
        if problem:
            raise ConfigError(f"生产环境拒绝启动：{problem}")
    elif config.get("PUBLIC_URL"):
        problem = public_url_problem(config["PUBLIC_URL"], require_https=False)
        if problem:
            raise ConfigError(problem)


def public_url_problem(url: str | None, *, require_https: bool = True) -> str | None:
    """What is wrong with a configured public address (None when it is usable)."""
    from urllib.parse import urlsplit

    url = (url or "").strip()
    if not url:
        return "必须设置 CASEFLOW_PUBLIC_URL（本系统的公网地址，如 https://ip.cq.gov.cn，文书上的核验地址由它生成）"
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
        return f"CASEFLOW_PUBLIC_URL 不是有效的网址：{url}（应为 https://主机名[/路径]）"
    if require_https and parts.scheme != "https":
        return f"CASEFLOW_PUBLIC_URL 应使用 https：{url}"
    return None
