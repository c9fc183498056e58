"""Enumerations stored by value, with the Chinese title each member shows to users."""

from __future__ import annotations

from enum import StrEnum


class TitledStrEnum(StrEnum):
    """A ``StrEnum`` whose members are declared ``NAME = value, title``: stored by value, shown by title."""

    _value_: str
    _title: str

    # title has a default for mypy only, which reads a lookup such as Role("officer") as a call of __new__.
    def __new__(cls, value: str, title: str = ""):
        member = str.__new__(cls, value)
        member._value_ = value
        member._title = title
        return member

    # `title` names the display title (templates read `status.title`); it shadows str.title() on purpose.
    @property
    def title(self) -> str:  # type: ignore[override]
        return self._title

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """Return ``(value, title)`` pairs in declaration order, for a select field."""
        return [(m.value, m.title) for m in cls]
