"""Domain errors that views turn into 4xx answers with a Chinese message."""

from __future__ import annotations


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


class Conflict(DomainError):
    status, code = 409, "conflict_state"
