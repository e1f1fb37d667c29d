"""Lending: an application, its decision (maker-checker), its cancellation, and the release of the money."""
from __future__ import annotations

from datetime import date

from ...approvals import services as approvals
from ...audit import services as audit
from ...errors import Conflict, Forbidden, Invalid, Pesos, Status, Words
from ...extensions import db
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ...manifest import Execution
from ...members import services as members
from ...members import shares
from ...money import php_text
from ...receipts import services as receipts
from .. import disclosure
from .. import schedule as sched
from ..models import Loan, LoanProduct, LoanTransaction
from .base import (
    SOURCE,
    NotInGoodStanding,
    OverCap,
    check_amount,
    check_standing,
    get_loan,
    ledger_key,
    lock_borrower,
    locked_loan,
    open_loans,
    product_of,
    replayed,
    schedule_of,
    write_schedule,
)
from .comakers import add_comakers, check_comakers, check_standing_of, comakers_of
from .products import cap_for, cbu_for, fee_for, get_product


def check_application(org_id: int, member_id: int, product: LoanProduct, amount: int, term_count: int,
                      on: date, *, ignore_loan_id: int | None = None, comaker_ids: list[int] | None = None) -> None:
    """Every rule an application must pass; raises the first one it breaks."""
    check_amount(amount)
    if not product.active:
        raise Invalid("%(name)s is not offered at the moment.", field="product_id", values={"name": product.name})
    if product.code == "commodity":
        raise Invalid("Commodity loans are opened by a credit sale at the store.", field="product_id")
    member = members.get_member(org_id, member_id)
    if member.status != "active":
        raise NotInGoodStanding("Only active members may borrow; this membership is %(status)s.",
                                field="member_id", values={"status": Status(member.status)})
    check_standing(org_id, member_id, on)
    cap = cap_for(org_id, product, members.member_party(member))
    if amount > cap:
        raise OverCap("A loan of %(name)s is up to %(cap)s for this member.", field="amount",
                      values={"name": product.name, "cap": Pesos(cap)})
    if amount < product.min_amount:
        raise Invalid("A loan of %(name)s starts at %(min_amount)s.", field="amount",
                      values={"name": product.name, "min_amount": Pesos(product.min_amount)})
    if product.frequency != "lump_sum" and not 1 <= term_count <= product.max_term_count:
        raise Invalid("The term is 1 to %(max_term_count)s installments.", field="term_count",
                      values={"max_term_count": product.max_term_count})
    if product.max_open_loans:
        others = [loan for loan in open_loans(org_id, member_id, product.id) if loan.id != ignore_loan_id]
        if len(others) >= product.max_open_loans:
            raise Invalid("The member already has %(count)s open loans of %(lower)s (at most %(max_open_loans)s at a time).", field="product_id",
                          values={"count": len(others), "lower": product.name.lower(), "max_open_loans": product.max_open_loans})
    if comaker_ids is not None:
        check_comakers(org_id, product, member_id, comaker_ids, on)


def apply(org_id: int, member_id: int, product_id: int, amount: int, *, on: date, actor_id: int | None,
          term_count: int | None = None, purpose: str = "", via: str = "officer",
          comaker_ids: list[int] | tuple = ()) -> Loan:
    """An application, by an officer or by the member from her portal; another officer decides it.

    `comaker_ids`: the members who guarantee it, as many as the product requires."""
    product = get_product(org_id, product_id)
    term = product.term_count if term_count is None else term_count
    if via == "portal" and not product.member_can_apply:
        raise Forbidden("Apply for a loan of %(lower)s at the office.", values={"lower": product.name.lower()})
    if via == "portal" and product.comakers_required:
        raise Forbidden("Apply for this loan at the office, with your co-makers.")
    comaker_ids = list(comaker_ids)
    check_application(org_id, member_id, product, amount, term, on, comaker_ids=comaker_ids)
    lock_borrower(org_id, member_id)
    check_application(org_id, member_id, product, amount, term, on)  # under the lock: one open loan holds
    member = members.get_member(org_id, member_id)
    loan = Loan(org_id=org_id, member_id=member_id, party_id=members.member_party(member), product_id=product.id,
                status="applied", amount=amount, purpose=(purpose or "").strip()[:300] or None,
                frequency=product.frequency, term_count=1 if product.frequency == "lump_sum" else term,
                term_days=product.term_days, interest_method=product.interest_method,
                interest_rate_bp=product.interest_rate_bp, fee=fee_for(product, amount),
                cbu_retention=cbu_for(product, amount), installment_rounding=product.installment_rounding,
                receivable_account=product.receivable_account, applied_on=on, applied_by=actor_id, applied_via=via)
    db.session.add(loan)
    db.session.flush()
    add_comakers(loan, comaker_ids)
    audit.record("loan.apply", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id,
                 details={"via": via})
    approvals.hold(org_id, APPROVE_KIND, {"loan_id": loan.id}, maker_id=actor_id, subject=f"loan:{loan.id}",
                   amount=amount)
    return loan


