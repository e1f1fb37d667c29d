"""What the consignment forms and API take and give. Rates are percentages at the edge, basis points inside."""
from marshmallow import Schema, ValidationError, fields, validate

from ..ledger.schemas import CashAccountKey
from ..money import Money, to_pesos_text
from ..reports.schemas import RangeSchema
from .services import doc_lines, percent_to_bp


class Percent(fields.Field):
    """A percentage ("25", "12.5%", 25) in, basis points out; the service checks the range."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{value / 100:g}"

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(value).strip().rstrip("%").strip()
        try:
            return percent_to_bp(text)
        except (ValueError, OverflowError) as exc:
            raise ValidationError("Enter a percentage, like 25 or 12.5.") from exc


def _percent_out(attribute: str):
    return fields.Function(lambda obj: None if getattr(obj, attribute) is None else f"{getattr(obj, attribute) / 100:g}")


class PrincipalInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    member_commission = Percent(load_default=None, attribute="member_commission_bp",
                                metadata={"description": "the selling member's commission, percent of list price"})
    coop_margin = Percent(load_default=0, attribute="coop_margin_bp",
                          metadata={"description": "the cooperative's own margin, percent of list price"})
    payment_terms_days = fields.Integer(load_default=30)
    uses_campaigns = fields.Boolean(load_default=True)
    notes = fields.String(load_default=None, validate=validate.Length(max=300))


class PrincipalUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=120))
    member_commission = Percent(attribute="member_commission_bp")
    coop_margin = Percent(attribute="coop_margin_bp")
    payment_terms_days = fields.Integer()
    active = fields.Boolean()
    notes = fields.String(validate=validate.Length(max=300))


class PrincipalOutSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    member_commission = _percent_out("member_commission_bp")
    coop_margin = _percent_out("coop_margin_bp")
    payment_terms_days = fields.Integer()
    uses_campaigns = fields.Boolean()
    active = fields.Boolean()
    party_id = fields.Integer(allow_none=True)
    notes = fields.String(allow_none=True)


class CampaignInSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=30))
    name = fields.String(load_default="", validate=validate.Length(max=120))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(load_default=None, allow_none=True)
    member_commission = Percent(load_default=None, attribute="member_commission_bp",
                                metadata={"description": "overrides the principal's rate for this campaign"})


class CampaignStatusSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(("open", "closed")))


class CampaignOutSchema(Schema):
    id = fields.Integer()
    principal_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    status = fields.String()
    member_commission = _percent_out("member_commission_bp")
    sold_value = Money()
    member_commission_total = Money(attribute="member_commission")
    coop_margin = Money()
    due_to_principal = Money()
    paid_to_principal = Money()
    balance = fields.Function(lambda c: to_pesos_text(c.due_to_principal - c.paid_to_principal))


class ItemInSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=160))
    list_price = Money(required=True)
    principal_id = fields.Integer(load_default=None, allow_none=True)
    producer_id = fields.Integer(load_default=None, allow_none=True)


class ItemUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=160))
    list_price = Money()
    active = fields.Boolean()


class ItemOutSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    list_price = Money()
    principal_id = fields.Integer(allow_none=True)
    producer_id = fields.Integer(allow_none=True)
    qty_at_coop = fields.Integer()
    active = fields.Boolean()


class LineSchema(Schema):
    item_id = fields.Integer(required=True)
    qty = fields.Integer(required=True, validate=validate.Range(min=1, error="A quantity is at least 1."))


def _lines():
    return fields.List(fields.Nested(LineSchema), required=True,
                       validate=validate.Length(min=1, error="Give at least one item and its quantity."))


class OrderInSchema(Schema):
    """An order to, a delivery from, or a return of goods to a principal."""

    principal_id = fields.Integer(required=True)
    campaign_id = fields.Integer(load_default=None, allow_none=True)
    order_id = fields.Integer(load_default=None, allow_none=True)
    on = fields.Date(required=True)
    reference = fields.String(load_default=None, validate=validate.Length(max=120))
    lines = _lines()


class MemberGoodsInSchema(Schema):
    """Goods issued to, sold by or returned by a member, for one campaign."""

    member_id = fields.Integer(required=True)
    campaign_id = fields.Integer(required=True)
    on = fields.Date(required=True)
    lines = _lines()


class ProducerGoodsInSchema(Schema):
    producer_id = fields.Integer(required=True)
    on = fields.Date(required=True)
    lines = _lines()


class MemberPaymentInSchema(Schema):
    """A remittance from a member, or a commission paid out to her."""

    member_id = fields.Integer(required=True)
    amount = Money(required=True)
    on = fields.Date(required=True)
    paid_via = CashAccountKey()
    campaign_id = fields.Integer(load_default=None, allow_none=True)


class SettlementInSchema(Schema):
    campaign_id = fields.Integer(required=True)
    amount = Money(required=True)
    on = fields.Date(required=True)
    paid_via = CashAccountKey(load_default="cash_in_bank")
    reference = fields.String(load_default=None, validate=validate.Length(max=120))


class ProducerInSchema(Schema):
    member_id = fields.Integer(required=True)
    fee = Percent(load_default=None, attribute="fee_bp",
                  metadata={"description": "the cooperative's fee, percent of the price"})


class ProducerUpdateSchema(Schema):
    fee = Percent(attribute="fee_bp")
    active = fields.Boolean()


class ProducerOutSchema(Schema):
    id = fields.Integer()
    member_id = fields.Integer()
    fee = _percent_out("fee_bp")
    active = fields.Boolean()


class ProducerPayoutInSchema(Schema):
    producer_id = fields.Integer(required=True)
    amount = Money(required=True)
    on = fields.Date(required=True)
    paid_via = CashAccountKey()


class VoidInSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=300))
    on = fields.Date(required=True)


class DocLineOutSchema(Schema):
    item_id = fields.Integer()
    qty = fields.Integer()
    unit_price = Money()
    value = Money()


class DocOutSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    on = fields.Date()
    member_id = fields.Integer(allow_none=True)
    principal_id = fields.Integer(allow_none=True)
    producer_id = fields.Integer(allow_none=True)
    campaign_id = fields.Integer(allow_none=True)
    status = fields.String(allow_none=True)
    list_value = Money()
    commission = Money()
    coop_margin = Money()
    net = Money()
    amount = Money()
    rate = _percent_out("rate_bp")
    reference = fields.String(allow_none=True)
    entry_id = fields.Integer(allow_none=True)
    receipt_id = fields.Integer(allow_none=True)
    voided = fields.Function(lambda doc: doc.voided_at is not None)
    void_reason = fields.String(allow_none=True)
    lines = fields.Function(lambda doc: DocLineOutSchema(many=True).dump(_lines_of(doc)))


def _lines_of(doc):
    return doc_lines(doc)


class PaymentOutSchema(Schema):
    amount = Money()
    entry_id = fields.Integer(allow_none=True)
    receipt_id = fields.Integer(allow_none=True)
    docs = fields.List(fields.Nested(DocOutSchema))


class HeldOutSchema(Schema):
    item_id = fields.Function(lambda h: h.item.id)
    item_code = fields.Function(lambda h: h.item.code)
    campaign_id = fields.Function(lambda h: h.campaign.id)
    qty = fields.Integer()
    value = Money()


class MemberSummaryOutSchema(Schema):
    held = fields.List(fields.Nested(HeldOutSchema))
    held_value = Money()
    owed = Money()
    commission_earned = Money()
    commission_due = Money()
    producer_due = Money()


class StatementQuerySchema(RangeSchema):
    campaign_id = fields.Integer(load_default=None)
