"""Consigned goods sold at the store's till: the credit lines for the till's entry, then the goods and figures.

A member-producer's goods: her share to due_to_member_producers (her party), the fee to
consignment_fee_income. A principal's goods: the net to due_to_principals, and the cooperative keeps
the seller's commission and its margin as commission_income.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ...errors import Invalid
from ...extensions import db
from ...ledger.records import Line
from ...members import services as members
from ..models import Campaign, Doc, Item, Principal
from .common import _add_line, _new_doc, share
from .items import get_producer
from .principals import get_principal, principal_party


def counter_sale_lines(org_id: int, item_id: int, pieces: int, amount: int, on: date) -> tuple[Line, ...]:
    """The credit side of a sale at the store's till of consigned goods worth `amount`; writes nothing.

    A member-producer's goods: her share to due_to_member_producers (her party), the fee to
    consignment_fee_income. A principal's goods sold over the counter: the net to due_to_principals,
    and the cooperative keeps the seller's commission and its margin as commission_income.
    """
    item = _counter_item(org_id, item_id, pieces)
    if item.producer_id is not None:
        producer = get_producer(org_id, item.producer_id)
        fee = share(amount, producer.fee_bp)
        party = members.member_party(members.get_member(org_id, producer.member_id))
        lines = (Line("due_to_member_producers", credit=amount - fee, party_id=party, memo="her share"),
                 Line("consignment_fee_income", credit=fee))
    else:
        principal = get_principal(org_id, item.principal_id)
        _current_campaign(org_id, principal, on)
        margin = share(amount, principal.member_commission_bp + principal.coop_margin_bp)
        lines = (Line("due_to_principals", credit=amount - margin, party_id=principal_party(principal)),
                 Line("commission_income", credit=margin))
    return tuple(line for line in lines if line.credit)


def record_counter_sale(org_id: int, item_id: int, pieces: int, amount: int, *, on: date, actor_id: int | None,
                        reference: str | None = None, entry_id: int | None = None) -> Doc:
    """After the till posted the sale: the goods leave consignment stock and the owner's figures move."""
    item = _counter_item(org_id, item_id, pieces)
    item.qty_at_coop -= pieces
    if item.producer_id is not None:
        producer = get_producer(org_id, item.producer_id)
        fee = share(amount, producer.fee_bp)
        doc = _new_doc(org_id, "producer_sale", on, actor_id, None, producer_id=producer.id,
                       member_id=producer.member_id, list_value=amount, commission=fee, net=amount - fee,
                       rate_bp=producer.fee_bp, reference=reference, entry_id=entry_id)
    else:
        principal = get_principal(org_id, item.principal_id)
        campaign = _current_campaign(org_id, principal, on)
        margin = share(amount, principal.member_commission_bp + principal.coop_margin_bp)
        doc = _new_doc(org_id, "counter_sale", on, actor_id, None, principal_id=principal.id, campaign_id=campaign.id,
                       list_value=amount, coop_margin=margin, net=amount - margin, reference=reference,
                       entry_id=entry_id)
        campaign.sold_value += amount
        campaign.coop_margin += margin
        campaign.due_to_principal += amount - margin
    line = _add_line(doc, item, pieces, item.list_price)
    line.value = amount  # what the buyer paid, which the till may have priced differently
    db.session.flush()
    return doc


def _counter_item(org_id: int, item_id: int, pieces: int) -> Item:
    item = db.session.scalar(select(Item).where(Item.id == item_id, Item.org_id == org_id)
                             .with_for_update(key_share=True).execution_options(populate_existing=True))
    if item is None or not item.active:
        raise Invalid("This consigned item is not for sale.", field="item")
    if pieces > item.qty_at_coop:
        raise Invalid("Only %(qty_at_coop)s of %(code)s %(name)s are in consignment stock.",
                      field="quantity",
                      values={"qty_at_coop": item.qty_at_coop, "code": item.code, "name": item.name})
    return item


def _current_campaign(org_id: int, principal: Principal, on: date) -> Campaign:
    campaign = db.session.scalar(
        select(Campaign).where(Campaign.org_id == org_id, Campaign.principal_id == principal.id,
                               Campaign.status == "open", Campaign.starts_on <= on,
                               (Campaign.ends_on.is_(None)) | (Campaign.ends_on >= on))
        .order_by(Campaign.starts_on.desc(), Campaign.id.desc()).limit(1).with_for_update(key_share=True).execution_options(populate_existing=True))
    if campaign is None:
        raise Invalid("%(name)s has no open campaign on %(on)s.", field="item",
                      values={"name": principal.name, "on": on})
    return campaign
