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

The package: :mod:`.fetcher` (the static-only URL fetcher), :mod:`.fonts` (the derived fonts and the font
configuration that knows them), :mod:`.render` (HTML to PDF, per-thread caches) and :mod:`.coverage` (which
characters no installed font covers).
"""

from caseflow.core.pdf.coverage import font_report
from caseflow.core.pdf.fetcher import TEMPLATES_DIR
from caseflow.core.pdf.fonts import derived_fonts
from caseflow.core.pdf.render import (
    NOTICE_CSS,
    PDF_OPTIONS,
    notice_stylesheets,
    render_document,
    render_pdf,
    warm_up,
)

__all__ = [
    "NOTICE_CSS",
    "PDF_OPTIONS",
    "TEMPLATES_DIR",
    "derived_fonts",
    "font_report",
    "notice_stylesheets",
    "render_document",
    "render_pdf",
    "warm_up",
]
