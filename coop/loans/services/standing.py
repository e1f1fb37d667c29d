"""The loans' part of a member's good standing (a check the members domain runs through the manifest)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, select

from ...errors import Sentence
from ...extensions import db
from ...manifest import StandingCheck
from ..models import Installment, Loan


def _late_installments():
    # whether one exists, not how many: the first late installment found is enough
    return (select(Installment.id).join(Loan, Loan.id == Installment.loan_id)
            .where(Loan.org_id == bindparam("org_id"), Loan.member_id == bindparam("member_id"),
                   Loan.status == "active", Installment.settled.is_(False), Installment.due_on < bindparam("on"))
            .limit(1).scalar_subquery())


def _arrears(values: tuple, on: date) -> list[Sentence]:
    return [Sentence("a loan installment is past due")] if values[0] is not None else []


# The members' standing check: a loan with an installment unpaid after its due date (read with the others in
# members.standing's one statement).
arrears_check = StandingCheck(columns=lambda: (_late_installments(),), reasons=_arrears)


def arrears_reasons(org_id: int, member_id: int, on: date) -> list[Sentence]:
    """The loans' part of her good standing alone."""
    late = db.session.scalar(select(_late_installments()), {"org_id": org_id, "member_id": member_id, "on": on})
    return _arrears((late,), on)
