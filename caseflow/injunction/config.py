"""The office configuration of 先行发布禁令 (``INJUNCTION_*`` settings; docs/procedures.md, injunction).

Each injunction keeps a snapshot of the settings in force when it was applied for (``case.data["config"]``), so a
later change of configuration does not move the periods of injunctions already running.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import current_app, has_app_context

from caseflow.config import ConfigError
from caseflow.deadlines.counting import UNITS

UNIT_WORDS = {"working_days": "个工作日", "days": "日", "months": "个月", "years": "年", "hours": "小时"}
APPROVERS = {"supervisor": "负责人审批", "none": "承办人直接决定（无需审批）"}
DEFAULTS = {
    "INJUNCTION_ENABLED": False,
    "INJUNCTION_REVIEW": "2 working_days",
    "INJUNCTION_EXHIBITION_REVIEW": "24 hours",
    "INJUNCTION_APPROVER": "supervisor",
    "INJUNCTION_MAX_DURATION": "0 months",
    "INJUNCTION_REQUIRE_EVALUATION_REPORT": False,
    "INJUNCTION_LEGAL_BASIS": "本局先行发布禁令工作规则",
}


@dataclass(frozen=True)
class Period:
    amount: int
    unit: str

    @property
    def text(self) -> str:
        return f"{self.amount}{UNIT_WORDS[self.unit]}"

    def as_dict(self) -> dict:
        return {"amount": self.amount, "unit": self.unit}


def parse_period(raw, key: str) -> Period:
    """'2 working_days' → Period(2, 'working_days'); a clear error naming the setting otherwise."""
    if isinstance(raw, dict):
        raw = f"{raw.get('amount')} {raw.get('unit')}"
    parts = str(raw or "").split()
    if len(parts) != 2 or not parts[0].isdigit() or parts[1] not in UNITS:
        raise ConfigError(f"配置项 {key} 的值 {raw!r} 无效：应为“数量 单位”，单位为 {'、'.join(UNITS)}，如 2 "
                          "working_days")
    return Period(int(parts[0]), parts[1])


def _get(key: str):
    if has_app_context():
        return current_app.config.get(key, DEFAULTS[key])
    return DEFAULTS[key]


def settings() -> dict:
    """The settings in force now, checked; stored on each new injunction as its snapshot."""
    approver = str(_get("INJUNCTION_APPROVER") or "none").strip()
    if approver not in APPROVERS:
        raise ConfigError(f"配置项 INJUNCTION_APPROVER 的值 {approver!r} 无效：应为 supervisor 或 none")
    review = parse_period(_get("INJUNCTION_REVIEW"), "INJUNCTION_REVIEW")
    if review.amount == 0:
        raise ConfigError("配置项 INJUNCTION_REVIEW 的期限不能为 0")
    exhibition = parse_period(_get("INJUNCTION_EXHIBITION_REVIEW"), "INJUNCTION_EXHIBITION_REVIEW")
    if exhibition.amount == 0:
        raise ConfigError("配置项 INJUNCTION_EXHIBITION_REVIEW 的期限不能为 0")
    maximum = parse_period(_get("INJUNCTION_MAX_DURATION"), "INJUNCTION_MAX_DURATION")
    return {
        "enabled": bool(_get("INJUNCTION_ENABLED")),
        "review": review.as_dict(),
        "exhibition_review": exhibition.as_dict(),
        "approver": approver,
        "max_duration": maximum.as_dict(),
        "require_evaluation_report": bool(_get("INJUNCTION_REQUIRE_EVALUATION_REPORT")),
        "legal_basis": str(_get("INJUNCTION_LEGAL_BASIS") or DEFAULTS["INJUNCTION_LEGAL_BASIS"]).strip(),
    }


def approver() -> str | None:
    """The role that approves issuing and lifting (None: the officer decides)."""
    role = str(_get("INJUNCTION_APPROVER") or "none").strip()
    return None if role == "none" else role


def duration_text(config: dict) -> str:
    """The duration printed on the order."""
    maximum = Period(**config["max_duration"])
    if maximum.amount == 0:
        return "自本决定书送达之日起至主案办结之日止"
    return f"自本决定书发布之日起{maximum.text}，主案在此之前办结的，至主案办结之日止"


def configure_rule(rule, case):
    """Apply an injunction's configured periods to INJ_REVIEW and INJ_MAX_DURATION (a deadlines hook)."""
    keys = {"INJ_REVIEW": ("review", "INJUNCTION_REVIEW"),
            "INJ_REVIEW_EXHIBITION": ("exhibition_review", "INJUNCTION_EXHIBITION_REVIEW"),
            "INJ_MAX_DURATION": ("max_duration", "INJUNCTION_MAX_DURATION")}
    if getattr(case, "procedure", None) != "injunction" or rule.id not in keys:
        return rule
    config = {**settings(), **((case.data or {}).get("config") or {})}
    key, setting = keys[rule.id]
    period = Period(**config[key])
    if period.amount == 0:
        return None  # no separate maximum: the order lasts until the main case's 结案
    basis = f"本局配置：{period.text}（{setting}）"
    return replace(rule, amount=period.amount, unit=period.unit, basis=basis)
