"""Derived fonts (a core + slices of Noto CJK SC, built once with hb-subset) and the font configuration knowing them."""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import logging
import os
import shutil
import subprocess
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from weasyprint.text.fonts import FontConfiguration

LOGGER = logging.getLogger(__name__)

#: Bump when the core character set or the slicing changes.
FONT_CACHE_VERSION = 1
SLICE_SIZE = 2048

#: (role, fontconfig pattern of the source face, family of the derived fonts)
FONT_SOURCES = (
    ("serif", "Noto Serif CJK SC:style=Regular", "Noto Serif CJK SC", "Caseflow Serif SC"),
    ("sans", "Noto Sans CJK SC:style=Regular", "Noto Sans CJK SC", "Caseflow Sans SC"),
    ("sans-bold", "Noto Sans CJK SC:style=Bold", "Noto Sans CJK SC", "Caseflow Sans SC"),
)

# Tables the derived fonts do without: WeasyPrint drops GSUB/GPOS from the fonts
# it embeds anyway, and keeping them would pull every vertical and
# locale-specific alternate glyph into the core font (13,600 glyphs instead of
# 7,900).
_DROP_TABLES = (b"GSUB", b"GPOS", b"BASE", b"DSIG", b"JSTF")


def core_codepoints() -> frozenset[int]:
    """Return the code points of the core fonts: GB 2312 plus common symbols."""
    points: set[int] = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    ranges = (
        (0x0020, 0x007E),  # ASCII
        (0x00A0, 0x00FF),  # Latin-1
        (0x2000, 0x206F),  # General Punctuation (— ‘ ’ “ ” … ※)
        (0x2100, 0x218F),  # Letterlike, Number Forms (℃ № Ⅰ Ⅱ)
        (0x2190, 0x21FF),  # Arrows
        (0x2460, 0x24FF),  # Enclosed Alphanumerics (① ⑴ ⒈)
        (0x25A0, 0x25FF),  # Geometric Shapes (□ ○ ●)
        (0x3000, 0x303F),  # CJK Symbols and Punctuation (、。〔〕《》)
        (0x3200, 0x32FF),  # Enclosed CJK (㈠ ㊣)
        (0xFE30, 0xFE4F),  # CJK Compatibility Forms
        (0xFF00, 0xFFEF),  # Full-width forms
    )
    for first, last in ranges:
        points.update(range(first, last + 1))
    return frozenset(points)


