"""Time at the Wellness Center's edge: local Manila wall-clock times (naive) in, UTC (naive) stored.

Other modules call `clock.local_now()` through the module, so a test can freeze the clock in one place.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from ...errors import Invalid
from ...timeutil import MANILA


def local_now() -> datetime:
    return datetime.now(MANILA).replace(tzinfo=None, second=0, microsecond=0)


def to_utc(local: datetime) -> datetime:
    return local.replace(tzinfo=MANILA).astimezone(timezone.utc).replace(tzinfo=None)


def to_local(utc: datetime) -> datetime:
    return utc.replace(tzinfo=timezone.utc).astimezone(MANILA).replace(tzinfo=None)


def minute_of(local: datetime, day: date) -> int:
    return int((local - datetime.combine(day, time())).total_seconds() // 60)


def minutes_of(t: time) -> int:
    return t.hour * 60 + t.minute


def parse_time(text: str, field: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except (ValueError, AttributeError) as exc:
        raise Invalid("Give a time like 09:00 or 13:30.", field=field) from exc



def utc_day(day: date) -> tuple[datetime, datetime]:
    return to_utc(datetime.combine(day, time())), to_utc(datetime.combine(day + timedelta(days=1), time()))
