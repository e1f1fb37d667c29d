"""Grants input and output, for forms and JSON alike. Output schemas of beneficiaries are for grant staff only."""
from marshmallow import Schema, fields, pre_load, validate

from ..money import Money
from .models import CONDITIONS, DECISIONS, MOA_KINDS, OUTCOMES

NOTE = validate.Length(min=3, max=1000)


class InSchema(Schema):
    """Input: a form's hidden idempotency key is read by the view (web.forms.idempotency_key), not loaded here."""

    @pre_load
    def drop_form_key(self, data, **kwargs):
        return {k: v for k, v in data.items() if k != "idempotency_key"} if isinstance(data, dict) else data


class BeneficiaryInSchema(InSchema):
    name = fields.String(required=True, validate=validate.Length(min=2, max=160))
    mobile = fields.String(load_default=None, allow_none=True,
                           validate=validate.Regexp(r"^[0-9+ -]{7,20}$", error="A phone number is digits, 7 to 20."))
    town = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    province = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


class BeneficiaryUpdateSchema(BeneficiaryInSchema):
    name = fields.String(validate=validate.Length(min=2, max=160))


class ReadinessSchema(InSchema):
    ready_on = fields.Date(required=True)
    note = fields.String(required=True, validate=validate.Length(min=3, max=500))


class TrainingInSchema(InSchema):
    course = fields.String(required=True, validate=validate.Length(min=2, max=160))
    provider = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=160))
    started_on = fields.Date(required=True)
    ended_on = fields.Date(load_default=None, allow_none=True)
    completed = fields.Boolean(load_default=False, truthy={"1", "on", "true", "yes", True}, falsy={"0", "false", "", False})


class TrainingOutSchema(Schema):
    id = fields.Integer()
    course = fields.String()
    provider = fields.String(allow_none=True)
    started_on = fields.Date()
    ended_on = fields.Date(allow_none=True)
    completed = fields.Boolean()


class BeneficiaryOutSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    name = fields.String()
    mobile = fields.String(allow_none=True)
    town = fields.String(allow_none=True)
    province = fields.String(allow_none=True)
    party_id = fields.Integer()
    ready_on = fields.Date(allow_none=True)
    ready_note = fields.String(allow_none=True)
    stage = fields.String()


class FundInSchema(InSchema):
    donor_name = fields.String(required=True, validate=validate.Length(min=2, max=160))
    purpose = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


class ReceiptInSchema(InSchema):
    received_on = fields.Date(required=True)
    amount = Money(required=True)
    reference = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=80))


class ReceiptOutSchema(Schema):
    id = fields.Integer()
    fund_id = fields.Integer()
    received_on = fields.Date()
    amount = Money()
    reference = fields.String(allow_none=True)  # optional when received (a cash gift has no bank reference)
    entry_id = fields.Integer()


class FundOutSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    donor_name = fields.String()
    purpose = fields.String(allow_none=True)
    account_id = fields.Integer()
    party_id = fields.Integer()
    received = Money()
    released = Money()
    committed = Money()
    left = Money()
    available = Money()


class BudgetLineSchema(InSchema):
    item = fields.String(required=True, validate=validate.Length(min=2, max=160))
    amount = Money(required=True)


class PlanInSchema(InSchema):
    kind = fields.String(load_default="grant", validate=validate.OneOf(MOA_KINDS))
    business_type = fields.String(required=True, validate=validate.Length(min=2, max=120))
    location = fields.String(required=True, validate=validate.Length(min=2, max=200))
    summary = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))
    amount_requested = Money(required=True)
    projected_sales = Money(required=True, allow_zero=True)
    projected_costs = Money(required=True, allow_zero=True)
    lines = fields.List(fields.Nested(BudgetLineSchema), load_default=list)


class PlanUpdateSchema(PlanInSchema):
    kind = fields.String(validate=validate.OneOf(MOA_KINDS))
    business_type = fields.String(validate=validate.Length(min=2, max=120))
    location = fields.String(validate=validate.Length(min=2, max=200))
    amount_requested = Money()
    projected_sales = Money(allow_zero=True)
    projected_costs = Money(allow_zero=True)
    lines = fields.List(fields.Nested(BudgetLineSchema))


class ReviewInSchema(InSchema):
    interviewed_on = fields.Date(required=True)
    interview_note = fields.String(required=True, validate=NOTE)
    visited_on = fields.Date(required=True)
    visit_note = fields.String(required=True, validate=NOTE)
    feasibility_note = fields.String(required=True, validate=NOTE)
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    reason = fields.String(required=True, validate=NOTE)


