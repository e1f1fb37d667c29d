"""Goods move, no money: orders and receipts from principals, goods issued to members and returned.

Goods stay off the balance sheet, counted in quantities and list value: in the cooperative's hands
(`Item.qty_at_coop`) or in a member's (`Holding`, and the open quantity of each issue line, her lots).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ...audit import services as audit
from ...errors import Invalid, NotFound
from ...extensions import db
from ...members import services as members
from ..models import Campaign, Doc, DocLine, Item
from .common import (
    Taken,
    _add_goods,
    _add_line,
    _check_date,
    _get_locked,
    _holdings,
    _items_for,
    _member_account,
    _merge_lines,
    _new_doc,
    _put_in_coop_stock,
    _replay,
    _take_from_coop_stock,
)
from .principals import get_campaign, get_principal


# ---------------------------------------------------------------- goods from principals


def place_order(org_id: int, principal_id: int, lines, *, on: date, actor_id: int | None,
                campaign_id: int | None = None, reference: str | None = None, key: str | None = None) -> Doc:
    """Goods ordered from a principal. Nothing is owed until goods are received and sold."""
    if (replay := _replay(org_id, key, "order")) is not None:
        return replay
    principal = get_principal(org_id, principal_id)
    _check_date(on)
    if campaign_id is not None and get_campaign(org_id, campaign_id).principal_id != principal.id:
        raise Invalid("That campaign is another principal's.", field="campaign_id")
    wanted = _merge_lines(lines)
    items = _items_for(org_id, wanted, principal_id=principal.id)
    doc = _new_doc(org_id, "order", on, actor_id, key, principal_id=principal.id, campaign_id=campaign_id,
                   status="open", reference=(reference or "").strip() or None)
    _add_goods(doc, items, wanted, open_lines=True)
    db.session.flush()
    return doc


def receive_goods(org_id: int, principal_id: int, lines, *, on: date, actor_id: int | None,
                  order_id: int | None = None, campaign_id: int | None = None, reference: str | None = None,
                  key: str | None = None) -> Doc:
    """Goods arrive from a principal into consignment stock (off the balance sheet)."""
    if (replay := _replay(org_id, key, "receipt")) is not None:
        return replay
    principal = get_principal(org_id, principal_id)
    _check_date(on)
    wanted = _merge_lines(lines)
    order = None
    if order_id is not None:
        order = db.session.scalar(select(Doc).where(Doc.id == order_id, Doc.org_id == org_id, Doc.kind == "order")
                                  .with_for_update(key_share=True).execution_options(populate_existing=True))
        if order is None or order.principal_id != principal.id:
            raise Invalid("No such order from this principal.", field="order_id")
        if order.status != "open":
            raise Invalid("This order is already received or cancelled.", field="order_id")
        campaign_id = campaign_id or order.campaign_id
    if campaign_id is not None and get_campaign(org_id, campaign_id).principal_id != principal.id:
        raise Invalid("That campaign is another principal's.", field="campaign_id")
    items = _items_for(org_id, wanted, principal_id=principal.id, lock=True)
    doc = _new_doc(org_id, "receipt", on, actor_id, key, principal_id=principal.id, campaign_id=campaign_id,
                   order_id=order.id if order else None, reference=(reference or "").strip() or None)
    _put_in_coop_stock(items, wanted)
    _add_goods(doc, items, wanted)
    if order is not None:
        _apply_to_order(order, wanted)
    db.session.flush()
    audit.record("consignment.receive", org_id=org_id, user_id=actor_id, target_type="consignment_doc",
                 target_id=doc.id)
    return doc


def _apply_to_order(order: Doc, received: dict[int, int]) -> None:
    remaining = dict(received)
    for line in db.session.scalars(select(DocLine).where(DocLine.doc_id == order.id).order_by(DocLine.id)):
        take = min(line.qty_open, remaining.get(line.item_id, 0))
        line.qty_open -= take
        remaining[line.item_id] = remaining.get(line.item_id, 0) - take
    db.session.flush()
    still_open = db.session.scalar(select(func.coalesce(func.sum(DocLine.qty_open), 0))
                                   .where(DocLine.doc_id == order.id))
    if not still_open:
        order.status = "received"


def cancel_order(org_id: int, order_id: int, actor_id: int | None) -> Doc:
    order = _get_locked(Doc, org_id, order_id, "No such order.")
    if order.kind != "order":
        raise NotFound("No such order.")
    if order.status != "open":
        raise Invalid("Only an open order can be cancelled.")
    order.status = "cancelled"
    db.session.flush()
    audit.record("consignment.order.cancel", org_id=org_id, user_id=actor_id, target_type="consignment_doc",
                 target_id=order.id)
    return order


def return_to_principal(org_id: int, principal_id: int, lines, *, on: date, actor_id: int | None,
                        campaign_id: int | None = None, reference: str | None = None, key: str | None = None) -> Doc:
    """Unsold goods in the cooperative's hands go back to the principal."""
    if (replay := _replay(org_id, key, "principal_return")) is not None:
        return replay
    principal = get_principal(org_id, principal_id)
    _check_date(on)
    wanted = _merge_lines(lines)
    items = _items_for(org_id, wanted, principal_id=principal.id, lock=True)
    _take_from_coop_stock(items, wanted)
    doc = _new_doc(org_id, "principal_return", on, actor_id, key, principal_id=principal.id, campaign_id=campaign_id,
                   reference=(reference or "").strip() or None)
    _add_goods(doc, items, wanted)
    db.session.flush()
    return doc


