"""Repayments: a payment on a loan with its official receipt, and the reversal of one recorded by mistake."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select

from ...audit import services as audit
from ...errors import Conflict, Invalid, Pesos, Status
from ...extensions import db
from ...kernel import get_in_org
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ...receipts import services as receipts
from .. import schedule as sched
from ..models import Installment, Loan, LoanTransaction
from .base import (
    SOURCE,
    Overpayment,
    check_amount,
    installments,
    ledger_key,
    locked_loan,
    refresh_progress,
    replayed,
)


def _open_installments(loan_id: int) -> list[Installment]:
    return [inst for inst in installments(loan_id) if not inst.settled]


def _collection_lines(loan: Loan, parts: list[sched.Allocation]) -> list[Line]:
    """The credit side of a payment on `loan`, split as `parts` say: the principal to the receivable where it
    sits now, interest, the accrued penalties' receivable, penalty income for the rest."""
    principal = sum(p.principal for p in parts)
    interest = sum(p.interest for p in parts)
    penalty = sum(p.penalty for p in parts)
    accrued = sum(p.accrued_penalty for p in parts)
    lines = []
    if principal:
        lines.append(Line(loan.receivable_account, credit=principal, party_id=loan.party_id, memo="Principal"))
    if interest:
        lines.append(Line("interest_income_loans", credit=interest, party_id=loan.party_id, memo="Interest"))
    if accrued:
        lines.append(Line("accounts_receivable_members", credit=accrued, party_id=loan.party_id,
                          memo="Penalty (accrued)"))
    if penalty - accrued:
        lines.append(Line("fines_penalties", credit=penalty - accrued, party_id=loan.party_id, memo="Penalty"))
    return lines


def _apply_parts(loan: Loan, parts: list[sched.Allocation], sign: int) -> None:
    """Add (sign=1) or take back (sign=-1) the parts of a payment on the installments and the loan's totals."""
    by_id = {inst.id: inst for inst in installments(loan.id)}
    for part in parts:
        inst = by_id[part.installment_id]
        inst.principal_paid += sign * part.principal
        inst.interest_paid += sign * part.interest
        inst.penalty_paid += sign * part.penalty
        inst.penalty_accrued_paid += sign * part.accrued_penalty
    loan.principal_paid += sign * sum(p.principal for p in parts)
    loan.interest_paid += sign * sum(p.interest for p in parts)
    loan.penalty_paid += sign * sum(p.penalty for p in parts)


def repay(org_id: int, loan_id: int, amount: int, *, on: date, actor_id: int | None,
          idempotency_key: str | None = None, cash_account: str = "cash_on_hand",
          received_from: str = "", paid_from: Line | None = None) -> LoanTransaction:
    """Any amount up to what is owed: penalties, interest, then principal, oldest installment first.

    Issues the official receipt in the same transaction. `paid_from` is the debit line that funds the payment
    when it is not cash (a transfer from her savings, coop.savings): the payment is still one entry. The loan row is locked first, so two
    officers recording payments on one loan at once are applied one after the other.
    """
    replay = replayed(org_id, idempotency_key,
                      lambda t: t.loan_id == loan_id and t.amount == amount and t.kind == "repayment")
    if replay is not None:
        return replay
    check_amount(amount)
    if paid_from is None:
        ledger.cash_account(org_id, cash_account, field="cash_account")
    loan = locked_loan(org_id, loan_id)
    if loan.status != "active":
        raise Invalid("Loan %(number)s is %(status)s; payments are taken on active loans only.",
                      values={"number": loan.number, "status": Status(loan.status)})
    if amount > loan.outstanding:
        raise Overpayment("%(amount)s is more than the %(outstanding)s still owed on loan %(number)s.", field="amount",
                          values={"amount": Pesos(amount), "outstanding": Pesos(loan.outstanding), "number": loan.number})
    if loan.released_on and on < loan.released_on:
        raise Invalid("A payment cannot be dated before the loan was released.", field="on")
    parts = sched.allocate(amount, _open_installments(loan.id))
    lines = [paid_from or Line(cash_account, debit=amount), *_collection_lines(loan, parts)]
    entry = ledger.post(Entry(org_id, on, f"Payment on loan {loan.number}", tuple(lines), source=SOURCE,
                              source_id=str(loan.id), idempotency_key=ledger_key(idempotency_key)), actor_id)
    _apply_parts(loan, parts, 1)
    receipt = receipts.issue(org_id, kind="loan_repayment", party_id=loan.party_id, amount=amount, on=on,
                             source=SOURCE, source_id=loan.id, description=f"Payment on loan {loan.number}",
                             actor_id=actor_id, received_from=received_from)
    txn = LoanTransaction(org_id=org_id, loan_id=loan.id, kind="repayment", on_date=on, amount=amount,
                          principal=sum(p.principal for p in parts), interest=sum(p.interest for p in parts),
                          penalty=sum(p.penalty for p in parts),
                          allocation=[[p.installment_id, p.principal, p.interest, p.penalty, p.accrued_penalty]
                                      for p in parts],
                          entry_id=entry.id, receipt_id=receipt.id, idempotency_key=idempotency_key,
                          actor_id=actor_id)
    db.session.add(txn)
    refresh_progress(loan, on)
    audit.record("loan.repay", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id)
    db.session.flush()
    return txn


