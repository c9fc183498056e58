"""Evidence records (docs/architecture.md, Evidence): one row per submitted file; the bytes live in content-addressed
storage."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.accounts.models import User
from caseflow.cases.models import Case
from caseflow.core import clock
from caseflow.core.db import Model, UTCDateTime, created_at, str_enum
from caseflow.core.enums import TitledStrEnum


class EvidenceKind(TitledStrEnum):
    """The kinds of evidence of 民事诉讼法 art. 66 (the values are the API's)."""

    DOCUMENTARY = "documentary", "书证"
    PHYSICAL = "physical", "物证"
    AUDIOVISUAL = "audiovisual", "视听资料"
    ELECTRONIC = "electronic", "电子数据"
    TESTIMONY = "testimony", "证人证言"
    STATEMENT = "statement", "当事人陈述"
    EXPERT_OPINION = "expert_opinion", "鉴定意见"
    INSPECTION_RECORD = "inspection_record", "勘验笔录"


class SubmissionMethod(TitledStrEnum):
    """How the evidence reached the office."""

    PARTY_UPLOAD = "party_upload", "当事人提交"
    ONSITE_COLLECTION = "onsite_collection", "现场提取"
    NOTARISED = "notarised", "公证取证"
    ELECTRONIC_FORENSICS = "electronic_forensics", "电子取证"


class Admission(TitledStrEnum):
    """The panel's decision on the evidence."""

    PENDING = "pending", "待认定"
    ADMITTED = "admitted", "采信"
    REJECTED = "rejected", "不予采信"


def label_of(number: int, version: int) -> str:
    """证据N (or 证据N（第M版）) as the evidence list names a record (its number and version)."""
    return f"证据{number}" + (f"（第{version}版）" if version > 1 else "")


class Evidence(Model):
    """One piece of evidence in a case. The file never changes: a replacement is a new row that `replaces` this one."""

    __tablename__ = "evidence"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "number", "version", name="uq_evidence_case_number_version"),
        sa.UniqueConstraint("replaces_id", name="uq_evidence_replaces_id"),
        sa.CheckConstraint("size > 0", name="size_positive"),
    )

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    number: Mapped[int] = mapped_column(comment="证据序号 in the case's evidence list; versions keep the number")
    version: Mapped[int] = mapped_column(default=1, comment="1 for the first file, +1 for each replacement")
    replaces_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("evidence.id"), comment="the earlier version this record replaces (files never change)")
    kind: Mapped[EvidenceKind] = mapped_column(str_enum(EvidenceKind))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="", comment="证明对象 and other remarks")
    method: Mapped[SubmissionMethod] = mapped_column(str_enum(SubmissionMethod))
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    submitted_as: Mapped[str] = mapped_column(
        sa.String(16), comment="the submitter's role in the case at the time: applicant, respondent or staff")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    original_name: Mapped[str] = mapped_column(sa.String(255), comment="the file name as given, for display only")
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True, comment="hex SHA-256 of the bytes; the storage key")
    size: Mapped[int] = mapped_column(sa.BigInteger, comment="bytes")
    mime: Mapped[str] = mapped_column(sa.String(127), comment="media type sniffed from the content, not the name")
    admission: Mapped[Admission] = mapped_column(str_enum(Admission), default=Admission.PENDING)
    admission_reason: Mapped[str | None] = mapped_column(sa.Text)
    admission_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    admission_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[created_at]

    case: Mapped[Case] = relationship()
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    admission_by: Mapped[User | None] = relationship(foreign_keys=[admission_by_id])
    replaces: Mapped[Evidence | None] = relationship(remote_side="Evidence.id", back_populates="replaced_by",
                                                     foreign_keys=[replaces_id])
    replaced_by: Mapped[Evidence | None] = relationship(back_populates="replaces", foreign_keys=[replaces_id],
                                                        uselist=False)

    @property
    def label(self) -> str:
        return label_of(self.number, self.version)

    @property
    def is_current(self) -> bool:
        """Not corrected: no record replaces this one (successors asks it of a case's records read together)."""
        return self.replaced_by is None


def successors(rows: Iterable[sa.Row]) -> dict[int, sa.Row]:
    """Each corrected record's replacement among ``rows`` (a case's, as services.rows_of gives them), by the
    corrected id; the rows without one are the current ones (Evidence.is_current)."""
    return {r.replaces_id: r for r in rows if r.replaces_id is not None}
