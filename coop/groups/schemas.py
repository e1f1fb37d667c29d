"""Groups input and output, for forms and JSON alike. Outputs name women by number only."""
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from ..ledger.schemas import CashAccountKey
from ..money import Money
from .models import CLUSTER_KINDS, GROUP_MODULES, MEMBER_ROLES, OFFERING_KINDS

ID = validate.Range(min=1, max=2**31 - 1)


def _text(max_length: int, required: bool = False, min_length: int = 1):
    if required:
        return fields.String(required=True, validate=validate.Length(min=min_length, max=max_length))
    return fields.String(load_default=None, allow_none=True, validate=validate.Length(max=max_length))


class InSchema(Schema):
    """Input: a form's hidden idempotency key is read by the view (web.forms.idempotency_key), not loaded here."""

    @pre_load
    def drop_form_key(self, data, **kwargs):
        return {k: v for k, v in data.items() if k != "idempotency_key"} if isinstance(data, dict) else data


class ClusterInSchema(InSchema):
    name = _text(120, required=True, min_length=2)
    kind = fields.String(required=True, validate=validate.OneOf(CLUSTER_KINDS))
    place = _text(160)
    formed_on = fields.Date(required=True)
    social_worker_id = fields.Integer(required=True, strict=False, validate=ID)


class MemberInSchema(InSchema):
    beneficiary_id = fields.Integer(load_default=None, allow_none=True, validate=ID)
    alias = _text(60)
    role = fields.String(load_default="member", validate=validate.OneOf(MEMBER_ROLES))
    user_id = fields.Integer(load_default=None, allow_none=True, validate=ID)
    joined_on = fields.Date(required=True)


class SessionInSchema(InSchema):
    module = fields.String(required=True, validate=validate.OneOf(GROUP_MODULES))
    held_on = fields.Date(required=True)
    place = _text(160)
    facilitator_id = fields.Integer(load_default=None, allow_none=True, validate=ID)
    present = fields.List(fields.Integer(validate=ID), load_default=list, validate=validate.Length(max=100))


class ProgramInSchema(InSchema):
    title = _text(160, required=True, min_length=2)
    provider = _text(160)
    venues = _text(300)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    days = fields.Integer(required=True, validate=validate.Range(min=1, max=60))
    days_to_complete = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=60))


class DayInSchema(InSchema):
    held_on = fields.Date(required=True)
    venue = _text(160)
    topic = _text(160, required=True, min_length=2)


class EnrollInSchema(InSchema):
    beneficiary_id = fields.Integer(required=True, validate=ID)
    enrolled_on = fields.Date(required=True)


class AttendanceInSchema(InSchema):
    day_id = fields.Integer(required=True, validate=ID)
    present = fields.List(fields.Integer(validate=ID), load_default=list, validate=validate.Length(max=200))


class CompletionInSchema(InSchema):
    completed_on = fields.Date(required=True)


class CoachingInSchema(InSchema):
    beneficiary_id = fields.Integer(required=True, validate=ID)
    held_on = fields.Date(required=True)
    coach_id = fields.Integer(load_default=None, allow_none=True, validate=ID)
    topic = _text(160, required=True, min_length=2)
    minutes = fields.Integer(required=True, validate=validate.Range(min=5, max=600))
    note = _text(500)


class OfferingInSchema(InSchema):
    kind = fields.String(required=True, validate=validate.OneOf(OFFERING_KINDS))
    title = _text(160, required=True, min_length=2)
    partner = _text(160, required=True, min_length=2)
    description = _text(1000)
    place = _text(160)
    contact = _text(160)


class CatalogueQuerySchema(Schema):
    q = fields.String(load_default=None, validate=validate.Length(max=100))
    kind = fields.String(load_default=None, validate=validate.OneOf(OFFERING_KINDS))


class EnterpriseInSchema(InSchema):
    name = _text(120, required=True, min_length=2)
    started_on = fields.Date(required=True)
    moa_id = fields.Integer(load_default=None, allow_none=True, validate=ID)


class LinkMoaSchema(InSchema):
    moa_id = fields.Integer(required=True, validate=ID)


class RepaymentInSchema(InSchema):
    amount = Money(required=True)
    paid_on = fields.Date(required=True)
    cash_account = CashAccountKey(load_default="cash_in_bank")
    received_from = _text(160)


FORMATS = validate.OneOf(("html", "csv", "pdf"))


class VoidInSchema(InSchema):
    on = fields.Date(required=True)
    reason = _text(300, required=True, min_length=3)


class AsOfSchema(Schema):
    as_of = fields.Date(load_default=None)
    format = fields.String(load_default="html", validate=FORMATS)


