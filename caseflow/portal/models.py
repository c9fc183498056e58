"""Filing drafts: saved portal forms that are not cases until submitted."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from caseflow.core import clock
from caseflow.core.db import Model, UTCDateTime, created_at


class FilingDraft(Model):
    """A rights holder's unfinished filing; invisible to staff and the API."""

    __tablename__ = "filing_drafts"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    procedure: Mapped[str] = mapped_column(sa.String(16))
    step: Mapped[int] = mapped_column(default=1)
    data: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)


class DraftEvidence(Model):
    """A file attached to a filing draft: its bytes are already in the content-addressed store (checked as evidence
    uploads are), and submitting the draft makes it the case's evidence; only the draft's author sees it."""

    __tablename__ = "draft_evidence"

    draft_id: Mapped[int] = mapped_column(sa.ForeignKey("filing_drafts.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int] = mapped_column(sa.BigInteger())
    mime: Mapped[str] = mapped_column(sa.String(127))
    original_name: Mapped[str] = mapped_column(sa.String(255))
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(32), comment="an EvidenceKind value")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[created_at]
