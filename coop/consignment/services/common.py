"""What every consignment verb shares: policy keys, rates, checks, locking, documents and the rows they move."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ...errors import Conflict, Invalid
from ...extensions import db
from ...kernel import get_in_org, insert_ignore
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ..models import FULL_RATE, Doc, DocLine, Holding, Item, MemberAccount

SOURCE = "consignment"

SETTING_COMMISSION = "consignment.default_commission_percent"
SETTING_PRODUCER_FEE = "consignment.default_producer_fee_percent"
SETTING_NET_COMMISSION = "consignment.net_commission_in_remittance"
SETTING_REMIT_DAYS = "consignment.remit_within_days"
SETTING_GOODS_OUT_DAYS = "consignment.goods_out_alert_days"


# ---------------------------------------------------------------- rates and arithmetic


def percent_to_bp(percent) -> int:
    """25 -> 2500 basis points; 12.5 -> 1250."""
    return int(round(float(percent) * 100))


def check_rate(bp, field: str, label: str) -> int:
    if isinstance(bp, bool) or not isinstance(bp, int):
        raise Invalid("%(label)s must be a percentage.", field=field, values={"label": label})
    if bp < 0:
        raise Invalid("%(label)s cannot be negative.", field=field, values={"label": label})
    if bp > FULL_RATE:
        raise Invalid("%(label)s cannot be more than 100%%.", field=field, values={"label": label})
    return bp


def share(amount: int, bp: int) -> int:
    """A rate's share of an amount in centavos, rounded half up."""
    return (amount * bp + FULL_RATE // 2) // FULL_RATE


def _check_date(on) -> date:
    if not isinstance(on, date):
        raise Invalid("Give the date.", field="on")
    return on


def _check_amount(amount, field: str = "amount") -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise Invalid("The amount must be more than zero.", field=field)
    return amount


def _check_payment(org_id: int, on, amount, paid_via: str) -> None:
    """A payment's date, amount and the cash account it moves through (one of the organization's)."""
    _check_date(on)
    _check_amount(amount)
    ledger.cash_account(org_id, paid_via, field="paid_via")


def _lock(query):
    """FOR NO KEY UPDATE: it blocks other writers of the row but not inserts that merely reference it. The rows are
    read afresh (populate_existing): one already in the session from an unlocked read would otherwise keep the
    figures it had before the lock, and a concurrent writer's change would be lost."""
    return db.session.scalars(query.with_for_update(key_share=True).execution_options(populate_existing=True)).all()


def _get_locked(model, org_id: int, row_id, message: str):
    """The record of this organization (else NotFound), locked FOR NO KEY UPDATE like every writer here."""
    get_in_org(model, org_id, row_id, message)
    return _lock(select(model).where(model.id == row_id))[0]


# ---------------------------------------------------------------- documents


def _replay(org_id: int, key: str | None, kind: str) -> Doc | None:
    if not key:
        return None
    doc = db.session.scalar(select(Doc).where(Doc.org_id == org_id, Doc.idempotency_key == key))
    if doc is not None and doc.kind != kind:
        raise Conflict("This form was already used for something else. Reload it and try again.")
    return doc


def _new_doc(org_id: int, kind: str, on: date, actor_id: int | None, key: str | None, **fields) -> Doc:
    doc = Doc(org_id=org_id, kind=kind, on=on, created_by=actor_id, idempotency_key=key, **fields)
    db.session.add(doc)
    db.session.flush()
    return doc


def _merge_lines(lines) -> dict[int, int]:
    """[{item_id, qty}, ...] -> {item_id: qty}, refusing empty lists and quantities under one."""
    merged: dict[int, int] = defaultdict(int)
    for n, line in enumerate(lines or [], start=1):
        qty = line.get("qty")
        if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
            raise Invalid("Line %(n)s: the quantity must be a whole number more than zero.", field="lines.%s.qty" % n,
                          values={"n": n})
        merged[int(line["item_id"])] += qty
    if not merged:
        raise Invalid("Give at least one item and its quantity.", field="lines")
    return dict(merged)


def _items_for(org_id: int, item_ids, *, principal_id: int | None = None, producer_id: int | None = None,
               lock: bool = False) -> dict[int, Item]:
    """The items, locked in id order when asked; each must belong to the given owner."""
    query = select(Item).where(Item.org_id == org_id, Item.id.in_(sorted(item_ids))).order_by(Item.id)
    found = {item.id: item for item in (_lock(query) if lock else db.session.scalars(query))}
    for item_id in sorted(item_ids):
        item = found.get(item_id)
        if item is None:
            raise Invalid("Unknown item %(item_id)s.", field="lines", values={"item_id": item_id})
        if principal_id is not None and item.principal_id != principal_id:
            raise Invalid("%(code)s %(name)s is not this principal's product.", field="lines",
                          values={"code": item.code, "name": item.name})
        if producer_id is not None and item.producer_id != producer_id:
            raise Invalid("%(code)s %(name)s is not this member-producer's product.", field="lines",
                          values={"code": item.code, "name": item.name})
    return found


def get_doc(org_id: int, doc_id: int) -> Doc:
    return get_in_org(Doc, org_id, doc_id, "No such record.")


def doc_lines(doc: Doc) -> list[DocLine]:
    return list(db.session.scalars(select(DocLine).where(DocLine.doc_id == doc.id).order_by(DocLine.id)))


def _add_line(doc: Doc, item: Item, qty: int, unit_price: int, *, member_id: int | None = None,
              campaign_id: int | None = None, qty_open: int = 0) -> DocLine:
    line = DocLine(org_id=doc.org_id, doc_id=doc.id, item_id=item.id, member_id=member_id, campaign_id=campaign_id,
                   qty=qty, unit_price=unit_price, value=qty * unit_price, qty_open=qty_open, on=doc.on)
    db.session.add(line)
    return line


def _add_goods(doc: Doc, items: dict[int, Item], wanted: dict[int, int], *, open_lines: bool = False) -> None:
    """One line per item at its list price (left open when asked); the document's list value is their sum."""
    for item_id, qty in wanted.items():
        _add_line(doc, items[item_id], qty, items[item_id].list_price, qty_open=qty if open_lines else 0)
    doc.list_value = sum(qty * items[i].list_price for i, qty in wanted.items())


def _post(doc: Doc, memo: str, lines: list[Line], actor_id: int | None) -> None:
    entry = ledger.post(Entry(doc.org_id, doc.on, memo, tuple(line for line in lines if line.debit or line.credit),
                              source=SOURCE, source_id=str(doc.id)), actor_id)
    doc.entry_id = entry.id


# ---------------------------------------------------------------- goods in the cooperative's hands


def _put_in_coop_stock(items: dict[int, Item], wanted: dict[int, int]) -> None:
    for item_id, qty in wanted.items():
        items[item_id].qty_at_coop += qty


def _take_from_coop_stock(items: dict[int, Item], wanted: dict[int, int]) -> None:
    for item_id, qty in wanted.items():
        item = items[item_id]
        if qty > item.qty_at_coop:
            raise Invalid("Only %(qty_at_coop)s of %(code)s %(name)s are in the cooperative's hands.",
                          field="lines",
                          values={"qty_at_coop": item.qty_at_coop, "code": item.code, "name": item.name})
    for item_id, qty in wanted.items():
        items[item_id].qty_at_coop -= qty


# ---------------------------------------------------------------- goods in members' hands


def _holdings(org_id: int, member_id: int, campaign_id: int, item_ids, create: bool = False) -> dict[int, Holding]:
    """Her holding rows for these items in this campaign, locked in id order."""
    if create:
        insert_ignore(Holding, [{"org_id": org_id, "member_id": member_id, "item_id": i, "campaign_id": campaign_id,
                                 "qty": 0, "value": 0} for i in sorted(item_ids)],
                      ["org_id", "member_id", "item_id", "campaign_id"])
    rows = _lock(select(Holding).where(Holding.org_id == org_id, Holding.member_id == member_id,
                                       Holding.campaign_id == campaign_id, Holding.item_id.in_(sorted(item_ids)))
                 .order_by(Holding.id))
    return {row.item_id: row for row in rows}


def _member_account(org_id: int, member_id: int, campaign_id: int) -> MemberAccount:
    insert_ignore(MemberAccount, [{"org_id": org_id, "member_id": member_id, "campaign_id": campaign_id,
                                   "issued_value": 0, "returned_value": 0, "sold_value": 0, "commission": 0,
                                   "commission_netted": 0, "commission_paid": 0, "remitted": 0}],
                  ["org_id", "member_id", "campaign_id"])
    return _lock(select(MemberAccount).where(MemberAccount.org_id == org_id, MemberAccount.member_id == member_id,
                                             MemberAccount.campaign_id == campaign_id))[0]


@dataclass(frozen=True)
class Taken:
    """Goods taken out of a member's hands from one lot: the item, how many and the lot's unit price."""

    item: Item
    qty: int
    unit_price: int

    @property
    def value(self) -> int:
        return self.qty * self.unit_price
