"""Request glue shared by the evidence pages and the API: streamed upload parsing, serving files."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import TypeVar

from flask import Response, current_app, request, send_file
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from caseflow.core.db import db, run_transaction
from caseflow.core.errors import DomainError, Invalid
from caseflow.evidence import checks, preview, services
from caseflow.evidence.models import Evidence
from caseflow.evidence.services import StoredUpload
from caseflow.evidence.storage import TempUpload, clean_abandoned_now_and_then, get_storage

# Served evidence is hostile until proven otherwise: never sniffed, never scripted, never framed elsewhere.
CSP_IMAGE = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
# Browsers' PDF viewers refuse to run in a sandboxed document, so PDFs get everything but `sandbox`.
CSP_PDF = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors "
           "'self'")
CSP_ATTACHMENT = "default-src 'none'; sandbox"
T = TypeVar("T")


class FileMissing(DomainError):
    status, code = 500, "file_missing"


def parse_upload(max_files: int) -> services.Received:
    """Stream the request's multipart body into temporary files (never into memory); checks the size first.

    The request's reading transaction ends first: no snapshot or pooled connection is held while a large body
    arrives over a slow link (twenty of them at once would otherwise exhaust the connection pool).
    """
    limit = services.request_limit(max_files)
    length = request.content_length
    if length is not None and length > limit:
        raise checks.too_large(services.settings()["max_bytes"])
    db.rollback()  # only reads happened so far
    clean_abandoned_now_and_then()
    request.max_content_length = limit
    try:
        stream = request.stream
    except RequestEntityTooLarge:
        raise checks.too_large(services.settings()["max_bytes"]) from None
    return services.receive_multipart(stream, mimetype=request.mimetype, options=request.mimetype_params,
                                      content_length=length, max_files=max_files)


def chosen_files(received: services.Received, names: tuple[str, ...] = ("files", "file")) -> list:
    """The files the form sent under ``names``; a clear error when none was chosen (an empty file part)."""
    uploads = [up for name, up in received.files if name in names]
    if not uploads or all(up.size == 0 and not up.filename for up in uploads):
        raise Invalid("请选择要上传的文件", fields={"file": "未选择文件"})
    return uploads


def check_csrf(form: MultiDict) -> None:
    """Run Flask-WTF's CSRF check on a form we parsed ourselves.

    The upload views are exempt from the global before-request check, because that check reads `request.form`
    and would make Werkzeug spool the files before our streaming parser sees them. Handing the parsed fields
    to the request (where Werkzeug caches its own parse) lets the same check run afterwards, unchanged.
    """
    request.__dict__["form"] = form
    request.__dict__["files"] = MultiDict()
    current_app.extensions["csrf"].protect()


# Writes after a streamed upload or around a file download go through run_transaction with this many attempts:
# custody events append to the case's hash chain, which the case row's optimistic lock serialises, so two
# simultaneous downloads of one case's evidence would otherwise make one of them fail.
ATTEMPTS = 5


def save_upload(fn: Callable[[], T]) -> T:
    """Write an upload's record in a transaction begun now, so that it queues for the write lock at BEGIN (SQLite)
    and reads the case as the writers before it left it; `create_evidence` then locks the case row (PostgreSQL).
    Simultaneous uploads to one case thus wait their turn instead of answering 409 (which would leave their
    already stored files without a record)."""
    db.rollback()  # only reads happened since the body was parsed
    return run_transaction(fn, attempts=ATTEMPTS)


def _title_for(base: str | None, name: str | None, index: int, count: int) -> str | None:
    if base:
        return base if count == 1 else f"{base}（{index}）"
    stem = (name or "").rsplit(".", 1)[0].strip()
    return stem[:200] or None


def store_each(uploads: list[TempUpload], base: dict,
               save: Callable[[StoredUpload, dict], T]) -> tuple[list[T], list[tuple[str, DomainError]]]:
    """Check, store and record each upload in a transaction of its own (``save(stored, fields)`` writes its row), so
    that a refused file is reported, by its name, beside the accepted ones. ``fields`` is ``base`` with the file's
    title: the one given (numbered when several files share it), else the file's name without its extension."""
    done: list[T] = []
    refused: list[tuple[str, DomainError]] = []
    for i, up in enumerate(uploads, 1):
        try:
            fields = dict(base, title=_title_for(base.get("title"), up.filename, i, len(uploads)))
            if not fields["title"]:
                raise Invalid("请填写证据名称", fields={"title": "请填写证据名称"})
            stored = services.check_and_store(up)
            done.append(save_upload(functools.partial(save, stored, fields)))
        except DomainError as exc:
            db.rollback()
            refused.append((up.filename or "（无文件名）", exc))
    return done, refused


