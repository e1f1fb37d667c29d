"""Consigned goods are not the cooperative's inventory: they live here, in quantities and list value.

Money moves through the ledger; these tables hold the goods (off the balance sheet) and the running
totals that let a member's holdings, a campaign's figures and a principal's accountability be read in
one row each.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

# Rates are basis points: 2500 = 25.00%.
FULL_RATE = 10_000

DOC_KINDS = (
    "order",             # goods ordered from a principal (nothing moves yet)
    "receipt",           # goods received from a principal into consignment stock
    "issue",             # goods handed to a member to sell
    "sale_report",       # a member reports what she sold: she owes the list value less her commission
    "member_return",     # a member gives back unsold goods
    "remittance",        # a member pays in what she owes
    "commission_payout", # a member's commission paid out in cash (when not netted)
    "counter_sale",      # a principal's goods sold at the store's till (no member earns a commission)
    "principal_return",  # unsold goods sent back to the principal
    "settlement",        # the cooperative pays a principal for a campaign
    "producer_intake",   # a member-producer brings her own goods to sell
    "producer_sale",     # her goods sold at the store's till
    "producer_return",   # her unsold goods given back
    "producer_payout",   # her share paid to her
)


class Principal(db.Model):
    """A company whose goods the cooperative sells as agent (Avon, Natasha), with its terms."""

    __tablename__ = "consignment_principal"
    __table_args__ = (
        UniqueConstraint("org_id", "name"),
        CheckConstraint("member_commission_bp BETWEEN 0 AND 10000", name="member_commission_range"),
        CheckConstraint("coop_margin_bp BETWEEN 0 AND 10000", name="coop_margin_range"),
        CheckConstraint("member_commission_bp + coop_margin_bp <= 10000", name="rates_within_price"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    member_commission_bp: Mapped[int]
    coop_margin_bp: Mapped[int] = mapped_column(default=0)
    payment_terms_days: Mapped[int] = mapped_column(default=30)
    uses_campaigns: Mapped[bool] = mapped_column(default=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    active: Mapped[bool] = mapped_column(default=True)
    notes: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Campaign(db.Model):
    """A brochure period of a principal, with running totals for its settlement."""

    __tablename__ = "consignment_campaign"
    __table_args__ = (
        UniqueConstraint("org_id", "principal_id", "code"),
        CheckConstraint("member_commission_bp IS NULL OR member_commission_bp BETWEEN 0 AND 10000",
                        name="campaign_commission_range"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="campaign_dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("consignment_principal.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    member_commission_bp: Mapped[int | None]  # overrides the principal's rate for this campaign
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | closed
    # running totals, centavos, updated under the campaign's row lock
    sold_value: Mapped[int] = mapped_column(BigInteger, default=0)
    member_commission: Mapped[int] = mapped_column(BigInteger, default=0)
    coop_margin: Mapped[int] = mapped_column(BigInteger, default=0)
    due_to_principal: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_to_principal: Mapped[int] = mapped_column(BigInteger, default=0)


class Producer(db.Model):
    """A member who consigns her own goods (fans, slippers) to the cooperative."""

    __tablename__ = "consignment_producer"
    __table_args__ = (
        UniqueConstraint("org_id", "member_id"),
        CheckConstraint("fee_bp BETWEEN 0 AND 10000", name="producer_fee_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    fee_bp: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Item(db.Model):
    """A consigned product, owned by exactly one principal or one member-producer."""

    __tablename__ = "consignment_item"
    __table_args__ = (
        UniqueConstraint("org_id", "code"),
        CheckConstraint("(principal_id IS NULL) <> (producer_id IS NULL)", name="one_owner"),
        CheckConstraint("list_price > 0", name="positive_price"),
        CheckConstraint("qty_at_coop >= 0", name="stock_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    principal_id: Mapped[int | None] = mapped_column(ForeignKey("consignment_principal.id"), index=True)
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("consignment_producer.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(160))
    list_price: Mapped[int] = mapped_column(BigInteger)
    qty_at_coop: Mapped[int] = mapped_column(default=0)  # in the cooperative's hands, not with members
    active: Mapped[bool] = mapped_column(default=True)


class Holding(db.Model):
    """What one member holds of one item for one campaign: the running total locked on every move."""

    __tablename__ = "consignment_holding"
    __table_args__ = (
        UniqueConstraint("org_id", "member_id", "item_id", "campaign_id"),
        CheckConstraint("qty >= 0", name="holding_not_negative"),
        CheckConstraint("value >= 0", name="holding_value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("consignment_item.id"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("consignment_campaign.id"))
    qty: Mapped[int] = mapped_column(default=0)
    value: Mapped[int] = mapped_column(BigInteger, default=0)  # list value at the prices she was issued


class MemberAccount(db.Model):
    """One member's running figures for one campaign: what she sold, earned, owes and paid."""

    __tablename__ = "consignment_member_account"
    __table_args__ = (UniqueConstraint("org_id", "member_id", "campaign_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("consignment_campaign.id"), index=True)
    issued_value: Mapped[int] = mapped_column(BigInteger, default=0)
    returned_value: Mapped[int] = mapped_column(BigInteger, default=0)
    sold_value: Mapped[int] = mapped_column(BigInteger, default=0)
    commission: Mapped[int] = mapped_column(BigInteger, default=0)
    commission_netted: Mapped[int] = mapped_column(BigInteger, default=0)
    commission_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    remitted: Mapped[int] = mapped_column(BigInteger, default=0)
    last_sale_on: Mapped[date | None]
    oldest_unremitted_on: Mapped[date | None]  # date of the earliest sale not yet fully paid for

    @property
    def owed(self) -> int:
        """What she still has to pay in for this campaign (the ledger receivable's share)."""
        return self.sold_value - self.commission_netted - self.remitted

    @property
    def commission_due(self) -> int:
        return self.commission - self.commission_netted - self.commission_paid

    @property
    def held_value(self) -> int:
        return self.issued_value - self.returned_value - self.sold_value


class Doc(db.Model):
    """One step of the flow (see DOC_KINDS), with its goods in lines and its money in the ledger entry."""

    __tablename__ = "consignment_doc"
    __table_args__ = (
        UniqueConstraint("org_id", "idempotency_key"),
        Index("ix_consignment_doc_member", "org_id", "member_id", "on"),
        Index("ix_consignment_doc_campaign", "org_id", "campaign_id", "kind"),
        Index("ix_consignment_doc_producer", "org_id", "producer_id", "on"),
        CheckConstraint("amount >= 0", name="doc_amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    kind: Mapped[str] = mapped_column(String(20))
    on: Mapped[date]
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    principal_id: Mapped[int | None] = mapped_column(ForeignKey("consignment_principal.id"))
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("consignment_producer.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("consignment_campaign.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("consignment_doc.id"))  # a receipt's order
    status: Mapped[str | None] = mapped_column(String(12))  # orders: open | received | cancelled
    list_value: Mapped[int] = mapped_column(BigInteger, default=0)  # goods at list price
    commission: Mapped[int] = mapped_column(BigInteger, default=0)  # the member's (or the producer fee)
    coop_margin: Mapped[int] = mapped_column(BigInteger, default=0)
    net: Mapped[int] = mapped_column(BigInteger, default=0)  # due to the principal / the producer's share
    amount: Mapped[int] = mapped_column(BigInteger, default=0)  # cash that changed hands
    rate_bp: Mapped[int | None]  # the rate applied (commission or producer fee)
    paid_via: Mapped[str | None] = mapped_column(String(40))  # cash account key
    reference: Mapped[str | None] = mapped_column(String(120))
    entry_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"))
    receipt_id: Mapped[int | None]  # the official receipt (receipts domain) for money received
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DocLine(db.Model):
    """Goods on a document. On an issue, qty_open counts what she still holds of that lot (for aging
    and for the price she owes); on an order, what is still to be received."""

    __tablename__ = "consignment_doc_line"
    __table_args__ = (
        CheckConstraint("qty > 0", name="line_qty_positive"),
        CheckConstraint("qty_open >= 0 AND qty_open <= qty", name="line_open_range"),
        Index("ix_consignment_open_lots", "org_id", "member_id", "item_id", "campaign_id", "qty_open"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    doc_id: Mapped[int] = mapped_column(ForeignKey("consignment_doc.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("consignment_item.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("consignment_campaign.id"))
    qty: Mapped[int]
    unit_price: Mapped[int] = mapped_column(BigInteger)
    value: Mapped[int] = mapped_column(BigInteger)
    qty_open: Mapped[int] = mapped_column(default=0)
    on: Mapped[date]
