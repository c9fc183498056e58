"""Render official notices (法律文书) to PDF with WeasyPrint, quickly and safely.

Speed: nearly all the time of a plain WeasyPrint render of a Chinese document goes
into subsetting the CJK fonts that are embedded in the PDF:

* Without HarfBuzz's subsetter (Debian ``libharfbuzz-subset0``), WeasyPrint falls
  back to fontTools, which spends ~10 s per render on the 65,535-glyph CFF
  fonts of Noto Serif/Sans CJK. Install ``libharfbuzz-subset0``.
* Even with hb-subset, WeasyPrint keeps glyph ids (``RETAIN_GIDS``), so every
  embedded font has empty slots up to the highest glyph id used.  Noto CJK puts
  the Simplified-Chinese forms (the full-width comma, the curly quotes …) at
  glyph ids above 58,000, so every font costs two hb-subset passes over ~63,000
  glyphs plus zlib over ~800 KB, and the PDF carries 150–200 KB per font.

This module therefore derives small fonts from the installed Noto CJK SC faces
once, with hb-subset, into a cache directory: a *core* font per style holding
GB 2312 plus ASCII, Latin-1 and the usual punctuation and symbols (about 8,000
glyphs), and *slices* of 2,048 code points for the rest of the face, so that a rare
character such as 堃 or 𠮷 costs a 2,048-glyph slice instead of the whole font.
The fonts are registered only in our own ``FontConfiguration`` (nothing is
installed system-wide) under the families ``Caseflow Serif SC`` and ``Caseflow
Sans SC``; notice.css names them after the office's licensed fonts and before
Noto CJK SC, which remains the fallback when the cache cannot be built.
The ``FontConfiguration`` and the parsed stylesheets are reused across renders
(per thread: Pango font maps are not thread-safe).

Safety: resources are fetched by :class:`StaticURLFetcher`, which serves only
files under the static directory (``/static/…``), never ``file://`` or the
network.
"""

from __future__ import annotations

import bisect
import ctypes
import ctypes.util
import hashlib
import json
import logging
import mimetypes
import os
import shutil
import subprocess
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape as xml_escape

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

LOGGER = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = REPO_ROOT / "templates"
NOTICE_TEMPLATES_DIR = TEMPLATES_DIR / "notices"
NOTICE_CSS = NOTICE_TEMPLATES_DIR / "notice.css"
DEFAULT_STATIC_ROOT = REPO_ROOT / "static"

#: Origin used as the base URL of rendered documents.  ``.invalid`` never
#: resolves (RFC 2606), and the fetcher maps its ``/static/`` URLs to files.
INTERNAL_ORIGIN = "https://caseflow.invalid"
INTERNAL_BASE_URL = INTERNAL_ORIGIN + "/"
STATIC_URL_PREFIX = "/static/"

# WeasyPrint write_pdf options.  Subsetting stays on (full_fonts would embed the
# whole 20–26 MB collection); no hinting; images are left alone because
# optimize_images only costs time on notices that carry a seal and a QR code.
PDF_OPTIONS = {"full_fonts": False, "hinting": False, "optimize_images": False}


# --------------------------------------------------------------------------
# URL fetcher
# --------------------------------------------------------------------------


class URLRefused(ValueError):
    """A document asked for a resource outside the static directory."""


class StaticURLFetcher(URLFetcher):
    """Serve ``/static/…`` URLs from a directory on disk and refuse everything else.

    A URL is served when its scheme is http or https, its origin is one of
    ``origins`` (the internal base URL, plus the document's own base URL) and
    its path starts with ``url_prefix``; the rest of the path is looked up under
    ``static_root`` without leaving it.  ``data:`` URLs (inline QR codes) are
    allowed unless ``allow_data`` is false.  ``file:``, other hosts and other
    schemes raise :class:`URLRefused`; nothing is ever fetched over the network.
    """

    def __init__(
        self,
        static_root: str | os.PathLike,
        *,
        url_prefix: str = STATIC_URL_PREFIX,
        origins: Iterable[str] = (INTERNAL_ORIGIN,),
        allow_data: bool = True,
        fail_on_errors: bool = True,
        **kwargs,
    ) -> None:
        # fail_on_errors: a notice missing its seal must not be issued silently.
        super().__init__(allowed_protocols=("http", "https", "data"), fail_on_errors=fail_on_errors, **kwargs)
        self.static_root = Path(static_root).resolve()
        self.url_prefix = "/" + url_prefix.strip("/") + "/"
        self.origins = frozenset(_origin(o) for o in origins)
        self.allow_data = allow_data

    def resolve(self, url: str) -> Path:
        """Return the file a static URL stands for, or raise URLRefused."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise URLRefused(f"refused {scheme or 'relative'} URL: {url[:200]}")
        if f"{scheme}://{parts.netloc.lower()}" not in self.origins:
            raise URLRefused(f"refused URL outside the static route: {url[:200]}")
        if not parts.path.startswith(self.url_prefix):
            raise URLRefused(f"refused URL outside {self.url_prefix}: {url[:200]}")
        relative = unquote(parts.path[len(self.url_prefix) :])
        segments = relative.split("/")
        if (
            not relative
            or "\\" in relative
            or "\x00" in relative
            or any(segment in ("", ".", "..") for segment in segments)
        ):
            raise URLRefused(f"refused static path: {url[:200]}")
        path = (self.static_root / relative).resolve()
        # resolve() follows symbolic links, so a link out of the root is refused too.
        if not path.is_relative_to(self.static_root) or not path.is_file():
            raise URLRefused(f"no such static file: {url[:200]}")
        return path

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        """Fetch a static file or a data: URL; refuse everything else."""
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            if not self.allow_data:
                raise URLRefused("refused data: URL")
            return super().fetch(url, headers)
        path = self.resolve(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def default_static_root() -> Path:
    """Return the Flask app's static folder, or the repository's static/ directory."""
    try:
        from flask import current_app, has_app_context

        if has_app_context() and current_app.static_folder:
            return Path(current_app.static_folder)
    except ImportError:  # pragma: no cover - Flask is a dependency of the app
        pass
    return DEFAULT_STATIC_ROOT


# --------------------------------------------------------------------------
# Derived fonts (core + slices of Noto CJK SC), built with hb-subset
# --------------------------------------------------------------------------

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


def font_cache_root() -> Path:
    """Return the directory holding the derived fonts (CASEFLOW_FONT_CACHE, else ~/.cache)."""
    if configured := os.environ.get("CASEFLOW_FONT_CACHE"):
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "caseflow" / "fonts"


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
        if not fonts:
            return
        # Imported here: these are WeasyPrint internals (cffi handles), used the
        # same way as WeasyPrint's own @font-face support does.
        from weasyprint.text.ffi import ffi, fontconfig, pangoft2

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


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------

_local = threading.local()


def font_config() -> NoticeFontConfiguration:
    """Return this thread's shared font configuration (created on first use)."""
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = NoticeFontConfiguration()
        _local.stylesheets = {}
    return config


