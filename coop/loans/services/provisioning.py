"""The allowance for probable losses: set at each month end from the aging by the policy's rates, consumed by
write-offs (never below zero), and what is recovered on a written-off loan is income.

The default rates are the CDA's (the PESOS standard for cooperatives with credit operations): 35% of the
loans one to twelve months past due, 100% of those past due more than a year; current loans none. Each
aging bucket has its own setting (`loans.provision_rate.<bucket>`, percent), so a board may be stricter.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from ...audit import services as audit
from ...errors import Conflict, Invalid, Month, Pesos, Status, Words
from ...extensions import db
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ...money import php_text
from ...orgs.services import get_setting
from ...receipts import services as receipts
from .. import schedule as sched
from ..models import Installment, Loan, LoanProvision, LoanTransaction
from .base import SOURCE, aging_bucket_of, check_amount, ledger_key, locked_loan, replayed

ALLOWANCE, PROVISION_EXPENSE, RECOVERY_INCOME = "allowance_probable_losses", "provision_probable_losses", "other_income"
PROVISION_SOURCE = "loans.provision"
BUCKETS = ("current",) + tuple(label for label, _low, _high in sched.AGING_BUCKETS)
# The CDA's schedule: 35% of loans 1 to 12 months past due, 100% of those more than a year past due.
CDA_RATES = {"current": 0, "1-30": 35, "31-60": 35, "61-90": 35, "91-180": 35, "181-365": 35, "over 365": 100}


def rate_setting(bucket: str) -> str:
    return "loans.provision_rate." + bucket.replace(" ", "_")


@dataclass(frozen=True)
class BucketLine:
    bucket: str
    loans: int
    outstanding: int  # principal still owed on the active loans in the bucket
    rate: float  # percent
    required: int


@dataclass(frozen=True)
class Provisioning:
    """What the allowance should be on a day, bucket by bucket, against what it is."""

    on: date
    lines: tuple[BucketLine, ...]
    required: int
    allowance: int  # the allowance's credit balance at the end of the day
    adjustment: int  # required - allowance: provide (> 0) or reverse (< 0)


def _required(outstanding: int, rate) -> int:
    return int((Decimal(outstanding) * Decimal(str(rate)) / 100).quantize(Decimal(1), ROUND_HALF_UP))


def provisioning(org_id: int, on: date) -> Provisioning:
    """The computation for a day: the active loans by aging bucket, each bucket's rate and what it requires."""
    bucket = aging_bucket_of(on).label("bucket")
    found = {label: (n, int(owed or 0)) for label, n, owed in db.session.execute(
        select(bucket, func.count(Loan.id), func.sum(Loan.principal_due - Loan.principal_paid))
        .where(Loan.org_id == org_id, Loan.status == "active").group_by(bucket))}
    lines = []
    for label in BUCKETS:
        count, owed = found.get(label, (0, 0))
        rate = get_setting(org_id, rate_setting(label))
        lines.append(BucketLine(label, count, owed, rate, _required(owed, rate)))
    required = sum(line.required for line in lines)
    allowance = ledger.balance_as_of(org_id, ALLOWANCE, on).credit_balance
    return Provisioning(on, tuple(lines), required, allowance, required - allowance)


# how each kind of loan transaction moves the principal outstanding (the allocation gives installments paid)
_PRINCIPAL_SIGN = {"release": 1, "restructure_in": 1, "reversal": 1, "repayment": -1, "goods_return": -1,
                   "write_off": -1, "restructure_out": -1}


def _bucket_on(on: date, oldest_due: date | None) -> str:
    if oldest_due is None or oldest_due >= on:
        return "current"
    days = (on - oldest_due).days
    for label, low, high in sched.AGING_BUCKETS:
        if days >= low and (high is None or days <= high):
            return label
    return "current"


