"""What the store's forms and API take and give. Money in pesos, quantities in units ("1.5"), at the edge."""
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from ..ledger.schemas import CashAccountKey
from ..money import Money
from .models import ADJUSTMENT_KINDS, PAYMENT_METHODS, SALE_PAYMENTS
from .quantity import Quantity

_text = lambda n, **kw: fields.String(validate=validate.Length(max=n), **kw)  # noqa: E731


class SupplierInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=2, max=160))
    contact_person = _text(120, load_default=None, allow_none=True)
    phone = _text(40, load_default=None, allow_none=True)
    email = fields.Email(load_default=None, allow_none=True)
    address = _text(300, load_default=None, allow_none=True)
    tin = _text(20, load_default=None, allow_none=True)


class SupplierUpdateSchema(SupplierInSchema):
    name = fields.String(validate=validate.Length(min=2, max=160))
    active = fields.Boolean()


class SupplierOutSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    name = fields.String()
    contact_person = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    tin = fields.String(allow_none=True)
    active = fields.Boolean()
    party_id = fields.Integer(allow_none=True)
    owed = Money(dump_only=True)


class ProductInSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9._-]{1,30}$",
                                                                 error="Codes are letters, digits, dots and dashes."))
    name = fields.String(required=True, validate=validate.Length(min=2, max=160))
    category = fields.String(load_default="General", validate=validate.Length(min=1, max=60))
    unit = fields.String(load_default="pc", validate=validate.Length(min=1, max=20))
    purchase_unit = _text(20, load_default=None, allow_none=True)
    units_per_purchase = Quantity(load_default=1000, metadata={"description": "units of sale in one purchase unit"})
    sale_price = Money(required=True)
    barcode = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^[0-9A-Za-z-]{4,40}$"))
    reorder_level = Quantity(allow_zero=True, load_default=0)


class ProductUpdateSchema(ProductInSchema):
    code = fields.String(validate=validate.Regexp(r"^[A-Za-z0-9._-]{1,30}$"))
    name = fields.String(validate=validate.Length(min=2, max=160))
    sale_price = Money()
    active = fields.Boolean()


class ProductOutSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    category = fields.String()
    unit = fields.String()
    purchase_unit = fields.String(allow_none=True)
    units_per_purchase = Quantity()
    sale_price = Money()
    barcode = fields.String(allow_none=True)
    reorder_level = Quantity()
    active = fields.Boolean()
    qty_on_hand = Quantity()
    stock_value = Money()
    average_cost = fields.String(dump_only=True, metadata={"description": "pesos per unit, four decimals"})


class StockLevelOutSchema(Schema):
    product_id = fields.Integer(attribute="product.id")
    code = fields.String(attribute="product.code")
    name = fields.String(attribute="product.name")
    unit = fields.String(attribute="product.unit")
    quantity = Quantity()
    value = Money()
    reorder_level = Quantity(attribute="product.reorder_level")


class StockQuerySchema(Schema):
    as_of = fields.Date(load_default=None)


class PurchaseLineInSchema(Schema):
    product_id = fields.Integer(required=True, strict=False)
    quantity = Quantity(required=True)
    unit_cost = Money(required=True)
    in_purchase_units = fields.Boolean(load_default=False,
                                       metadata={"description": "quantity and cost per purchase unit (a sack)"})


class PurchaseInSchema(Schema):
    supplier_id = fields.Integer(required=True, strict=False)
    received_on = fields.Date(required=True)
    payment = fields.String(required=True, validate=validate.OneOf(PAYMENT_METHODS))
    reference = _text(60, load_default=None, allow_none=True)
    lines = fields.List(fields.Nested(PurchaseLineInSchema), required=True, validate=validate.Length(
        min=1, max=100, error=_l("Give at least one product with its quantity and unit cost (at most 100 lines).")))


class PurchaseLineOutSchema(Schema):
    product_id = fields.Integer()
    quantity = Quantity()
    in_purchase_units = fields.Boolean()
    unit_cost = Money()
    stock_qty = Quantity()
    amount = Money()


