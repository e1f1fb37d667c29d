"""What every loan verb shares: reading loans, the checks of every way of borrowing, the schedule.

The names here are the package's own tools (the verbs in the sibling modules call them); the public
ones are re-exported by `coop.loans.services`.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Callable

from sqlalchemy import case, select

from ...errors import Conflict, Invalid
from ...extensions import db
from ...kernel import get_in_org, insert_ignore, valid_id
from ...members import services as members
from .. import schedule as sched
from ..models import OPEN_STATUSES, Installment, Loan, LoanBorrower, LoanProduct, LoanTransaction

SOURCE = "loans"
PAST_DUE_ACCOUNT = "loans_receivable_past_due"
RESTRUCTURED_ACCOUNT = "loans_receivable_restructured"


class OverCap(Invalid):
    pass


class NotInGoodStanding(Invalid):
    pass


class Overpayment(Invalid):
    pass


# ---------------------------------------------------------------- reading loans


def aging_bucket_of(on: date):
    """The aging bucket of a loan as SQL, from the due date of its oldest unpaid installment: compares due
    dates with fixed days, so no date arithmetic in the database."""
    whens = [(Loan.next_due_on.is_(None) | (Loan.next_due_on >= on), "current")]
    for label, low, high in sched.AGING_BUCKETS:
        older = Loan.next_due_on <= on - timedelta(days=low)
        whens.append((older if high is None else older & (Loan.next_due_on >= on - timedelta(days=high)), label))
    return case(*whens, else_="current")


def get_loan(org_id: int, loan_id: int) -> Loan:
    return get_in_org(Loan, org_id, loan_id, "No such loan.")


def locked_loan(org_id: int, loan_id: int) -> Loan:
    """The loan row under a row lock, fresh from the database (another officer may just have paid)."""
    return get_in_org(Loan, org_id, loan_id, "No such loan.", lock=True)


def product_of(loan: Loan) -> LoanProduct:
    return db.session.get(LoanProduct, loan.product_id)


def installments(loan_id: int) -> list[Installment]:
    return list(db.session.scalars(select(Installment).where(Installment.loan_id == loan_id)
                                   .order_by(Installment.number).execution_options(populate_existing=True)))


def transactions(loan_id: int) -> list[LoanTransaction]:
    return list(db.session.scalars(select(LoanTransaction).where(LoanTransaction.loan_id == loan_id)
                                   .order_by(LoanTransaction.id)))


def loans_of_member(org_id: int, member_id: int) -> list[Loan]:
    return list(db.session.scalars(select(Loan).where(Loan.org_id == org_id, Loan.member_id == member_id)
                                   .order_by(Loan.id.desc())))


def search_loans(org_id: int, *, status: str | None = None, member_id: int | None = None,
                 limit: int = 200, offset: int = 0) -> list[Loan]:
    query = select(Loan).where(Loan.org_id == org_id)
    if status:
        query = query.where(Loan.status == status)
    if member_id:
        query = query.where(Loan.member_id == member_id)
    return list(db.session.scalars(query.order_by(Loan.id.desc()).limit(limit).offset(offset)))


def find_loan(org_id: int, text: str) -> Loan:
    """A loan typed on a form as L-000012, 000012 or 12."""
    digits = (text or "").strip().upper().removeprefix("L-").lstrip("0")
    number = int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 10 else None
    loan = db.session.get(Loan, number) if valid_id(number) else None
    if loan is None or loan.org_id != org_id:  # a form's typing mistake, not a missing page
        raise Invalid("No loan number %(text)s in this cooperative.", field="loan", values={"text": text})
    return loan


def next_installment(loan_id: int) -> Installment | None:
    return db.session.scalar(select(Installment).where(Installment.loan_id == loan_id, Installment.settled.is_(False))
                             .order_by(Installment.number).limit(1))


def successor_of(loan: Loan) -> Loan | None:
    """The loan a restructuring replaced this one with."""
    return db.session.scalar(select(Loan).where(Loan.restructured_from_id == loan.id))


def open_loans(org_id: int, member_id: int, product_id: int | None = None) -> list[Loan]:
    query = select(Loan).where(Loan.org_id == org_id, Loan.member_id == member_id, Loan.status.in_(OPEN_STATUSES))
    if product_id is not None:
        query = query.where(Loan.product_id == product_id)
    return list(db.session.scalars(query))


def transaction_by_key(org_id: int, key: str | None) -> LoanTransaction | None:
    if not key:
        return None
    return db.session.scalar(select(LoanTransaction).where(LoanTransaction.org_id == org_id,
                                                           LoanTransaction.idempotency_key == key))


def replayed(org_id: int, key: str | None, matches: Callable[[LoanTransaction], bool]) -> LoanTransaction | None:
    """The transaction this idempotency key already made, if any; Conflict if it was made for something else."""
    replay = transaction_by_key(org_id, key)
    if replay is not None and not matches(replay):
        raise Conflict("This idempotency key was already used for something else.", field="idempotency_key")
    return replay


def ledger_key(key: str | None, suffix: str = "") -> str | None:
    return None if not key else f"loans:{key}{suffix}"[:100]


# ---------------------------------------------------------------- checks shared by every way of borrowing


def check_amount(amount) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise Invalid("The amount must be more than zero.", field="amount")


def check_standing(org_id: int, member_id: int, on: date) -> None:
    found = members.standing(org_id, member_id, on)
    if not found.good:
        raise NotInGoodStanding("The member is not in good standing: %(reasons)s.", field="member_id",
                                values={"reasons": found.reasons})


def lock_borrower(org_id: int, member_id: int) -> None:
    """Serialise the opening of loans for one member, so two at once cannot both pass a limit."""
    insert_ignore(LoanBorrower, [{"org_id": org_id, "member_id": member_id}], ["org_id", "member_id"])
    db.session.execute(select(LoanBorrower.id).where(LoanBorrower.org_id == org_id,
                                                     LoanBorrower.member_id == member_id).with_for_update())


# ---------------------------------------------------------------- schedules


def schedule_of(loan: Loan, start: date) -> list[sched.Row]:
    """The schedule this loan's terms give from `start` (a preview, or the one fixed at release)."""
    return sched.build(loan.amount, start, frequency=loan.frequency, count=loan.term_count,
                       method=loan.interest_method, rate_bp=loan.interest_rate_bp, term_days=loan.term_days,
                       rounding=loan.installment_rounding or "nearest")


