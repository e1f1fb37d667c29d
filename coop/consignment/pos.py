"""Consigned goods at the store's till: this domain's source in the point of sale's registry.

Item refs are "c:<consignment item id>". The till prices the line and posts one entry for the whole
sale (its debit side: cash or the member's commodity loan); this source gives the credit lines
(the owner's share and the cooperative's fee or commission) and, once the entry is posted, takes the
goods out of consignment stock.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from ..errors import Invalid, NotFound
from ..extensions import db
from ..inventory import pos
from ..inventory import services as store
from ..ledger.records import Line
from . import services
from .models import Doc, DocLine, Item

PREFIX = "c"
SCALE = 1000  # the till counts thousandths of a unit


def _item_id(ref: str) -> int:
    prefix, rest = pos.split_ref(ref)
    if prefix != PREFIX or not (rest.isascii() and rest.isdigit() and len(rest) <= 10):
        raise NotFound("Unknown item %(ref)s.", field="item", values={"ref": ref})
    return int(rest)


def _pieces(qty: int) -> int:
    if qty % SCALE:
        raise Invalid("Consigned goods are sold in whole pieces.", field="quantity")
    return qty // SCALE


def _pos_item(item: Item) -> pos.PosItem:
    if item.producer_id is not None:
        producer = services.get_producer(item.org_id, item.producer_id)
        note = f"Consigned: member-producer {producer.id}"
    else:
        note = f"Consigned: {services.get_principal(item.org_id, item.principal_id).name}"
    return pos.PosItem(ref=f"{PREFIX}:{item.id}", code=item.code, name=item.name, unit="pc", price=item.list_price,
                       available=item.qty_at_coop * SCALE, barcode=item.code, note=note)


def search(org_id: int, text: str, limit: int) -> list[pos.PosItem]:
    pattern = f"%{(text or '').strip().lower()}%"
    found = db.session.scalars(select(Item).where(
        Item.org_id == org_id, Item.active.is_(True), Item.qty_at_coop > 0,
        or_(Item.code.ilike(pattern), Item.name.ilike(pattern))).order_by(Item.code).limit(limit))
    return [_pos_item(item) for item in found]


def item(org_id: int, ref: str) -> pos.PosItem:
    found = services.get_item(org_id, _item_id(ref))
    if not found.active:
        raise Invalid("%(name)s is no longer sold.", field="item", values={"name": found.name})
    return _pos_item(found)


def lines_for_sale(org_id: int, ref: str, qty: int, amount: int, on: date) -> tuple[Line, ...]:
    return services.counter_sale_lines(org_id, _item_id(ref), _pieces(qty), amount, on)


def after_sale(org_id: int, ref: str, qty: int, sale_id: int, actor_id: int | None) -> None:
    """Record the goods sold, at the amount and date the till used for this line of the sale."""
    item_id, pieces = _item_id(ref), _pieces(qty)
    sale = store.get_sale(org_id, sale_id)
    reference = f"store sale {sale_id}"
    same = [line for line in store.sale_lines(sale) if line.item_ref == ref and line.quantity == qty]
    # a sale may carry the same item twice: each call records the next line not yet recorded
    done = db.session.scalar(select(db.func.count(DocLine.id)).join(Doc, Doc.id == DocLine.doc_id).where(
        Doc.org_id == org_id, Doc.reference == reference, DocLine.item_id == item_id, DocLine.qty == pieces))
    services.record_counter_sale(org_id, item_id, pieces, same[done].amount, on=sale.sold_on, actor_id=actor_id,
                                 reference=reference, entry_id=sale.entry_id)


SOURCE = pos.PosSource(prefix=PREFIX, search=search, item=item, lines_for_sale=lines_for_sale, after_sale=after_sale)
