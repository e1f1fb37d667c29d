"""Commodity loans: the store's credit sales and the goods that come back (called by inventory)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ...audit import services as audit
from ...errors import Conflict, Invalid, Pesos, Status
from ...extensions import db
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ...members import services as members
from ...orgs.services import get_setting
from ..models import Loan, LoanTransaction
from .base import (
    OverCap,
    Overpayment,
    check_amount,
    check_standing,
    get_loan,
    installments,
    ledger_key,
    lock_borrower,
    locked_loan,
    open_loans,
    product_of,
    refresh_progress,
    replayed,
    write_schedule,
)
from .products import product_by_code


def commodity_outstanding(org_id: int, member_id: int) -> int:
    product = product_by_code(org_id, "commodity")
    return sum(loan.principal_outstanding for loan in open_loans(org_id, member_id, product.id))


def _check_commodity_limit(org_id: int, member_id: int, amount: int) -> None:
    limit = get_setting(org_id, "loans.commodity_credit_limit")
    owed = commodity_outstanding(org_id, member_id)
    if owed + amount > limit:
        raise OverCap("Over the commodity credit limit of %(limit)s: the member still owes %(owed)s on goods; at most "
                      "%(amount)s more on credit.",
                      field="amount",
                      values={"limit": Pesos(limit), "owed": Pesos(owed), "amount": Pesos(max(limit - owed, 0))})


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
    check_amount(amount)
    member = members.get_member(org_id, member_id)
    product = product_by_code(org_id, "commodity")
    if not product.active:
        raise Invalid("Commodity loans are switched off for this cooperative.")
    check_standing(org_id, member_id, on)
    _check_commodity_limit(org_id, member_id, amount)
    lock_borrower(org_id, member_id)
    _check_commodity_limit(org_id, member_id, amount)  # again under the lock: another sale may just have passed
    party_id = members.member_party(member)
    source_key = None if source_id is None else str(source_id)
    entry = ledger.post(Entry(
        org_id, on, memo, (Line(product.receivable_account, debit=amount, party_id=party_id), *goods_lines),
        source=source, source_id=source_key, idempotency_key=ledger_key(idempotency_key)), actor_id)
    loan = Loan(org_id=org_id, member_id=member_id, party_id=party_id, product_id=product.id, status="active",
                amount=amount, purpose=memo[:300], frequency="lump_sum", term_count=1, term_days=product.term_days,
                interest_method=product.interest_method, interest_rate_bp=product.interest_rate_bp, fee=0,
                installment_rounding=product.installment_rounding,
                receivable_account=product.receivable_account, applied_on=on, applied_by=actor_id,
                applied_via="store", decided_on=on, released_on=on, released_by=actor_id, release_entry_id=entry.id,
                source=source, source_id=source_key, idempotency_key=idempotency_key)
    db.session.add(loan)
    db.session.flush()
    write_schedule(loan, on)
    db.session.add(LoanTransaction(org_id=org_id, loan_id=loan.id, kind="release", on_date=on, amount=amount,
                                   principal=amount, entry_id=entry.id, actor_id=actor_id))
    audit.record("loan.open_commodity", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id,
                 details={"source": source, "source_id": source_key})
    db.session.flush()
    return loan


def return_commodity_goods(org_id: int, loan_id: int, amount: int, on: date, *, goods_lines: tuple[Line, ...],
                           memo: str, source: str | None, source_id, idempotency_key: str | None,
                           actor_id: int | None) -> Loan:
    """Goods bought on credit come back: what she owes goes down by `amount` (never below zero).

    Posts Cr the loan's receivable (her party) for `amount` plus the store's lines (Dr sales
    returns, Dr merchandise inventory, Cr cost of sales).
    """
    if replayed(org_id, idempotency_key,
                lambda t: t.loan_id == loan_id and t.amount == amount and t.kind == "goods_return") is not None:
        return get_loan(org_id, loan_id)
    check_amount(amount)
    loan = locked_loan(org_id, loan_id)
    if product_of(loan).code != "commodity":
        raise Invalid("Goods are returned against a commodity loan only.")
    if loan.status != "active":
        raise Invalid("Loan %(number)s is %(status)s; goods cannot be returned against it.",
                      values={"number": loan.number, "status": Status(loan.status)})
    if amount > loan.principal_outstanding:
        raise Overpayment("The return of %(amount)s is more than the %(principal_outstanding)s still owed on loan "
                          "%(number)s.", field="amount",
                          values={"amount": Pesos(amount), "principal_outstanding": Pesos(loan.principal_outstanding), "number": loan.number})
    entry = ledger.post(Entry(
        org_id, on, memo, (Line(loan.receivable_account, credit=amount, party_id=loan.party_id), *goods_lines),
        source=source, source_id=None if source_id is None else str(source_id),
        idempotency_key=ledger_key(idempotency_key)), actor_id)
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
    refresh_progress(loan, on)
    audit.record("loan.goods_return", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id)
    return loan
