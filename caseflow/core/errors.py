"""Domain errors that views turn into 4xx answers with a Chinese message."""

from __future__ import annotations

from collections.abc import Collection


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, fields: dict | None = None, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code
        if status:
            self.status = status

    def to_json(self) -> dict:
        body: dict[str, object] = {"error": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return body


class NotFound(DomainError):
    status, code = 404, "not_found"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class Invalid(DomainError):
    status, code = 422, "invalid"


def reject_unknown(body: dict, allowed: Collection[str]) -> None:
    """422 naming each field of ``body`` that is not in ``allowed`` (the API takes only the fields it defines)."""
    unknown = set(body) - set(allowed)
    if unknown:
        raise Invalid("包含未定义的字段", fields=dict.fromkeys(sorted(unknown), "未定义的字段"))


class Conflict(DomainError):
    status, code = 409, "conflict_state"
