"""The consignment verbs: goods move in this domain's tables, money through the ledger.

The cooperative sells consigned goods as an agent. Goods received from a principal (Avon, Natasha)
or a member-producer stay off the balance sheet, counted in quantities and list value. When a
member reports a sale she owes its list value (consignment_receivable_members, her party); the
principal is owed the list value less the member's commission and the cooperative's margin
(due_to_principals, the principal's party); the member's commission is hers
(commissions_payable_members, her party), netted in her remittance when the policy says so; the
cooperative's revenue is its margin only (commission_income). A member-producer's goods sold at
the store leave her share owed to her (due_to_member_producers) and the fee as the cooperative's
income (consignment_fee_income).

Locks are always taken in one order (items, holdings, member accounts, campaigns, then the ledger's
balance rows) so that two officers recording at once wait for each other instead of deadlocking.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..audit import services as audit
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..ledger import services as ledger
from ..ledger.records import Entry, Line
from ..members import services as members
from ..orgs.services import get_setting
from ..receipts import services as receipts
from ..timeutil import utcnow
from .models import FULL_RATE, Campaign, Doc, DocLine, Holding, Item, MemberAccount, Principal, Producer

SOURCE = "consignment"
CASH_ACCOUNTS = ("cash_on_hand", "cash_in_bank", "e_wallet_fund")

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
        raise Invalid(f"{label} must be a percentage.", field=field)
    if bp < 0:
        raise Invalid(f"{label} cannot be negative.", field=field)
    if bp > FULL_RATE:
        raise Invalid(f"{label} cannot be more than 100%.", field=field)
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


def _check_cash_account(paid_via: str) -> str:
    if paid_via not in CASH_ACCOUNTS:
        raise Invalid("Choose cash on hand, bank or e-wallet.", field="paid_via")
    return paid_via


def _lock(query):
    """FOR NO KEY UPDATE: it blocks other writers of the row but not inserts that merely reference it."""
    return db.session.scalars(query.with_for_update(key_share=True)).all()


def _insert_ignore(model, rows: list[dict], index_elements: list[str]) -> None:
    make = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(make(model.__table__).on_conflict_do_nothing(index_elements=index_elements), rows)


# ---------------------------------------------------------------- principals and campaigns


def principal_party(principal: Principal) -> int:
    if principal.party_id is None:
        principal.party_id = ledger.ensure_party(principal.org_id, "principal", principal.id, f"P-{principal.id:04d}")
        db.session.flush()
    return principal.party_id


def create_principal(org_id: int, *, name: str, actor_id: int | None, member_commission_bp: int | None = None,
                     coop_margin_bp: int = 0, payment_terms_days: int = 30, uses_campaigns: bool = True,
                     notes: str | None = None) -> Principal:
    name = (name or "").strip()
    if not name:
        raise Invalid("Give the principal's name.", field="name")
    if member_commission_bp is None:
        member_commission_bp = percent_to_bp(get_setting(org_id, SETTING_COMMISSION))
    _check_terms(member_commission_bp, coop_margin_bp, payment_terms_days)
    if db.session.scalar(select(Principal.id).where(Principal.org_id == org_id, Principal.name == name)):
        raise Invalid(f"There is already a principal named {name}.", field="name")
    principal = Principal(org_id=org_id, name=name, member_commission_bp=member_commission_bp,
                          coop_margin_bp=coop_margin_bp, payment_terms_days=payment_terms_days,
                          uses_campaigns=uses_campaigns, notes=(notes or "").strip() or None)
    db.session.add(principal)
    db.session.flush()
    principal_party(principal)
    if not uses_campaigns:
        # One standing period keeps every sale, settlement and statement on the same footing.
        db.session.add(Campaign(org_id=org_id, principal_id=principal.id, code="ONGOING", name="Ongoing",
                                starts_on=date(2000, 1, 1), ends_on=None))
        db.session.flush()
    audit.record("consignment.principal.create", org_id=org_id, user_id=actor_id, target_type="consignment_principal",
                 target_id=principal.id)
    return principal


def _check_terms(member_commission_bp: int, coop_margin_bp: int, payment_terms_days: int) -> None:
    check_rate(member_commission_bp, "member_commission", "The member's commission")
    check_rate(coop_margin_bp, "coop_margin", "The cooperative's margin")
    if member_commission_bp + coop_margin_bp > FULL_RATE:
        raise Invalid("The member's commission and the cooperative's margin together cannot exceed 100%.",
                      field="coop_margin")
    if isinstance(payment_terms_days, bool) or not isinstance(payment_terms_days, int) or not 0 <= payment_terms_days <= 365:
        raise Invalid("Payment terms are 0 to 365 days.", field="payment_terms_days")


def update_principal(org_id: int, principal_id: int, *, actor_id: int | None, **changes) -> Principal:
    principal = get_principal(org_id, principal_id, lock=True)
    allowed = {"name", "member_commission_bp", "coop_margin_bp", "payment_terms_days", "active", "notes"}
    changes = {k: v for k, v in changes.items() if k in allowed and v is not None}
    _check_terms(changes.get("member_commission_bp", principal.member_commission_bp),
                 changes.get("coop_margin_bp", principal.coop_margin_bp),
                 changes.get("payment_terms_days", principal.payment_terms_days))
    if "name" in changes:
        changes["name"] = changes["name"].strip()
        if not changes["name"]:
            raise Invalid("Give the principal's name.", field="name")
    for key, value in changes.items():
        setattr(principal, key, value)
    db.session.flush()
    audit.record("consignment.principal.update", org_id=org_id, user_id=actor_id,
                 target_type="consignment_principal", target_id=principal.id,
                 details={k: v for k, v in changes.items() if k != "notes"})
    return principal


def get_principal(org_id: int, principal_id: int, lock: bool = False) -> Principal:
    query = select(Principal).where(Principal.id == principal_id, Principal.org_id == org_id)
    principal = db.session.scalar(query.with_for_update(key_share=True) if lock else query)
    if principal is None:
        raise NotFound("No such principal.")
    return principal


def list_principals(org_id: int, active_only: bool = False) -> list[Principal]:
    query = select(Principal).where(Principal.org_id == org_id)
    if active_only:
        query = query.where(Principal.active.is_(True))
    return list(db.session.scalars(query.order_by(Principal.name)))


def create_campaign(org_id: int, principal_id: int, *, code: str, name: str, starts_on: date,
                    ends_on: date | None, actor_id: int | None, member_commission_bp: int | None = None) -> Campaign:
    principal = get_principal(org_id, principal_id)
    code, name = (code or "").strip(), (name or "").strip() or (code or "").strip()
    if not code:
        raise Invalid("Give the campaign's code (e.g. C12-2026).", field="code")
    _check_date(starts_on)
    if ends_on is not None and ends_on < starts_on:
        raise Invalid("A campaign ends on or after the day it starts.", field="ends_on")
    if member_commission_bp is not None:
        check_rate(member_commission_bp, "member_commission", "The member's commission")
        if member_commission_bp + principal.coop_margin_bp > FULL_RATE:
            raise Invalid("The member's commission and the cooperative's margin together cannot exceed 100%.",
                          field="member_commission")
    if db.session.scalar(select(Campaign.id).where(Campaign.org_id == org_id, Campaign.principal_id == principal_id,
                                                   Campaign.code == code)):
        raise Invalid(f"{principal.name} already has a campaign {code}.", field="code")
    campaign = Campaign(org_id=org_id, principal_id=principal_id, code=code, name=name, starts_on=starts_on,
                        ends_on=ends_on, member_commission_bp=member_commission_bp)
    db.session.add(campaign)
    db.session.flush()
    audit.record("consignment.campaign.create", org_id=org_id, user_id=actor_id, target_type="consignment_campaign",
                 target_id=campaign.id)
    return campaign


def set_campaign_status(org_id: int, campaign_id: int, status: str, actor_id: int | None) -> Campaign:
    if status not in ("open", "closed"):
        raise Invalid("A campaign is open or closed.", field="status")
    campaign = get_campaign(org_id, campaign_id, lock=True)
    campaign.status = status
    db.session.flush()
    audit.record(f"consignment.campaign.{status}", org_id=org_id, user_id=actor_id,
                 target_type="consignment_campaign", target_id=campaign.id)
    return campaign


def get_campaign(org_id: int, campaign_id: int, lock: bool = False) -> Campaign:
    query = select(Campaign).where(Campaign.id == campaign_id, Campaign.org_id == org_id)
    campaign = db.session.scalar(query.with_for_update(key_share=True) if lock else query)
    if campaign is None:
        raise NotFound("No such campaign.")
    return campaign


def list_campaigns(org_id: int, principal_id: int | None = None, open_only: bool = False) -> list[Campaign]:
    query = select(Campaign).where(Campaign.org_id == org_id)
    if principal_id is not None:
        query = query.where(Campaign.principal_id == principal_id)
    if open_only:
        query = query.where(Campaign.status == "open")
    return list(db.session.scalars(query.order_by(Campaign.starts_on.desc(), Campaign.id.desc())))


def commission_rate(campaign: Campaign, principal: Principal) -> int:
    return principal.member_commission_bp if campaign.member_commission_bp is None else campaign.member_commission_bp


def payment_due_on(campaign: Campaign, principal: Principal) -> date | None:
    from datetime import timedelta

    return None if campaign.ends_on is None else campaign.ends_on + timedelta(days=principal.payment_terms_days)


# ---------------------------------------------------------------- member-producers and items


def add_producer(org_id: int, member_id: int, *, actor_id: int | None, fee_bp: int | None = None) -> Producer:
    member = members.get_member(org_id, member_id)
    if fee_bp is None:
        fee_bp = percent_to_bp(get_setting(org_id, SETTING_PRODUCER_FEE))
    check_rate(fee_bp, "fee", "The cooperative's fee")
    if db.session.scalar(select(Producer.id).where(Producer.org_id == org_id, Producer.member_id == member.id)):
        raise Invalid(f"{member.label} is already a member-producer.", field="member_id")
    producer = Producer(org_id=org_id, member_id=member.id, fee_bp=fee_bp)
    db.session.add(producer)
    db.session.flush()
    members.member_party(member)
    audit.record("consignment.producer.create", org_id=org_id, user_id=actor_id, target_type="consignment_producer",
                 target_id=producer.id)
    return producer


def update_producer(org_id: int, producer_id: int, *, actor_id: int | None, fee_bp: int | None = None,
                    active: bool | None = None) -> Producer:
    producer = get_producer(org_id, producer_id)
    if fee_bp is not None:
        producer.fee_bp = check_rate(fee_bp, "fee", "The cooperative's fee")
    if active is not None:
        producer.active = active
    db.session.flush()
    audit.record("consignment.producer.update", org_id=org_id, user_id=actor_id, target_type="consignment_producer",
                 target_id=producer.id, details={"fee_bp": producer.fee_bp, "active": producer.active})
    return producer


def get_producer(org_id: int, producer_id: int) -> Producer:
    producer = db.session.get(Producer, producer_id)
    if producer is None or producer.org_id != org_id:
        raise NotFound("No such member-producer.")
    return producer


def producer_of_member(org_id: int, member_id: int) -> Producer | None:
    return db.session.scalar(select(Producer).where(Producer.org_id == org_id, Producer.member_id == member_id))


def list_producers(org_id: int) -> list[Producer]:
    return list(db.session.scalars(select(Producer).where(Producer.org_id == org_id).order_by(Producer.id)))


def add_item(org_id: int, *, code: str, name: str, list_price: int, actor_id: int | None,
             principal_id: int | None = None, producer_id: int | None = None) -> Item:
    if (principal_id is None) == (producer_id is None):
        raise Invalid("An item belongs to one principal or one member-producer.", field="principal_id")
    if principal_id is not None:
        get_principal(org_id, principal_id)
    else:
        get_producer(org_id, producer_id)
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise Invalid("Give the item's code and name.", field="code" if not code else "name")
    _check_amount(list_price, "list_price")
    if db.session.scalar(select(Item.id).where(Item.org_id == org_id, Item.code == code)):
        raise Invalid(f"Item code {code} is already used.", field="code")
    item = Item(org_id=org_id, code=code, name=name, list_price=list_price, principal_id=principal_id,
                producer_id=producer_id)
    db.session.add(item)
    db.session.flush()
    audit.record("consignment.item.create", org_id=org_id, user_id=actor_id, target_type="consignment_item",
                 target_id=item.id)
    return item


def update_item(org_id: int, item_id: int, *, actor_id: int | None, name: str | None = None,
                list_price: int | None = None, active: bool | None = None) -> Item:
    """A new price applies to goods issued from now on; what a member already holds keeps its price."""
    item = get_item(org_id, item_id)
    if name is not None and name.strip():
        item.name = name.strip()
    if list_price is not None:
        item.list_price = _check_amount(list_price, "list_price")
    if active is not None:
        item.active = active
    db.session.flush()
    audit.record("consignment.item.update", org_id=org_id, user_id=actor_id, target_type="consignment_item",
                 target_id=item.id, details={"list_price": item.list_price, "active": item.active})
    return item


def get_item(org_id: int, item_id: int) -> Item:
    item = db.session.get(Item, item_id)
    if item is None or item.org_id != org_id:
        raise NotFound("No such item.")
    return item


def list_items(org_id: int, principal_id: int | None = None, producer_id: int | None = None,
               active_only: bool = False) -> list[Item]:
    query = select(Item).where(Item.org_id == org_id)
    if principal_id is not None:
        query = query.where(Item.principal_id == principal_id)
    if producer_id is not None:
        query = query.where(Item.producer_id == producer_id)
    if active_only:
        query = query.where(Item.active.is_(True))
    return list(db.session.scalars(query.order_by(Item.code)))


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
            raise Invalid(f"Line {n}: the quantity must be a whole number more than zero.", field=f"lines.{n}.qty")
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
            raise Invalid(f"Unknown item {item_id}.", field="lines")
        if principal_id is not None and item.principal_id != principal_id:
            raise Invalid(f"{item.code} {item.name} is not this principal's product.", field="lines")
        if producer_id is not None and item.producer_id != producer_id:
            raise Invalid(f"{item.code} {item.name} is not this member-producer's product.", field="lines")
    return found


def get_doc(org_id: int, doc_id: int) -> Doc:
    doc = db.session.get(Doc, doc_id)
    if doc is None or doc.org_id != org_id:
        raise NotFound("No such record.")
    return doc


def doc_lines(doc: Doc) -> list[DocLine]:
    return list(db.session.scalars(select(DocLine).where(DocLine.doc_id == doc.id).order_by(DocLine.id)))


def _add_line(doc: Doc, item: Item, qty: int, unit_price: int, *, member_id: int | None = None,
              campaign_id: int | None = None, qty_open: int = 0) -> DocLine:
    line = DocLine(org_id=doc.org_id, doc_id=doc.id, item_id=item.id, member_id=member_id, campaign_id=campaign_id,
                   qty=qty, unit_price=unit_price, value=qty * unit_price, qty_open=qty_open, on=doc.on)
    db.session.add(line)
    return line


def _post(doc: Doc, memo: str, lines: list[Line], actor_id: int | None) -> None:
    entry = ledger.post(Entry(doc.org_id, doc.on, memo, tuple(line for line in lines if line.debit or line.credit),
                              source=SOURCE, source_id=str(doc.id)), actor_id)
    doc.entry_id = entry.id


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
    for item_id, qty in wanted.items():
        _add_line(doc, items[item_id], qty, items[item_id].list_price, qty_open=qty)
    doc.list_value = sum(qty * items[i].list_price for i, qty in wanted.items())
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
                                  .with_for_update(key_share=True))
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
    for item_id, qty in wanted.items():
        item = items[item_id]
        item.qty_at_coop += qty
        _add_line(doc, item, qty, item.list_price)
    doc.list_value = sum(qty * items[i].list_price for i, qty in wanted.items())
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
    order = db.session.scalar(select(Doc).where(Doc.id == order_id, Doc.org_id == org_id, Doc.kind == "order")
                              .with_for_update(key_share=True))
    if order is None:
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
    for item_id, qty in wanted.items():
        _add_line(doc, items[item_id], qty, items[item_id].list_price)
    doc.list_value = sum(qty * items[i].list_price for i, qty in wanted.items())
    db.session.flush()
    return doc


def _take_from_coop_stock(items: dict[int, Item], wanted: dict[int, int]) -> None:
    for item_id, qty in wanted.items():
        item = items[item_id]
        if qty > item.qty_at_coop:
            raise Invalid(f"Only {item.qty_at_coop} of {item.code} {item.name} are in the cooperative's hands.",
                          field="lines")
    for item_id, qty in wanted.items():
        items[item_id].qty_at_coop -= qty


# ---------------------------------------------------------------- goods with members


def _member_and_campaign(org_id: int, member_id: int, campaign_id: int):
    member = members.get_member(org_id, member_id)
    campaign = get_campaign(org_id, campaign_id)
    principal = get_principal(org_id, campaign.principal_id)
    return member, campaign, principal


def _holdings(org_id: int, member_id: int, campaign_id: int, item_ids, create: bool = False) -> dict[int, Holding]:
    """Her holding rows for these items in this campaign, locked in id order."""
    if create:
        _insert_ignore(Holding, [{"org_id": org_id, "member_id": member_id, "item_id": i, "campaign_id": campaign_id,
                                  "qty": 0, "value": 0} for i in sorted(item_ids)],
                       ["org_id", "member_id", "item_id", "campaign_id"])
    rows = _lock(select(Holding).where(Holding.org_id == org_id, Holding.member_id == member_id,
                                       Holding.campaign_id == campaign_id, Holding.item_id.in_(sorted(item_ids)))
                 .order_by(Holding.id))
    return {row.item_id: row for row in rows}


def _member_account(org_id: int, member_id: int, campaign_id: int) -> MemberAccount:
    _insert_ignore(MemberAccount, [{"org_id": org_id, "member_id": member_id, "campaign_id": campaign_id,
                                    "issued_value": 0, "returned_value": 0, "sold_value": 0, "commission": 0,
                                    "commission_netted": 0, "commission_paid": 0, "remitted": 0}],
                   ["org_id", "member_id", "campaign_id"])
    return _lock(select(MemberAccount).where(MemberAccount.org_id == org_id, MemberAccount.member_id == member_id,
                                             MemberAccount.campaign_id == campaign_id))[0]


def issue_to_member(org_id: int, member_id: int, campaign_id: int, lines, *, on: date, actor_id: int | None,
                    key: str | None = None) -> Doc:
    """Hand goods to a member to sell: she holds them at list price until she sells or returns them."""
    if (replay := _replay(org_id, key, "issue")) is not None:
        return replay
    member, campaign, principal = _member_and_campaign(org_id, member_id, campaign_id)
    _check_date(on)
    if member.status != "active":
        raise Invalid(f"{member.label} is not an active member; goods go to active members only.", field="member_id")
    if campaign.status != "open":
        raise Invalid(f"Campaign {campaign.code} is closed.", field="campaign_id")
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
                        what: str) -> list[tuple[Item, int, int]]:
    """Take goods out of her hands, oldest lot first; returns (item, qty, unit price) per lot touched."""
    holdings = _holdings(org_id, member.id, campaign.id, wanted)
    for item_id, qty in wanted.items():
        held = holdings.get(item_id)
        item = items[item_id]
        if held is None or held.qty == 0:
            raise Invalid(f"{member.label} was never given {item.code} {item.name} in campaign {campaign.code}: "
                          f"nothing to {what}.", field="lines")
        if qty > held.qty:
            raise Invalid(f"{member.label} holds only {held.qty} of {item.code} {item.name}; cannot {what} {qty}.",
                          field="lines")
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
            taken.append((items[item_id], take, lot.unit_price))
            holdings[item_id].qty -= take
            holdings[item_id].value -= take * lot.unit_price
            if remaining == 0:
                break
    return taken


def report_sales(org_id: int, member_id: int, campaign_id: int, lines, *, on: date, actor_id: int | None,
                 key: str | None = None) -> Doc:
    """She sold goods she holds: she owes their list value, her commission is hers, the principal is owed the rest."""
    if (replay := _replay(org_id, key, "sale_report")) is not None:
        return replay
    member, campaign, principal = _member_and_campaign(org_id, member_id, campaign_id)
    _check_date(on)
    wanted = _merge_lines(lines)
    items = _items_for(org_id, wanted, principal_id=principal.id)
    taken = _take_from_holdings(org_id, member, campaign, wanted, items, "report as sold")
    account = _member_account(org_id, member.id, campaign.id)
    campaign = get_campaign(org_id, campaign.id, lock=True)
    rate = commission_rate(campaign, principal)
    sold = sum(qty * price for _, qty, price in taken)
    commission = share(sold, rate)
    margin = min(share(sold, principal.coop_margin_bp), sold - commission)
    net = sold - commission - margin
    netted = commission if get_setting(org_id, SETTING_NET_COMMISSION) else 0
    doc = _new_doc(org_id, "sale_report", on, actor_id, key, member_id=member.id, principal_id=principal.id,
                   campaign_id=campaign.id, list_value=sold, commission=commission, coop_margin=margin, net=net,
                   rate_bp=rate, commission_netted=netted)
    for item, qty, price in taken:
        _add_line(doc, item, qty, price, member_id=member.id, campaign_id=campaign.id)
    owed_before = account.owed
    account.sold_value += sold
    account.commission += commission
    account.commission_netted += netted
    account.last_sale_on = on
    if owed_before <= 0 and account.owed > 0:
        account.oldest_unremitted_on = on
    campaign.sold_value += sold
    campaign.member_commission += commission
    campaign.coop_margin += margin
    campaign.due_to_principal += net
    her = members.member_party(member)
    _post(doc, f"Consigned goods sold by {member.label}, {principal.name} {campaign.code}", [
        Line("consignment_receivable_members", debit=sold, party_id=her),
        Line("due_to_principals", credit=net, party_id=principal_party(principal)),
        Line("commissions_payable_members", credit=commission, party_id=her, memo="commission earned"),
        Line("commission_income", credit=margin),
        Line("commissions_payable_members", debit=netted, party_id=her, memo="commission kept from her remittance"),
        Line("consignment_receivable_members", credit=netted, party_id=her, memo="commission kept from her remittance"),
    ], actor_id)
    db.session.flush()
    audit.record("consignment.sale_report", org_id=org_id, user_id=actor_id, target_type="member", target_id=member.id,
                 details={"doc": doc.id})
    return doc


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
    for item, qty, price in taken:
        item.qty_at_coop += qty
        _add_line(doc, item, qty, price, member_id=member.id, campaign_id=campaign.id)
    doc.list_value = sum(qty * price for _, qty, price in taken)
    account.returned_value += doc.list_value
    db.session.flush()
    audit.record("consignment.member_return", org_id=org_id, user_id=actor_id, target_type="member",
                 target_id=member.id, details={"doc": doc.id})
    return doc


# ---------------------------------------------------------------- money from and to members


@dataclass(frozen=True)
class Payment:
    """A remittance or payout spread over one or more campaigns, posted as one entry."""

    docs: tuple[Doc, ...]
    amount: int
    entry_id: int | None
    receipt_id: int | None

    @property
    def doc(self) -> Doc:
        return self.docs[0]


def _payment_replay(org_id: int, key: str | None, kind: str) -> Payment | None:
    first = _replay(org_id, key, kind)
    if first is None:
        return None
    docs = tuple(db.session.scalars(select(Doc).where(Doc.org_id == org_id, Doc.kind == kind,
                                                      Doc.entry_id == first.entry_id).order_by(Doc.id)))
    return Payment(docs, sum(d.amount for d in docs), first.entry_id, first.receipt_id)


def _allocate(accounts: list[MemberAccount], amount: int, open_of, what: str) -> list[tuple[MemberAccount, int]]:
    """Spread an amount over her campaigns, oldest debt first; refuse more than she owes in all."""
    total = sum(open_of(a) for a in accounts)
    if amount > total:
        raise Invalid(f"That is more than {what} ({total / 100:,.2f} pesos).", field="amount")
    out, remaining = [], amount
    for account in accounts:
        take = min(open_of(account), remaining)
        if take > 0:
            out.append((account, take))
            remaining -= take
    return out


def _open_accounts(org_id: int, member_id: int, campaign_id: int | None) -> list[MemberAccount]:
    query = select(MemberAccount).where(MemberAccount.org_id == org_id, MemberAccount.member_id == member_id)
    if campaign_id is not None:
        get_campaign(org_id, campaign_id)
        query = query.where(MemberAccount.campaign_id == campaign_id)
    return list(_lock(query.order_by(MemberAccount.id)))


def record_remittance(org_id: int, member_id: int, amount: int, *, on: date, actor_id: int | None,
                      paid_via: str = "cash_on_hand", campaign_id: int | None = None, key: str | None = None) -> Payment:
    """She pays in what she owes for goods sold; an official receipt is issued."""
    if (replay := _payment_replay(org_id, key, "remittance")) is not None:
        return replay
    member = members.get_member(org_id, member_id)
    _check_date(on)
    _check_amount(amount)
    _check_cash_account(paid_via)
    accounts = sorted(_open_accounts(org_id, member.id, campaign_id),
                      key=lambda a: (a.oldest_unremitted_on or date.max, a.id))
    portions = _allocate(accounts, amount, lambda a: a.owed, "she owes for goods sold")
    docs = []
    for n, (account, portion) in enumerate(portions):
        docs.append(_new_doc(org_id, "remittance", on, actor_id, key if n == 0 else None, member_id=member.id,
                             campaign_id=account.campaign_id, amount=portion, paid_via=paid_via,
                             principal_id=get_campaign(org_id, account.campaign_id).principal_id))
        account.remitted += portion
        if account.owed == 0:
            account.oldest_unremitted_on = None
    her = members.member_party(member)
    _post(docs[0], f"Remittance for consigned goods sold, {member.label}", [
        Line(paid_via, debit=amount), Line("consignment_receivable_members", credit=amount, party_id=her)], actor_id)
    receipt = receipts.issue(org_id, kind="consignment_remittance", party_id=her, amount=amount, on=on, source=SOURCE,
                             source_id=docs[0].id, description="Remittance for consigned goods sold",
                             actor_id=actor_id, received_from=member.name)
    for doc in docs:
        doc.entry_id, doc.receipt_id = docs[0].entry_id, receipt.id
    db.session.flush()
    audit.record("consignment.remittance", org_id=org_id, user_id=actor_id, target_type="member", target_id=member.id,
                 details={"doc": docs[0].id})
    return Payment(tuple(docs), amount, docs[0].entry_id, receipt.id)


def pay_commission(org_id: int, member_id: int, amount: int, *, on: date, actor_id: int | None,
                   paid_via: str = "cash_on_hand", campaign_id: int | None = None, key: str | None = None) -> Payment:
    """Pay out commission still owed to her (when it was not kept from her remittance)."""
    if (replay := _payment_replay(org_id, key, "commission_payout")) is not None:
        return replay
    member = members.get_member(org_id, member_id)
    _check_date(on)
    _check_amount(amount)
    _check_cash_account(paid_via)
    accounts = _open_accounts(org_id, member.id, campaign_id)
    portions = _allocate(accounts, amount, lambda a: a.commission_due, "the commission owed to her")
    docs = []
    for n, (account, portion) in enumerate(portions):
        docs.append(_new_doc(org_id, "commission_payout", on, actor_id, key if n == 0 else None, member_id=member.id,
                             campaign_id=account.campaign_id, amount=portion, paid_via=paid_via))
        account.commission_paid += portion
    _post(docs[0], f"Commission paid to {member.label}", [
        Line("commissions_payable_members", debit=amount, party_id=members.member_party(member)),
        Line(paid_via, credit=amount)], actor_id)
    for doc in docs:
        doc.entry_id = docs[0].entry_id
    db.session.flush()
    return Payment(tuple(docs), amount, docs[0].entry_id, None)


# ---------------------------------------------------------------- settling with principals


def settle_campaign(org_id: int, campaign_id: int, amount: int, *, on: date, actor_id: int | None,
                    paid_via: str = "cash_in_bank", reference: str | None = None, key: str | None = None) -> Doc:
    """Pay a principal what the campaign's sales left due to it."""
    if (replay := _replay(org_id, key, "settlement")) is not None:
        return replay
    _check_date(on)
    _check_amount(amount)
    _check_cash_account(paid_via)
    campaign = get_campaign(org_id, campaign_id, lock=True)
    principal = get_principal(org_id, campaign.principal_id)
    open_due = campaign.due_to_principal - campaign.paid_to_principal
    if amount > open_due:
        raise Invalid(f"Only {open_due / 100:,.2f} pesos are due to {principal.name} for {campaign.code}.",
                      field="amount")
    doc = _new_doc(org_id, "settlement", on, actor_id, key, principal_id=principal.id, campaign_id=campaign.id,
                   amount=amount, paid_via=paid_via, reference=(reference or "").strip() or None)
    campaign.paid_to_principal += amount
    _post(doc, f"Payment to {principal.name} for campaign {campaign.code}", [
        Line("due_to_principals", debit=amount, party_id=principal_party(principal)), Line(paid_via, credit=amount)],
        actor_id)
    db.session.flush()
    audit.record("consignment.settlement", org_id=org_id, user_id=actor_id, target_type="consignment_campaign",
                 target_id=campaign.id, details={"doc": doc.id})
    return doc


