from marshmallow import Schema, fields, validate

from ..ledger.schemas import CashAccountKey
from ..money import Money
from ..timeutil import UtcDateTime


class DepositInSchema(Schema):
    amount = Money(required=True)
    on = fields.Date(load_default=None, data_key="deposited_on")
    from_account = CashAccountKey(load_default="cash_on_hand")
    to_account = CashAccountKey(load_default="cash_in_bank")
    reference = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60))


class DepositOutSchema(Schema):
    id = fields.Integer()
    deposited_on = fields.Date()
    amount = Money()
    amount_centavos = fields.Function(lambda row: row.amount)
    from_account = fields.String()
    to_account = fields.String()
    reference = fields.String(allow_none=True)
    entry_id = fields.Integer(allow_none=True)


class SessionOpenSchema(Schema):
    opening_count = Money(required=True, allow_zero=True)
    account = CashAccountKey(load_default="cash_on_hand")


class SessionCloseSchema(Schema):
    closing_count = Money(required=True, allow_zero=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


class SessionOutSchema(Schema):
    id = fields.Integer()
    user_id = fields.Integer()
    account_id = fields.Integer()
    status = fields.String()
    business_day = fields.Date()
    opened_at = UtcDateTime()
    opening_count = Money()
    closed_at = UtcDateTime(allow_none=True)
    closing_count = Money(allow_none=True)
    expected = Money(allow_none=True)
    over_short = Money(allow_none=True)
    over_short_centavos = fields.Function(lambda row: row.over_short)
    note = fields.String(allow_none=True)
    confirmed_by = fields.Integer(allow_none=True)
    confirmed_at = UtcDateTime(allow_none=True)
    entry_id = fields.Integer(allow_none=True)


class StatementInSchema(Schema):
    csv = fields.String(required=True, validate=validate.Length(min=1, max=2_000_000))
    account = CashAccountKey(load_default="cash_in_bank")
    filename = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    closing_balance = Money(load_default=None, allow_none=True, allow_zero=True, allow_negative=True)


class BankLineOutSchema(Schema):
    id = fields.Integer()
    line_date = fields.Date()
    description = fields.String()
    reference = fields.String(allow_none=True)
    amount = Money(allow_negative=True)
    amount_centavos = fields.Function(lambda row: row.amount)
    journal_line_id = fields.Integer(allow_none=True)
    matched_how = fields.String(allow_none=True)


class BookLineOutSchema(Schema):
    line_id = fields.Integer()
    entry_id = fields.Integer()
    entry_date = fields.Date()
    memo = fields.String()
    amount_centavos = fields.Function(lambda row: row.amount)


class StatementOutSchema(Schema):
    id = fields.Integer()
    account_id = fields.Integer()
    filename = fields.String(allow_none=True)
    start_date = fields.Date()
    end_date = fields.Date()
    closing_balance_centavos = fields.Integer(attribute="closing_balance")


class MatchInSchema(Schema):
    journal_line_id = fields.Integer(required=True, strict=False)


class ReconciliationOutSchema(Schema):
    statement = fields.Nested(StatementOutSchema)
    bank_balance_centavos = fields.Integer(attribute="bank_balance")
    book_balance_centavos = fields.Integer(attribute="book_balance")
    adjusted_bank_centavos = fields.Integer(attribute="adjusted_bank")
    adjusted_book_centavos = fields.Integer(attribute="adjusted_book")
    difference_centavos = fields.Integer(attribute="difference")
    matched = fields.Integer()
    deposits_in_transit = fields.List(fields.Nested(BookLineOutSchema))
    outstanding_checks = fields.List(fields.Nested(BookLineOutSchema))
    unmatched_bank = fields.List(fields.Nested(BankLineOutSchema))
    unmatched_book = fields.List(fields.Nested(BookLineOutSchema))
