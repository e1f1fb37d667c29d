from marshmallow import Schema, fields, validate

from ..ledger.schemas import CashAccountKey
from ..money import Money
from ..reports.schemas import RangeSchema
from ..timeutil import UtcDateTime
from .models import KINDS, MATURITY_CHOICES, PERIODS


class OpenInSchema(Schema):
    member_id = fields.Integer(required=True)
    product_id = fields.Integer(required=True)
    amount = Money(load_default=0, allow_zero=True)
    on = fields.Date(load_default=None)
    holder = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=120))
    on_maturity = fields.String(load_default="rollover", validate=validate.OneOf(MATURITY_CHOICES))


class MoneyInSchema(Schema):
    amount = Money(required=True)
    on = fields.Date(load_default=None)
    cash_account = CashAccountKey(load_default="cash_on_hand")


class TransferInSchema(Schema):
    amount = Money(required=True)
    on = fields.Date(load_default=None)


class LoanTransferInSchema(TransferInSchema):
    loan_id = fields.Integer(required=True)


class DateInSchema(Schema):
    on = fields.Date(load_default=None)


class PreterminateInSchema(Schema):
    on = fields.Date(required=True)  # the day she asks for her money: stated, so an empty form pays out nothing
    cash_account = CashAccountKey(load_default="cash_on_hand")


class ProductInSchema(Schema):
    """A product's policy: rates in percent a year (two decimals), amounts in pesos, periods in days."""

    name = fields.String(validate=validate.Length(min=1, max=120))
    active = fields.Boolean()
    rate = fields.Decimal(places=2, validate=validate.Range(min=0, max=100), as_string=False)
    minimum_balance = Money(allow_zero=True)
    dormant_days = fields.Integer(validate=validate.Range(min=0, max=3650))
    posting_period = fields.String(validate=validate.OneOf(tuple(PERIODS)))
    term_days = fields.Integer(validate=validate.Range(min=0, max=3650))
    penalty = fields.Decimal(places=2, validate=validate.Range(min=0, max=100), as_string=False)


class NewProductInSchema(ProductInSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))


class ProductOutSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    active = fields.Boolean()
    rate_bp = fields.Integer()
    minimum_balance = Money()
    dormant_days = fields.Integer()
    posting_period = fields.String()
    term_days = fields.Integer()
    penalty_bp = fields.Integer()


class AccountOutSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    member_id = fields.Integer()
    product_id = fields.Integer()
    status = fields.String()
    opened_on = fields.Date()
    balance = Money()
    balance_centavos = fields.Function(lambda row: row.balance)
    interest_total = Money()
    last_activity_on = fields.Date()
    maturity_on = fields.Date(allow_none=True)
    on_maturity = fields.String(allow_none=True)
    rate_bp = fields.Integer()


class TransactionOutSchema(Schema):
    id = fields.Integer()
    account_id = fields.Integer()
    kind = fields.String()
    on_date = fields.Date()
    amount = Money(allow_negative=True)
    amount_centavos = fields.Function(lambda row: row.amount)
    balance_after = Money()
    memo = fields.String(allow_none=True)
    entry_id = fields.Integer(allow_none=True)
    receipt_id = fields.Integer(allow_none=True)
    at = UtcDateTime()


class AccountsQuerySchema(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(("active", "dormant", "matured", "closed")))
    member = fields.String(load_default=None, validate=validate.Length(max=80))  # the officer's "Check" box
    q = fields.String(load_default="", validate=validate.Length(max=80))  # the list's search: member name or number
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000_000))


class StatementQuerySchema(RangeSchema):
    pass