def principal_due(org_id: int, principal_id: int) -> int:
    """What the cooperative owes the principal now, read from the ledger's running balance."""
    principal = get_principal(org_id, principal_id)
    return ledger.party_balance(org_id, "due_to_principals", principal_party(principal)).credit_balance


# ---------------------------------------------------------------- member-producers' goods


def producer_intake(org_id: int, producer_id: int, lines, *, on: date, actor_id: int | None,
                    key: str | None = None) -> Doc:
    """A member-producer brings her goods: consignment stock, still hers, not the cooperative's inventory."""
    if (replay := _replay(org_id, key, "producer_intake")) is not None:
        return replay
    producer = get_producer(org_id, producer_id)
    if not producer.active:
        raise Invalid("This member-producer is inactive.", field="producer_id")
    _check_date(on)
    wanted = _merge_lines(lines)
    items = _items_for(org_id, wanted, producer_id=producer.id, lock=True)
    doc = _new_doc(org_id, "producer_intake", on, actor_id, key, producer_id=producer.id, member_id=producer.member_id)
    for item_id, qty in wanted.items():
        items[item_id].qty_at_coop += qty
        _add_line(doc, items[item_id], qty, items[item_id].list_price)
    doc.list_value = sum(qty * items[i].list_price for i, qty in wanted.items())
    db.session.flush()
    return doc


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
                             .with_for_update(key_share=True))
    if item is None or not item.active:
        raise Invalid("This consigned item is not for sale.", field="item")
    if pieces > item.qty_at_coop:
        raise Invalid(f"Only {item.qty_at_coop} of {item.code} {item.name} are in consignment stock.",
                      field="quantity")
    return item


