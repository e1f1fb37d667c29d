from marshmallow import Schema, fields, validate

from ..timeutil import UtcDateTime
from .models import ROLES


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=500))


class TokenRequestSchema(LoginSchema):
    label = fields.String(load_default="api", validate=validate.Length(max=80))
    code = fields.String(load_default=None, validate=validate.Length(max=20), load_only=True,
                         metadata={"description": "the authenticator's 6 digits or an unused recovery code; "
                                                  "required when the user has the second login step on"})
    expires_in_days = fields.Integer(load_default=None, strict=True, validate=validate.Range(min=1, max=3650),
                                     metadata={"description": "default and maximum are organization policy"})


class TokenInfoSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    created_at = UtcDateTime()
    expires_at = UtcDateTime()
    last_used_at = UtcDateTime(allow_none=True)


class TokenSchema(TokenInfoSchema):
    token = fields.String(metadata={"description": "shown this once: only its digest is kept"})


class MeSchema(Schema):
    username = fields.String()
    display_name = fields.String()
    organizations = fields.List(fields.Dict())


class NewUserSchema(Schema):
    username = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9._-]{2,40}$",
                             error="3 to 40 small letters, digits, dots, dashes."))
    display_name = fields.String(required=True, validate=validate.Length(min=2, max=120))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    locale = fields.String(load_default="en", validate=validate.OneOf(("en", "fil")))


class PasswordChangeSchema(Schema):
    old_password = fields.String(required=True)
    password = fields.String(required=True, validate=validate.Length(min=10, max=200))


class AuditFilterSchema(Schema):
    action = fields.String(load_default=None)
    target_type = fields.String(load_default=None)
    target_id = fields.String(load_default=None)
