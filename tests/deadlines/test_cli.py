"""`flask caseflow due`, `calendar import` and `remind`."""

from __future__ import annotations

import datetime as dt
import json
import logging
import socketserver
import threading

import pytest
import sqlalchemy as sa

from caseflow.core.db import db
from caseflow.deadlines.models import CalendarDay, Deadline, DeadlineReminder, DeadlineStatus, ReminderThreshold
from tests.deadlines.test_services import docketed, one
from tests.factories.cases import advance, complaint

D = dt.date


def run(app, *args):
    return app.test_cli_runner().invoke(args=["caseflow", *args])


# ---------------------------------------------------------------------------
# due
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "printed"), [
    (["2026-09-24", "5", "working_days"], "2026-10-09"),
    (["2025-09-16", "15", "days"], "2025-10-09"),
    (["2025-11-30", "3", "months"], "2026-02-28"),
    (["2025-10-13", "3", "working_days", "--backward"], "2025-10-09"),
    # 2027 is in no published calendar: the statutory 元旦 is off, the weekend after it may be worked (调休).
    (["2026-12-28", "5", "working_days"], "2027-01-03 provisional"),
    (["2026-03-03T15:00:00+08:00", "24", "hours"], "2026-03-04T15:00:00+08:00"),
])
def test_due_prints_the_date(app, args, printed):
    r = run(app, "due", *args)
    assert r.exit_code == 0, r.output
    assert r.output == printed + "\n"


@pytest.mark.parametrize(("args", "message"), [
    (["2026-02-30", "5", "working_days"], "无效的起算日期"),
    (["2026-09-24", "five", "working_days"], "期限数额必须是整数"),
    (["2026-09-24", "5", "weeks"], "未知的期限单位"),
    (["2026-09-24", "24", "hours"], "带时区"),
    (["2026-09-24", "99999", "days"], "期限数额过大"),
])
def test_due_rejects_bad_input_in_chinese(app, args, message):
    r = run(app, "due", *args)
    assert r.exit_code != 0
    assert "错误：" in r.output and message in r.output


# ---------------------------------------------------------------------------
# calendar import
# ---------------------------------------------------------------------------

# INVENTED 2027 Spring Festival schedule (see test_services.INVENTED_2027).
INVENTED_CSV = "date,kind,name\n2027-01-31,workday,春节\n" + "".join(
    f"2027-02-{d:02d},holiday,春节\n" for d in range(5, 13)) + "2027-02-20,workday,春节\n"


def test_calendar_import_csv_recomputes(app, session, staff, clock, tmp_path):
    case = docketed(staff, clock, "2026-11-05")
    limit = one(case, "ADJ_CASE_LIMIT")
    assert (limit.due_date, limit.provisional) == (D(2027, 2, 9), True)
    path = tmp_path / "2027.csv"
    path.write_text(INVENTED_CSV, encoding="utf-8")
    r = run(app, "calendar", "import", str(path))
    assert r.exit_code == 0, r.output
    assert r.output == "已导入 10 天（2027 年），已发布；重新计算期限 1 个\n"
    assert (limit.due_date, limit.provisional) == (D(2027, 2, 15), False)
    # The printed `due` now uses the published year.
    assert run(app, "due", "2026-11-05", "3", "months").output == "2027-02-15\n"


def test_calendar_import_json_replaces_the_year(app, session, tmp_path):
    first = tmp_path / "a.json"
    first.write_text(json.dumps([{"date": "2027-10-01", "kind": "holiday", "name": "国庆节"},
                                 {"date": "2027-10-02", "kind": "holiday", "name": "国庆节"}]), encoding="utf-8")
    assert run(app, "calendar", "import", str(first)).exit_code == 0
    second = tmp_path / "b.json"
    second.write_text(json.dumps([{"date": "2027-10-04", "kind": "holiday", "name": "国庆节"}]), encoding="utf-8")
    r = run(app, "calendar", "import", str(second))
    assert r.exit_code == 0 and "已导入 1 天" in r.output
    assert list(session.scalars(sa.select(CalendarDay.date))) == [D(2027, 10, 4)]