def _current_campaign(org_id: int, principal: Principal, on: date) -> Campaign:
    campaign = db.session.scalar(
        select(Campaign).where(Campaign.org_id == org_id, Campaign.principal_id == principal.id,
                               Campaign.status == "open", Campaign.starts_on <= on,
                               (Campaign.ends_on.is_(None)) | (Campaign.ends_on >= on))
        .order_by(Campaign.starts_on.desc(), Campaign.id.desc()).limit(1).with_for_update(key_share=True))
    if campaign is None:
        raise Invalid(f"{principal.name} has no open campaign on {on.isoformat()}.", field="item")
    return campaign


def producer_return(org_id: int, producer_id: int, lines, *, on: date, actor_id: int | None,
                    key: str | None = None) -> Doc:
    """Unsold goods handed back to the member-producer."""
    if (replay := _replay(org_id, key, "producer_return")) is not None:
        return replay
    producer = get_producer(org_id, producer_id)
    _check_date(on)
    wanted = _merge_lines(lines)
    items = _items_for(org_id, wanted, producer_id=producer.id, lock=True)
    _take_from_coop_stock(items, wanted)
    doc = _new_doc(org_id, "producer_return", on, actor_id, key, producer_id=producer.id, member_id=producer.member_id)
    for item_id, qty in wanted.items():
        _add_line(doc, items[item_id], qty, items[item_id].list_price)
    doc.list_value = sum(qty * items[i].list_price for i, qty in wanted.items())
    db.session.flush()
    return doc


