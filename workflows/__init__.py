"""Procedure declarations and the engine that fires them (no Flask here)."""

from __future__ import annotations

from workflows import adjudication, complaint, injunction, mediation, referral
from workflows.base import Procedure
from workflows.engine import Engine

PROCEDURES: dict[str, Procedure] = {
    m.PROCEDURE.code: m.PROCEDURE for m in (complaint, adjudication, mediation, injunction, referral)
}
ENGINES: dict[str, Engine] = {code: Engine(p) for code, p in PROCEDURES.items()}


def procedure(code: str) -> Procedure:
    return PROCEDURES[code]


def engine(code: str) -> Engine:
    return ENGINES[code]
