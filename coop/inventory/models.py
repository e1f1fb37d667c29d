"""The store's tables. Quantities are ints of thousandths of the unit of sale (1 kg = 1000), money ints of centavos.

A product carries its running stock (quantity and value) so that the stock on hand and the
weighted average cost are read in one row; every change to them is a stock movement written in
the same transaction, holding the quantity and value before and after (the stock card).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

MOVEMENT_KINDS = ("purchase", "sale", "return", "adjustment", "opening")
ADJUSTMENT_KINDS = ("count", "spoilage", "damage", "expired")
PAYMENT_METHODS = ("cash", "account")
SALE_PAYMENTS = ("cash", "credit")


class Supplier(db.Model):
    __tablename__ = "store_supplier"
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    contact_person: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(300))
    tin: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def label(self) -> str:
        return f"S-{self.id:04d}"


class Product(db.Model):
    __tablename__ = "store_product"
    __table_args__ = (
        UniqueConstraint("org_id", "code"),
        UniqueConstraint("org_id", "barcode"),
        CheckConstraint("qty_on_hand >= 0", name="stock_not_negative"),
        CheckConstraint("stock_value >= 0", name="value_not_negative"),
        Index("ix_store_product_org_name", "org_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(160))
    category: Mapped[str] = mapped_column(String(60), default="General")
    unit: Mapped[str] = mapped_column(String(20), default="pc")  # unit of sale
    purchase_unit: Mapped[str | None] = mapped_column(String(20))  # "sack" when bought in bulk
    units_per_purchase: Mapped[int] = mapped_column(BigInteger, default=1000)  # thousandths of `unit` per purchase unit
    sale_price: Mapped[int] = mapped_column(BigInteger)  # centavos per unit of sale
    barcode: Mapped[str | None] = mapped_column(String(40))
    reorder_level: Mapped[int] = mapped_column(BigInteger, default=0)  # thousandths
    active: Mapped[bool] = mapped_column(default=True)
    qty_on_hand: Mapped[int] = mapped_column(BigInteger, default=0)  # thousandths
    stock_value: Mapped[int] = mapped_column(BigInteger, default=0)  # centavos: the share of the inventory account
    last_unit_cost_milli: Mapped[int | None] = mapped_column(BigInteger)  # last purchase: thousandths of a centavo per unit
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StockMovement(db.Model):
    """One line of a product's stock card."""

    __tablename__ = "store_stock_movement"
    __table_args__ = (
        Index("ix_store_movement_product", "product_id", "id"),
        Index("ix_store_movement_org_date", "org_id", "moved_on"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("store_product.id"))
    moved_on: Mapped[date]
    kind: Mapped[str] = mapped_column(String(20))
    qty_change: Mapped[int] = mapped_column(BigInteger)
    value_change: Mapped[int] = mapped_column(BigInteger)
    qty_before: Mapped[int] = mapped_column(BigInteger)
    value_before: Mapped[int] = mapped_column(BigInteger)
    qty_after: Mapped[int] = mapped_column(BigInteger)
    value_after: Mapped[int] = mapped_column(BigInteger)
    source_id: Mapped[int | None] = mapped_column(BigInteger)  # the purchase, sale, return or adjustment
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    memo: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Purchase(db.Model):
    __tablename__ = "store_purchase"
    __table_args__ = (UniqueConstraint("org_id", "idempotency_key"), Index("ix_store_purchase_org_date", "org_id", "received_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("store_supplier.id"), index=True)
    received_on: Mapped[date]
    payment: Mapped[str] = mapped_column(String(10))  # cash | account
    reference: Mapped[str | None] = mapped_column(String(60))  # the supplier's invoice or delivery receipt
    total: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PurchaseLine(db.Model):
    __tablename__ = "store_purchase_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    purchase_id: Mapped[int] = mapped_column(ForeignKey("store_purchase.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("store_product.id"), index=True)
    quantity: Mapped[int] = mapped_column(BigInteger)  # thousandths of the unit it was bought in
    in_purchase_units: Mapped[bool] = mapped_column(default=False)
    unit_cost: Mapped[int] = mapped_column(BigInteger)  # centavos per unit it was bought in
    stock_qty: Mapped[int] = mapped_column(BigInteger)  # thousandths of the unit of sale
    amount: Mapped[int] = mapped_column(BigInteger)


class SupplierPayment(db.Model):
    __tablename__ = "store_supplier_payment"
    __table_args__ = (UniqueConstraint("org_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("store_supplier.id"), index=True)
    paid_on: Mapped[date]
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_from: Mapped[str] = mapped_column(String(20))  # cash_on_hand | cash_in_bank
    reference: Mapped[str | None] = mapped_column(String(60))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Sale(db.Model):
    __tablename__ = "store_sale"
    __table_args__ = (UniqueConstraint("org_id", "idempotency_key"), Index("ix_store_sale_org_date", "org_id", "sold_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    sold_on: Mapped[date]
    payment: Mapped[str] = mapped_column(String(10))  # cash | credit
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    total: Mapped[int] = mapped_column(BigInteger)
    cost: Mapped[int] = mapped_column(BigInteger)  # cost of the store's own goods sold
    returned_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    tendered: Mapped[int | None] = mapped_column(BigInteger)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    loan_id: Mapped[int | None] = mapped_column(BigInteger)  # the commodity loan (loans domain) of a credit sale
    receipt_id: Mapped[int | None] = mapped_column()  # the official receipt (receipts domain) of a cash sale
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def display_number(self) -> str:
        return f"S-{self.id:06d}"


class SaleLine(db.Model):
    __tablename__ = "store_sale_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    sale_id: Mapped[int] = mapped_column(ForeignKey("store_sale.id"), index=True)
    item_ref: Mapped[str] = mapped_column(String(60))  # "p:12" for the store's products, "<prefix>:<ref>" otherwise
    product_id: Mapped[int | None] = mapped_column(ForeignKey("store_product.id"), index=True)
    description: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(BigInteger)  # thousandths
    unit_price: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    cost: Mapped[int] = mapped_column(BigInteger, default=0)
    returned_qty: Mapped[int] = mapped_column(BigInteger, default=0)


class SaleReturn(db.Model):
    __tablename__ = "store_sale_return"
    __table_args__ = (UniqueConstraint("org_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    sale_id: Mapped[int] = mapped_column(ForeignKey("store_sale.id"), index=True)
    returned_on: Mapped[date]
    amount: Mapped[int] = mapped_column(BigInteger)
    cost: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(300))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SaleReturnLine(db.Model):
    __tablename__ = "store_sale_return_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    return_id: Mapped[int] = mapped_column(ForeignKey("store_sale_return.id"), index=True)
    sale_line_id: Mapped[int] = mapped_column(ForeignKey("store_sale_line.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    cost: Mapped[int] = mapped_column(BigInteger)


class StockAdjustment(db.Model):
    __tablename__ = "store_stock_adjustment"
    __table_args__ = (UniqueConstraint("org_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("store_product.id"), index=True)
    adjusted_on: Mapped[date]
    kind: Mapped[str] = mapped_column(String(20))
    counted_qty: Mapped[int | None] = mapped_column(BigInteger)
    qty_change: Mapped[int] = mapped_column(BigInteger)
    value_change: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(300))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
