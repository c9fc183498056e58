"""Reminders of office deadlines due soon or missed: recorded once per threshold, sent after commit."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import selectinload

from caseflow.accounts.models import Role, User
from caseflow.cases.models import Case
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.deadlines.lifecycle import ACCOUNTABLE_BINDS, mark_missed
from caseflow.deadlines.models import Deadline, DeadlineReminder, DeadlineStatus, ReminderThreshold
from caseflow.deadlines.office_calendar import current_calendar
from caseflow.deadlines.reading import soon_cutoff, view_of

reminder_log = logging.getLogger("caseflow.reminders")


@dataclass
class Reminder:
    case_number: str
    case_id: int
    label: str
    basis: str
    due: str
    threshold: ReminderThreshold
    countdown: str
    recipients: list[tuple[str, str, str | None]]  # (username, display name, email)


@dataclass
class RemindResult:
    sent: int
    newly_missed: int
    reminders: list[Reminder]


def _recipients(case: Case) -> list[User]:
    people: list[User] = []
    if case.assignee is not None and not case.assignee.is_disabled:
        people.append(case.assignee)
    supervisors = db.session.scalars(
        sa.select(User).where(User.unit_id == case.unit_id, User.role == Role.SUPERVISOR,
                              User.is_disabled.is_(False)).order_by(User.username)
    ).all()
    people += [u for u in supervisors if u not in people]
    return people


def smtp_settings() -> dict | None:
    """Return the app's SMTP settings (``SMTP_*``, see caseflow/config.py) when SMTP_HOST is set, else None."""
    cfg = current_app.config if has_app_context() else {}
    if not cfg.get("SMTP_HOST"):
        return None
    return {"host": cfg["SMTP_HOST"], "port": int(cfg.get("SMTP_PORT") or 25), "user": cfg.get("SMTP_USER") or "",
            "password": cfg.get("SMTP_PASSWORD") or "", "sender": cfg.get("SMTP_FROM") or "caseflow@localhost",
            "starttls": bool(cfg.get("SMTP_STARTTLS"))}


def remind() -> RemindResult:
    """Record and queue reminders for office deadlines due within 2 working days or missed, once each.

    Messages go out after the caller's commit (email when SMTP is configured, else the
    ``caseflow.reminders`` log); the unique (deadline, threshold) row makes a second run a no-op.
    """
    newly_missed = mark_missed()
    db.session.flush()
    moment, cal = clock.now(), current_calendar()
    on = clock.beijing_date(moment)
    cutoff = soon_cutoff(on, cal)
    rows = db.session.scalars(
        sa.select(Deadline).where(
            Deadline.ended_at.is_(None), Deadline.binds.in_(ACCOUNTABLE_BINDS),
            Deadline.case.has(Case.is_deleted.is_(False)),
            sa.or_(Deadline.status == DeadlineStatus.MISSED,
                   sa.and_(Deadline.status == DeadlineStatus.RUNNING, Deadline.due_date <= cutoff)))
        .options(selectinload(Deadline.case).selectinload(Case.assignee), selectinload(Deadline.reminders))
        .order_by(Deadline.due_date, Deadline.id)
    ).all()
    smtp = smtp_settings()
    channel = "email" if smtp else "log"
    queued: list[Reminder] = []
    for d in rows:
        threshold = ReminderThreshold.MISSED if d.status == DeadlineStatus.MISSED else ReminderThreshold.DUE_SOON
        if any(r.threshold == threshold for r in d.reminders):
            continue
        people = _recipients(d.case)
        db.session.add(DeadlineReminder(deadline=d, threshold=threshold, sent_at=moment, channel=channel,
                                        recipients=[u.username for u in people]))
        view = view_of(d, moment=moment, cal=cal, cutoff=cutoff)
        queued.append(Reminder(d.case.number, d.case_id, d.label, d.basis, view.due_text, threshold, view.countdown,
                               [(u.username, u.display_name, u.email) for u in people]))
    db.session.flush()
    if queued:
        db.after_commit(lambda: deliver(queued, smtp))
    return RemindResult(len(queued), len(newly_missed), queued)


def _message_text(r: Reminder) -> tuple[str, str]:
    what = r.threshold.title
    subject = f"【期限提醒·{what}】{r.case_number} {r.label}"
    body = (f"案件：{r.case_number}\n期限：{r.label}\n届满日：{r.due}（{r.countdown}）\n法律依据：{r.basis}\n"
            f"请登录案流系统办理：/cases/{r.case_id}\n\n本邮件由案流系统自动发送，每个期限的同一提醒只发送一次。")
    return subject, body


def deliver(reminders: Sequence[Reminder], smtp: dict | None) -> None:
    """Send reminders by email, or write them to the ``caseflow.reminders`` log (runs after commit)."""
    for r in reminders:
        names = "、".join(f"{name}（{username}）" for username, name, _ in r.recipients) or "无收件人"
        if not r.recipients:
            reminder_log.warning("期限提醒[%s] %s %s 届满日 %s：本单位没有承办人或负责人可通知",
                                 r.threshold.value, r.case_number, r.label, r.due)
            continue
        if smtp is None:
            reminder_log.info("期限提醒[%s] %s %s 届满日 %s（%s）→ %s", r.threshold.value, r.case_number, r.label,
                              r.due, r.countdown, names)
            continue
        subject, body = _message_text(r)
        addresses = [email for _, _, email in r.recipients if email]
        if not addresses:
            reminder_log.warning("期限提醒[%s] %s %s：收件人均未登记电子邮箱（%s）", r.threshold.value,
                                 r.case_number, r.label, names)
            continue
        msg = EmailMessage()
        msg["Subject"], msg["From"], msg["To"] = subject, smtp["sender"], ", ".join(addresses)
        msg.set_content(body)
        try:
            with smtplib.SMTP(smtp["host"], smtp["port"], timeout=30) as server:
                if smtp["starttls"]:
                    server.starttls()
                if smtp["user"]:
                    server.login(smtp["user"], smtp["password"])
                server.send_message(msg)
        except (OSError, smtplib.SMTPException):
            # The reminder is recorded already; a failed send is logged for the operator, not retried.
            reminder_log.exception("期限提醒邮件发送失败：%s %s → %s", r.case_number, r.label, ", ".join(addresses))
        else:
            reminder_log.info("期限提醒邮件已发送[%s] %s %s → %s", r.threshold.value, r.case_number, r.label,
                              ", ".join(addresses))
