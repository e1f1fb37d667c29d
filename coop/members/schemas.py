from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from ..ledger.schemas import CashAccountKey
from ..money import Money
from .models import MEMBER_STATUSES, MEMBERSHIP_TYPES

MOBILE = validate.Regexp(r"^(09\d{9}|\+639\d{9})$", error="A mobile number looks like 09171234567 or +639171234567.")


def _text(max_length: int, **kw):
    return fields.String(validate=validate.Length(max=max_length), load_default=None, allow_none=True, **kw)


class MemberInSchema(Schema):
    """An application, typed by an officer or by the applicant; also the profile edit form."""

    name = fields.String(required=True, validate=validate.Length(min=2, max=160))
    mobile = fields.String(load_default=None, allow_none=True, validate=MOBILE)
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=120))
    barangay = _text(100)
    town = _text(100)
    province = _text(100)
    birth_date = fields.Date(load_default=None, allow_none=True)
    membership_type = fields.String(load_default="regular", validate=validate.OneOf(MEMBERSHIP_TYPES))
    beneficiary_name = _text(160)
    beneficiary_relation = _text(60)
    beneficiary_mobile = fields.String(load_default=None, allow_none=True, validate=MOBILE)

    @pre_load
    def tidy_mobile(self, data, **kwargs):
        data = dict(data)
        for key in ("mobile", "beneficiary_mobile"):
            if isinstance(data.get(key), str):
                data[key] = data[key].replace(" ", "").replace("-", "") or None
        return data


class MemberUpdateSchema(MemberInSchema):
    pass  # a PATCH loads it as partial (web.forms.load_json); marshmallow has no Meta.partial


class MemberOutSchema(Schema):
    """What any reader of the organization may see: no personal data."""

    id = fields.Integer()
    number = fields.Integer()
    label = fields.String()
    status = fields.String()
    membership_type = fields.String()
    admitted_on = fields.Date(allow_none=True)


class MemberPersonalOutSchema(MemberOutSchema):
    """Officers of her cooperative and the member herself only; every dump of it is audited."""

    name = fields.String()
    mobile = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    barangay = fields.String(allow_none=True)
    town = fields.String(allow_none=True)
    province = fields.String(allow_none=True)
    birth_date = fields.Date(allow_none=True)
    applied_on = fields.Date(allow_none=True)
    board_resolution = fields.String(allow_none=True)
    beneficiary_name = fields.String(allow_none=True)
    beneficiary_relation = fields.String(allow_none=True)
    beneficiary_mobile = fields.String(allow_none=True)


class MemberQuerySchema(Schema):
    q = fields.String(load_default="", validate=validate.Length(max=80))
    status = fields.String(load_default=None, validate=validate.OneOf(MEMBER_STATUSES))
    overdue = fields.Boolean(load_default=False)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000_000))


class AdmitSchema(Schema):
    board_resolution = fields.String(required=True, validate=validate.Length(min=1, max=60))
    on = fields.Date(required=True)
    collect_fee = fields.Boolean(load_default=False, metadata={"description": "collect the membership fee now"})
    cash_account = CashAccountKey()


class ApplicationInSchema(MemberInSchema):
    """An officer's application form: the profile, the date the paper application carries (today when left
    out), and the membership fee collected with it if she pays now."""

    applied_on = fields.Date(load_default=None, allow_none=True,
                             metadata={"description": "the date on the paper application (default: today); not "
                                                      "after today nor before the cooperative's registration"})

    collect_fee = fields.Boolean(load_default=False, metadata={"description": "collect the membership fee now"})
    cash_account = CashAccountKey()


class MembershipFeeInSchema(Schema):
    on = fields.Date(required=True)
    cash_account = CashAccountKey()


class MembershipFeeOutSchema(Schema):
    id = fields.Integer()
    member_id = fields.Integer()
    amount = Money()
    paid_on = fields.Date()
    refundable = fields.Boolean()
    stage = fields.String()
    receipt_id = fields.Integer(allow_none=True)
    entry_id = fields.Integer(allow_none=True)


class StatusSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(MEMBER_STATUSES))
    on = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=3, max=300))


class SubscriptionInSchema(Schema):
    shares = fields.Integer(required=True, strict=False, validate=validate.Range(min=1, max=1_000_000))
    plan = fields.String(load_default="1-monthly", metadata={"description": "installments-frequency, e.g. 4-monthly"})
    on = fields.Date(required=True)
    first_due = fields.Date(load_default=None, allow_none=True)

    @validates_schema
    def plan_shape(self, data, **kwargs):
        count, _, frequency = data["plan"].partition("-")
        if not (count.isascii() and count.isdigit() and len(count) <= 3) or not frequency:
            raise ValidationError("Choose an installment plan.", "plan")


class SubscriptionOutSchema(Schema):
    id = fields.Integer()
    member_id = fields.Integer()
    kind = fields.String()
    shares = fields.Integer()
    par_value = Money()
    amount = Money()
    paid = Money()
    balance = Money()
    subscribed_on = fields.Date()
    installments = fields.Integer()
    frequency = fields.String()
    status = fields.String()
    certificate_number = fields.String()


class InstallmentOutSchema(Schema):
    seq = fields.Integer()
    due_on = fields.Date()
    amount = Money()
    paid = Money()
    balance = Money()
    overdue = fields.Boolean()


class PaymentInSchema(Schema):
    amount = Money(required=True)
    on = fields.Date(required=True)


class PaymentFormSchema(PaymentInSchema):
    """The officer's three fields: who, how much, when."""

    member = fields.String(required=True, validate=validate.Length(min=1, max=20),
                           metadata={"description": "member number, e.g. 12 or M-0012"})


class PaymentOutSchema(Schema):
    id = fields.Integer()
    member_id = fields.Integer()
    amount = Money()
    paid_on = fields.Date()
    receipt_id = fields.Integer(allow_none=True)
    receipt_number = fields.String(allow_none=True)
    entry_id = fields.Integer(allow_none=True)
    source = fields.String(allow_none=True, metadata={"description": "loans: a capital build-up retained at release"})
    source_id = fields.String(allow_none=True)


class WithdrawalInSchema(Schema):
    on = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=3, max=300))


class DecisionSchema(Schema):
    approve = fields.Boolean(required=True)
    on = fields.Date(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


class WithdrawalOutSchema(Schema):
    id = fields.Integer()
    member_id = fields.Integer()
    requested_on = fields.Date()
    status = fields.String()
    paid_up = Money()
    owed = Money()
    refund = Money()
    requested_by = fields.Integer(allow_none=True)
    decided_by = fields.Integer(allow_none=True)


class TransferInSchema(Schema):
    to_member = fields.String(required=True, validate=validate.Length(min=1, max=20))
    shares = fields.Integer(required=True, strict=False, validate=validate.Range(min=1))
    on = fields.Date(required=True)


class TransferOutSchema(Schema):
    id = fields.Integer()
    from_member_id = fields.Integer()
    to_member_id = fields.Integer()
    shares = fields.Integer()
    amount = Money()
    transferred_on = fields.Date()


class SummaryOutSchema(Schema):
    member = fields.Nested(MemberOutSchema)
    subscribed = Money()
    paid_up = Money()
    due = Money()
    overdue = Money()
    next_due_on = fields.Date(allow_none=True)
    next_due_amount = Money()
    good_standing = fields.Boolean()
    installments = fields.List(fields.Nested(InstallmentOutSchema))


class StatementQuerySchema(Schema):
    start = fields.Date(load_default=None)
    end = fields.Date(load_default=None)
    format = fields.String(load_default="html", validate=validate.OneOf(("html", "pdf", "csv")))

    @pre_load
    def blank_is_not_given(self, data, **kwargs):
        return {key: value for key, value in data.items() if value != ""}

    @validates_schema
    def ordered(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("The start date comes before the end date.", "start")