class _HarfBuzz:
    """The few hb / hb-subset functions the font cache needs, through ctypes."""

    HB_SUBSET_SETS_UNICODE = 1
    HB_SUBSET_SETS_DROP_TABLE_TAG = 3

    def __init__(self) -> None:
        names = ("libharfbuzz.so.0", ctypes.util.find_library("harfbuzz"))
        subset_names = ("libharfbuzz-subset.so.0", ctypes.util.find_library("harfbuzz-subset"))
        self.hb = _load_library(names)
        self.subset = _load_library(subset_names)
        p, u32, uint = ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint
        sig = {
            (self.hb, "hb_blob_create_from_file_or_fail"): (p, [ctypes.c_char_p]),
            (self.hb, "hb_blob_destroy"): (None, [p]),
            (self.hb, "hb_face_create"): (p, [p, uint]),
            (self.hb, "hb_face_destroy"): (None, [p]),
            (self.hb, "hb_face_reference_blob"): (p, [p]),
            (self.hb, "hb_face_collect_unicodes"): (None, [p, p]),
            (self.hb, "hb_blob_get_data"): (ctypes.POINTER(ctypes.c_char), [p, ctypes.POINTER(uint)]),
            (self.hb, "hb_set_create"): (p, []),
            (self.hb, "hb_set_destroy"): (None, [p]),
            (self.hb, "hb_set_add"): (None, [p, u32]),
            (self.hb, "hb_set_get_population"): (uint, [p]),
            (self.hb, "hb_set_next"): (ctypes.c_int, [p, ctypes.POINTER(u32)]),
            (self.hb, "hb_tag_from_string"): (u32, [ctypes.c_char_p, ctypes.c_int]),
            (self.subset, "hb_subset_input_create_or_fail"): (p, []),
            (self.subset, "hb_subset_input_destroy"): (None, [p]),
            (self.subset, "hb_subset_input_set"): (p, [p, ctypes.c_int]),
            (self.subset, "hb_subset_or_fail"): (p, [p, p]),
        }
        for (lib, name), (restype, argtypes) in sig.items():
            function = getattr(lib, name)
            function.restype = restype
            function.argtypes = argtypes

    def open_face(self, path: str, index: int):
        blob = self.hb.hb_blob_create_from_file_or_fail(os.fsencode(path))
        if not blob:
            raise OSError(f"HarfBuzz cannot read {path}")
        face = self.hb.hb_face_create(blob, index)
        self.hb.hb_blob_destroy(blob)  # the face keeps its own reference
        return face

    def unicodes(self, face) -> list[int]:
        hb_set = self.hb.hb_set_create()
        try:
            self.hb.hb_face_collect_unicodes(face, hb_set)
            points = []
            codepoint = ctypes.c_uint32(0xFFFFFFFF)  # HB_SET_VALUE_INVALID starts the iteration
            while self.hb.hb_set_next(hb_set, ctypes.byref(codepoint)):
                points.append(codepoint.value)
            return points
        finally:
            self.hb.hb_set_destroy(hb_set)

    def subset_font(self, face, codepoints: Iterable[int]) -> bytes:
        subset_input = self.subset.hb_subset_input_create_or_fail()
        if not subset_input:
            raise MemoryError("hb_subset_input_create_or_fail")
        try:
            unicode_set = self.subset.hb_subset_input_set(subset_input, self.HB_SUBSET_SETS_UNICODE)
            for codepoint in codepoints:
                self.hb.hb_set_add(unicode_set, codepoint)
            drop_set = self.subset.hb_subset_input_set(subset_input, self.HB_SUBSET_SETS_DROP_TABLE_TAG)
            for tag in _DROP_TABLES:
                self.hb.hb_set_add(drop_set, self.hb.hb_tag_from_string(tag, -1))
            result = self.subset.hb_subset_or_fail(face, subset_input)
            if not result:
                raise RuntimeError("hb_subset_or_fail failed")
            try:
                blob = self.hb.hb_face_reference_blob(result)
                length = ctypes.c_uint(0)
                data = self.hb.hb_blob_get_data(blob, ctypes.byref(length))
                content = ctypes.string_at(data, length.value)
                self.hb.hb_blob_destroy(blob)
                return content
            finally:
                self.hb.hb_face_destroy(result)
        finally:
            self.subset.hb_subset_input_destroy(subset_input)


def _load_library(names: Sequence[str | None]):
    errors = []
    for name in names:
        if not name:
            continue
        try:
            return ctypes.CDLL(name)
        except OSError as error:
            errors.append(str(error))
    raise OSError("; ".join(errors) or "library not found")