def producer_due(org_id: int, producer_id: int) -> int:
    producer = get_producer(org_id, producer_id)
    party = members.member_party(members.get_member(org_id, producer.member_id))
    return ledger.party_balance(org_id, "due_to_member_producers", party).credit_balance


def pay_producer(org_id: int, producer_id: int, amount: int, *, on: date, actor_id: int | None,
                 paid_via: str = "cash_on_hand", key: str | None = None) -> Doc:
    """Pay a member-producer her share of what was sold."""
    if (replay := _replay(org_id, key, "producer_payout")) is not None:
        return replay
    producer = get_producer(org_id, producer_id)
    _check_date(on)
    _check_amount(amount)
    _check_cash_account(paid_via)
    member = members.get_member(org_id, producer.member_id)
    party = members.member_party(member)
    # The producer row serialises payouts to her; the ledger balance is then read under that lock.
    db.session.scalar(select(Producer).where(Producer.id == producer.id).with_for_update(key_share=True))
    due = ledger.party_balance(org_id, "due_to_member_producers", party).credit_balance
    if amount > due:
        raise Invalid(f"Only {due / 100:,.2f} pesos are owed to {member.label} for her goods sold.", field="amount")
    doc = _new_doc(org_id, "producer_payout", on, actor_id, key, producer_id=producer.id, member_id=member.id,
                   amount=amount, paid_via=paid_via)
    _post(doc, f"Member-producer {member.label} paid her share of goods sold", [
        Line("due_to_member_producers", debit=amount, party_id=party), Line(paid_via, credit=amount)], actor_id)
    db.session.flush()
    audit.record("consignment.producer_payout", org_id=org_id, user_id=actor_id, target_type="member",
                 target_id=member.id, details={"doc": doc.id})
    return doc


