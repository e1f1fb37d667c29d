"""A member-producer's own goods: brought in, given back, and her share of what sold paid out to her.

Her goods sold at the store leave her share owed to her (due_to_member_producers, her party) and the
fee as the cooperative's income (consignment_fee_income); see `counter`.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ...audit import services as audit
from ...errors import Invalid, Pesos
from ...extensions import db
from ...ledger import services as ledger
from ...ledger.records import Line
from ...members import services as members
from ..models import Doc, Producer
from .common import (
    _add_goods,
    _check_date,
    _check_payment,
    _items_for,
    _merge_lines,
    _new_doc,
    _post,
    _put_in_coop_stock,
    _replay,
    _take_from_coop_stock,
)
from .items import get_producer


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
    _put_in_coop_stock(items, wanted)
    _add_goods(doc, items, wanted)
    db.session.flush()
    return doc


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
    _add_goods(doc, items, wanted)
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
    _check_payment(org_id, on, amount, paid_via)
    member = members.get_member(org_id, producer.member_id)
    party = members.member_party(member)
    # The producer row serialises payouts to her; the ledger balance is then read under that lock.
    db.session.scalar(select(Producer).where(Producer.id == producer.id).with_for_update(key_share=True))
    due = ledger.party_balance(org_id, "due_to_member_producers", party).credit_balance
    if amount > due:
        raise Invalid("Only %(due)s is owed to %(label)s for her goods sold.", field="amount",
                      values={"due": Pesos(due), "label": member.label})
    doc = _new_doc(org_id, "producer_payout", on, actor_id, key, producer_id=producer.id, member_id=member.id,
                   amount=amount, paid_via=paid_via)
    _post(doc, f"Member-producer {member.label} paid her share of goods sold", [
        Line("due_to_member_producers", debit=amount, party_id=party), Line(paid_via, credit=amount)], actor_id)
    db.session.flush()
    audit.record("consignment.producer_payout", org_id=org_id, user_id=actor_id, target_type="member",
                 target_id=member.id, details={"doc": doc.id})
    return doc
