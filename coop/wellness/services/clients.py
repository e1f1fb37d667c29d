"""Clients: personal data kept minimal, every lookup and view audited."""
from __future__ import annotations

import re

from sqlalchemy import select

from ...audit import services as audit
from ...errors import Invalid
from ...extensions import db
from ...kernel import get_in_org
from ..models import Booking, Client


def normalise_mobile(text: str | None) -> str | None:
    """A Philippine mobile number as 09XXXXXXXXX; None when not given."""
    if text is None or not text.strip():
        return None
    digits = re.sub(r"[^\d]", "", text)
    if digits.startswith("63") and len(digits) == 12:
        digits = "0" + digits[2:]
    elif digits.startswith("9") and len(digits) == 10:
        digits = "0" + digits
    if not re.fullmatch(r"09\d{9}", digits):
        raise Invalid("Give a mobile number like 0917 123 4567.", field="mobile")
    return digits


def get_client(org_id: int, client_id: int) -> Client:
    return get_in_org(Client, org_id, client_id, "No such client.")


def find_client(org_id: int, mobile: str, actor_id: int | None) -> Client | None:
    """A returning client, found by her mobile number (the lookup is audited)."""
    number = normalise_mobile(mobile)
    if number is None:
        raise Invalid("Give the client's mobile number.", field="mobile")
    client = db.session.scalar(select(Client).where(Client.org_id == org_id, Client.mobile == number))
    audit.record("wellness.client.lookup", org_id=org_id, user_id=actor_id, target_type="wellness_client",
                 target_id=client.id if client else None)
    return client


def client_for_booking(org_id: int, name: str | None, mobile: str | None) -> Client:
    """The returning client with this mobile number, or a new client."""
    number = normalise_mobile(mobile)
    if number:
        found = db.session.scalar(select(Client).where(Client.org_id == org_id, Client.mobile == number))
        if found is not None:
            return found
    if not name or not name.strip():
        raise Invalid("Give the client's name.", field="client_name")
    client = Client(org_id=org_id, name=name.strip()[:120], mobile=number)
    db.session.add(client)
    db.session.flush()
    return client


def client_history(org_id: int, client_id: int, actor_id: int | None) -> tuple[Client, list[Booking]]:
    client = get_client(org_id, client_id)
    audit.record("wellness.client.view", org_id=org_id, user_id=actor_id, target_type="wellness_client",
                 target_id=client.id)
    bookings = list(db.session.scalars(select(Booking).where(Booking.org_id == org_id, Booking.client_id == client.id)
                                       .order_by(Booking.starts_at.desc())))
    return client, bookings



def clients_by_id(org_id: int, ids) -> dict[int, Client]:
    ids = set(ids)
    if not ids:
        return {}
    return {c.id: c for c in db.session.scalars(select(Client).where(Client.org_id == org_id, Client.id.in_(ids)))}
