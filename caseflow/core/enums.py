"""Enumerations stored by value, with the Chinese title each member shows to users (Indico's ``__titles__``)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import ClassVar


class TitledStrEnum(StrEnum):
    """A ``StrEnum`` whose subclasses set ``__titles__``: value → display title."""

    _value_: str
    __titles__: ClassVar[Mapping[str, str]]

    # `title` names the display title (templates read `status.title`); it shadows str.title() on purpose.
    @property
    def title(self) -> str:  # type: ignore[override]
        return self.__titles__[self]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """Return ``(value, title)`` pairs in declaration order, for a select field."""
        return [(m.value, m.title) for m in cls]
