"""Member-producers and the consigned items: whose goods they are and at what list price."""
from __future__ import annotations

from sqlalchemy import select

from ...audit import services as audit
from ...errors import Invalid
from ...extensions import db
from ...kernel import get_in_org
from ...members import services as members
from ...orgs.services import get_setting
from ..models import Item, Producer
from .common import SETTING_PRODUCER_FEE, _check_amount, check_rate, percent_to_bp
from .principals import get_principal


def add_producer(org_id: int, member_id: int, *, actor_id: int | None, fee_bp: int | None = None) -> Producer:
    member = members.get_member(org_id, member_id)
    if fee_bp is None:
        fee_bp = percent_to_bp(get_setting(org_id, SETTING_PRODUCER_FEE))
    check_rate(fee_bp, "fee", "The cooperative's fee")
    if db.session.scalar(select(Producer.id).where(Producer.org_id == org_id, Producer.member_id == member.id)):
        raise Invalid("%(label)s is already a member-producer.", field="member_id", values={"label": member.label})
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
    return get_in_org(Producer, org_id, producer_id, "No such member-producer.")


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
        raise Invalid("Item code %(code)s is already used.", field="code", values={"code": code})
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
    return get_in_org(Item, org_id, item_id, "No such item.")


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
