"""Turn a notice's plain-data context into HTML and PDF (templates/notices/<kind>.html over _base.html).

Documents are rendered with a Jinja environment of their own rather than Flask's ``render_template``: a legal
document must come out the same in a request, in a CLI command (``notice-sample``), in ``bench/`` and in tests,
and must never see request globals (``current_user``, ``url_for``); it receives plain data only
(CONVENTIONS.md 15). The environment loads the same ``templates/`` directory, autoescaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

import jinja2

from caseflow.core import pdf

#: What a character no installed font covers becomes in a draft preview: 〓 (GETA MARK), the typesetter's
#: traditional mark for a missing character. Final documents with such characters are refused instead.
MISSING_MARK = "〓"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The documents' Jinja environment (templates/ directory, autoescape, a few filters)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(pdf.TEMPLATES_DIR), autoescape=True, auto_reload=True)
    env.filters["paras"] = paragraphs
    return env


def paragraphs(text: str | None) -> list[str]:
    """Split free text into paragraphs (one per non-empty line; full-width indentation is the stylesheet's job)."""
    return [line.strip().lstrip("\u3000") for line in (text or "").splitlines() if line.strip()]


def render_html(template: str, context: Mapping) -> str:
    """Render a document template with its context."""
    return environment().get_template(template).render(**context)


def visible_text(value) -> str:
    """Every string in a context (nested dicts and lists), joined: what the font report must look at."""
    out: list[str] = []

    def walk(item):
        if isinstance(item, str):
            if not item.startswith("data:"):
                out.append(item)
        elif isinstance(item, Mapping):
            for v in item.values():
                walk(v)
        elif isinstance(item, Iterable) and not isinstance(item, bytes):
            for v in item:
                walk(v)

    walk(value)
    return "\n".join(out)


#: Context keys templates never print as text (raw inputs, codes, image data).
UNPRINTED = frozenset({"data", "date_iso", "kind", "verify_qr", "masthead_compact", "draft"})


def missing_characters(context: Mapping) -> list[str]:
    """Characters of the context no installed font covers (reported to the officer when drafting)."""
    return pdf.font_report(visible_text({k: v for k, v in context.items() if k not in UNPRINTED}))


def mark_missing(html: str, missing: Iterable[str]) -> str:
    """Replace uncovered characters with 〓 so a draft preview never shows a box."""
    for char in missing:
        html = html.replace(char, MISSING_MARK)
    return html


def render_document(template: str, context: Mapping, *, missing: Iterable[str] = ()):
    """Lay out a document; returns WeasyPrint's Document (``.pages``, ``.write_pdf()``)."""
    html = mark_missing(render_html(template, context), missing)
    return pdf.render_document(html, stylesheets=pdf.notice_stylesheets(template))


def render(template: str, context: Mapping, *, missing: Iterable[str] = ()) -> tuple[bytes, int]:
    """Render a document to PDF bytes; returns (pdf, page count)."""
    document = render_document(template, context, missing=missing)
    return document.write_pdf(**pdf.PDF_OPTIONS), len(document.pages)


def qr_data_url(url: str) -> str:
    """A QR code of ``url`` as an SVG data: URL (the renderer allows data: URLs and nothing remote)."""
    import segno

    return segno.make(url, error="m", micro=False).svg_data_uri(border=2, dark="#000", light=None)


_SPACES = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """Drop the spaces and line breaks pdftotext puts into justified Chinese text."""
    return _SPACES.sub("", text)