def _secure(resp: Response, csp: str, *, cache: str = "private, no-store") -> Response:
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = csp
    resp.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    resp.headers["Referrer-Policy"] = "no-referrer"
    resp.headers["X-Frame-Options"] = "SAMEORIGIN"
    resp.headers["Cache-Control"] = cache
    return resp


def deliver(load: Callable[[], Evidence], *, actor, how: str, via: str) -> Response:
    """Record the view or download as a custody event (committed first), then send the file."""
    storage = get_storage()

    def record() -> Evidence:
        ev = load()
        if not storage.exists(ev.sha256):
            raise FileMissing("存储中找不到该证据文件，请联系系统管理员运行 fsck 检查")
        services.record_access(ev, actor=actor, how=how, via=via)
        return ev

    ev = run_transaction(record, attempts=ATTEMPTS)
    inline = how == "view" and checks.is_inline_safe(ev.mime)
    return send_evidence(ev, inline=inline)


def send_evidence(ev: Evidence, *, inline: bool) -> Response:
    """The file with its original name (RFC 5987 filename*), its sniffed type and restrictive headers."""
    storage = get_storage()
    name = checks.safe_download_name(ev.original_name)
    mime = ev.mime if inline else (ev.mime if checks.family_of(ev.mime) else "application/octet-stream")
    path = storage.local_path(ev.sha256)
    if path is not None:
        resp = send_file(path, mimetype=mime, as_attachment=not inline, download_name=name, conditional=True,
                         etag=ev.sha256, max_age=0)
    else:
        try:
            body = storage.open(ev.sha256)
        except FileNotFoundError:
            raise FileMissing("存储中找不到该证据文件，请联系系统管理员运行 fsck 检查") from None
        resp = send_file(body, mimetype=mime, as_attachment=not inline, download_name=name, conditional=False,
                         etag=ev.sha256, max_age=0)
        resp.content_length = ev.size
    csp = (CSP_PDF if checks.family_of(ev.mime) == "pdf" else CSP_IMAGE) if inline else CSP_ATTACHMENT
    return _secure(resp, csp)


def send_preview(ev: Evidence) -> Response:
    """A PNG thumbnail (images) or first-page preview (PDFs); a neutral tile when there is none."""
    data = preview.thumbnail(get_storage(), ev.sha256, ev.mime) or preview.placeholder_png()
    resp = Response(data, mimetype="image/png")
    return _secure(resp, CSP_IMAGE, cache="private, max-age=3600")


def send_package(case, *, actor) -> Response:
    """Build the evidence package, record the export as a custody event, and send it (the zip is temporary)."""
    from caseflow.evidence.package import PackageError, build_package

    items = services.list_evidence(case)
    try:
        path = build_package(case, items=items)
    except PackageError as exc:
        raise FileMissing(str(exc)) from None
    try:
        run_transaction(lambda: services.record_package(case, actor=actor, evidence_list=services.list_evidence(case)),
                        attempts=ATTEMPTS)
        fh = open(path, "rb")  # noqa: SIM115 — closed by the response
    finally:
        os.unlink(path)  # an open handle keeps the data until the response has been sent
    resp = send_file(fh, mimetype="application/zip", as_attachment=True,
                     download_name=f"证据包-{case.number}.zip", conditional=False)
    return _secure(resp, CSP_ATTACHMENT)


def send_csv(case) -> Response:
    from caseflow.evidence.package import evidence_list_csv

    data = evidence_list_csv(services.list_evidence(case))
    resp = Response(data.encode("utf-8"), mimetype="text/csv")
    resp.headers["Content-Disposition"] = _disposition(f"证据清单-{case.number}.csv")
    return _secure(resp, CSP_ATTACHMENT)


def _disposition(name: str) -> str:
    from urllib.parse import quote

    ascii_name = name.encode("ascii", "ignore").decode() or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
