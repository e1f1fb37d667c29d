"""Clock helpers: timestamps are stored in UTC, business dates are Manila dates."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

MANILA = ZoneInfo("Asia/Manila")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def today() -> date:
    return datetime.now(MANILA).date()
