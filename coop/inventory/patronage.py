"""The store's part of members' patronage for the year end: what each member bought (cash and credit),
less what she brought back; sales to no member are non-members' patronage."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from .models import Sale


def patronage(org_id: int, start: date, end: date) -> tuple[dict[int, int], int]:
    """({member id: centavos}, non-members' centavos) over the sales dated start to end."""
    rows = db.session.execute(
        select(Sale.member_id, func.sum(Sale.total - Sale.returned_amount))
        .where(Sale.org_id == org_id, Sale.sold_on >= start, Sale.sold_on <= end).group_by(Sale.member_id))
    by_member, non_members = {}, 0
    for member_id, amount in rows:
        if member_id is None:
            non_members = int(amount or 0)
        else:
            by_member[member_id] = int(amount or 0)
    return by_member, non_members
