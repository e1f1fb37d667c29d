from marshmallow import Schema, fields, pre_dump, validate

from ..timeutil import UtcDateTime
from . import services
from .models import STATUSES


class ApprovalQuerySchema(Schema):
    status = fields.String(load_default="pending", validate=validate.OneOf(STATUSES + ("all",)))
    before = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))


class ApproveSchema(Schema):
    on = fields.Date(load_default=None)
    note = fields.String(load_default="", validate=validate.Length(max=300))


class RejectSchema(Schema):
    on = fields.Date(load_default=None)
    reason = fields.String(required=True, validate=validate.Length(min=3, max=300))


class DetailSchema(Schema):
    label = fields.String()
    value = fields.String()


class ApprovalOutSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    label = fields.String()
    subject = fields.String(allow_none=True)
    payload = fields.Dict()
    details = fields.List(fields.Nested(DetailSchema))  # the payload in plain words
    amount_centavos = fields.Integer(allow_none=True)
    status = fields.String()
    requested_by = fields.Integer(allow_none=True)
    requested_at = UtcDateTime()
    decided_by = fields.Integer(allow_none=True)
    decided_at = UtcDateTime(allow_none=True)
    reason = fields.String(allow_none=True)
    result_ref = fields.String(allow_none=True)

    @pre_dump
    def _plain(self, row, **_kwargs):
        return {"id": row.id, "kind": row.kind, "label": services.label_of(row), "subject": row.subject,
                "payload": row.payload, "details": [{"label": label, "value": value}
                                                    for label, value in services.describe(row)],
                "amount_centavos": row.amount, "status": row.status, "requested_by": row.requested_by,
                "requested_at": row.requested_at, "decided_by": row.decided_by, "decided_at": row.decided_at,
                "reason": services.reason_of(row), "result_ref": row.result_ref}
