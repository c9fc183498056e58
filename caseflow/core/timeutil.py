"""Beijing dates: every trigger's date is its calendar date in Asia/Shanghai."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from caseflow.core.db import utcnow

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing_now() -> datetime:
    """Return the current time in Beijing."""
    return utcnow().astimezone(BEIJING)


def beijing_date(moment: datetime | None = None) -> date:
    """Return the Beijing calendar date of a moment (now by default)."""
    return (moment or utcnow()).astimezone(BEIJING).date()


def fmt_beijing(moment: datetime | None, with_time: bool = True) -> str:
    """Format a timestamp for people, in Beijing time."""
    if moment is None:
        return ""
    local = moment.astimezone(BEIJING)
    return local.strftime("%Y-%m-%d %H:%M") if with_time else local.strftime("%Y-%m-%d")
