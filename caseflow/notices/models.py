"""Official documents, their deliveries (送达) and the parties' consent to electronic service."""

from __future__ import annotations

import datetime as dt
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from caseflow.accounts.models import Unit, User
from caseflow.cases.models import Case, Party
from caseflow.core import clock
from caseflow.core.db import Model, UTCDateTime, created_at, str_enum
from caseflow.core.enums import TitledStrEnum


class NoticeStatus(TitledStrEnum):
    DRAFT = "draft", "草稿"
    SIGNOFF = "signoff", "待签发"  # waiting for a supervisor's sign-off (签发)
    ISSUED = "issued", "已签发"
    DISCARDED = "discarded", "已作废（草稿）"  # a draft dropped before issuing; issued documents are never discarded


class DeliveryMethod(TitledStrEnum):
    ELECTRONIC = "electronic", "电子送达"
    DIRECT = "direct", "直接送达"
    POST = "post", "邮寄送达"
    RETENTION = "retention", "留置送达"
    PUBLIC_NOTICE = "public_notice", "公告送达"


class ImmutableNotice(RuntimeError):
    """Something tried to change an issued document."""


#: Columns that never change once a notice is issued (the PDF, its hash and what it was made from).
FROZEN = ("kind", "case_id", "unit_id", "title", "recipient", "parts", "data", "number", "word", "year", "seq",
          "verify_code", "issued_at", "issued_by_id", "document_date", "sha256", "size", "pages", "context",
          "corrects_id", "status")