# ---------------------------------------------------------------- corrections


VOIDABLE = ("issue", "sale_report", "member_return", "remittance", "commission_payout", "settlement",
            "producer_payout")


def void(org_id: int, doc_id: int, *, reason: str, on: date, actor_id: int | None) -> Doc:
    """Undo a mistaken record: its goods go back where they were and its entry is reversed.

    Refused, with nothing written, when later records depend on it (goods from an issue already
    sold, sales already remitted or paid to the principal): void those first.
    """
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Give the reason for voiding.", field="reason")
    _check_date(on)
    doc = db.session.scalar(select(Doc).where(Doc.id == doc_id, Doc.org_id == org_id).with_for_update(key_share=True))
    if doc is None:
        raise NotFound("No such record.")
    if doc.kind not in VOIDABLE:
        raise Invalid("This kind of record is corrected with its opposite (a return), not voided.")
    if doc.voided_at is not None:
        raise Invalid("This record is already void.")
    siblings = [doc]
    if doc.kind in ("remittance", "commission_payout") and doc.entry_id:
        siblings = list(_lock(select(Doc).where(Doc.org_id == org_id, Doc.kind == doc.kind,
                                                Doc.entry_id == doc.entry_id).order_by(Doc.id)))
    if doc.kind in ("remittance", "commission_payout"):
        _void_payments(siblings)
    elif doc.kind != "producer_payout":  # her payout is undone by the reversal alone
        {"issue": _void_issue, "sale_report": _void_sale_report, "member_return": _void_member_return,
         "settlement": _void_settlement}[doc.kind](doc)
    reversal = ledger.reverse(org_id, doc.entry_id, on=on, reason=reason, actor_id=actor_id) if doc.entry_id else None
    if doc.kind == "remittance" and doc.receipt_id:
        receipts.cancel(org_id, doc.receipt_id, reason, actor_id)
    for each in siblings:
        each.voided_at, each.voided_by, each.void_reason = utcnow(), actor_id, reason[:300]
        each.void_entry_id = reversal.id if reversal else None
    db.session.flush()
    audit.record("consignment.void", org_id=org_id, user_id=actor_id, target_type="consignment_doc",
                 target_id=doc.id, details={"kind": doc.kind})
    return doc


