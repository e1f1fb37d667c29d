"""Clock helpers: timestamps are stored in UTC, business dates are Manila dates."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from marshmallow import fields

MANILA = ZoneInfo("Asia/Manila")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def today() -> date:
    return datetime.now(MANILA).date()


class UtcDateTime(fields.DateTime):
    """A moment stored as naive UTC, written with its offset ("...+00:00") as RFC 3339 and the API document say."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)
