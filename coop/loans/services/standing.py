"""The loans' part of a member's good standing (a check the members domain runs through the manifest)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, func, select

from ...errors import Sentence
from ...extensions import db
from ..models import Installment, Loan


# Built once: it runs on every good-standing check (the member's summary, the point of sale).
_LATE_INSTALLMENTS = (select(func.count(Installment.id)).join(Loan, Loan.id == Installment.loan_id)
                      .where(Loan.org_id == bindparam("org_id"), Loan.member_id == bindparam("member_id"),
                             Loan.status == "active", Installment.settled.is_(False), Installment.due_on < bindparam("on")))


def arrears_reasons(org_id: int, member_id: int, on: date) -> list[Sentence]:
    """The members' standing check: a loan with an installment unpaid after its due date."""
    late = db.session.scalar(_LATE_INSTALLMENTS, {"org_id": org_id, "member_id": member_id, "on": on})
    return [Sentence("a loan installment is past due")] if late else []
