"""Verification of an issued document: by its 文书编号 and 验证码 (as printed in its footer), by the code alone (the QR
code's link), or by an uploaded copy's SHA-256; the public page's facts."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from typing import IO

import sqlalchemy as sa

from caseflow.core.db import db
from caseflow.core.errors import Invalid
from caseflow.notices import context
from caseflow.notices.citations import cn_date
from caseflow.notices.deliveries import recipient_parties
from caseflow.notices.models import Notice, NoticeStatus

#: Largest PDF the public verification page accepts.
MAX_VERIFY_BYTES = 50 * 1024 * 1024
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed from paper
CODE_LENGTH = 12


def new_verify_code() -> str:
    """A fresh 12-character verification code, unique among issued notices."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.scalar(sa.select(Notice.id).where(Notice.verify_code == code)) is None:
            return code


def normalize_code(code: str | None) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:32]


def find_by_code(code: str | None) -> Notice | None:
    """The issued notice a verification code belongs to."""
    code = normalize_code(code)
    if len(code) != CODE_LENGTH:
        return None
    return db.session.scalar(sa.select(Notice).where(Notice.verify_code == code, Notice.status == NoticeStatus.ISSUED))


_OPENING, _CLOSING = "[【〔(（{", "]】〕)）}"


def normalize_number(number: str | None) -> str:
    """A 文书编号 as typed, comparable with the issued one: full-width forms, spaces and the kind of bracket round
    the year do not matter (渝中知保受字[2026]12号 = 渝中知保受字〔2026〕12号)."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", number or ""))
    return text.translate(str.maketrans(_OPENING + _CLOSING, "〔" * len(_OPENING) + "〕" * len(_CLOSING)))[:64]


def find(code: str | None, number: str | None = None) -> Notice | None:
    """The issued notice with this code, and (when given) this number: both must belong to the same document."""
    notice = find_by_code(code)
    if notice is None or (number and normalize_number(number) != normalize_number(notice.number)):
        return None
    return notice


def hash_upload(stream: IO[bytes], limit: int = MAX_VERIFY_BYTES) -> str:
    """SHA-256 of an uploaded file, read in chunks (refusing files over the limit)."""
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(1024 * 1024):
        size += len(chunk)
        if size > limit:
            raise Invalid("文件过大", fields={"file": f"文件不能超过 {limit // (1024 * 1024)} MB"})
        digest.update(chunk)
    return digest.hexdigest()


def verification_facts(notice: Notice) -> dict:
    """What the public page confirms: office, title, number, date, masked recipients, SHA-256."""
    names = [d.recipient_name for d in notice.deliveries] or [p.name for p in recipient_parties(notice)]
    if not names and notice.recipient:
        names = [notice.recipient]
    return {
        "office": context.office_display_name(notice.unit.name),
        "title": notice.title,
        "number": notice.number,
        "date": cn_date(notice.document_date),
        "recipients": list(dict.fromkeys(context.mask_name(n) for n in names)),
        "sha256": notice.sha256,
        "pages": notice.pages,
        "code": context.format_code(notice.verify_code or ""),
    }