class Notice(Model):
    """One official document of a case: a draft until issued; once issued, numbered, stored and frozen."""

    __tablename__ = "notices"
    __table_args__ = (
        # The gapless sequence is per office, document type (word) and year; this proves "no duplicate".
        sa.UniqueConstraint("unit_id", "word", "year", "seq", name="uq_notices_unit_word_year_seq"),
        sa.Index("ix_notices_case_status", "case_id", "status"),
    )

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), comment="issuing office (the case's office)")
    kind: Mapped[str] = mapped_column(sa.String(32), comment="catalogue code, e.g. decision")
    title: Mapped[str] = mapped_column(sa.String(100), comment="document title as printed")
    status: Mapped[NoticeStatus] = mapped_column(str_enum(NoticeStatus, 16), default=NoticeStatus.DRAFT)
    action: Mapped[str | None] = mapped_column(sa.String(32), comment="the workflow action that drafted it, if any")
    recipient: Mapped[str] = mapped_column(sa.String(300), default="", comment="主送, as printed")
    recipient_party_ids: Mapped[dict] = mapped_column(default=dict, comment='{"ids": [party ids]} served with it')
    parts: Mapped[dict] = mapped_column(default=dict, comment="the free-text parts officers may edit")
    data: Mapped[dict] = mapped_column(default=dict, comment="the action's fields and other inputs when drafted")
    missing_chars: Mapped[dict] = mapped_column(default=dict,
                                                comment='{"chars": [...]} no installed font covers (font_report)')
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("notices.id"), comment="the document a 更正 corrects")
    word: Mapped[str | None] = mapped_column(sa.String(16), comment="发文字号 type word, e.g. 保裁字")
    year: Mapped[int | None]
    seq: Mapped[int | None] = mapped_column(comment="gapless per office, word and year")
    number: Mapped[str | None] = mapped_column(sa.String(64), unique=True, comment="e.g. 渝中知保裁字〔2026〕12号")
    verify_code: Mapped[str | None] = mapped_column(sa.String(16), unique=True, comment="public verification code")
    document_date: Mapped[dt.date | None] = mapped_column(comment="成文日期 (Beijing date of issue)")
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    sha256: Mapped[str | None] = mapped_column(sa.String(64), index=True, comment="SHA-256 of the issued PDF")
    size: Mapped[int | None] = mapped_column(sa.BigInteger(), comment="bytes of the issued PDF")
    pages: Mapped[int | None]
    context: Mapped[dict | None] = mapped_column(comment="the template data the issued PDF was rendered from")
    drafted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approval_id: Mapped[int | None] = mapped_column(sa.ForeignKey("approval_requests.id"),
                                                    comment="the approved request of the action that drafted it")
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"),
                                                       comment="supervisor whose approval covers the current text")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signoff_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), comment="who asked for sign-off")
    signoff_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signoff_comment: Mapped[str | None] = mapped_column(sa.Text, comment="a supervisor's reason for returning it")
    version: Mapped[int] = mapped_column(default=1, comment="optimistic lock counter")
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    case: Mapped[Case] = relationship()
    unit: Mapped[Unit] = relationship()
    corrects: Mapped[Notice | None] = relationship(remote_side="Notice.id", back_populates="corrections")
    corrections: Mapped[list[Notice]] = relationship(back_populates="corrects", order_by="Notice.id")
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    drafted_by: Mapped[User | None] = relationship(foreign_keys=[drafted_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    signoff_by: Mapped[User | None] = relationship(foreign_keys=[signoff_by_id])
    deliveries: Mapped[list[NoticeDelivery]] = relationship(back_populates="notice", order_by="NoticeDelivery.id")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy types it per instance

    @hybrid_property
    def is_issued(self) -> bool:  # a hybrid: the case pages read it as a column of their plain rows
        return self.status == NoticeStatus.ISSUED

    @property
    def party_ids(self) -> list[int]:
        return list((self.recipient_party_ids or {}).get("ids") or [])

    @validates(*FROZEN)
    def _frozen(self, key, value):
        # An issued document never changes: its PDF is stored under its hash and verified by it.
        if self.__dict__.get("status") == NoticeStatus.ISSUED and self.__dict__.get(key) != value:
            raise ImmutableNotice(f"issued notice {self.id}: {key} cannot change")
        return value


class NoticeDelivery(Model):
    """One service (送达) of a notice on one recipient, and the date the law counts it from."""

    __tablename__ = "notice_deliveries"

    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notices.id"), index=True)
    party_id: Mapped[int | None] = mapped_column(sa.ForeignKey("parties.id"), index=True,
                                                 comment="None for an outside body (court, police, agency)")
    recipient_name: Mapped[str] = mapped_column(sa.String(200))
    method: Mapped[DeliveryMethod] = mapped_column(str_enum(DeliveryMethod, 16))
    delivered_on: Mapped[dt.date] = mapped_column(
        comment="the legal delivery date: portal arrival, signature, return receipt, or publication + 30 days")
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), comment="arrival moment (electronic)")
    published_on: Mapped[dt.date | None] = mapped_column(comment="公告送达: the day the notice was published")
    receipt_number: Mapped[str | None] = mapped_column(sa.String(64), comment="mail tracking or receipt number")
    signed_by: Mapped[str | None] = mapped_column(sa.String(100), comment="who signed for it (签收人)")
    witness: Mapped[str | None] = mapped_column(sa.String(200), comment="留置送达: witnesses and circumstances")
    place: Mapped[str | None] = mapped_column(sa.String(300), comment="送达地点 or the publication medium")
    note: Mapped[str | None] = mapped_column(sa.Text)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), comment="portal account it arrived in")
    first_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), comment="first opening by the addressee")
    took_effect_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), comment="when the delivery date was reached and the party's period started (公告: later)")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[created_at]

    notice: Mapped[Notice] = relationship(back_populates="deliveries")
    party: Mapped[Party | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

    @property
    def effective(self) -> bool:
        return self.took_effect_at is not None


class ServiceConsent(Model):
    """A party's consent to electronic service into a portal account (局令81 art. 10; 民事诉讼法 art. 90)."""

    __tablename__ = "service_consents"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("parties.id"), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), comment="the portal account documents arrive in")
    source: Mapped[str] = mapped_column(sa.String(16), comment="portal (given online) or paper (送达地址确认书)")
    given_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    party: Mapped[Party] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None
