"""The loans' verbs: products, applications, release, repayment, reversal, write-off, restructuring.

Plain values and the acting user's id in, records out, CoopErrors raised. Every peso moves through
`coop.ledger.services.post`; a loan's row is locked (SELECT ... FOR UPDATE) before its money moves,
so two officers recording payments at once are applied one after the other.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..audit import services as audit
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..ledger import services as ledger
from ..ledger.records import Entry, Line
from ..members import services as members
from ..orgs.services import get_setting, register_setting
from . import schedule as sched
from .models import (
    CAP_METHODS,
    FEE_METHODS,
    FREQUENCIES,
    INTEREST_METHODS,
    OPEN_STATUSES,
    PENALTY_METHODS,
    RECEIVABLE_ACCOUNTS,
    Installment,
    Loan,
    LoanBorrower,
    LoanProduct,
    LoanTransaction,
)

SOURCE = "loans"
PAST_DUE_ACCOUNT = "loans_receivable_past_due"
RESTRUCTURED_ACCOUNT = "loans_receivable_restructured"
COOPERATIVE = ("cooperative",)


class OverCap(Invalid):
    pass


class NotInGoodStanding(Invalid):
    pass


class Overpayment(Invalid):
    pass


# ---------------------------------------------------------------- policy and products


def register_policies() -> None:
    register_setting("loans.commodity_credit_limit", 500_000,
                     "Commodity credit limit per member (her unpaid commodity loans plus the new one)",
                     kind="money", org_kinds=COOPERATIVE)
    register_setting("loans.penalty_recognition", "collected",
                     "Loan penalties are income when collected (conservative) or accrued when assessed",
                     kind="choice", choices=("collected", "accrued"), org_kinds=COOPERATIVE)
    register_setting("loans.reminder_days_before", 3, "Days before a loan due date that the member is reminded",
                     kind="number", org_kinds=COOPERATIVE)


# The products every cooperative starts with; an admin edits them or adds others on the products page.
DEFAULT_PRODUCTS = {
    "commodity": dict(
        name="Commodity loan", receivable_account="loans_receivable_commodity", member_can_apply=False,
        cap_method="fixed", cap_amount=0, cap_ceiling=0, max_open_loans=0, frequency="lump_sum", term_count=1,
        max_term_count=1, term_days=15, interest_method="flat", interest_rate_bp=0, fee_method="none",
        penalty_method="rate", penalty_rate_bp=200, penalty_period_days=30, penalty_grace_days=0),
    "emergency": dict(
        name="Emergency loan", receivable_account="loans_receivable_emergency", member_can_apply=True,
        cap_method="fixed", cap_amount=200_000, cap_share_multiple_pct=100, cap_ceiling=200_000, max_open_loans=1,
        frequency="semi_monthly", term_count=6, max_term_count=12, term_days=0, interest_method="flat",
        interest_rate_bp=100, fee_method="none", penalty_method="rate", penalty_rate_bp=100,
        penalty_period_days=30, penalty_grace_days=3),
}


def ensure_products(org_id: int) -> None:
    """Give a cooperative its default products the first time loans are used."""
    existing = set(db.session.scalars(select(LoanProduct.code).where(LoanProduct.org_id == org_id)))
    for code, fields in DEFAULT_PRODUCTS.items():
        if code not in existing:
            db.session.add(LoanProduct(org_id=org_id, code=code, **fields))
    if len(existing) < len(DEFAULT_PRODUCTS):
        db.session.flush()


def list_products(org_id: int, active_only: bool = False) -> list[LoanProduct]:
    ensure_products(org_id)
    query = select(LoanProduct).where(LoanProduct.org_id == org_id)
    if active_only:
        query = query.where(LoanProduct.active.is_(True))
    return list(db.session.scalars(query.order_by(LoanProduct.id)))


def get_product(org_id: int, product_id: int) -> LoanProduct:
    product = db.session.get(LoanProduct, product_id)
    if product is None or product.org_id != org_id:
        raise NotFound("No such loan product.")
    return product


def product_by_code(org_id: int, code: str) -> LoanProduct:
    ensure_products(org_id)
    product = db.session.scalar(select(LoanProduct).where(LoanProduct.org_id == org_id, LoanProduct.code == code))
    if product is None:
        raise NotFound(f"No loan product {code}.")
    return product


# ---------------------------------------------------------------- reading loans


def get_loan(org_id: int, loan_id: int) -> Loan:
    loan = db.session.get(Loan, loan_id)
    if loan is None or loan.org_id != org_id:
        raise NotFound("No such loan.")
    return loan


def _locked_loan(org_id: int, loan_id: int) -> Loan:
    """The loan row under a row lock, fresh from the database (another officer may just have paid)."""
    loan = db.session.scalar(select(Loan).where(Loan.id == loan_id, Loan.org_id == org_id)
                             .with_for_update().execution_options(populate_existing=True))
    if loan is None:
        raise NotFound("No such loan.")
    return loan


def installments(loan_id: int) -> list[Installment]:
    return list(db.session.scalars(select(Installment).where(Installment.loan_id == loan_id)
                                   .order_by(Installment.number).execution_options(populate_existing=True)))


def transactions(loan_id: int) -> list[LoanTransaction]:
    return list(db.session.scalars(select(LoanTransaction).where(LoanTransaction.loan_id == loan_id)
                                   .order_by(LoanTransaction.id)))


def loans_of_member(org_id: int, member_id: int) -> list[Loan]:
    return list(db.session.scalars(select(Loan).where(Loan.org_id == org_id, Loan.member_id == member_id)
                                   .order_by(Loan.id.desc())))


def _open_loans(org_id: int, member_id: int, product_id: int | None = None) -> list[Loan]:
    query = select(Loan).where(Loan.org_id == org_id, Loan.member_id == member_id, Loan.status.in_(OPEN_STATUSES))
    if product_id is not None:
        query = query.where(Loan.product_id == product_id)
    return list(db.session.scalars(query))


def _transaction_by_key(org_id: int, key: str | None) -> LoanTransaction | None:
    if not key:
        return None
    return db.session.scalar(select(LoanTransaction).where(LoanTransaction.org_id == org_id,
                                                           LoanTransaction.idempotency_key == key))


def _ledger_key(key: str | None, suffix: str = "") -> str | None:
    return None if not key else f"loans:{key}{suffix}"[:100]


# ---------------------------------------------------------------- checks shared by every way of borrowing


def _check_amount(amount) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise Invalid("The amount must be more than zero.", field="amount")


def _check_standing(org_id: int, member_id: int, on: date) -> None:
    found = members.standing(org_id, member_id, on)
    if not found.good:
        raise NotInGoodStanding("The member is not in good standing: " + "; ".join(found.reasons) + ".",
                                field="member_id")


def _lock_borrower(org_id: int, member_id: int) -> None:
    """Serialise the opening of loans for one member, so two at once cannot both pass a limit."""
    make = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(make(LoanBorrower.__table__).values(org_id=org_id, member_id=member_id)
                       .on_conflict_do_nothing(index_elements=["org_id", "member_id"]))
    db.session.execute(select(LoanBorrower.id).where(LoanBorrower.org_id == org_id,
                                                     LoanBorrower.member_id == member_id).with_for_update())


def commodity_outstanding(org_id: int, member_id: int) -> int:
    product = product_by_code(org_id, "commodity")
    return sum(loan.principal_outstanding for loan in _open_loans(org_id, member_id, product.id))


def _check_commodity_limit(org_id: int, member_id: int, amount: int) -> None:
    limit = get_setting(org_id, "loans.commodity_credit_limit")
    owed = commodity_outstanding(org_id, member_id)
    if owed + amount > limit:
        raise OverCap(f"Over the commodity credit limit of PHP {limit / 100:,.2f}: the member still owes "
                      f"PHP {owed / 100:,.2f} on goods; at most PHP {max(limit - owed, 0) / 100:,.2f} more on credit.",
                      field="amount")


# ---------------------------------------------------------------- schedules


def _write_schedule(loan: Loan, start: date) -> list[Installment]:
    rows = sched.build(loan.amount, start, frequency=loan.frequency, count=loan.term_count,
                       method=loan.interest_method, rate_bp=loan.interest_rate_bp, term_days=loan.term_days)
    made = [Installment(org_id=loan.org_id, loan_id=loan.id, number=row.number, due_on=row.due_on,
                        principal_due=row.principal, interest_due=row.interest) for row in rows]
    db.session.add_all(made)
    loan.principal_due = sum(row.principal for row in rows)
    loan.interest_due = sum(row.interest for row in rows)
    loan.maturity_on = rows[-1].due_on
    loan.next_due_on = rows[0].due_on
    db.session.flush()
    return made


def _refresh_progress(loan: Loan, on: date) -> None:
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


# ---------------------------------------------------------------- commodity loans (called by the store)


def _replay_commodity_loan(org_id: int, key: str, member_id: int, amount: int) -> Loan | None:
    loan = db.session.scalar(select(Loan).where(Loan.org_id == org_id, Loan.idempotency_key == key))
    if loan is not None and (loan.member_id != member_id or loan.amount != amount):
        raise Conflict("This idempotency key was already used for a different loan.", field="idempotency_key")
    return loan


def open_commodity_loan(org_id: int, member_id: int, amount: int, on: date, *, goods_lines: tuple[Line, ...],
                        memo: str, source: str | None, source_id, idempotency_key: str | None,
                        actor_id: int | None) -> Loan:
    """A credit sale: the member takes goods now and pays within the product's term (15 days).

    Posts one entry: Dr the commodity receivable (her party) for `amount` plus the store's lines
    (Cr sales, Dr cost of sales, Cr merchandise inventory). Refused, writing nothing, when she is
    not in good standing or the amount would take her over the commodity credit limit.
    """
    if idempotency_key:
        replay = _replay_commodity_loan(org_id, idempotency_key, member_id, amount)
        if replay is not None:
            return replay
    _check_amount(amount)
    member = members.get_member(org_id, member_id)
    product = product_by_code(org_id, "commodity")
    if not product.active:
        raise Invalid("Commodity loans are switched off for this cooperative.")
    _check_standing(org_id, member_id, on)
    _check_commodity_limit(org_id, member_id, amount)
    _lock_borrower(org_id, member_id)
    _check_commodity_limit(org_id, member_id, amount)  # again under the lock: another sale may just have passed
    party_id = members.member_party(member)
    entry = ledger.post(Entry(
        org_id, on, memo, (Line(product.receivable_account, debit=amount, party_id=party_id), *goods_lines),
        source=source, source_id=None if source_id is None else str(source_id),
        idempotency_key=_ledger_key(idempotency_key)), actor_id)
    loan = Loan(org_id=org_id, member_id=member_id, party_id=party_id, product_id=product.id, status="active",
                amount=amount, purpose=memo[:300], frequency="lump_sum", term_count=1, term_days=product.term_days,
                interest_method=product.interest_method, interest_rate_bp=product.interest_rate_bp, fee=0,
                receivable_account=product.receivable_account, applied_on=on, applied_by=actor_id,
                applied_via="store", decided_on=on, released_on=on, released_by=actor_id, release_entry_id=entry.id,
                source=source, source_id=None if source_id is None else str(source_id),
                idempotency_key=idempotency_key)
    db.session.add(loan)
    db.session.flush()
    _write_schedule(loan, on)
    db.session.add(LoanTransaction(org_id=org_id, loan_id=loan.id, kind="release", on_date=on, amount=amount,
                                   principal=amount, entry_id=entry.id, actor_id=actor_id))
    audit.record("loan.open_commodity", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id,
                 details={"source": source, "source_id": None if source_id is None else str(source_id)})
    db.session.flush()
    return loan


def return_commodity_goods(org_id: int, loan_id: int, amount: int, on: date, *, goods_lines: tuple[Line, ...],
                           memo: str, source: str | None, source_id, idempotency_key: str | None,
                           actor_id: int | None) -> Loan:
    """Goods bought on credit come back: what she owes goes down by `amount` (never below zero).

    Posts Cr the loan's receivable (her party) for `amount` plus the store's lines (Dr sales
    returns, Dr merchandise inventory, Cr cost of sales).
    """
    replay = _transaction_by_key(org_id, idempotency_key)
    if replay is not None:
        if replay.loan_id != loan_id or replay.amount != amount or replay.kind != "goods_return":
            raise Conflict("This idempotency key was already used for something else.", field="idempotency_key")
        return get_loan(org_id, loan_id)
    _check_amount(amount)
    loan = _locked_loan(org_id, loan_id)
    if product_of(loan).code != "commodity":
        raise Invalid("Goods are returned against a commodity loan only.")
    if loan.status != "active":
        raise Invalid(f"Loan {loan.number} is {loan.status}; goods cannot be returned against it.")
    if amount > loan.principal_outstanding:
        raise Overpayment(f"The return of PHP {amount / 100:,.2f} is more than the PHP "
                          f"{loan.principal_outstanding / 100:,.2f} still owed on loan {loan.number}.", field="amount")
    entry = ledger.post(Entry(
        org_id, on, memo, (Line(loan.receivable_account, credit=amount, party_id=loan.party_id), *goods_lines),
        source=source, source_id=None if source_id is None else str(source_id),
        idempotency_key=_ledger_key(idempotency_key)), actor_id)
    # the goods come off the latest installments first: the member's nearest due date keeps its amount
    remaining, allocation = amount, []
    for inst in reversed(installments(loan.id)):
        part = min(inst.principal_due - inst.principal_paid, remaining)
        if part > 0:
            inst.principal_due -= part
            allocation.append([inst.id, part, 0, 0, 0])
            remaining -= part
    loan.principal_due -= amount
    db.session.add(LoanTransaction(org_id=org_id, loan_id=loan.id, kind="goods_return", on_date=on, amount=amount,
                                   principal=amount, allocation=allocation, entry_id=entry.id,
                                   idempotency_key=idempotency_key, actor_id=actor_id))
    _refresh_progress(loan, on)
    audit.record("loan.goods_return", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id)
    return loan


def product_of(loan: Loan) -> LoanProduct:
    return db.session.get(LoanProduct, loan.product_id)


# ---------------------------------------------------------------- good standing


def arrears_reasons(org_id: int, member_id: int, on: date) -> list[str]:
    """The members' standing check: a loan with an installment unpaid after its due date."""
    late = db.session.scalar(
        select(func.count(Installment.id)).join(Loan, Loan.id == Installment.loan_id)
        .where(Loan.org_id == org_id, Loan.member_id == member_id, Loan.status == "active",
               Installment.settled.is_(False), Installment.due_on < on))
    return ["a loan installment is past due"] if late else []