def _lines_locked(doc: Doc) -> list[DocLine]:
    return list(_lock(select(DocLine).where(DocLine.doc_id == doc.id).order_by(DocLine.id)))


def _void_issue(doc: Doc) -> None:
    lines = _lines_locked(doc)
    if any(line.qty_open != line.qty for line in lines):
        raise Invalid("Some of these goods were already sold or returned: record a return for the rest instead.")
    items = _items_for(doc.org_id, {line.item_id for line in lines}, lock=True)
    holdings = _holdings(doc.org_id, doc.member_id, doc.campaign_id, {line.item_id for line in lines})
    account = _member_account(doc.org_id, doc.member_id, doc.campaign_id)
    for line in lines:
        items[line.item_id].qty_at_coop += line.qty
        holdings[line.item_id].qty -= line.qty
        holdings[line.item_id].value -= line.value
        line.qty_open = 0
    account.issued_value -= doc.list_value


def _back_to_her(doc: Doc, lines: list[DocLine]) -> None:
    """Goods of a sale report or return go back into her hands, as lots she holds again."""
    holdings = _holdings(doc.org_id, doc.member_id, doc.campaign_id, {line.item_id for line in lines}, create=True)
    for line in lines:
        holdings[line.item_id].qty += line.qty
        holdings[line.item_id].value += line.value
        line.qty_open = line.qty


