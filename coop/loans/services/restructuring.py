"""Write-offs and restructurings: one officer asks, a different one approves, and only then it runs."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ...approvals import services as approvals
from ...audit import services as audit
from ...errors import Conflict, Invalid, Status
from ...extensions import db
from ...kernel import get_in_org
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ...manifest import Execution
from ..models import FREQUENCIES, INTEREST_METHODS, Loan, LoanRequest, LoanTransaction
from .base import RESTRUCTURED_ACCOUNT, SOURCE, installments, locked_loan, write_schedule
from .provisioning import consume_allowance


def request_change(org_id: int, loan_id: int, kind: str, *, reason: str, actor_id: int | None, on: date,
                   terms: dict | None = None) -> LoanRequest:
    """Ask for a write-off or a restructuring; a different officer approves it and only then it runs."""
    if kind not in ("write_off", "restructure"):
        raise Invalid("A request is a write-off or a restructuring.", field="kind")
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise Invalid("Give the reason.", field="reason")
    loan = locked_loan(org_id, loan_id)
    if loan.status != "active":
        raise Invalid("Loan %(number)s is %(status)s; only an active loan can be written off or restructured.",
                      values={"number": loan.number, "status": Status(loan.status)})
    if db.session.scalar(select(LoanRequest.id).where(LoanRequest.loan_id == loan.id,
                                                      LoanRequest.status == "pending")):
        raise Conflict("Loan %(number)s already has a request waiting for approval.", values={"number": loan.number})
    if kind == "restructure":
        terms = _restructure_terms(loan, terms or {})
    request = LoanRequest(org_id=org_id, loan_id=loan.id, kind=kind, reason=reason[:300], terms=terms or {},
                          requested_by=actor_id, requested_on=on)
    db.session.add(request)
    db.session.flush()
    audit.record(f"loan.request_{kind}", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id)
    approvals.hold(org_id, KINDS[kind], _payload(request), maker_id=actor_id, subject=f"loan_request:{request.id}",
                   amount=loan.principal_outstanding)
    return request


KINDS = {"write_off": "loans.write_off", "restructure": "loans.restructure"}


def _payload(request: LoanRequest) -> dict:
    return {"request_id": request.id, "loan_id": request.loan_id}


def _restructure_terms(loan: Loan, terms: dict) -> dict:
    frequency = terms.get("frequency") or (loan.frequency if loan.frequency != "lump_sum" else "monthly")
    if frequency not in FREQUENCIES or frequency == "lump_sum":
        raise Invalid("A new schedule is weekly, semi-monthly or monthly.", field="frequency")
    count = int(terms.get("term_count") or loan.term_count or 1)
    if not 1 <= count <= 60:
        raise Invalid("The new term is 1 to 60 installments.", field="term_count")
    method = terms.get("interest_method") or loan.interest_method
    if method not in INTEREST_METHODS:
        raise Invalid("Interest is one of %(choices)s.", field="interest_method",
                      values={"choices": ', '.join(INTEREST_METHODS)})
    rate = int(terms.get("interest_rate_bp", loan.interest_rate_bp))
    if not 0 <= rate <= 10_000:
        raise Invalid("The interest rate is 0 to 100% a month.", field="interest_rate_bp")
    return {"frequency": frequency, "term_count": count, "interest_method": method, "interest_rate_bp": rate}


def pending_requests(org_id: int) -> list[LoanRequest]:
    return list(db.session.scalars(select(LoanRequest).where(LoanRequest.org_id == org_id,
                                                             LoanRequest.status == "pending").order_by(LoanRequest.id)))


def requests_of(loan_id: int) -> list[LoanRequest]:
    return list(db.session.scalars(select(LoanRequest).where(LoanRequest.loan_id == loan_id).order_by(LoanRequest.id)))


def decide_request(org_id: int, request_id: int, *, approve: bool, actor_id: int | None, on: date,
                   reason: str = "") -> LoanRequest:
    """A second officer approves (it runs then) or turns down the request, through coop.approvals."""
    request = get_in_org(LoanRequest, org_id, request_id, "No such request.")
    if request.status != "pending":
        raise Conflict("This request is already %(status)s.", values={"status": Status(request.status)})
    approval_id = approvals.ensure_pending(org_id, KINDS[request.kind], f"loan_request:{request.id}",
                                           _payload(request), maker_id=request.requested_by)
    if approve:
        return approvals.approve(org_id, approval_id, actor_id, on=on, note=reason).outcome
    return approvals.reject(org_id, approval_id, actor_id, reason, on=on).outcome


def execute_request(run: Execution) -> LoanRequest:
    return _decide_request(run.org_id, run.payload["request_id"], True, run.actor_id, run.on, run.note)


def execute_request_rejection(run: Execution) -> LoanRequest:
    return _decide_request(run.org_id, run.payload["request_id"], False, run.actor_id, run.on, run.note)


def _decide_request(org_id: int, request_id: int, approve: bool, actor_id: int | None, on: date,
                    reason: str) -> LoanRequest:
    request = get_in_org(LoanRequest, org_id, request_id, "No such request.")
    loan = locked_loan(org_id, request.loan_id)
    db.session.refresh(request)
    if request.status != "pending":
        raise Conflict("This request is already %(status)s.", values={"status": Status(request.status)})
    if not approve and not (reason or "").strip():
        raise Invalid("Give the reason for turning the request down.", field="reason")
    request.status = "approved" if approve else "rejected"
    request.decided_by, request.decided_on, request.decision_reason = actor_id, on, (reason or "").strip()[:300] or None
    if approve and request.kind == "write_off":
        _write_off(loan, request, on, actor_id)
    elif approve:
        request.result_loan_id = _restructure(loan, request, on, actor_id).id
    audit.record(f"loan.{request.kind}_{request.status}", org_id=org_id, user_id=actor_id, target_type="loan",
                 target_id=loan.id)
    db.session.flush()
    return request


def _open_accrued_penalties(loan: Loan) -> int:
    return sum(i.penalty_accrued - i.penalty_accrued_paid for i in installments(loan.id))


def _owed_lines(loan: Loan, principal: int, accrued: int) -> list[Line]:
    """Credit what the member still owes on `loan`: its principal and the penalties accrued as a receivable."""
    lines = []
    if principal:
        lines.append(Line(loan.receivable_account, credit=principal, party_id=loan.party_id, memo="Principal"))
    if accrued:
        lines.append(Line("accounts_receivable_members", credit=accrued, party_id=loan.party_id,
                          memo="Penalty (accrued)"))
    return lines


def _write_off(loan: Loan, request: LoanRequest, on: date, actor_id: int | None) -> None:
    """Charge what is still owed to the allowance for probable losses; the loan stays on file, written off."""
    if loan.status != "active":
        raise Conflict("Loan %(number)s is %(status)s.",
                       values={"number": loan.number, "status": Status(loan.status)})
    principal, accrued = loan.principal_outstanding, _open_accrued_penalties(loan)
    # the allowance takes it; what it does not hold is provided in the same entry, so it never goes negative
    charged, used = consume_allowance(loan.org_id, principal + accrued, f"Write-off of loan {loan.number}")
    lines = [*charged, *_owed_lines(loan, principal, accrued)]
    entry = ledger.post(Entry(loan.org_id, on, f"Write-off of loan {loan.number}: {request.reason}"[:300],
                              tuple(lines), source=SOURCE, source_id=str(loan.id),
                              idempotency_key=f"loans:write-off:{request.id}"), actor_id)
    db.session.add(LoanTransaction(org_id=loan.org_id, loan_id=loan.id, kind="write_off", on_date=on,
                                   amount=principal + accrued, principal=principal, penalty=accrued, entry_id=entry.id,
                                   allowance_used=used, reason=request.reason, actor_id=actor_id))
    loan.status, loan.closed_on = "written_off", on


def _restructure(loan: Loan, request: LoanRequest, on: date, actor_id: int | None) -> Loan:
    """A new loan for what is still owed (principal and accrued penalties), with a new schedule, linked to the old."""
    if loan.status != "active":
        raise Conflict("Loan %(number)s is %(status)s.",
                       values={"number": loan.number, "status": Status(loan.status)})
    principal, accrued = loan.principal_outstanding, _open_accrued_penalties(loan)
    terms = request.terms
    new = Loan(org_id=loan.org_id, member_id=loan.member_id, party_id=loan.party_id, product_id=loan.product_id,
               status="active", amount=principal + accrued, purpose=f"Restructuring of loan {loan.number}",
               frequency=terms["frequency"], term_count=terms["term_count"], term_days=0,
               interest_method=terms["interest_method"], interest_rate_bp=terms["interest_rate_bp"], fee=0,
               installment_rounding=loan.installment_rounding, receivable_account=RESTRUCTURED_ACCOUNT, applied_on=request.requested_on,
               applied_by=request.requested_by, applied_via="restructure", decided_on=on, decided_by=actor_id,
               decision_reason=request.reason, released_on=on, released_by=actor_id, restructured_from_id=loan.id)
    db.session.add(new)
    db.session.flush()
    lines = [Line(RESTRUCTURED_ACCOUNT, debit=new.amount, party_id=loan.party_id, memo="Principal"),
             *_owed_lines(loan, principal, accrued)]
    entry = ledger.post(Entry(loan.org_id, on, f"Loan {loan.number} restructured into {new.number}", tuple(lines),
                              source=SOURCE, source_id=str(loan.id),
                              idempotency_key=f"loans:restructure:{request.id}"), actor_id)
    new.release_entry_id = entry.id
    write_schedule(new, on)
    db.session.add_all([
        LoanTransaction(org_id=loan.org_id, loan_id=loan.id, kind="restructure_out", on_date=on, amount=new.amount,
                        principal=principal, penalty=accrued, entry_id=entry.id, reason=request.reason,
                        actor_id=actor_id),
        LoanTransaction(org_id=loan.org_id, loan_id=new.id, kind="restructure_in", on_date=on, amount=new.amount,
                        principal=new.amount, entry_id=entry.id, reason=request.reason, actor_id=actor_id)])
    loan.status, loan.closed_on = "restructured", on
    return new
