from marshmallow import Schema, fields, validate


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