def get_transaction(org_id: int, txn_id: int) -> LoanTransaction:
    return get_in_org(LoanTransaction, org_id, txn_id, "No such loan transaction.")


def reverse_repayment(org_id: int, txn_id: int, *, on: date, reason: str, actor_id: int | None,
                      idempotency_key: str | None = None) -> LoanTransaction:
    """Undo a payment recorded by mistake: the mirror entry, the receipt cancelled, the schedule as it was."""
    replay = replayed(org_id, idempotency_key, lambda t: t.reverses_id == txn_id)
    if replay is not None:
        return replay
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise Invalid("Give the reason for the reversal.", field="reason")
    txn = get_transaction(org_id, txn_id)
    loan = locked_loan(org_id, txn.loan_id)
    txn = db.session.scalar(select(LoanTransaction).where(LoanTransaction.id == txn_id)
                            .execution_options(populate_existing=True))
    if txn.kind != "repayment":
        raise Invalid("Only a payment can be reversed here.")
    if txn.reversed:
        raise Conflict("This payment is already reversed.")
    if loan.status not in ("active", "closed"):
        raise Invalid("Loan %(number)s is %(status)s; its payments can no longer be reversed.",
                      values={"number": loan.number, "status": Status(loan.status)})
    if on < txn.on_date:
        raise Invalid("A reversal cannot be dated before the payment it reverses (%(paid_on)s).", field="on",
                      values={"paid_on": txn.on_date})
    parts = [sched.Allocation(*row) for row in txn.allocation]
    # a payment's entry has one debit, the cash account it came into; the rest is rebuilt from the allocation,
    # so the principal goes back to wherever the loan's principal sits today (it may have moved to past due since)
    (cash,) = [line for line in ledger.get_entry(org_id, txn.entry_id).lines if line.debit]
    if not ledger.get_account(org_id, cash.account_id).is_cash:
        # paid from another domain's account (her savings): putting the money back there is that domain's
        # own movement, so the loan cannot undo it alone without the two disagreeing
        raise Conflict("This payment came from her savings account, not the cash box: deposit the amount back "
                       "to her savings and record the loan as it stands.")
    lines = [Line(cash.account_id, credit=cash.debit, party_id=cash.party_id, memo=cash.memo),
             *(replace(line, debit=line.credit, credit=line.debit) for line in _collection_lines(loan, parts))]
    entry = ledger.post(Entry(org_id, on, f"Reversal of a payment on loan {loan.number}: {reason}"[:300],
                              tuple(lines), source=SOURCE, source_id=str(loan.id),
                              idempotency_key=ledger_key(idempotency_key)), actor_id, reverses_id=txn.entry_id)
    _apply_parts(loan, parts, -1)
    txn.reversed = True
    if txn.receipt_id:
        receipts.cancel(org_id, txn.receipt_id, f"Payment reversed: {reason}", actor_id)
    mirror = LoanTransaction(org_id=org_id, loan_id=loan.id, kind="reversal", on_date=on, amount=txn.amount,
                             principal=txn.principal, interest=txn.interest, penalty=txn.penalty,
                             allocation=txn.allocation, entry_id=entry.id, reverses_id=txn.id, reason=reason[:300],
                             idempotency_key=idempotency_key, actor_id=actor_id)
    db.session.add(mirror)
    refresh_progress(loan, on)
    audit.record("loan.reverse_payment", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id,
                 details={"transaction": txn.id, "accrued_penalty": sum(p.accrued_penalty for p in parts)})
    db.session.flush()
    return mirror