def write_schedule(loan: Loan, start: date) -> list[Installment]:
    rows = schedule_of(loan, start)
    made = [Installment(org_id=loan.org_id, loan_id=loan.id, number=row.number, due_on=row.due_on,
                        principal_due=row.principal, interest_due=row.interest) for row in rows]
    db.session.add_all(made)
    loan.principal_due = sum(row.principal for row in rows)
    loan.interest_due = sum(row.interest for row in rows)
    loan.maturity_on = rows[-1].due_on
    loan.next_due_on = rows[0].due_on
    db.session.flush()
    return made


def refresh_progress(loan: Loan, on: date) -> None:
    """Settle paid installments, move the next due date, and close the loan when nothing is owed."""
    open_dates = []
    for inst in installments(loan.id):
        now_settled = inst.balance == 0
        if now_settled and not inst.settled:
            inst.paid_on = on
        elif not now_settled:
            inst.paid_on = None
            open_dates.append(inst.due_on)
        inst.settled = now_settled
    loan.next_due_on = min(open_dates) if open_dates else None
    if loan.status == "active" and loan.outstanding == 0:
        loan.status, loan.closed_on, loan.days_past_due = "closed", on, 0
    elif loan.status == "closed" and loan.outstanding > 0:  # a reversed payment reopens the loan
        loan.status, loan.closed_on = "active", None
    db.session.flush()