def provisioning_as_of(org_id: int, on: date) -> Provisioning:
    """The same computation as `provisioning`, for a past day (a statement's year end): rebuilt from the
    loans' transactions dated on or before it, not from today's loan rows. A loan counts if it was released
    by then and still owed principal at the end of the day; its bucket is the days past due, that day, of
    the oldest installment its payments up to then had not covered (principal and interest, by the
    allocation each payment kept). The rates are the policy's today."""
    released = {loan_id for (loan_id,) in db.session.execute(
        select(Loan.id).where(Loan.org_id == org_id, Loan.released_on.is_not(None), Loan.released_on <= on))}
    owed: dict[int, int] = {}
    paid: dict[int, int] = {}  # installment id -> principal and interest paid by then
    for loan_id, kind, principal, allocation in db.session.execute(
            select(LoanTransaction.loan_id, LoanTransaction.kind, LoanTransaction.principal, LoanTransaction.allocation)
            .where(LoanTransaction.org_id == org_id, LoanTransaction.on_date <= on)):
        if loan_id not in released:
            continue
        owed[loan_id] = owed.get(loan_id, 0) + _PRINCIPAL_SIGN.get(kind, 0) * int(principal or 0)
        if kind in ("repayment", "reversal"):
            sign = 1 if kind == "repayment" else -1
            for part in allocation or ():
                paid[part[0]] = paid.get(part[0], 0) + sign * (int(part[1]) + int(part[2]))
    open_loans = {loan_id for loan_id, amount in owed.items() if amount > 0}
    oldest: dict[int, date] = {}
    if open_loans:
        for inst_id, loan_id, due_on, due in db.session.execute(
                select(Installment.id, Installment.loan_id, Installment.due_on,
                       Installment.principal_due + Installment.interest_due)
                .where(Installment.org_id == org_id).order_by(Installment.loan_id, Installment.due_on)):
            if loan_id in open_loans and loan_id not in oldest and paid.get(inst_id, 0) < int(due):
                oldest[loan_id] = due_on
    found: dict[str, list[int]] = {}
    for loan_id in open_loans:
        slot = found.setdefault(_bucket_on(on, oldest.get(loan_id)), [0, 0])
        slot[0] += 1
        slot[1] += owed[loan_id]
    lines = []
    for label in BUCKETS:
        count, amount = found.get(label, (0, 0))
        rate = get_setting(org_id, rate_setting(label))
        lines.append(BucketLine(label, count, amount, rate, _required(amount, rate)))
    required = sum(line.required for line in lines)
    allowance = ledger.balance_as_of(org_id, ALLOWANCE, on).credit_balance
    return Provisioning(on, tuple(lines), required, allowance, required - allowance)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _previous_month_end(day: date) -> date:
    return day.replace(day=1) - timedelta(days=1)


def provisions(org_id: int, limit: int = 24) -> list[LoanProvision]:
    return list(db.session.scalars(select(LoanProvision).where(LoanProvision.org_id == org_id)
                                   .order_by(LoanProvision.month_end.desc()).limit(limit)))


def provide(org_id: int, day: date, actor_id: int | None = None) -> LoanProvision:
    """Set the allowance for the month ending `day` (a month end): post provision expense for what is missing,
    or reverse the excess; the computation is kept. Once per month end."""
    if day != month_end(day):
        raise Invalid("The allowance is set at a month end.", field="on")
    if db.session.scalar(select(LoanProvision.id).where(LoanProvision.org_id == org_id,
                                                        LoanProvision.month_end == day)) is not None:
        raise Conflict("The allowance for %(month)s is already set.", values={"month": Month.of(day)})
    ledger.check_date(org_id, day, field="on", what=Words("A provision"))
    computed = provisioning(org_id, day)
    row = LoanProvision(org_id=org_id, month_end=day, required=computed.required, allowance_before=computed.allowance,
                        adjustment=computed.adjustment,
                        buckets=[{"bucket": line.bucket, "loans": line.loans, "outstanding": line.outstanding,
                                  "rate": line.rate, "required": line.required} for line in computed.lines])
    db.session.add(row)
    db.session.flush()
    if computed.adjustment:
        amount = abs(computed.adjustment)
        provide_more = computed.adjustment > 0
        memo = (f"Allowance for probable losses, {day:%B %Y}: required {php_text(computed.required)}, "
                f"held {php_text(computed.allowance)}")
        entry = ledger.post(Entry(org_id, day, memo, (
            Line(PROVISION_EXPENSE, debit=amount if provide_more else 0, credit=0 if provide_more else amount),
            Line(ALLOWANCE, credit=amount if provide_more else 0, debit=0 if provide_more else amount)),
            source=PROVISION_SOURCE, source_id=str(row.id), idempotency_key=f"loans:provision:{day.isoformat()}"),
            actor_id)
        row.entry_id = entry.id
    audit.record("loans.provision", org_id=org_id, user_id=actor_id, target_type="loan_provision", target_id=row.id,
                 details={"month_end": day.isoformat(), "adjustment": computed.adjustment})
    db.session.flush()
    return row