def preview_schedule(loan: Loan, start: date) -> list[sched.Row]:
    return schedule_of(loan, start)


def _decide(org_id: int, loan_id: int, actor_id: int | None, on: date, reason: str, approve: bool) -> Loan:
    """The decision itself, run by coop.approvals once it has checked the checker (not the maker)."""
    loan = locked_loan(org_id, loan_id)
    if loan.status != "applied":
        raise Conflict("Loan %(number)s is already %(status)s.",
                       values={"number": loan.number, "status": Status(loan.status)})
    reason = (reason or "").strip()
    if not approve and not reason:
        raise Invalid("Give the reason for the rejection; the member is told.", field="reason")
    if on < loan.applied_on:
        raise Invalid("An application is decided on or after the day it was made (%(applied_on)s).",
                      field="on", values={"applied_on": loan.applied_on})
    if on > ledger.latest_date(org_id):
        raise Invalid("A decision cannot be dated after today.", field="on")
    if approve:
        check_application(org_id, loan.member_id, product_of(loan), loan.amount, loan.term_count, on,
                          ignore_loan_id=loan.id)
        check_standing_of(org_id, [comaker.id for comaker in comakers_of(loan)], on)
    loan.status = "approved" if approve else "rejected"
    loan.decided_on, loan.decided_by, loan.decision_reason = on, actor_id, reason[:300] or None
    db.session.flush()
    audit.record("loan.approve" if approve else "loan.reject", org_id=org_id, user_id=actor_id, target_type="loan",
                 target_id=loan.id)
    return loan


APPROVE_KIND = "loans.approve"


def execute_approval(run: Execution) -> Loan:
    return _decide(run.org_id, run.payload["loan_id"], run.actor_id, run.on, run.note, True)


def execute_rejection(run: Execution) -> Loan:
    return _decide(run.org_id, run.payload["loan_id"], run.actor_id, run.on, run.note, False)


def _pending_decision(org_id: int, loan_id: int) -> int:
    loan = get_loan(org_id, loan_id)
    if loan.status != "applied":
        raise Conflict("Loan %(number)s is already %(status)s.", values={"number": loan.number, "status": Status(loan.status)})
    return approvals.ensure_pending(org_id, APPROVE_KIND, f"loan:{loan.id}", {"loan_id": loan.id},
                                    maker_id=loan.applied_by, amount=loan.amount)


def approve(org_id: int, loan_id: int, *, actor_id: int | None, on: date, reason: str = "") -> Loan:
    """A second officer approves the application (coop.approvals: never the one who entered it)."""
    return approvals.approve(org_id, _pending_decision(org_id, loan_id), actor_id, on=on, note=reason).outcome


def reject(org_id: int, loan_id: int, *, actor_id: int | None, on: date, reason: str) -> Loan:
    return approvals.reject(org_id, _pending_decision(org_id, loan_id), actor_id, reason, on=on).outcome


def cancel(org_id: int, loan_id: int, *, actor_id: int | None, on: date, reason: str) -> Loan:
    """The member withdraws an application, or an approved loan is never released."""
    loan = locked_loan(org_id, loan_id)
    if loan.status not in ("applied", "approved"):
        raise Conflict("Loan %(number)s is %(status)s; only an application not yet released can be cancelled.",
                       values={"number": loan.number, "status": Status(loan.status)})
    if not (reason or "").strip():
        raise Invalid("Give the reason.", field="reason")
    waiting = approvals.pending_for(org_id, APPROVE_KIND, f"loan:{loan.id}")
    if waiting is not None:
        approvals.withdraw(org_id, waiting.id, actor_id)
    loan.status, loan.decision_reason, loan.decided_on = "cancelled", reason.strip()[:300], on
    audit.record("loan.cancel", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id)
    db.session.flush()
    return loan