def _void_sale_report(doc: Doc) -> None:
    if doc.member_id is None:
        raise Invalid("A sale at the store's till is corrected at the store.")
    lines = _lines_locked(doc)
    # holdings before her account and the campaign: the order every other writer takes them in
    _holdings(doc.org_id, doc.member_id, doc.campaign_id, {line.item_id for line in lines}, create=True)
    account = _member_account(doc.org_id, doc.member_id, doc.campaign_id)
    campaign = get_campaign(doc.org_id, doc.campaign_id, lock=True)
    if account.owed < doc.list_value - doc.commission_netted:
        raise Invalid("She already remitted for these sales: void the remittance first.")
    if account.commission_due < doc.commission - doc.commission_netted:
        raise Invalid("Her commission on these sales was already paid out: void that payment first.")
    if campaign.due_to_principal - doc.net < campaign.paid_to_principal:
        raise Invalid("These sales were already paid to the principal: void the settlement first.")
    _back_to_her(doc, lines)
    account.sold_value -= doc.list_value
    account.commission -= doc.commission
    account.commission_netted -= doc.commission_netted
    if account.owed <= 0:
        account.oldest_unremitted_on = None
    campaign.sold_value -= doc.list_value
    campaign.member_commission -= doc.commission
    campaign.coop_margin -= doc.coop_margin
    campaign.due_to_principal -= doc.net


def _void_member_return(doc: Doc) -> None:
    lines = _lines_locked(doc)
    wanted: dict[int, int] = defaultdict(int)
    for line in lines:
        wanted[line.item_id] += line.qty
    items = _items_for(doc.org_id, wanted, lock=True)
    _take_from_coop_stock(items, dict(wanted))
    _back_to_her(doc, lines)
    _member_account(doc.org_id, doc.member_id, doc.campaign_id).returned_value -= doc.list_value


def _void_payments(docs: list[Doc]) -> None:
    for doc in docs:
        account = _member_account(doc.org_id, doc.member_id, doc.campaign_id)
        if doc.kind == "remittance":
            account.remitted -= doc.amount
            if account.owed > 0 and account.oldest_unremitted_on is None:
                account.oldest_unremitted_on = account.last_sale_on
        else:
            account.commission_paid -= doc.amount


def _void_settlement(doc: Doc) -> None:
    get_campaign(doc.org_id, doc.campaign_id, lock=True).paid_to_principal -= doc.amount
