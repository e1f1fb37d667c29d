"""The loans' part of members' patronage for the year end: the interest each borrower paid (payments not
reversed) and the service fees of the loans released to her in the period."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from .models import Loan, LoanTransaction


def patronage(org_id: int, start: date, end: date) -> tuple[dict[int, int], int]:
    """({member id: centavos}, 0): only members borrow."""
    found: dict[int, int] = defaultdict(int)
    interest = db.session.execute(
        select(Loan.member_id, func.sum(LoanTransaction.interest)).join(Loan, Loan.id == LoanTransaction.loan_id)
        .where(LoanTransaction.org_id == org_id, LoanTransaction.kind == "repayment",
               LoanTransaction.reversed.is_(False), LoanTransaction.on_date >= start, LoanTransaction.on_date <= end)
        .group_by(Loan.member_id))
    fees = db.session.execute(
        select(Loan.member_id, func.sum(Loan.fee))
        .where(Loan.org_id == org_id, Loan.released_on >= start, Loan.released_on <= end).group_by(Loan.member_id))
    for rows in (interest, fees):
        for member_id, amount in rows:
            found[member_id] += int(amount or 0)
    return dict(found), 0
