"""HTML to PDF with WeasyPrint: the font configuration and parsed stylesheets reused per thread."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path

from weasyprint import CSS, HTML

from caseflow.core.pdf import coverage, fonts
from caseflow.core.pdf.fetcher import (
    INTERNAL_BASE_URL,
    INTERNAL_ORIGIN,
    TEMPLATES_DIR,
    StaticURLFetcher,
    default_static_root,
    origin_of,
)
from caseflow.core.pdf.fonts import NoticeFontConfiguration

NOTICE_CSS = TEMPLATES_DIR / "notices" / "notice.css"

# WeasyPrint write_pdf options.  Subsetting stays on (full_fonts would embed the
# whole 20–26 MB collection); no hinting; images are left alone because
# optimize_images only costs time on notices that carry a seal and a QR code.
PDF_OPTIONS = {"full_fonts": False, "hinting": False, "optimize_images": False}

_local = threading.local()


def font_config() -> NoticeFontConfiguration:
    """Return this thread's shared font configuration (created on first use, and again for another font directory)."""
    config = getattr(_local, "font_config", None)
    directory = fonts.office_font_dir()
    if config is None or _local.font_dir != directory:
        config = _local.font_config = NoticeFontConfiguration()
        _local.font_dir = directory
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
        origins.append(origin_of(base_url))
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
    fonts.derived_fonts()
    coverage.font_report("")
    render_pdf(_WARM_UP_HTML)


