from marshmallow import Schema, fields, validate


class OdooSettingsSchema(Schema):
    url = fields.String(required=True, validate=validate.Length(max=300))
    database = fields.String(required=True, validate=validate.Length(max=120))
    login = fields.String(required=True, validate=validate.Length(max=120))
    api_key = fields.String(load_default=None, validate=validate.Length(max=200))
    version = fields.String(load_default="17", validate=validate.OneOf(("17", "18", "19")))
    auto_post = fields.Boolean(load_default=False)


class ExportSchema(Schema):
    since = fields.Date(load_default=None)


class PushSchema(Schema):
    dry_run = fields.Boolean(load_default=False)


class UploadSchema(Schema):
    kind = fields.String(required=True)


class RunOutSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    dry_run = fields.Boolean()
    total = fields.Integer()
    done = fields.Integer()
    summary = fields.Raw(allow_none=True)
    problems = fields.Raw(allow_none=True)
