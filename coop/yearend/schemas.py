"""What the year-end forms and API take and give. Rates are percentages at the edge, basis points inside."""
from marshmallow import Schema, fields, validate

from ..ledger.schemas import YEAR, CashAccountKey
from ..loans.schemas import Percent
from .models import CAPITAL_METHODS, PAYOUT_CHOICES

class ProposalSchema(Schema):
    year = fields.Integer(required=True, validate=YEAR)
    reserve = Percent(required=True, attribute="reserve_bp", metadata={"description": "percent of the net surplus"})
    education = Percent(required=True, attribute="education_bp")
    federation_share = Percent(required=True, attribute="federation_bp",
                               metadata={"description": "percent of the education and training fund due to the "
                                                        "federation or union (CETF)"})
    community = Percent(required=True, attribute="community_bp")
    optional = Percent(required=True, attribute="optional_bp")
    interest_rate = Percent(required=True, attribute="interest_rate_bp",
                            metadata={"description": "a year's interest on average paid-up share capital"})
    capital_method = fields.String(load_default=None, validate=validate.OneOf(CAPITAL_METHODS))


class ReviewSchema(Schema):
    board_resolution = fields.String(load_default=None, validate=validate.Length(max=60))


class ApprovalSchema(Schema):
    resolution_number = fields.String(required=True, validate=validate.Length(min=1, max=60))
    assembly_date = fields.Date(required=True)


class PostSchema(Schema):
    on = fields.Date(required=True)


class PayoutSchema(Schema):
    choice = fields.String(required=True, validate=validate.OneOf(PAYOUT_CHOICES))
    on = fields.Date(required=True)
    cash_account = CashAccountKey()


class CheckOutSchema(Schema):
    code = fields.String()
    passed = fields.Boolean()
    limit = fields.String()
    actual = fields.String()


class YearOutSchema(Schema):
    year = fields.Integer()
    status = fields.String()
    net_surplus = fields.Integer(metadata={"description": "centavos; negative: a net loss"})
    closing_entry_id = fields.Integer(allow_none=True)
    closed_by = fields.Integer(allow_none=True)
    approved_by = fields.Integer(allow_none=True)
    times_reopened = fields.Integer()


class LineOutSchema(Schema):
    member_id = fields.Integer()
    party_id = fields.Integer()
    label = fields.String()
    average_capital = fields.Integer()
    patronage = fields.Integer()
    patronage_detail = fields.Dict()
    interest = fields.Integer()
    refund = fields.Integer()
    slip_number = fields.String()
    paid_on = fields.Date(allow_none=True)
    choice = fields.String(allow_none=True)
    to_subscription = fields.Integer()
    to_loans = fields.Integer()
    to_cash = fields.Integer()
    to_share_capital = fields.Integer()
    to_revolving = fields.Integer()
    payout_entry_id = fields.Integer(allow_none=True)


class AllocationOutSchema(Schema):
    id = fields.Integer()
    year = fields.Integer()
    status = fields.String()
    net_surplus = fields.Integer()
    capital_method = fields.String()
    reserve = Percent(attribute="reserve_bp")
    education = Percent(attribute="education_bp")
    federation_share = Percent(attribute="federation_bp")
    community = Percent(attribute="community_bp")
    optional = Percent(attribute="optional_bp")
    interest_rate = Percent(attribute="interest_rate_bp")
    amounts = fields.Function(lambda a: {
        "reserve": a.reserve, "education": a.education, "federation": a.federation, "community": a.community,
        "optional": a.optional, "interest": a.interest, "refund": a.refund,
        "refund_non_members": a.refund_non_members, "leftover_to_reserve": a.leftover})
    capital_base = fields.Integer()
    patronage_base = fields.Integer()
    checks = fields.List(fields.Nested(CheckOutSchema))
    passed = fields.Boolean()
    board_resolution = fields.String(allow_none=True)
    resolution_number = fields.String(allow_none=True)
    assembly_date = fields.Date(allow_none=True)
    entry_id = fields.Integer(allow_none=True)
    posted_on = fields.Date(allow_none=True)


class AllocationDetailOutSchema(AllocationOutSchema):
    schedule = fields.List(fields.Nested(LineOutSchema))
