"""Consignment's part of members' patronage for the year end: what each member sold through the
cooperative (the list value of her sales reports not voided)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from .models import Doc


def patronage(org_id: int, start: date, end: date) -> tuple[dict[int, int], int]:
    """({member id: centavos}, 0): only members sell on consignment."""
    rows = db.session.execute(
        select(Doc.member_id, func.sum(Doc.list_value))
        .where(Doc.org_id == org_id, Doc.kind == "sale_report", Doc.voided_at.is_(None), Doc.member_id.is_not(None),
               Doc.on >= start, Doc.on <= end).group_by(Doc.member_id))
    return {member_id: int(amount or 0) for member_id, amount in rows}, 0
