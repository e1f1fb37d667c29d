"""Loan input and output, for forms and JSON alike. Money in pesos at the edge, centavos inside."""
from __future__ import annotations

import math

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..ledger.schemas import CashAccountKey
from ..money import Money
from .disclosure import annual
from .models import (
    CAP_METHODS,
    CBU_METHODS,
    FEE_METHODS,
    FREQUENCIES,
    INTEREST_METHODS,
    PENALTY_METHODS,
    RECEIVABLE_ACCOUNTS,
    ROUNDINGS,
)


class Percent(fields.Field):
    """A percentage typed as 1.5 (or "1.5%") kept as basis points (150)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value / 100

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            number = float(str(value).strip().rstrip("%"))
        except ValueError as exc:
            raise ValidationError("Enter a percentage, like 1 or 1.5.") from exc
        if not math.isfinite(number):  # "nan", "inf" and "1e400" are floats too: round() of them raises
            raise ValidationError("Enter a percentage, like 1 or 1.5.")
        basis_points = round(number * 100)
        if not 0 <= basis_points <= 100_00 or abs(basis_points - number * 100) > 1e-6:
            raise ValidationError("A percentage from 0 to 100 with at most two decimals.")
        return basis_points


class ProductSchema(Schema):
    """What an admin sets on a loan product (every field optional on update)."""

    code = fields.String(validate=validate.Regexp(r"^[a-z0-9_]{2,30}$", error="Lower-case letters, digits, _."))
    name = fields.String(validate=validate.Length(min=2, max=120))
    receivable_account = fields.String(validate=validate.OneOf(RECEIVABLE_ACCOUNTS))
    active = fields.Boolean()
    member_can_apply = fields.Boolean()
    cap_method = fields.String(validate=validate.OneOf(CAP_METHODS))
    cap_amount = Money(allow_zero=True)
    cap_share_multiple_pct = fields.Integer(validate=validate.Range(min=0, max=10_000))
    cap_ceiling = Money(allow_zero=True)
    min_amount = Money(allow_zero=True)
    max_open_loans = fields.Integer(validate=validate.Range(min=0, max=20))
    frequency = fields.String(validate=validate.OneOf(FREQUENCIES))
    term_count = fields.Integer(validate=validate.Range(min=1, max=120))
    max_term_count = fields.Integer(validate=validate.Range(min=1, max=120))
    term_days = fields.Integer(validate=validate.Range(min=0, max=366))
    interest_method = fields.String(validate=validate.OneOf(INTEREST_METHODS))
    interest_rate = Percent(attribute="interest_rate_bp", data_key="interest_rate_pct")
    fee_method = fields.String(validate=validate.OneOf(FEE_METHODS))
    fee_amount = Money(allow_zero=True)
    fee_rate = Percent(attribute="fee_rate_bp", data_key="fee_rate_pct")
    penalty_method = fields.String(validate=validate.OneOf(PENALTY_METHODS))
    penalty_rate = Percent(attribute="penalty_rate_bp", data_key="penalty_rate_pct")
    penalty_amount = Money(allow_zero=True)
    penalty_period_days = fields.Integer(validate=validate.Range(min=1, max=366))
    penalty_grace_days = fields.Integer(validate=validate.Range(min=0, max=366))
    installment_rounding = fields.String(validate=validate.OneOf(ROUNDINGS))
    cbu_method = fields.String(validate=validate.OneOf(CBU_METHODS))
    cbu_amount = Money(allow_zero=True)
    cbu_rate = Percent(attribute="cbu_rate_bp", data_key="cbu_rate_pct")
    comakers_required = fields.Integer(validate=validate.Range(min=0, max=2))


class ProductOutSchema(ProductSchema):
    id = fields.Integer()
    cap_amount_centavos = fields.Function(lambda product: product.cap_amount)
    cap_ceiling_centavos = fields.Function(lambda product: product.cap_ceiling)


class ApplicationSchema(Schema):
    member = fields.String(required=True, validate=validate.Length(min=1, max=20))  # 12 or M-0012
    product_id = fields.Integer(required=True)
    comaker_1 = fields.String(load_default="", validate=validate.Length(max=20),
                              metadata={"description": "first co-maker's member number, when the product needs one"})
    comaker_2 = fields.String(load_default="", validate=validate.Length(max=20),
                              metadata={"description": "second co-maker's member number"})
    amount = Money(required=True)
    term_count = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=120))
    purpose = fields.String(load_default="", validate=validate.Length(max=300))
    on = fields.Date(load_default=None)


class PortalApplicationSchema(Schema):
    product_id = fields.Integer(required=True)
    amount = Money(required=True)
    term_count = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=120))
    purpose = fields.String(required=True, validate=validate.Length(min=3, max=300))


class DecisionSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=300))
    on = fields.Date(load_default=None)


class ReleaseSchema(Schema):
    on = fields.Date(load_default=None)
    cash_account = CashAccountKey()


class RepaymentSchema(Schema):
    amount = Money(required=True)
    on = fields.Date(load_default=None)
    cash_account = CashAccountKey()
    received_from = fields.String(load_default="", validate=validate.Length(max=160))


class QuickRepaymentSchema(RepaymentSchema):
    """The three-field form: loan number, amount, date."""

    loan = fields.String(required=True, validate=validate.Length(min=1, max=20))  # 12 or L-000012


class ReversalSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=250))
    on = fields.Date(load_default=None)


class ChangeRequestSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(("write_off", "restructure")))
    reason = fields.String(required=True, validate=validate.Length(min=3, max=300))
    frequency = fields.String(load_default=None, validate=validate.OneOf(("weekly", "semi_monthly", "monthly")))
    term_count = fields.Integer(load_default=None, validate=validate.Range(min=1, max=60))
    interest_rate = Percent(load_default=None, data_key="interest_rate_pct")

    @validates_schema
    def restructure_terms(self, data, **kwargs):
        if data["kind"] == "restructure" and not data.get("term_count"):
            raise ValidationError("Give the new number of installments.", "term_count")


class RequestDecisionSchema(Schema):
    approve = fields.Boolean(required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=300))


class InstallmentOutSchema(Schema):
    number = fields.Integer()
    due_on = fields.Date()
    principal_due = Money()
    interest_due = Money()
    penalty_due = Money()
    principal_paid = Money()
    interest_paid = Money()
    penalty_paid = Money()
    balance = Money()
    balance_centavos = fields.Function(lambda obj: obj.balance)
    settled = fields.Boolean()
    paid_on = fields.Date(allow_none=True)


class TransactionOutSchema(Schema):
    id = fields.Integer()
    loan_id = fields.Integer()
    kind = fields.String()
    on = fields.Date(attribute="on_date")
    amount = Money()
    amount_centavos = fields.Function(lambda obj: obj.amount)
    principal = Money()
    interest = Money()
    penalty = Money()
    entry_id = fields.Integer(allow_none=True)
    receipt_id = fields.Integer(allow_none=True)
    reverses_id = fields.Integer(allow_none=True)
    reversed = fields.Boolean()
    reason = fields.String(allow_none=True)


class LoanOutSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    member_id = fields.Integer()
    product_id = fields.Integer()
    status = fields.String()
    amount = Money()
    amount_centavos = fields.Function(lambda obj: obj.amount)
    fee = Money()
    cbu_retention = Money(metadata={"description": "capital build-up retained at release toward her share capital"})
    net_proceeds = Money(metadata={"description": "cash handed over at release: amount less fee and capital build-up"})
    installment_rounding = fields.String()
    purpose = fields.String(allow_none=True)
    frequency = fields.String()
    term_count = fields.Integer()
    interest_method = fields.String()
    interest_rate_pct = fields.Function(lambda loan: loan.interest_rate_bp / 100)
    applied_on = fields.Date()
    applied_via = fields.String()
    decided_on = fields.Date(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    released_on = fields.Date(allow_none=True)
    maturity_on = fields.Date(allow_none=True)
    closed_on = fields.Date(allow_none=True)
    next_due_on = fields.Date(allow_none=True)
    days_past_due = fields.Integer()
    outstanding = Money()
    outstanding_centavos = fields.Function(lambda obj: obj.outstanding)
    principal_outstanding = Money()
    restructured_from_id = fields.Integer(allow_none=True)
    receivable_account = fields.String()


class DisclosureOutSchema(Schema):
    """The Truth in Lending disclosure: every finance charge in pesos and as an effective rate."""

    principal = Money()
    interest = Money()
    service_fee = Money()
    finance_charges = Money()
    cbu_retention = Money(metadata={"description": "not a finance charge: it stays hers, as share capital"})
    net_proceeds = Money()
    total_to_repay = Money()
    interest_rate_monthly_pct = fields.Function(lambda d: _pct(d.interest_rate_monthly))
    fee_rate_monthly_pct = fields.Function(lambda d: _pct(d.fee_rate_monthly))
    effective_rate_monthly_pct = fields.Function(lambda d: _pct(d.total_rate_monthly))
    effective_rate_annual_pct = fields.Function(lambda d: _pct(annual(d.total_rate_monthly)))


def _pct(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 2)


class LoanQuerySchema(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(
        ("applied", "approved", "rejected", "cancelled", "active", "closed", "written_off", "restructured")))
    member = fields.String(load_default=None)
    overdue = fields.Boolean(load_default=False)
    # a page at a time: a cooperative with years of loans pages back through all of them
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000_000))


class ReportQuerySchema(Schema):
    on = fields.Date(load_default=None, data_key="as_of")
    start = fields.Date(load_default=None)
    end = fields.Date(load_default=None)
    format = fields.String(load_default="html", validate=validate.OneOf(("html", "csv", "pdf", "json")))


class ProvisioningQuerySchema(Schema):
    on = fields.Date(load_default=None, data_key="as_of")


class BucketOutSchema(Schema):
    bucket = fields.String()
    loans = fields.Integer()
    outstanding_centavos = fields.Integer(attribute="outstanding")
    rate_percent = fields.Float(attribute="rate")
    required_centavos = fields.Integer(attribute="required")


class ProvisioningOutSchema(Schema):
    on = fields.Date(data_key="as_of")
    lines = fields.List(fields.Nested(BucketOutSchema), data_key="buckets")
    required_centavos = fields.Integer(attribute="required")
    allowance_centavos = fields.Integer(attribute="allowance")
    adjustment_centavos = fields.Integer(attribute="adjustment")


class ProvisionOutSchema(Schema):
    id = fields.Integer()
    month_end = fields.Date()
    required_centavos = fields.Integer(attribute="required")
    allowance_before_centavos = fields.Integer(attribute="allowance_before")
    adjustment_centavos = fields.Integer(attribute="adjustment")
    buckets = fields.List(fields.Dict())
    entry_id = fields.Integer(allow_none=True)
