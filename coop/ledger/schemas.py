from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from ..money import Money
from .models import ACCOUNT_TYPES


class CashAccountKey(fields.String):
    """The key of the cash account a payment comes from or goes into ("cash_on_hand", "cash_in_bank"...).

    The one field every form and API uses to choose a cash account: the choices are
    `ledger.services.cash_accounts(org_id)`, and the service checks the key is one of them with
    `ledger.services.cash_account(org_id, key, field)` (a schema does not know the organization).
    """

    def __init__(self, *, load_default: str = "cash_on_hand", **kwargs):
        kwargs.setdefault("validate", validate.Regexp(r"^[a-z0-9_]{1,60}$", error="Choose one of the cash accounts."))
        super().__init__(load_default=load_default, **kwargs)


class LineInSchema(Schema):
    account_id = fields.Integer(required=True, strict=False)
    debit = Money(allow_zero=True, load_default=0)
    credit = Money(allow_zero=True, load_default=0)
    party_id = fields.Integer(load_default=None, allow_none=True)
    memo = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))

    @validates_schema
    def one_side(self, data, **kwargs):
        if (data["debit"] > 0) == (data["credit"] > 0):
            raise ValidationError("Give either a debit or a credit, more than zero.", "debit")


class EntryInSchema(Schema):
    entry_date = fields.Date(required=True)
    memo = fields.String(required=True, validate=validate.Length(min=1, max=300))
    lines = fields.List(fields.Nested(LineInSchema), required=True, validate=validate.Length(min=2))


class ReverseSchema(Schema):
    on = fields.Date(required=True, data_key="entry_date")
    reason = fields.String(required=True, validate=validate.Length(min=3, max=250))


class LineOutSchema(Schema):
    account_id = fields.Integer()
    account_code = fields.String()
    account_name = fields.String()
    party_id = fields.Integer(allow_none=True)
    debit = Money()
    credit = Money()
    debit_centavos = fields.Function(lambda line: line.debit)
    credit_centavos = fields.Function(lambda line: line.credit)
    memo = fields.String(allow_none=True)


class EntryOutSchema(Schema):
    id = fields.Integer()
    entry_date = fields.Date()
    memo = fields.String()
    source = fields.String(allow_none=True)
    source_id = fields.String(allow_none=True)
    reverses_id = fields.Integer(allow_none=True)
    replayed = fields.Boolean()
    lines = fields.List(fields.Nested(LineOutSchema))


class AccountInSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9.]{1,20}$",
                                                                 error="Codes are letters, digits and dots."))
    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    type = fields.String(required=True, validate=validate.OneOf(ACCOUNT_TYPES))
    parent_id = fields.Integer(load_default=None, allow_none=True)
    is_group = fields.Boolean(load_default=False)
    contra = fields.Boolean(load_default=False)
    is_cash = fields.Boolean(load_default=False)  # another bank account or fund that payments come from


class AccountUpdateSchema(Schema):
    code = fields.String(validate=validate.Regexp(r"^[A-Za-z0-9.]{1,20}$", error="Codes are letters, digits and dots."))
    name = fields.String(validate=validate.Length(min=2, max=200))
    active = fields.Boolean()
    no_overdraft = fields.Boolean()  # a cash account: refuse payments that would take it below zero


class AccountOutSchema(Schema):
    id = fields.Integer()
    key = fields.String(allow_none=True)
    code = fields.String()
    name = fields.String()
    name_fil = fields.String(allow_none=True)
    type = fields.String()
    normal_side = fields.String()
    is_cash = fields.Boolean()
    is_control = fields.Boolean()
    no_overdraft = fields.Boolean()
    parent_id = fields.Integer(allow_none=True)
    is_group = fields.Boolean()
    contra = fields.Boolean()
    active = fields.Boolean()


class BalanceOutSchema(Schema):
    account_id = fields.Integer()
    party_id = fields.Integer(allow_none=True)
    debit_total_centavos = fields.Integer(attribute="debit_total")
    credit_total_centavos = fields.Integer(attribute="credit_total")
    balance_centavos = fields.Integer()


class PeriodSchema(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    month = fields.Integer(required=True, validate=validate.Range(min=1, max=12))
    reason = fields.String(load_default=None, validate=validate.Length(max=300))


YEAR = validate.Range(min=1900, max=9998)


class CloseYearSchema(Schema):
    """Asking for a year's closing: the cooperative's year end and the NGO's alike (coop.yearclosing)."""

    year = fields.Integer(required=True, validate=YEAR)

    @pre_load
    def drop_form_key(self, data, **kwargs):  # a form's idempotency key is read by the view, not loaded here
        return {k: v for k, v in data.items() if k != "idempotency_key"} if isinstance(data, dict) else data


class ReopenYearSchema(CloseYearSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=300))