def release(org_id: int, loan_id: int, *, on: date, actor_id: int | None, idempotency_key: str | None = None,
            cash_account: str = "cash_on_hand") -> Loan:
    """Hand over the money in one entry: Dr loans receivable (her party) for the whole loan; Cr cash for the
    net proceeds; Cr service fees for the fee; the capital build-up to her unpaid subscription first and to
    paid-up capital after (through the members' share capital). The fee and the capital build-up are
    money she pays out of the loan: one official receipt for both. The schedule is fixed now."""
    if replayed(org_id, idempotency_key, lambda t: t.loan_id == loan_id and t.kind == "release") is not None:
        return get_loan(org_id, loan_id)
    ledger.cash_account(org_id, cash_account, field="cash_account")
    loan = locked_loan(org_id, loan_id)
    if loan.status != "approved":
        raise Conflict("Loan %(number)s is %(status)s; only an approved loan is released.",
                       values={"number": loan.number, "status": Status(loan.status)})
    if on < loan.applied_on:
        raise Invalid("A loan is released on or after the day it was applied for.", field="on")
    if loan.decided_on is not None and on < loan.decided_on:
        raise Invalid("A loan is released on or after the day it was approved (%(decided_on)s).",
                      field="on", values={"decided_on": loan.decided_on})
    ledger.check_date(org_id, on, field="on", what=Words("A release"))
    lines = [Line(loan.receivable_account, debit=loan.amount, party_id=loan.party_id),
             Line(cash_account, credit=loan.net_proceeds)]
    if loan.fee:
        lines.append(Line("service_fees", credit=loan.fee, party_id=loan.party_id, memo="Service fee"))
    retention = None
    if loan.cbu_retention:
        retention = shares.retain_capital(org_id, loan.member_id, loan.cbu_retention, on=on, actor_id=actor_id,
                                          source=SOURCE, source_id=loan.id)
        lines.extend(retention.lines)
    entry = ledger.post(Entry(org_id, on, f"Release of loan {loan.number}", tuple(lines), source=SOURCE,
                              source_id=str(loan.id), idempotency_key=ledger_key(idempotency_key)), actor_id)
    receipt = _deductions_receipt(loan, on, actor_id) if loan.fee + loan.cbu_retention else None
    if retention is not None:
        shares.link_retention(org_id, retention.payment.id, entry_id=entry.id,
                              receipt_id=receipt.id if receipt else None)
    loan.status, loan.released_on, loan.released_by, loan.release_entry_id = "active", on, actor_id, entry.id
    write_schedule(loan, on)
    db.session.add(LoanTransaction(org_id=org_id, loan_id=loan.id, kind="release", on_date=on, amount=loan.amount,
                                   principal=loan.amount, entry_id=entry.id, idempotency_key=idempotency_key,
                                   receipt_id=receipt.id if receipt else None, actor_id=actor_id))
    audit.record("loan.release", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id)
    db.session.flush()
    return loan


def _deductions_receipt(loan: Loan, on: date, actor_id: int | None):
    """The official receipt for what she paid out of the loan at release: the fee and her capital build-up."""
    parts = []
    if loan.fee:
        parts.append(f"service fee {php_text(loan.fee)}")
    if loan.cbu_retention:
        parts.append(f"capital build-up {php_text(loan.cbu_retention)} (to her share capital)")
    member = members.get_member(loan.org_id, loan.member_id)
    return receipts.issue(loan.org_id, kind="loan_release", party_id=loan.party_id,
                          amount=loan.fee + loan.cbu_retention, on=on, source=SOURCE, source_id=loan.id,
                          actor_id=actor_id, received_from=member.name,
                          description=f"Loan {loan.number}, deducted at release: " + ", ".join(parts))


def disclosure_of(loan: Loan, on: date) -> disclosure.Disclosure:
    """Her Truth in Lending disclosure: from the fixed schedule once released, else as if released on `on`."""
    start = loan.released_on or on
    return disclosure.disclose(loan.amount, loan.fee, loan.cbu_retention, schedule_of(loan, start), start,
                               loan.frequency)