# ---------------------------------------------------------------- goods with members


def _member_and_campaign(org_id: int, member_id: int, campaign_id: int):
    member = members.get_member(org_id, member_id)
    campaign = get_campaign(org_id, campaign_id)
    principal = get_principal(org_id, campaign.principal_id)
    return member, campaign, principal


def issue_to_member(org_id: int, member_id: int, campaign_id: int, lines, *, on: date, actor_id: int | None,
                    key: str | None = None) -> Doc:
    """Hand goods to a member to sell: she holds them at list price until she sells or returns them."""
    if (replay := _replay(org_id, key, "issue")) is not None:
        return replay
    member, campaign, principal = _member_and_campaign(org_id, member_id, campaign_id)
    _check_date(on)
    if member.status != "active":
        raise Invalid("%(label)s is not an active member; goods go to active members only.", field="member_id",
                      values={"label": member.label})
    if campaign.status != "open":
        raise Invalid("Campaign %(code)s is closed.", field="campaign_id", values={"code": campaign.code})
    wanted = _merge_lines(lines)
    items = _items_for(org_id, wanted, principal_id=principal.id, lock=True)
    _take_from_coop_stock(items, wanted)
    holdings = _holdings(org_id, member.id, campaign.id, wanted, create=True)
    account = _member_account(org_id, member.id, campaign.id)
    doc = _new_doc(org_id, "issue", on, actor_id, key, member_id=member.id, principal_id=principal.id,
                   campaign_id=campaign.id)
    for item_id, qty in wanted.items():
        item = items[item_id]
        _add_line(doc, item, qty, item.list_price, member_id=member.id, campaign_id=campaign.id, qty_open=qty)
        holdings[item_id].qty += qty
        holdings[item_id].value += qty * item.list_price
    doc.list_value = sum(qty * items[i].list_price for i, qty in wanted.items())
    account.issued_value += doc.list_value
    db.session.flush()
    audit.record("consignment.issue", org_id=org_id, user_id=actor_id, target_type="member", target_id=member.id,
                 details={"doc": doc.id})
    return doc


def _take_from_holdings(org_id: int, member, campaign: Campaign, wanted: dict[int, int], items: dict[int, Item],
                        what: str) -> list[Taken]:
    """Take goods out of her hands, oldest lot first; returns what was taken from each lot touched."""
    holdings = _holdings(org_id, member.id, campaign.id, wanted)
    for item_id, qty in wanted.items():
        held = holdings.get(item_id)
        item = items[item_id]
        if held is None or held.qty == 0:
            raise Invalid("%(label)s was never given %(code)s %(name)s in campaign %(code2)s: nothing to %(what)s.", field="lines",
                          values={"label": member.label, "code": item.code, "name": item.name, "code2": campaign.code, "what": what})
        if qty > held.qty:
            raise Invalid("%(label)s holds only %(qty)s of %(code)s %(name)s; cannot %(what)s %(qty2)s.",
                          field="lines",
                          values={"label": member.label, "qty": held.qty, "code": item.code, "name": item.name, "what": what, "qty2": qty})
    taken = []
    for item_id, qty in wanted.items():
        lots = db.session.scalars(select(DocLine).where(
            DocLine.org_id == org_id, DocLine.member_id == member.id, DocLine.item_id == item_id,
            DocLine.campaign_id == campaign.id, DocLine.qty_open > 0).order_by(DocLine.id)).all()
        remaining = qty
        for lot in lots:
            take = min(lot.qty_open, remaining)
            lot.qty_open -= take
            remaining -= take
            taken.append(Taken(items[item_id], take, lot.unit_price))
            holdings[item_id].qty -= take
            holdings[item_id].value -= take * lot.unit_price
            if remaining == 0:
                break
    return taken


def return_from_member(org_id: int, member_id: int, campaign_id: int, lines, *, on: date, actor_id: int | None,
                       key: str | None = None) -> Doc:
    """She brings back unsold goods: out of her hands, back into the cooperative's."""
    if (replay := _replay(org_id, key, "member_return")) is not None:
        return replay
    member, campaign, principal = _member_and_campaign(org_id, member_id, campaign_id)
    _check_date(on)
    wanted = _merge_lines(lines)
    items = _items_for(org_id, wanted, principal_id=principal.id, lock=True)
    taken = _take_from_holdings(org_id, member, campaign, wanted, items, "return")
    account = _member_account(org_id, member.id, campaign.id)
    doc = _new_doc(org_id, "member_return", on, actor_id, key, member_id=member.id, principal_id=principal.id,
                   campaign_id=campaign.id)
    for lot in taken:
        lot.item.qty_at_coop += lot.qty
        _add_line(doc, lot.item, lot.qty, lot.unit_price, member_id=member.id, campaign_id=campaign.id)
    doc.list_value = sum(lot.value for lot in taken)
    account.returned_value += doc.list_value
    db.session.flush()
    audit.record("consignment.member_return", org_id=org_id, user_id=actor_id, target_type="member",
                 target_id=member.id, details={"doc": doc.id})
    return doc