def test_calendar_import_rejects_bad_files(app, session, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("2027-10-01,holiday,国庆节\n2027-10-32,holiday,国庆节\n", encoding="utf-8")
    r = run(app, "calendar", "import", str(bad))
    assert r.exit_code == 1 and "错误：第 2 行：日期“2027-10-32”无效" in r.output
    assert session.scalar(sa.select(sa.func.count(CalendarDay.id))) == 0
    r = run(app, "calendar", "import", str(tmp_path / "missing.csv"))
    assert r.exit_code == 1 and "无法读取文件" in r.output


# ---------------------------------------------------------------------------
# remind
# ---------------------------------------------------------------------------


@pytest.fixture
def three_complaints(staff, clock):
    applicant, officer, supervisor = staff["applicant"], staff["officer"], staff["supervisor"]

    def filed(on, title):
        clock.set(on)
        case = complaint(applicant, title=title)
        return advance(case, ("assign", supervisor, {"officer": officer.username}))

    # 5 working days over the Spring Festival make-up Saturday 2月28日 → 3月2日.
    missed = filed("2026-02-24", "已超期的投诉")
    soon = filed("2026-03-02", "即将到期的投诉")  # due 3月9日
    later = filed("2026-03-05", "尚早的投诉")  # due 3月12日
    return missed, soon, later


def reminder_rows(session):
    return list(session.scalars(sa.select(DeadlineReminder).order_by(DeadlineReminder.id)))


def test_remind_twice_sends_each_reminder_once(app, session, staff, clock, three_complaints, caplog):
    missed, soon, later = three_complaints
    caplog.set_level(logging.INFO, logger="caseflow.reminders")
    r = run(app, "remind")
    assert r.exit_code == 0, r.output
    assert r.output == "已发送期限提醒 2 条；本次新发现超期 1 个\n"
    sent = reminder_rows(session)
    assert [(x.deadline.case_id, x.threshold, x.channel) for x in sent] == [
        (missed.id, ReminderThreshold.MISSED, "log"), (soon.id, ReminderThreshold.DUE_SOON, "log")]
    assert sent[0].recipients == [staff["officer"].username, staff["supervisor"].username]
    lines = [rec.getMessage() for rec in caplog.records if rec.name == "caseflow.reminders"]
    assert len(lines) == 2
    assert lines[0].startswith(f"期限提醒[missed] {missed.number}") and "届满日 2026-03-02（已超期 3 日）" in lines[0]
    assert lines[1].startswith(f"期限提醒[due_soon] {soon.number}") and "剩余 2 个工作日" in lines[1]
    assert staff["officer"].username in lines[1] and staff["supervisor"].username in lines[1]

    caplog.clear()
    r = run(app, "remind")
    assert r.exit_code == 0 and r.output == "已发送期限提醒 0 条；本次新发现超期 0 个\n"
    assert len(reminder_rows(session)) == 2
    assert not [rec for rec in caplog.records if rec.name == "caseflow.reminders"]

    # Days later the due-soon one lapses (its single missed reminder) and the third comes due soon.
    clock.set("2026-03-10")
    r = run(app, "remind")
    assert r.output == "已发送期限提醒 2 条；本次新发现超期 1 个\n"
    assert run(app, "remind").output == "已发送期限提醒 0 条；本次新发现超期 0 个\n"
    assert [(x.deadline.case_id, x.threshold) for x in reminder_rows(session)][2:] == [
        (soon.id, ReminderThreshold.MISSED), (later.id, ReminderThreshold.DUE_SOON)]
    assert one(later, "CPL_ACCEPT_PATENT_INFRINGEMENT").status == DeadlineStatus.RUNNING


def test_remind_skips_ended_and_party_deadlines(app, session, staff, clock):
    clock.set("2026-03-02")
    case = complaint(staff["applicant"])
    advance(case, ("request_correction", staff["officer"], {"items": "补充材料"}))
    clock.set("2026-03-25")  # the acceptance period was met; the party's 补正 period lapsed
    r = run(app, "remind")
    assert r.output == "已发送期限提醒 0 条；本次新发现超期 1 个\n"
    assert session.scalar(sa.select(Deadline.status).where(Deadline.rule_id == "CPL_CORRECTION",
                                                           Deadline.case_id == case.id)) == DeadlineStatus.MISSED


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: records each message's DATA."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line.strip().split(b" ")[0].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 test\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                body = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(chunk)
                self.server.messages.append(b"".join(body))
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_remind_sends_email_after_commit_when_smtp_is_configured(app, session, staff, clock, three_complaints,
                                                                   smtp_server, monkeypatch):
    staff["officer"].email = "officer@example.cn"
    staff["supervisor"].email = "chief@example.cn"
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", str(smtp_server.server_address[1]))
    r = run(app, "remind")
    assert r.exit_code == 0, r.output
    assert {x.channel for x in reminder_rows(session)} == {"email"}
    # serve_forever handles each connection in a thread; smtplib waited for every reply, so all DATA is in.
    assert len(smtp_server.messages) == 2
    from email import message_from_bytes, policy

    first = message_from_bytes(smtp_server.messages[0], policy=policy.default)
    assert first["To"] == "officer@example.cn, chief@example.cn"
    assert first["Subject"].startswith("【期限提醒·已超期】")
    assert "届满日：2026-03-02" in first.get_content()
    assert run(app, "remind").output.startswith("已发送期限提醒 0 条")
    assert len(smtp_server.messages) == 2


def test_remind_sends_nothing_when_the_transaction_rolls_back(app, session, staff, clock, three_complaints, caplog):
    from caseflow.deadlines import reminders

    caplog.set_level(logging.INFO, logger="caseflow.reminders")
    result = reminders.remind()
    assert result.sent == 2
    db.rollback()
    assert not [rec for rec in caplog.records if rec.name == "caseflow.reminders"]
