from marshmallow import Schema, fields, validate

from .models import CORRECTION_STATUSES


class CorrectionInSchema(Schema):
    request = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class CorrectionCloseSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(CORRECTION_STATUSES[1:]))
    outcome = fields.String(load_default="", validate=validate.Length(max=1000))


class CorrectionOutSchema(Schema):
    id = fields.Integer()
    member_id = fields.Integer()
    request = fields.String()
    status = fields.String()
    outcome = fields.String(allow_none=True)
    recorded_by = fields.Integer(allow_none=True)
    recorded_at = fields.Function(lambda c: c.recorded_at.isoformat(timespec="seconds") + "Z",
                                  metadata={"description": "UTC"})
    closed_by = fields.Integer(allow_none=True)
    closed_at = fields.Function(lambda c: c.closed_at and c.closed_at.isoformat(timespec="seconds") + "Z",
                                metadata={"description": "UTC, or null while open"})


class MemberExportSchema(Schema):
    format = fields.String()
    exported_at = fields.String()
    member_id = fields.Integer()
    member_label = fields.String()
    tables = fields.Dict(keys=fields.String(), values=fields.List(fields.Dict()))


class SubjectExportSchema(Schema):
    format = fields.String()
    exported_at = fields.String()
    kind = fields.String()
    label = fields.String()
    withheld = fields.List(fields.String(), metadata={"description": "table.column left out (private notes)"})
    tables = fields.Dict(keys=fields.String(), values=fields.List(fields.Dict()))