class PurchaseOutSchema(Schema):
    id = fields.Integer()
    supplier_id = fields.Integer()
    received_on = fields.Date()
    payment = fields.String()
    reference = fields.String(allow_none=True)
    total = Money()
    entry_id = fields.Integer(allow_none=True)
    lines = fields.List(fields.Nested(PurchaseLineOutSchema), dump_only=True)


class SupplierPaymentInSchema(Schema):
    amount = Money(required=True)
    paid_on = fields.Date(required=True)
    paid_from = CashAccountKey()
    reference = _text(60, load_default=None, allow_none=True)


class SupplierPaymentOutSchema(Schema):
    id = fields.Integer()
    supplier_id = fields.Integer()
    paid_on = fields.Date()
    amount = Money()
    paid_from = fields.String()
    reference = fields.String(allow_none=True)
    entry_id = fields.Integer(allow_none=True)


class SaleItemInSchema(Schema):
    item = fields.String(load_default=None, metadata={"description": "item ref: p:<product id>, or another source's"})
    product_id = fields.Integer(load_default=None, strict=False)
    quantity = Quantity(required=True)
    unit_price = Money(load_default=None, metadata={"description": "defaults to the catalogue price"})


class SaleInSchema(Schema):
    sold_on = fields.Date(load_default=None)
    payment = fields.String(required=True, validate=validate.OneOf(SALE_PAYMENTS))
    member_id = fields.Integer(load_default=None, strict=False)
    tendered = Money(load_default=None)
    items = fields.List(fields.Nested(SaleItemInSchema), required=True, validate=validate.Length(min=1, max=200))


class SaleLineOutSchema(Schema):
    id = fields.Integer()
    item_ref = fields.String()
    product_id = fields.Integer(allow_none=True)
    description = fields.String()
    unit = fields.String()
    quantity = Quantity()
    unit_price = Money()
    amount = Money()
    returned_qty = Quantity()


class SaleOutSchema(Schema):
    id = fields.Integer()
    number = fields.String(attribute="display_number")
    sold_on = fields.Date()
    payment = fields.String()
    member_id = fields.Integer(allow_none=True)
    total = Money()
    returned_amount = Money()
    tendered = Money(allow_none=True)
    entry_id = fields.Integer(allow_none=True)
    loan_id = fields.Integer(allow_none=True)
    receipt_id = fields.Integer(allow_none=True)
    lines = fields.List(fields.Nested(SaleLineOutSchema), dump_only=True)


class ReturnLineInSchema(Schema):
    sale_line_id = fields.Integer(required=True, strict=False)
    quantity = Quantity(required=True)


class ReturnInSchema(Schema):
    returned_on = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=3, max=300))
    lines = fields.List(fields.Nested(ReturnLineInSchema), required=True, validate=validate.Length(min=1))


class ReturnOutSchema(Schema):
    id = fields.Integer()
    sale_id = fields.Integer()
    returned_on = fields.Date()
    amount = Money()
    reason = fields.String()
    entry_id = fields.Integer(allow_none=True)


class AdjustmentInSchema(Schema):
    product_id = fields.Integer(required=True, strict=False)
    kind = fields.String(required=True, validate=validate.OneOf(ADJUSTMENT_KINDS))
    quantity = Quantity(required=True, allow_zero=True,
                        metadata={"description": "a count: what is on the shelf; a loss: how much was lost"})
    adjusted_on = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=3, max=300))


class AdjustmentOutSchema(Schema):
    id = fields.Integer()
    product_id = fields.Integer()
    adjusted_on = fields.Date()
    kind = fields.String()
    counted_qty = Quantity(allow_none=True)
    qty_change = Quantity()
    value_change_centavos = fields.Integer(attribute="value_change")
    reason = fields.String()
    entry_id = fields.Integer(allow_none=True)



class PosAddSchema(Schema):
    item = fields.String(required=True)
    quantity = Quantity(load_default=1000)


class CartLineSchema(Schema):
    item = fields.String(required=True)
    quantity = Quantity(allow_zero=True, required=True)


class CartSchema(Schema):
    lines = fields.List(fields.Nested(CartLineSchema), load_default=list)


class CheckoutSchema(Schema):
    payment = fields.String(load_default="cash", validate=validate.OneOf(SALE_PAYMENTS))
    member = fields.String(load_default=None, metadata={"description": "member number, M-0007"})
    tendered = Money(load_default=None)
