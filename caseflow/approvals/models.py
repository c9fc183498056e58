"""Approval requests (审批) for actions a supervisor must approve."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.accounts.models import User
from caseflow.cases.models import Case
from caseflow.core.db import Model, UTCDateTime, created_at, str_enum
from caseflow.core.enums import TitledStrEnum


class ApprovalStatus(TitledStrEnum):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已驳回"
    CANCELLED = "cancelled", "已撤回"
    FAILED = "failed", "已失效"


class ApprovalRequest(Model):
    """An officer's request to perform an action, waiting for a supervisor."""

    __tablename__ = "approval_requests"
    __table_args__ = (
        sa.Index("ix_approval_requests_status_case", "status", "case_id"),
        # At most one pending request per case (mirrors the 409 approval_pending rule).
        sa.Index("uq_approval_requests_one_pending", "case_id", unique=True,
                 sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'")),
    )

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    action: Mapped[str] = mapped_column(sa.String(32))
    data: Mapped[dict] = mapped_column(default=dict, comment="the action's validated fields")
    case_version: Mapped[int] = mapped_column(comment="case version after the request; a later change voids it")
    status: Mapped[ApprovalStatus] = mapped_column(str_enum(ApprovalStatus, 16), default=ApprovalStatus.PENDING)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[created_at]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    comment: Mapped[str | None] = mapped_column(sa.Text)

    case: Mapped[Case] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
