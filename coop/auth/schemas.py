from marshmallow import Schema, fields, validate

from .models import ROLES


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=500))


class TokenRequestSchema(LoginSchema):
    label = fields.String(load_default="api", validate=validate.Length(max=80))


class TokenSchema(Schema):
    token = fields.String()


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