class ReviewOutSchema(ReviewInSchema):
    id = fields.Integer()
    reviewed_by = fields.Integer()


class PlanOutSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    beneficiary_id = fields.Integer()
    revision_of = fields.Integer(allow_none=True)
    kind = fields.String()
    business_type = fields.String()
    location = fields.String()
    summary = fields.String(allow_none=True)
    amount_requested = Money()
    projected_sales = Money()
    projected_costs = Money()
    status = fields.String()
    lines = fields.List(fields.Nested(BudgetLineSchema))
    review = fields.Nested(ReviewOutSchema, allow_none=True)


class TrancheInSchema(InSchema):
    amount = Money(required=True)
    planned_on = fields.Date(required=True)
    condition = fields.String(required=True, validate=validate.OneOf(CONDITIONS))


class MoaInSchema(InSchema):
    fund_id = fields.Integer(required=True, strict=False)
    centre_signatory = fields.String(required=True, validate=validate.Length(min=2, max=160))
    centre_role = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=10, max=1000))
    tranches = fields.List(fields.Nested(TrancheInSchema), load_default=list)


class SigningSchema(InSchema):
    signed_on = fields.Date(required=True)


class VoidMoaSchema(InSchema):
    voided_on = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=3, max=300))


class ReleaseRequestSchema(InSchema):
    release_on = fields.Date(required=True)


class PurchaseInSchema(InSchema):
    bought_on = fields.Date(required=True)
    item = fields.String(required=True, validate=validate.Length(min=2, max=160))
    supplier = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=160))
    amount = Money(required=True)
    receipt_no = fields.String(required=True, validate=validate.Length(min=1, max=60))


class PurchaseOutSchema(PurchaseInSchema):
    id = fields.Integer()
    tranche_id = fields.Integer()


class TrancheOutSchema(Schema):
    id = fields.Integer()
    seq = fields.Integer()
    amount = Money()
    planned_on = fields.Date()
    condition = fields.String()
    status = fields.String()
    requested_by = fields.Integer(allow_none=True)
    release_on = fields.Date(allow_none=True)
    approved_by = fields.Integer(allow_none=True)
    released_on = fields.Date(allow_none=True)
    entry_id = fields.Integer(allow_none=True)
    blocker = fields.String(allow_none=True)
    purchases = fields.List(fields.Nested(PurchaseOutSchema))


class MonitoringInSchema(InSchema):
    month_no = fields.Integer(load_default=None, allow_none=True, strict=False)
    visited_on = fields.Date(required=True)
    sales = Money(required=True, allow_zero=True)
    costs = Money(required=True, allow_zero=True)
    savings = Money(required=True, allow_zero=True)
    visit_note = fields.String(required=True, validate=NOTE)


class MonitoringOutSchema(MonitoringInSchema):
    id = fields.Integer()
    moa_id = fields.Integer()
    due_on = fields.Date()


class ClosingSchema(InSchema):
    closed_on = fields.Date(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    note = fields.String(required=True, validate=NOTE)


class RecordHolderOutSchema(Schema):
    kind = fields.String()
    label = fields.String()
    party_id = fields.Integer()
    members = fields.List(fields.Integer(), metadata={"description": "beneficiary ids of the women in the group"})


class MoaOutSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    plan_id = fields.Integer()
    beneficiary_id = fields.Integer()
    fund_id = fields.Integer()
    kind = fields.String()
    total = Money()
    released_total = Money()
    centre_role = fields.String()
    centre_signatory = fields.String()
    status = fields.String()
    signed_on = fields.Date(allow_none=True)
    first_released_on = fields.Date(allow_none=True)
    outcome = fields.String(allow_none=True)
    outcome_note = fields.String(allow_none=True)
    closed_on = fields.Date(allow_none=True)
    tranches = fields.List(fields.Nested(TrancheOutSchema))
    monitoring = fields.List(fields.Nested(MonitoringOutSchema))
    beneficiary_of_record = fields.Nested(RecordHolderOutSchema, allow_none=True, metadata={
        "description": "the group whose enterprise the MOA funds (its party carries the releases), else null"})


class ClosedYearOutSchema(Schema):
    year = fields.Integer()
    closed = fields.Boolean()
    entry_id = fields.Integer(allow_none=True)
