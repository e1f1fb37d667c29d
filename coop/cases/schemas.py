"""Case work input and output, for forms and JSON alike. Output schemas carrying names or notes are for the
case's assigned workers and the admin only; the outcome schema carries counts only."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ..money import Money
from .models import (AGENCY_KINDS, CLOSING_REASONS, FACILITATOR_KINDS, HOUSEHOLDS, REFERRER_KINDS, SESSION_KINDS,
                     STATUSES)

NOTE = validate.Length(max=500)
PHONE = validate.Regexp(r"^[0-9+ -]{7,20}$", error="A phone number is digits, 7 to 20.")
TRUE = {"1", "on", "true", "yes", True}
FALSE = {"0", "false", "", False}


class InSchema(Schema):
    """Input (forms and JSON). Nothing here posts to the ledger, so no idempotency key is read."""


def _optional(field_class, **kwargs):
    return field_class(load_default=None, allow_none=True, **kwargs)


class CaseInSchema(InSchema):
    client_name = fields.String(required=True, validate=validate.Length(min=2, max=160))
    household = fields.String(load_default="woman", validate=validate.OneOf(HOUSEHOLDS))
    mobile = _optional(fields.String, validate=PHONE)
    town = _optional(fields.String, validate=validate.Length(max=100))
    province = _optional(fields.String, validate=validate.Length(max=100))
    referrer_kind = fields.String(required=True, validate=validate.OneOf(REFERRER_KINDS))
    referred_by = _optional(fields.String, validate=validate.Length(max=160))
    program_id = _optional(fields.Integer, strict=False)
    opened_on = fields.Date(required=True)
    category_ids = fields.List(fields.Integer(strict=False), load_default=list)
    worker_id = _optional(fields.Integer, strict=False)


class CaseUpdateSchema(InSchema):
    client_name = fields.String(validate=validate.Length(min=2, max=160))
    household = fields.String(validate=validate.OneOf(HOUSEHOLDS))
    mobile = fields.String(allow_none=True, validate=PHONE)
    town = fields.String(allow_none=True, validate=validate.Length(max=100))
    province = fields.String(allow_none=True, validate=validate.Length(max=100))
    referrer_kind = fields.String(validate=validate.OneOf(REFERRER_KINDS))
    referred_by = fields.String(allow_none=True, validate=validate.Length(max=160))
    program_id = fields.Integer(allow_none=True, strict=False)
    category_ids = fields.List(fields.Integer(strict=False))


class AssignSchema(InSchema):
    user_id = fields.Integer(required=True, strict=False)
    assigned_on = fields.Date(required=True)


class UnassignSchema(InSchema):
    user_id = fields.Integer(required=True, strict=False)


class StatusSchema(InSchema):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    on = fields.Date(required=True)
    reason = _optional(fields.String, validate=validate.OneOf(CLOSING_REASONS))
    agency_id = _optional(fields.Integer, strict=False)


class AssessmentInSchema(InSchema):
    assessed_on = fields.Date(required=True)
    level = fields.Integer(required=True, strict=False, validate=validate.Range(min=0, max=10))
    certifies_ready = fields.Boolean(load_default=False, truthy=TRUE, falsy=FALSE)
    note = _optional(fields.String, validate=NOTE)


class SessionInSchema(InSchema):
    kind = fields.String(required=True, validate=validate.OneOf(SESSION_KINDS))
    held_on = fields.Date(required=True)
    facilitator_kind = fields.String(load_default="staff", validate=validate.OneOf(FACILITATOR_KINDS))
    facilitator_id = _optional(fields.Integer, strict=False)
    peer_counselor = _optional(fields.String, validate=validate.Length(min=2, max=120))
    module = _optional(fields.String, validate=validate.Length(max=120))
    minutes = fields.Integer(required=True, strict=False, validate=validate.Range(min=1, max=720))
    note = _optional(fields.String, validate=NOTE)


class AgencyInSchema(InSchema):
    name = fields.String(required=True, validate=validate.Length(min=2, max=160))
    kind = fields.String(required=True, validate=validate.OneOf(AGENCY_KINDS))
    services = _optional(fields.String, validate=validate.Length(max=300))
    contact_person = _optional(fields.String, validate=validate.Length(max=120))
    phone = _optional(fields.String, validate=validate.Length(max=40))
    email = _optional(fields.Email, validate=validate.Length(max=120))
    address = _optional(fields.String, validate=validate.Length(max=200))


class AgencyUpdateSchema(AgencyInSchema):
    name = fields.String(validate=validate.Length(min=2, max=160))
    kind = fields.String(validate=validate.OneOf(AGENCY_KINDS))
    active = fields.Boolean(truthy=TRUE, falsy=FALSE)


class ReferralInSchema(InSchema):
    agency_id = _optional(fields.Integer, strict=False, metadata={
        "description": "the agency; may be left out when a catalogue entry is chosen (its partner is found in the "
                       "directory by name, or added to it)"})
    offering_id = _optional(fields.Integer, strict=False, metadata={
        "description": "an entry of the partners' catalogue: prefills the partner and the service"})
    service = _optional(fields.String, validate=validate.Length(max=160))
    referred_on = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=3, max=300))
    expected_response = _optional(fields.String, validate=validate.Length(max=200))
    expected_by = _optional(fields.Date)
    followup_on = _optional(fields.Date)


class CatalogueSearchSchema(InSchema):
    q = _optional(fields.String, validate=validate.Length(max=100))
    offering = _optional(fields.Integer, strict=False)


class CatalogueEntryOutSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    partner = fields.String()
    place = fields.String(allow_none=True)
    contact = fields.String(allow_none=True)
    agency_id = fields.Integer(allow_none=True, metadata={"description": "the directory's agency of that partner"})


class FollowupPlanSchema(InSchema):
    due_on = fields.Date(required=True)


class FollowupDoneSchema(InSchema):
    done_on = fields.Date(required=True)
    note = _optional(fields.String, validate=NOTE)
    next_on = _optional(fields.Date)


class ReferralCloseSchema(InSchema):
    status = fields.String(required=True, validate=validate.OneOf(("completed", "declined", "cancelled")))
    outcome_on = fields.Date(required=True)
    outcome = fields.String(required=True, validate=validate.Length(min=2, max=500))


class BeneficiaryNumber(fields.Field):
    """A beneficiary's number as people write it: "B-0003", "b3" or "3"."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(value).strip().upper().removeprefix("B").lstrip("-").strip()
        if not text.isdigit() or not 0 < int(text) < 2**31:
            raise ValidationError("Write her beneficiary number, like B-0003.")
        return int(text)


