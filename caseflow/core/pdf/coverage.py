"""Which characters of a text no installed font covers (shown as 〓 in previews; issuing refuses them)."""

from __future__ import annotations

import bisect
import logging
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

LOGGER = logging.getLogger(__name__)

_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")


@lru_cache(maxsize=1)
def covered_ranges() -> tuple[list[int], list[int]]:
    """Return the code points installed fonts cover, as sorted merged ranges (starts, ends)."""
    ranges: list[tuple[int, int]] = []
    fc_list = shutil.which("fc-list")
    if fc_list:
        output = subprocess.run(
            [fc_list, "--format", "%{charset}\n"], capture_output=True, text=True, check=True, timeout=60
        ).stdout
        for token in output.split():
            low, _, high = token.partition("-")
            ranges.append((int(low, 16), int(high or low, 16)))
    else:  # pragma: no cover - fontconfig's tools ship with the fonts
        ranges.extend(_coverage_from_font_files())
    ranges.sort()
    starts: list[int] = []
    ends: list[int] = []
    for first, last in ranges:
        if ends and first <= ends[-1] + 1:
            ends[-1] = max(ends[-1], last)
        else:
            starts.append(first)
            ends.append(last)
    return starts, ends


def _coverage_from_font_files() -> Iterable[tuple[int, int]]:  # pragma: no cover
    from fontTools.ttLib import TTCollection, TTFont

    for directory in _FONT_DIRS:
        for path in Path(directory).expanduser().rglob("*"):
            suffix = path.suffix.lower()
            try:
                if suffix in (".ttc", ".otc"):
                    fonts = TTCollection(path, lazy=True).fonts
                elif suffix in (".ttf", ".otf"):
                    fonts = [TTFont(path, lazy=True)]
                else:
                    continue
                for font in fonts:
                    for codepoint in (font.getBestCmap() or {}):
                        yield codepoint, codepoint
            except Exception:  # skip unreadable font files
                LOGGER.debug("cannot read %s", path, exc_info=True)


def _is_invisible(char: str) -> bool:
    """Whether char needs no glyph: whitespace, controls, format characters, variation selectors."""
    codepoint = ord(char)
    return (
        char.isspace()
        or unicodedata.category(char) in ("Cc", "Cf")
        or 0xFE00 <= codepoint <= 0xFE0F
        or 0xE0100 <= codepoint <= 0xE01EF
    )


def font_report(text: str) -> list[str]:
    """Return the characters of text, in order and once each, that no installed font covers."""
    starts, ends = covered_ranges()
    missing: list[str] = []
    seen: set[str] = set()
    for char in text:
        if char in seen:
            continue
        seen.add(char)
        if _is_invisible(char):
            continue
        codepoint = ord(char)
        position = bisect.bisect_right(starts, codepoint) - 1
        if position < 0 or codepoint > ends[position]:
            missing.append(char)
    return missing

