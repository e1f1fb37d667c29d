"""The Wellness Center's part of members' patronage for the year end: the services completed for each
client, a member when her mobile number is a member's; everyone else is non-members' patronage."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..members import services as members
from .models import Booking, Client


def patronage(org_id: int, start: date, end: date) -> tuple[dict[int, int], int]:
    """({member id: centavos}, non-members' centavos) over the services completed start to end."""
    rows = db.session.execute(
        select(Client.mobile, func.sum(Booking.price)).join(Client, Client.id == Booking.client_id)
        .where(Booking.org_id == org_id, Booking.status == "completed", Booking.completed_on >= start,
               Booking.completed_on <= end).group_by(Client.mobile))
    by_member: dict[int, int] = {}
    non_members = 0
    for mobile, amount in rows:
        member = members.member_by_mobile(org_id, mobile) if mobile else None
        if member is None:
            non_members += int(amount or 0)
        else:
            by_member[member.id] = by_member.get(member.id, 0) + int(amount or 0)
    return by_member, non_members