class LinkSchema(InSchema):
    beneficiary = BeneficiaryNumber(required=True, metadata={"description": "B-0003, or 3"})


class SealSchema(InSchema):
    sealed_on = fields.Date(required=True)


class NameSchema(InSchema):
    name = fields.String(required=True, validate=validate.Length(min=2, max=120))


class ProgramInSchema(NameSchema):
    fund_id = _optional(fields.Integer, strict=False)


class ActiveSchema(InSchema):
    active = fields.Boolean(required=True, truthy=TRUE, falsy=FALSE)


class WorkerPhoneSchema(InSchema):
    user_id = fields.Integer(required=True, strict=False)
    mobile = _optional(fields.String, validate=PHONE)


class CaseListQuery(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(("open", *STATUSES)))
    sealed = fields.Boolean(load_default=False, truthy=TRUE, falsy=FALSE)


class OutcomeQuery(Schema):
    """The report's own cuts; another package's filters (`OutcomeFilter`) travel beside them, read by their key."""

    class Meta:
        unknown = EXCLUDE

    start = fields.Date(load_default=None)
    end = fields.Date(load_default=None)
    program_id = fields.Integer(load_default=None, strict=False)
    fund_id = fields.Integer(load_default=None, strict=False)
    format = fields.String(load_default="html", validate=validate.OneOf(("html", "csv", "pdf")))


# ------------------------------------------------------------------ output


class SessionOutSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    kind = fields.String()
    held_on = fields.Date()
    facilitator_kind = fields.String()
    facilitator_id = fields.Integer(allow_none=True)
    peer_counselor = fields.String(allow_none=True)
    module = fields.String(allow_none=True)
    minutes = fields.Integer()
    note = fields.String(allow_none=True)


class AssessmentOutSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    assessed_on = fields.Date()
    scale = fields.String()
    level = fields.Integer()
    certifies_ready = fields.Boolean()
    note = fields.String(allow_none=True)
    assessed_by = fields.Integer()


class FollowupOutSchema(Schema):
    id = fields.Integer()
    referral_id = fields.Integer()
    due_on = fields.Date()
    done_on = fields.Date(allow_none=True)
    note = fields.String(allow_none=True)


class ReferralOutSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    agency_id = fields.Integer()
    referred_on = fields.Date()
    service = fields.String(allow_none=True)
    offering_id = fields.Integer(allow_none=True)
    reason = fields.String()
    expected_response = fields.String(allow_none=True)
    expected_by = fields.Date(allow_none=True)
    status = fields.String()
    outcome = fields.String(allow_none=True)
    outcome_on = fields.Date(allow_none=True)
    followups = fields.List(fields.Nested(FollowupOutSchema))


class CaseOutSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    client_name = fields.String()
    household = fields.String()
    mobile = fields.String(allow_none=True)
    town = fields.String(allow_none=True)
    province = fields.String(allow_none=True)
    referrer_kind = fields.String()
    referred_by = fields.String(allow_none=True)
    program_id = fields.Integer(allow_none=True)
    opened_on = fields.Date()
    status = fields.String()
    status_on = fields.Date()
    closing_reason = fields.String(allow_none=True)
    transferred_to = fields.Integer(allow_none=True)
    ended_on = fields.Date(allow_none=True)
    ready_on = fields.Date(allow_none=True)
    beneficiary_id = fields.Integer(allow_none=True)
    sealed_on = fields.Date(allow_none=True)
    category_ids = fields.List(fields.Integer())
    worker_ids = fields.List(fields.Integer())


class CaseBriefSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    client_name = fields.String()
    status = fields.String()
    opened_on = fields.Date()


class AgencyOutSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    services = fields.String(allow_none=True)
    contact_person = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    active = fields.Boolean()


class NamedOutSchema(Schema):
    """A category or a program: its name, whether in use, and for a program the donor fund paying for it."""

    id = fields.Integer()
    name = fields.String()
    active = fields.Boolean()
    fund_id = fields.Integer(allow_none=True)


class OverdueOutSchema(Schema):
    followup_id = fields.Integer()
    referral_id = fields.Integer()
    case_id = fields.Integer()
    case_label = fields.String()
    agency = fields.String()
    due_on = fields.Date()
    days = fields.Integer()


class OutcomeLineSchema(Schema):
    key = fields.String()
    label = fields.String()
    count = fields.Integer(allow_none=True)
    known = fields.Integer(allow_none=True)
    amount = Money(allow_none=True)


class OutcomeOutSchema(Schema):
    start = fields.Date()
    end = fields.Date()
    program_id = fields.Integer(allow_none=True)
    fund_id = fields.Integer(allow_none=True)
    lines = fields.List(fields.Nested(OutcomeLineSchema))
