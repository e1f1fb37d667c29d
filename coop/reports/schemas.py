from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates_schema


class AsOfSchema(Schema):
    as_of = fields.Date(load_default=None)
    format = fields.String(load_default="html")


class RangeSchema(Schema):
    start = fields.Date(load_default=None)
    end = fields.Date(load_default=None)
    format = fields.String(load_default="html")

    @validates_schema
    def ordered(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("The start date comes before the end date.", "start")


def resolve_range(data: dict, today: date) -> tuple[date, date]:
    end = data.get("end") or today
    start = data.get("start") or date(end.year, 1, 1)
    return start, end


class YearSchema(Schema):
    """A fiscal year (January to December) and the year before it, for the comparative statements."""

    year = fields.Integer(load_default=None, validate=validate.Range(2000, 2999))
    format = fields.String(load_default="html")
