"""Loans brought from the old books at the cut-over: running, with what is left of their schedule.

A cooperative moving to coop has members half-way through their loans. Such a loan is opened here as
it stands: active, released on its old date, each installment with what was due and what was already
paid. The ledger gets only what is still owed on principal at the cut-over (Dr the product's receivable
on her party, Cr opening balances clearing); interest is income when it is collected, as for every loan.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


from ...audit import services as audit
from ...errors import Invalid, Sentence, Words
from ...extensions import db
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ...members import services as members
from ..models import Installment, Loan, LoanTransaction
from .base import SOURCE, ledger_key, lock_borrower, refresh_progress, transaction_by_key
from .products import get_product

OPENING = "opening_balance_clearing"


@dataclass(frozen=True)
class OpeningInstallment:
    due_on: date
    principal_due: int
    interest_due: int = 0
    principal_paid: int = 0
    interest_paid: int = 0


def loan_imported(org_id: int, reference: str) -> bool:
    return transaction_by_key(org_id, _key(reference)) is not None


def _key(reference: str) -> str:
    return f"opening:{reference}"[:100]


def check_opening_schedule(released_on: date, as_of: date, amount: int,
                           schedule: list[OpeningInstallment]) -> Sentence | None:
    """What is wrong with a running loan's figures, in words, or None."""
    if not schedule:
        return Sentence("A running loan needs its installments.")
    if released_on > as_of:
        return Sentence("A running loan was released on or before the cut-over date.")
    if sum(i.principal_due for i in schedule) != amount:
        return Sentence("The installments' principal must add up to the amount lent.")
    for inst in schedule:
        if min(inst.principal_due, inst.interest_due, inst.principal_paid, inst.interest_paid) < 0:
            return Sentence("Amounts cannot be negative.")
        if inst.principal_paid > inst.principal_due or inst.interest_paid > inst.interest_due:
            return Sentence("An installment cannot be paid more than was due.")
        if inst.due_on < released_on:
            return Sentence("An installment falls due after the release.")
    if sum(i.principal_due - i.principal_paid for i in schedule) == 0:
        return Sentence("This loan is fully paid: leave it in the old books.")
    return None


def open_running_loan(org_id: int, *, member_id: int, product_id: int, released_on: date, as_of: date,
                      amount: int, schedule: list[OpeningInstallment], reference: str,
                      actor_id: int | None) -> Loan:
    """One running loan from the old books (`reference`, its number there, makes a second run a no-op)."""
    done = transaction_by_key(org_id, _key(reference))
    if done is not None:
        return db.session.get(Loan, done.loan_id)
    problem = check_opening_schedule(released_on, as_of, amount, schedule)
    if problem:
        raise Invalid(problem, field="schedule")
    ledger.check_date(org_id, as_of, field="as_of", what=Words("The cut-over"))
    product = get_product(org_id, product_id)
    member = members.get_member(org_id, member_id)
    lock_borrower(org_id, member_id)
    schedule = sorted(schedule, key=lambda i: i.due_on)
    loan = Loan(org_id=org_id, member_id=member_id, party_id=members.member_party(member), product_id=product.id,
                status="active", amount=amount, purpose=f"Brought from the old books ({reference})"[:300],
                frequency=product.frequency, term_count=len(schedule), term_days=product.term_days,
                interest_method=product.interest_method, interest_rate_bp=product.interest_rate_bp, fee=0,
                receivable_account=product.receivable_account, applied_on=released_on, applied_by=actor_id,
                applied_via="import", decided_on=released_on, decided_by=actor_id, released_on=released_on,
                released_by=actor_id, maturity_on=schedule[-1].due_on,
                principal_due=sum(i.principal_due for i in schedule),
                interest_due=sum(i.interest_due for i in schedule),
                principal_paid=sum(i.principal_paid for i in schedule),
                interest_paid=sum(i.interest_paid for i in schedule), source="import", source_id=reference[:60])
    db.session.add(loan)
    db.session.flush()
    db.session.add_all(Installment(org_id=org_id, loan_id=loan.id, number=n, due_on=i.due_on,
                                   principal_due=i.principal_due, interest_due=i.interest_due,
                                   principal_paid=i.principal_paid, interest_paid=i.interest_paid)
                       for n, i in enumerate(schedule, start=1))
    owed = loan.principal_due - loan.principal_paid
    entry = ledger.post(Entry(org_id, as_of, f"Loan {loan.number} brought from the old books ({reference})"[:300],
                              (Line(loan.receivable_account, debit=owed, party_id=loan.party_id),
                               Line(OPENING, credit=owed)),
                              source=SOURCE, source_id=str(loan.id), idempotency_key=ledger_key(_key(reference))),
                        actor_id)
    loan.release_entry_id = entry.id
    db.session.add(LoanTransaction(org_id=org_id, loan_id=loan.id, kind="release", on_date=as_of, amount=owed,
                                   principal=owed, entry_id=entry.id, idempotency_key=_key(reference),
                                   actor_id=actor_id))
    db.session.flush()
    refresh_progress(loan, as_of)
    audit.record("loan.import", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id,
                 details={"reference": reference})
    return loan
