"""Wellness input and output: one schema per shape, for forms and JSON alike."""
from __future__ import annotations

from datetime import time

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema

from ..money import Money
from .models import BOOKING_KINDS, PAYMENT_METHODS, SCHEDULE_KINDS, SKILLS, STATION_KINDS
from .services.clock import to_local

WEEKDAYS = range(7)


class ServiceInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=2, max=80))
    duration_minutes = fields.Integer(required=True, validate=validate.Range(min=15, max=480))
    price = Money(required=True, allow_zero=True)
    skill = fields.String(required=True, validate=validate.OneOf(SKILLS))
    station_kind = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(STATION_KINDS))
    share_percent = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=100))
    home_service = fields.Boolean(load_default=False)


class ServiceUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(min=2, max=80))
    duration_minutes = fields.Integer(validate=validate.Range(min=15, max=480))
    price = Money(allow_zero=True)
    skill = fields.String(validate=validate.OneOf(SKILLS))
    station_kind = fields.String(allow_none=True, validate=validate.OneOf(STATION_KINDS + ("",)))
    share_percent = fields.Float(validate=validate.Range(min=0, max=100))
    home_service = fields.Boolean()
    active = fields.Boolean()


class ServiceOutSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    duration_minutes = fields.Integer()
    price = Money()
    price_centavos = fields.Function(lambda obj: obj.price)
    skill = fields.String()
    station_kind = fields.String(allow_none=True)
    share_percent = fields.Float()
    home_service = fields.Boolean()
    active = fields.Boolean()


class StationsInSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(STATION_KINDS))
    count = fields.Integer(required=True, validate=validate.Range(min=0, max=50))


class StationOutSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    label = fields.String()
    active = fields.Boolean()


class AttendantInSchema(Schema):
    member_id = fields.Integer(load_default=None, allow_none=True)
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=160))
    user_id = fields.Integer(load_default=None, allow_none=True)
    skills = fields.List(fields.String(validate=validate.OneOf(SKILLS)), load_default=list)


class AttendantUpdateSchema(Schema):
    user_id = fields.Integer(allow_none=True)
    skills = fields.List(fields.String(validate=validate.OneOf(SKILLS)))
    active = fields.Boolean()
    unlink_user = fields.Boolean(load_default=False)


class AttendantOutSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    name = fields.String(allow_none=True)
    member_id = fields.Integer(allow_none=True)
    user_id = fields.Integer(allow_none=True)
    party_id = fields.Integer(allow_none=True)
    skills = fields.Function(lambda a: sorted(a.skill_set))
    active = fields.Boolean()


class BlockSchema(Schema):
    weekday = fields.Integer(required=True, validate=validate.Range(min=0, max=6))
    kind = fields.String(load_default="work", validate=validate.OneOf(SCHEDULE_KINDS))
    starts = fields.Time(required=True)
    ends = fields.Time(required=True)


class ScheduleInSchema(Schema):
    blocks = fields.List(fields.Nested(BlockSchema), required=True)

    @post_load
    def as_tuples(self, data, **kwargs):
        return {"blocks": [(b["weekday"], b["kind"], b["starts"], b["ends"]) for b in data["blocks"]]}


def _week_grid_schema(first: str, second: str, extra: tuple[str, ...] = ()):
    """A form with one pair of time fields per weekday (first_0, second_0 ... first_6, second_6)."""
    names = {f"{prefix}_{d}": fields.Time(load_default=None) for d in WEEKDAYS for prefix in (first, second) + extra}
    return Schema.from_dict(names)


def _pairs(data: dict, first: str, second: str, field: str) -> dict[int, tuple[time, time] | None]:
    out = {}
    for d in WEEKDAYS:
        start, end = data.get(f"{first}_{d}"), data.get("%s_%s" % (second, d))
        if (start is None) != (end is None):
            raise ValidationError("Give both times, or neither.", "%s_%s" % (second, d))
        out[d] = (start, end) if start else None
    return out


class ScheduleFormSchema(_week_grid_schema("work_start", "work_end", ("break_start", "break_end"))):
    """The week grid on the attendant's page: a working block and at most one break per day."""

    @post_load
    def as_blocks(self, data, **kwargs):
        work, breaks = _pairs(data, "work_start", "work_end", "work"), _pairs(data, "break_start", "break_end", "break")
        blocks = [(d, "work", *work[d]) for d in WEEKDAYS if work[d]]
        blocks += [(d, "break", *breaks[d]) for d in WEEKDAYS if breaks[d]]
        return {"blocks": blocks}


