from marshmallow import Schema, fields, validate


class PinSchema(Schema):
    pin = fields.String(required=True, validate=validate.Length(max=12))


class DeskPinSchema(PinSchema):
    member = fields.String(required=True, validate=validate.Length(max=20))


class ComposeSchema(Schema):
    """An officer's own message: to one member (by number) or to every active member with a mobile."""

    to = fields.String(load_default="member", validate=validate.OneOf(("member", "all")))
    member = fields.String(load_default=None, validate=validate.Length(max=20))
    body = fields.String(required=True, validate=validate.Length(min=1, max=918))  # 6 GSM-7 parts at most
    action = fields.String(load_default="check", validate=validate.OneOf(("check", "send")))


class CredentialsSchema(Schema):
    sms_password = fields.String(load_default=None, validate=validate.Length(max=500))
    smtp_password = fields.String(load_default=None, validate=validate.Length(max=500))
    clear = fields.String(load_default=None, validate=validate.OneOf(("sms_password", "smtp_password")))


class IncomingSchema(Schema):
    """What SMS gateways post for an incoming text, under the names each one uses."""

    sender = fields.String(required=True, validate=validate.Length(min=3, max=30))
    text = fields.String(load_default="", validate=validate.Length(max=1000))
    ref = fields.String(load_default=None, validate=validate.Length(max=100))