def month_end_provisioning(org_id: int, day: date) -> str:
    """The daily job: on a month end, and for every month end missed since the last one set (or only the
    latest, the first time), set the allowance; months already closed are left as they are."""
    latest = db.session.scalar(select(func.max(LoanProvision.month_end)).where(LoanProvision.org_id == org_id))
    target = day if day == month_end(day) else _previous_month_end(day)
    due = []
    current = target
    while latest is None or current > latest:
        due.append(current)
        if latest is None:
            break
        current = _previous_month_end(current)
    done = []
    for end in reversed(due):
        if ledger.is_closed(org_id, end):
            continue
        done.append(provide(org_id, end))
    return "; ".join(f"{row.month_end:%Y-%m}: {php_text(row.adjustment)}" for row in done) or "nothing to set"


def consume_allowance(org_id: int, amount: int, memo: str) -> tuple[tuple[Line, ...], int]:
    """The lines that charge a write-off of `amount` to the allowance: up to what it holds (read under its
    row lock), the rest provided in the same entry, so the allowance never goes below zero; and what the
    allowance gave (the write-off keeps it, for `coop ledger check`)."""
    held = max(ledger.locked_balance(org_id, ALLOWANCE).credit_balance, 0)
    used = min(held, amount)
    lines = []
    if used:
        lines.append(Line(ALLOWANCE, debit=used, memo=memo))
    if amount - used:
        lines.append(Line(PROVISION_EXPENSE, debit=amount - used, memo=f"{memo}: beyond the allowance"))
    return tuple(lines), used



# ---------------------------------------------------------------- recoveries


def recovered_so_far(loan_id: int) -> int:
    return int(db.session.scalar(select(func.coalesce(func.sum(LoanTransaction.amount), 0)).where(
        LoanTransaction.loan_id == loan_id, LoanTransaction.kind == "recovery")) or 0)


def written_off(loan_id: int) -> int:
    return int(db.session.scalar(select(func.coalesce(func.sum(LoanTransaction.amount), 0)).where(
        LoanTransaction.loan_id == loan_id, LoanTransaction.kind == "write_off")) or 0)


def recover(org_id: int, loan_id: int, amount: int, *, on: date, actor_id: int | None,
            idempotency_key: str | None = None, cash_account: str = "cash_on_hand",
            received_from: str = "") -> LoanTransaction:
    """Money received on a written-off loan is income (the loan stays written off), with its official receipt,
    up to what was written off."""
    replay = replayed(org_id, idempotency_key,
                      lambda t: t.loan_id == loan_id and t.amount == amount and t.kind == "recovery")
    if replay is not None:
        return replay
    check_amount(amount)
    ledger.cash_account(org_id, cash_account, field="cash_account")
    loan = locked_loan(org_id, loan_id)
    if loan.status != "written_off":
        raise Invalid("Loan %(number)s is %(status)s; recoveries are taken on written-off loans.",
                      values={"number": loan.number, "status": Status(loan.status)})
    left = written_off(loan.id) - recovered_so_far(loan.id)
    if amount > left:
        raise Invalid("%(amount)s is more than the %(left)s written off and not yet recovered.", field="amount",
                      values={"amount": Pesos(amount), "left": Pesos(left)})
    if loan.closed_on and on < loan.closed_on:
        raise Invalid("A recovery cannot be dated before the write-off.", field="on")
    ledger.check_date(org_id, on, field="on", what=Words("A recovery"))
    entry = ledger.post(Entry(org_id, on, f"Recovery on written-off loan {loan.number}", (
        Line(cash_account, debit=amount),
        Line(RECOVERY_INCOME, credit=amount, party_id=loan.party_id, memo="Recovery of a loan written off")),
        source=SOURCE, source_id=str(loan.id), idempotency_key=ledger_key(idempotency_key)), actor_id)
    receipt = receipts.issue(org_id, kind="loan_repayment", party_id=loan.party_id, amount=amount, on=on,
                             source=SOURCE, source_id=loan.id, description=f"Recovery on loan {loan.number}",
                             actor_id=actor_id, received_from=received_from)
    txn = LoanTransaction(org_id=org_id, loan_id=loan.id, kind="recovery", on_date=on, amount=amount,
                          entry_id=entry.id, receipt_id=receipt.id, idempotency_key=idempotency_key,
                          actor_id=actor_id)
    db.session.add(txn)
    audit.record("loan.recover", org_id=org_id, user_id=actor_id, target_type="loan", target_id=loan.id)
    db.session.flush()
    return txn