class HoursFormSchema(_week_grid_schema("opens", "closes")):
    @post_load
    def as_hours(self, data, **kwargs):
        return {"hours": _pairs(data, "opens", "closes", "hours")}


class HoursInSchema(Schema):
    """API: {"hours": {"0": {"opens": "09:00", "closes": "19:00"}, "6": null}}."""

    hours = fields.Dict(keys=fields.Integer(validate=validate.Range(min=0, max=6)),
                        values=fields.Nested(Schema.from_dict({"opens": fields.Time(required=True),
                                                               "closes": fields.Time(required=True)}),
                                             allow_none=True), required=True)

    @post_load
    def as_hours(self, data, **kwargs):
        return {"hours": {d: (v["opens"], v["closes"]) if v else None for d, v in data["hours"].items()}}


class DayOffInSchema(Schema):
    day = fields.Date(required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=120))


class HolidayInSchema(Schema):
    day = fields.Date(required=True)
    name = fields.String(required=True, validate=validate.Length(min=2, max=120))


class BookingInSchema(Schema):
    service_id = fields.Integer(required=True)
    starts_at = fields.NaiveDateTime(load_default=None, metadata={"description": "local Manila time, e.g. 2030-01-07T10:00"})
    attendant_id = fields.Integer(load_default=None, allow_none=True,
                                  metadata={"description": "none: any available attendant"})
    kind = fields.String(load_default="appointment", validate=validate.OneOf(BOOKING_KINDS))
    client_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=120))
    client_mobile = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))
    address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    idempotency_key = fields.String(load_default=None, load_only=True, validate=validate.Length(max=100),
                                    metadata={"description": "a form's key; API clients send the Idempotency-Key header"})

    @validates_schema
    def needs_a_time(self, data, **kwargs):
        if data.get("kind") != "walk_in" and data.get("starts_at") is None:
            raise ValidationError("Choose a start time.", "starts_at")


class RescheduleSchema(Schema):
    starts_at = fields.NaiveDateTime(required=True)
    attendant_id = fields.Integer(load_default=None, allow_none=True)


class CompleteSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # the day sheet's one-tap form also sends the page to come back to

    payment_method = fields.String(load_default="cash", validate=validate.OneOf(PAYMENT_METHODS))
    reference = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60))
    idempotency_key = fields.String(load_default=None, load_only=True, validate=validate.Length(max=100),
                                    metadata={"description": "a form's key; API clients send the Idempotency-Key header"})


class CancelSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=300))


class AvailabilityQuerySchema(Schema):
    service_id = fields.Integer(required=True)
    day = fields.Date(required=True)
    kind = fields.String(load_default="appointment", validate=validate.OneOf(BOOKING_KINDS))
    attendant_id = fields.Integer(load_default=None, allow_none=True,
                                  metadata={"description": "only this attendant's free times"})


class DayQuerySchema(Schema):
    day = fields.Date(load_default=None)
    attendant_id = fields.Integer(load_default=None)


class PayInSchema(Schema):
    attendant_id = fields.Integer(required=True)
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    paid_on = fields.Date(load_default=None)
    idempotency_key = fields.String(load_default=None, load_only=True, validate=validate.Length(max=100),
                                    metadata={"description": "a form's key; API clients send the Idempotency-Key header"})


class SlotOutSchema(Schema):
    starts_at = fields.NaiveDateTime(attribute="starts")
    attendant_ids = fields.List(fields.Integer())
    station_id = fields.Integer(allow_none=True)


class BookingOutSchema(Schema):
    id = fields.Integer()
    service_id = fields.Integer()
    attendant_id = fields.Integer()
    station_id = fields.Integer(allow_none=True)
    client_id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    starts_at = fields.Function(lambda b: _local(b.starts_at))
    ends_at = fields.Function(lambda b: _local(b.ends_at))
    price = Money()
    price_centavos = fields.Function(lambda obj: obj.price)
    share_amount_centavos = fields.Function(lambda obj: obj.share_amount)
    payment_method = fields.String(allow_none=True)
    payment_reference = fields.String(allow_none=True)
    entry_id = fields.Integer(allow_none=True)
    receipt_id = fields.Integer(allow_none=True)
    payout_id = fields.Integer(allow_none=True)
    cancel_reason = fields.String(allow_none=True)


class PayoutOutSchema(Schema):
    id = fields.Integer()
    attendant_id = fields.Integer()
    period_start = fields.Date()
    period_end = fields.Date()
    paid_on = fields.Date()
    amount = Money()
    amount_centavos = fields.Function(lambda obj: obj.amount)
    bookings = fields.Integer()
    entry_id = fields.Integer()


def _local(utc):
    return to_local(utc).isoformat(timespec="minutes")
