"""Turn a notice's plain-data context into HTML and PDF (templates/notices/<kind>.html over _base.html).

Documents are rendered with a Jinja environment of their own rather than Flask's ``render_template``: a legal
document must come out the same in a request, in a CLI command (``notice-sample``), in ``bench/`` and in tests,
and must never see request globals (``current_user``, ``url_for``); it receives plain data only
(docs/architecture.md, Conventions of the code). The environment loads the same ``templates/`` directory, autoescaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import IO

import jinja2

from caseflow.cases.models import Party
from caseflow.core import clock, pdf
from caseflow.core.errors import Conflict, NotFound
from caseflow.notices import catalogue
from caseflow.notices.context import assemble, build_context
from caseflow.notices.models import Notice, NoticeStatus

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


# ---- previews and stored PDFs ----


def preview_pdf(notice: Notice) -> bytes:
    """The draft rendered with the 草稿 watermark (uncovered characters shown as 〓)."""
    ctx = build_context(notice)
    ctx["draft"] = True
    kind = catalogue.kind(notice.kind)
    content, _ = render(kind.template, ctx, missing=missing_characters(ctx))
    return content


def service_receipt_pdf(notice: Notice, party: Party | None) -> bytes:
    """A 送达回证 for one recipient of an issued notice, to be signed on paper service."""
    if notice.status != NoticeStatus.ISSUED:
        raise Conflict("文书签发后才能打印送达回证")
    from caseflow.notices.deliveries import receiving_agent

    receipt_kind = catalogue.kind("service_receipt")
    base = build_context(notice)
    agent = receiving_agent(party, notice.case)
    served = agent or party
    ctx = assemble(
        receipt_kind, procedure=notice.case.procedure, office_name=base["office_name"], area=base["area"],
        case=base["case"], claimants=base["claimants"], respondents=base["respondents"], agents=base["agents"],
        parts={}, data={}, on=clock.today(),
        extra={"receipt": {"document": notice.title, "number": notice.number,
                           "recipient": party.name if party else notice.recipient,
                           # Served on the agent the authorisation names to receive it (代收): at the agent's
                           # address as recorded (blank for the server to fill in), not the principal's.
                           "proxy": f"{agent.name}（委托代理人，授权委托书载明代收法律文书）" if agent else "",
                           "address": (served.address if served else "") or ""}})
    content, _ = render(receipt_kind.template, ctx, missing=missing_characters(ctx))
    return content


def open_pdf(notice: Notice) -> IO[bytes]:
    """The stored bytes of an issued notice (never a draft)."""
    if notice.status != NoticeStatus.ISSUED or not notice.sha256:
        raise NotFound("文书尚未签发")
    from caseflow.evidence.storage import get_storage

    return get_storage().open(notice.sha256)


def local_pdf_path(notice: Notice):
    from caseflow.evidence.storage import get_storage

    return get_storage().local_path(notice.sha256) if notice.sha256 else None


def store_pdf(content: bytes) -> str:
    """Store PDF bytes in the content-addressed storage; returns their SHA-256."""
    from caseflow.evidence.storage import get_storage

    storage = get_storage()
    upload = storage.new_temp()
    try:
        upload.write(content)
        upload.finish()
        storage.put(upload)
    except BaseException:
        upload.discard()
        raise
    return upload.sha256