#: The GB/T 9704 faces notice.css names first: (use, the names a licensed font goes by, the face used without it).
STANDARD_FACES = (
    ("标题", ("方正小标宋简体", "FZXiaoBiaoSong-B05S"), "思源黑体（Noto Sans CJK SC）"),
    ("正文", ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong"), "思源宋体（Noto Serif CJK SC）"),
    ("小标题", ("黑体", "SimHei"), "思源黑体（Noto Sans CJK SC）"),
    ("楷体", ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi"), "思源宋体（Noto Serif CJK SC）"),
)
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


def office_font_dir() -> str:
    """The configured directory of the office's licensed fonts ("" when none)."""
    from flask import current_app, has_app_context

    from caseflow.config import Config

    return str((current_app.config.get("FONT_DIR") if has_app_context() else None) or Config.from_env().FONT_DIR or "")


@lru_cache(maxsize=8)
def office_fonts(directory: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The font files of the office's font directory, each with its family names (every language)."""
    root = Path(directory)
    if not directory or not root.is_dir():
        return ()
    from fontTools.ttLib import TTCollection, TTFont

    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() not in _FONT_SUFFIXES:
            continue
        try:
            with open(path, "rb") as stream:
                faces = (TTCollection(stream).fonts if path.suffix.lower() in (".ttc", ".otc")
                         else [TTFont(stream)])
                names = {str(record.toUnicode()) for face in faces for record in face["name"].names
                         if record.nameID in (1, 16)}
        except Exception:  # an unreadable file is reported, not fatal
            LOGGER.warning("cannot read the font %s", path, exc_info=True)
            continue
        found.append((str(path), frozenset(names)))
    return tuple(found)


def _installed_families() -> frozenset[str]:
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return frozenset()
    output = subprocess.run([fc_list, "--format", "%{family}\n"], capture_output=True, text=True, check=False,
                            timeout=60).stdout
    return frozenset(name.strip() for line in output.splitlines() for name in line.split(","))


def standard_faces_report() -> list[dict]:
    """For each GB/T 9704 face: its use, the standard name, where it was found ("" when absent) and the fallback."""
    directory = office_font_dir()
    office = office_fonts(directory)
    system = _installed_families()
    report = []
    for use, names, fallback in STANDARD_FACES:
        source = next((path for path, families in office if families & set(names)), "")
        if not source and system & set(names):
            source = "系统字体"
        report.append({"use": use, "name": names[0], "source": source, "fallback": fallback})
    return report


def missing_standard_faces() -> list[str]:
    """The standard faces documents are typeset without (cached per font directory: fonts do not change while
    running)."""
    return list(_missing_standard_faces(office_font_dir()))


@lru_cache(maxsize=8)
def _missing_standard_faces(directory: str) -> tuple[str, ...]:
    return tuple(f"{row['name']}（{row['use']}）" for row in standard_faces_report() if not row["source"])


def font_cache_root() -> Path:
    """Return the directory holding the derived fonts: the app's FONT_CACHE, or the environment's outside an app
    (bench/, a renderer started on its own)."""
    from flask import current_app, has_app_context

    from caseflow.config import Config

    return Path((current_app.config.get("FONT_CACHE") if has_app_context() else None) or Config.from_env().FONT_CACHE)


def _fc_match(pattern: str) -> tuple[str, int, list[str]] | None:
    fc_match = shutil.which("fc-match")
    if not fc_match:
        return None
    result = subprocess.run(
        [fc_match, "--format", "%{file}\t%{index}\t%{family}", pattern],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    if result.returncode or result.stdout.count("\t") < 2:
        return None
    path, index, families = result.stdout.split("\t", 2)
    return path, int(index or 0), families.split(",")


_font_cache_lock = threading.Lock()


@lru_cache(maxsize=1)
def derived_fonts() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Return the derived font files as (path, families), building them on first use.

    Empty when HarfBuzz-subset, fc-match or the Noto CJK fonts are missing or the
    cache directory is not writable; the stylesheets then fall back to Noto CJK SC
    (correct, only slower).
    """
    with _font_cache_lock:
        try:
            return tuple(_build_derived_fonts())
        except Exception:  # any failure only costs speed, never output
            LOGGER.warning("derived CJK fonts unavailable; rendering with the full Noto CJK fonts", exc_info=True)
            return ()


def _build_derived_fonts() -> list[tuple[str, tuple[str, ...]]]:
    sources: list[tuple[str, str, str, int, int, int]] = []
    for role, pattern, source_family, family in FONT_SOURCES:
        match = _fc_match(pattern)
        if match is None or source_family not in match[2]:
            LOGGER.info("no %s for the %s derived font", source_family, role)
            continue
        path, index, _ = match
        if any((path, index) == (s[2], s[3]) for s in sources):
            continue  # e.g. no bold face installed: fontconfig offered the regular one again
        stat = os.stat(path)
        sources.append((role, family, path, index, stat.st_size, stat.st_mtime_ns))
    if not sources:
        return []

    key = hashlib.sha256(
        json.dumps([FONT_CACHE_VERSION, SLICE_SIZE, [list(s) for s in sources]]).encode()
    ).hexdigest()[:16]
    directory = font_cache_root() / key
    manifest_path = directory / "manifest.json"
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        fonts = [(str(directory / name), tuple(families)) for name, families in manifest]
        if all(Path(path).is_file() for path, _ in fonts):
            return fonts

    hb = _HarfBuzz()
    core = core_codepoints()
    directory.mkdir(parents=True, exist_ok=True)
    manifest = []
    for role, family, path, index, _, _ in sources:
        face = hb.open_face(path, index)
        try:
            covered = hb.unicodes(face)
            rest = [codepoint for codepoint in covered if codepoint not in core]
            chunks: list[tuple[str, list[int], tuple[str, ...]]] = [(f"{role}-core.otf", sorted(core), (family,))]
            for number, start in enumerate(range(0, len(rest), SLICE_SIZE)):
                # Each slice gets its own family (WeasyPrint groups embedded fonts
                # by family and style) and the base family as a second name, so
                # that fontconfig falls back to the slices right after the core.
                chunks.append(
                    (f"{role}-x{number:02d}.otf", rest[start : start + SLICE_SIZE], (f"{family} X{number:02d}", family))
                )
            for name, codepoints, families in chunks:
                _write_atomically(directory / name, hb.subset_font(face, codepoints))
                manifest.append((name, list(families)))
        finally:
            hb.hb.hb_face_destroy(face)
    _write_atomically(manifest_path, json.dumps(manifest, ensure_ascii=False).encode())
    LOGGER.info("built %d derived CJK fonts in %s", len(manifest), directory)
    return [(str(directory / name), tuple(families)) for name, families in manifest]


def _write_atomically(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)


class NoticeFontConfiguration(FontConfiguration):
    """A FontConfiguration that also knows the derived Caseflow CJK fonts."""

    def __init__(self, fonts: Sequence[tuple[str, Sequence[str]]] | None = None) -> None:
        super().__init__()
        fonts = derived_fonts() if fonts is None else fonts
        from weasyprint.text.ffi import ffi, fontconfig, pangoft2

        # The office's licensed fonts, under their own family names, which notice.css names first.
        office = office_fonts(office_font_dir())
        for path, _ in office:
            if not fontconfig.FcConfigAppFontAddFile(self._config, os.fsencode(path)):
                LOGGER.warning("fontconfig refused %s", path)
        if office and not fonts:
            pangoft2.pango_fc_font_map_config_changed(ffi.cast("PangoFcFontMap *", self.font_map))
        if not fonts:
            return
        # WeasyPrint internals (cffi handles), used the same way as WeasyPrint's own @font-face support does.
        rules = []
        for path, families in fonts:
            names = "".join(f"<string>{xml_escape(name)}</string>" for name in families)
            rules.append(
                '<match target="scan"><test name="file" compare="eq">'
                f"<string>{xml_escape(path)}</string></test>"
                f'<edit name="family" mode="assign_replace">{names}</edit>'
                '<edit name="postscriptname" mode="assign_replace">'
                f'<string>{xml_escape(families[0].replace(" ", "-"))}</string></edit>'
                "</match>"
            )
        xml = (
            '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">'
            f"<fontconfig>{''.join(rules)}</fontconfig>"
        )
        fontconfig.FcConfigParseAndLoadFromMemory(self._config, xml.encode(), True)
        for path, _ in fonts:
            if not fontconfig.FcConfigAppFontAddFile(self._config, os.fsencode(path)):
                LOGGER.warning("fontconfig refused %s", path)
        pangoft2.pango_fc_font_map_config_changed(ffi.cast("PangoFcFontMap *", self.font_map))