class PeriodSchema(Schema):
    start = fields.Date(load_default=None)
    end = fields.Date(load_default=None)
    format = fields.String(load_default="html", validate=FORMATS)

    @validates_schema
    def in_order(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("The period starts on or before its end.", "start")


# ------------------------------------------------------------------ output


class ClusterOutSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    name = fields.String()
    kind = fields.String()
    place = fields.String(allow_none=True)
    formed_on = fields.Date()
    social_worker_id = fields.Integer()
    size = fields.Integer()


class MemberOutSchema(Schema):
    id = fields.Integer()
    beneficiary_id = fields.Integer(allow_none=True)
    alias = fields.String(allow_none=True)
    role = fields.String()
    user_id = fields.Integer(allow_none=True)
    joined_on = fields.Date()
    left_on = fields.Date(allow_none=True)


class SessionOutSchema(Schema):
    id = fields.Integer()
    cluster_id = fields.Integer()
    module = fields.String()
    held_on = fields.Date()
    place = fields.String(allow_none=True)
    facilitator_id = fields.Integer(allow_none=True)
    present = fields.Integer()
    attended = fields.List(fields.Integer())


class ProgramOutSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    provider = fields.String(allow_none=True)
    venues = fields.String(allow_none=True)
    starts_on = fields.Date()
    ends_on = fields.Date()
    days = fields.Integer()
    days_to_complete = fields.Integer()


class DayOutSchema(Schema):
    id = fields.Integer()
    day_no = fields.Integer()
    held_on = fields.Date()
    venue = fields.String(allow_none=True)
    topic = fields.String()


class EnrollmentOutSchema(Schema):
    id = fields.Integer()
    program_id = fields.Integer()
    beneficiary_id = fields.Integer()
    enrolled_on = fields.Date()
    status = fields.String()
    days_attended = fields.Integer()
    completed_on = fields.Date(allow_none=True)


class CoachingOutSchema(Schema):
    id = fields.Integer()
    beneficiary_id = fields.Integer()
    held_on = fields.Date()
    coach_id = fields.Integer()
    topic = fields.String()
    minutes = fields.Integer()


class OfferingOutSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    partner = fields.String()
    description = fields.String(allow_none=True)
    place = fields.String(allow_none=True)
    contact = fields.String(allow_none=True)
    active = fields.Boolean()


class EnterpriseOutSchema(Schema):
    id = fields.Integer()
    cluster_id = fields.Integer()
    name = fields.String()
    moa_id = fields.Integer(allow_none=True)
    started_on = fields.Date()


class FundingOutSchema(Schema):
    enterprise = fields.Nested(EnterpriseOutSchema)
    moa_id = fields.Integer(allow_none=True)
    moa_label = fields.String(allow_none=True)
    kind = fields.String(allow_none=True, metadata={"description": "grant or loan"})
    total = Money(allow_none=True)
    released_total = Money(allow_zero=True, allow_none=True)
    party_id = fields.Integer(allow_none=True, metadata={"description": "the cluster's ledger party: the releases "
                                                                        "are booked to the group"})
    women = fields.List(fields.Integer(), metadata={"description": "beneficiary ids of the women in the group"})


class InstallmentOutSchema(Schema):
    seq = fields.Integer()
    due_on = fields.Date()
    amount = Money()
    paid = Money(allow_zero=True)
    overdue_on = fields.Date(allow_none=True, metadata={"description": "the day the daily job first listed it overdue"})


class LoanOutSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    moa_id = fields.Integer()
    tranche_id = fields.Integer()
    beneficiary_id = fields.Integer()
    cluster_id = fields.Integer(allow_none=True)
    party_id = fields.Integer()
    principal = Money()
    repaid = Money(allow_zero=True)
    outstanding = Money(allow_zero=True)
    released_on = fields.Date()
    status = fields.String()
    days_past_due = fields.Integer(metadata={"description": "from the oldest unpaid installment, kept by the daily "
                                                            "job groups.overdue_installments"})
    installments = fields.List(fields.Nested(InstallmentOutSchema))


class RepaymentOutSchema(Schema):
    id = fields.Integer()
    loan_id = fields.Integer()
    paid_on = fields.Date()
    amount = Money()
    cash_account = fields.String()
    entry_id = fields.Integer()
    receipt_id = fields.Integer()
    voided_on = fields.Date(allow_none=True)
    void_reason = fields.String(allow_none=True)
    reversal_id = fields.Integer(allow_none=True)


class AgingOutSchema(Schema):
    loan_id = fields.Integer()
    label = fields.String()
    outstanding = Money(allow_zero=True)
    buckets = fields.Dict(keys=fields.String(), values=fields.Integer())


class OutcomeOutSchema(Schema):
    start = fields.Date()
    end = fields.Date()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