def load_stylesheet(path: str | os.PathLike) -> CSS:
    """Return the parsed stylesheet at path, cached per thread until the file changes."""
    config = font_config()
    path = Path(path).resolve()
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    cache: dict = _local.stylesheets
    css = cache.get(key)
    if css is None:
        for stale in [k for k in cache if k[0] == key[0]]:
            del cache[stale]
        # Parsed with the internal base URL, so that url(/static/…) in a
        # stylesheet goes through the static route like the document's own URLs.
        css = CSS(
            string=path.read_text(encoding="utf-8"),
            base_url=INTERNAL_BASE_URL,
            url_fetcher=StaticURLFetcher(default_static_root()),
            font_config=config,
        )
        cache[key] = css
    return css


def notice_stylesheets(template_name: str) -> list[Path]:
    """Return notice.css plus the document kind's own stylesheet when it exists.

    ``template_name`` is the template's name, e.g. ``notices/adjudication.html``.
    """
    sheets = [NOTICE_CSS]
    own = TEMPLATES_DIR / Path(template_name).with_suffix(".css")
    if own.is_file() and own.resolve() != NOTICE_CSS.resolve():
        sheets.append(own)
    return sheets


def render_document(
    html: str,
    *,
    base_url: str | None = None,
    stylesheets: Iterable[str | os.PathLike | CSS] = (),
    static_root: str | os.PathLike | None = None,
):
    """Lay out html and return the WeasyPrint Document (pages, then write_pdf())."""
    config = font_config()
    origins = [INTERNAL_ORIGIN]
    if base_url:
        origins.append(_origin(base_url))
    fetcher = StaticURLFetcher(static_root or default_static_root(), origins=origins)
    sheets = [sheet if isinstance(sheet, CSS) else load_stylesheet(sheet) for sheet in (stylesheets or (NOTICE_CSS,))]
    document = HTML(string=html, base_url=base_url or INTERNAL_BASE_URL, url_fetcher=fetcher)
    return document.render(stylesheets=sheets, font_config=config, **PDF_OPTIONS)


def render_pdf(
    html: str,
    *,
    base_url: str | None = None,
    stylesheets: Iterable[str | os.PathLike | CSS] = (),
    static_root: str | os.PathLike | None = None,
) -> bytes:
    """Render a notice's HTML to PDF bytes.

    :param base_url: the document's base URL; defaults to an internal origin
        whose ``/static/…`` URLs are served from ``static_root``.
    :param stylesheets: paths or ``weasyprint.CSS`` objects; defaults to
        notice.css.  Paths are parsed once per thread and cached.
    :param static_root: directory behind ``/static/``; defaults to the Flask
        app's static folder, else the repository's ``static/``.
    """
    document = render_document(html, base_url=base_url, stylesheets=stylesheets, static_root=static_root)
    return document.write_pdf(**PDF_OPTIONS)


_WARM_UP_HTML = (
    '<html lang="zh-CN"><body><h1 class="masthead__office">知识产权局</h1>'
    '<h2 class="notice-title">决定书</h2><h2 class="h1">一、</h2>'
    "<p>中文，“引号”（括号）〔2026〕12号。ABC abc 123</p></body></html>"
)


def warm_up() -> None:
    """Build the font cache and load fonts and stylesheets, so the next render is fast."""
    derived_fonts()
    font_report("")
    render_pdf(_WARM_UP_HTML)


# --------------------------------------------------------------------------
# Font coverage report
# --------------------------------------------------------------------------

_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")


@lru_cache(maxsize=1)
def _coverage() -> tuple[list[int], list[int]]:
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
    starts, ends = _coverage()
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


def clear_font_caches() -> None:
    """Forget font coverage, derived fonts and this thread's font configuration (after installing fonts)."""
    _coverage.cache_clear()
    derived_fonts.cache_clear()
    _local.__dict__.clear()


if __name__ == "__main__":  # pragma: no cover
    import sys

    logging.basicConfig(level=logging.INFO)
    if sys.argv[1:] == ["build-fonts"]:
        fonts = derived_fonts()
        print(f"{len(fonts)} derived fonts in {font_cache_root()}")  # noqa: T201 - a command-line entry point
        sys.exit(0 if fonts else 1)
    print("usage: python -m caseflow.core.pdf build-fonts", file=sys.stderr)  # noqa: T201
    sys.exit(2)
