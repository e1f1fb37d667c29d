"""Loan products, loans, their schedules and every movement on them.

Money is centavos (BigInteger). A loan keeps running totals (due and paid, per component) updated in
the transaction that changes them, so what a member owes is read from one row.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

FREQUENCIES = ("lump_sum", "weekly", "semi_monthly", "monthly")
INTEREST_METHODS = ("flat", "diminishing")
CAP_METHODS = ("fixed", "share_multiple")
FEE_METHODS = ("none", "fixed", "percent")
PENALTY_METHODS = ("none", "rate", "fixed")
CBU_METHODS = ("none", "fixed", "percent")  # capital build-up retained at release
ROUNDINGS = ("nearest", "down")  # how equal installments are rounded (schedule.split_evenly)
RECEIVABLE_ACCOUNTS = ("loans_receivable_commodity", "loans_receivable_emergency", "loans_receivable_other")

# applied -> approved -> active -> closed; or rejected / cancelled before release; active -> written_off | restructured
LOAN_STATUSES = ("applied", "approved", "rejected", "cancelled", "active", "closed", "written_off", "restructured")
OPEN_STATUSES = ("applied", "approved", "active")


class LoanProduct(db.Model):
    """A kind of loan one cooperative offers; its numbers are the cooperative's policy, editable by an admin."""

    __tablename__ = "loan_product"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))  # commodity, emergency, or one an admin adds
    name: Mapped[str] = mapped_column(String(120))
    receivable_account: Mapped[str] = mapped_column(String(60))
    active: Mapped[bool] = mapped_column(default=True)
    member_can_apply: Mapped[bool] = mapped_column(default=False)  # from the member portal
    # cap: a fixed amount, or a multiple of the member's paid-up share capital, never above the ceiling
    cap_method: Mapped[str] = mapped_column(String(20), default="fixed")
    cap_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    cap_share_multiple_pct: Mapped[int] = mapped_column(default=0)  # 200 = twice her paid-up capital
    cap_ceiling: Mapped[int] = mapped_column(BigInteger, default=0)
    min_amount: Mapped[int] = mapped_column(BigInteger, default=100)
    max_open_loans: Mapped[int] = mapped_column(default=1)  # of this product per member; 0 = no limit
    frequency: Mapped[str] = mapped_column(String(20), default="monthly")
    term_count: Mapped[int] = mapped_column(default=1)  # installments (lump_sum: always 1)
    max_term_count: Mapped[int] = mapped_column(default=12)
    term_days: Mapped[int] = mapped_column(default=15)  # lump_sum only: days from release to the due date
    interest_method: Mapped[str] = mapped_column(String(20), default="flat")
    interest_rate_bp: Mapped[int] = mapped_column(default=0)  # basis points per month (100 = 1% a month)
    fee_method: Mapped[str] = mapped_column(String(20), default="none")
    fee_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    fee_rate_bp: Mapped[int] = mapped_column(default=0)
    penalty_method: Mapped[str] = mapped_column(String(20), default="none")
    penalty_rate_bp: Mapped[int] = mapped_column(default=0)  # of the overdue amount, per period
    penalty_amount: Mapped[int] = mapped_column(BigInteger, default=0)  # fixed, per period
    penalty_period_days: Mapped[int] = mapped_column(default=30)
    penalty_grace_days: Mapped[int] = mapped_column(default=0)
    installment_rounding: Mapped[str] = mapped_column(String(10), default="nearest")
    # capital build-up (CBU): a part of the loan retained at release toward her share capital
    cbu_method: Mapped[str] = mapped_column(String(20), default="none")
    cbu_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    cbu_rate_bp: Mapped[int] = mapped_column(default=0)
    comakers_required: Mapped[int] = mapped_column(default=0)  # 0, 1 or 2 members in good standing
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoanBorrower(db.Model):
    """One row per member who ever borrowed: locked while a loan is opened so limits hold under concurrency."""

    __tablename__ = "loan_borrower"
    __table_args__ = (UniqueConstraint("org_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))


class Loan(db.Model):
    __tablename__ = "loan"
    __table_args__ = (
        UniqueConstraint("org_id", "idempotency_key"),
        Index("ix_loan_org_status", "org_id", "status"),
        Index("ix_loan_org_member", "org_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("loan_product.id"))
    status: Mapped[str] = mapped_column(String(20), default="applied")
    amount: Mapped[int] = mapped_column(BigInteger)  # principal lent (gross: the fee is deducted at release)
    purpose: Mapped[str | None] = mapped_column(String(300))
    # terms fixed at application from the product (a later product change does not touch this loan)
    frequency: Mapped[str] = mapped_column(String(20))
    term_count: Mapped[int]
    term_days: Mapped[int] = mapped_column(default=0)
    interest_method: Mapped[str] = mapped_column(String(20))
    interest_rate_bp: Mapped[int] = mapped_column(default=0)
    fee: Mapped[int] = mapped_column(BigInteger, default=0)
    cbu_retention: Mapped[int] = mapped_column(BigInteger, default=0)  # retained at release toward her capital
    installment_rounding: Mapped[str] = mapped_column(String(10), default="nearest")
    receivable_account: Mapped[str] = mapped_column(String(60))  # where the principal sits now
    applied_on: Mapped[date]
    applied_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    applied_via: Mapped[str] = mapped_column(String(20), default="officer")  # officer | portal | store
    decided_on: Mapped[date | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decision_reason: Mapped[str | None] = mapped_column(String(300))
    released_on: Mapped[date | None]
    released_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    release_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    maturity_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    # running totals (centavos): what is owed is due - paid, per component
    principal_due: Mapped[int] = mapped_column(BigInteger, default=0)
    interest_due: Mapped[int] = mapped_column(BigInteger, default=0)
    penalty_due: Mapped[int] = mapped_column(BigInteger, default=0)
    principal_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    interest_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    penalty_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    days_past_due: Mapped[int] = mapped_column(default=0)  # of the oldest unpaid installment, set by end of day
    next_due_on: Mapped[date | None]
    restructured_from_id: Mapped[int | None] = mapped_column(ForeignKey("loan.id"))
    source: Mapped[str | None] = mapped_column(String(40))  # the store sale that created a commodity loan
    source_id: Mapped[str | None] = mapped_column(String(60))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def number(self) -> str:
        return f"L-{self.id:06d}"

    @property
    def outstanding(self) -> int:
        return self.principal_outstanding + self.interest_due - self.interest_paid + self.penalty_due - self.penalty_paid

    @property
    def net_proceeds(self) -> int:
        """The cash she takes home at release: the loan less the service fee and the capital build-up."""
        return self.amount - self.fee - self.cbu_retention

    @property
    def principal_outstanding(self) -> int:
        return self.principal_due - self.principal_paid

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class LoanComaker(db.Model):
    """A member who guarantees a loan: named on the application and the promissory note, told when it falls behind."""

    __tablename__ = "loan_comaker"
    __table_args__ = (UniqueConstraint("loan_id", "member_id"), Index("ix_loan_comaker_member", "org_id", "member_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    position: Mapped[int] = mapped_column(default=1)  # first or second co-maker
    notified_on: Mapped[date | None]  # the last day she was told the loan is in arrears


class Installment(db.Model):
    __tablename__ = "loan_installment"
    __table_args__ = (
        UniqueConstraint("loan_id", "number"),
        Index("ix_loan_installment_open_due", "org_id", "settled", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    number: Mapped[int]
    due_on: Mapped[date]
    principal_due: Mapped[int] = mapped_column(BigInteger)
    interest_due: Mapped[int] = mapped_column(BigInteger, default=0)
    penalty_due: Mapped[int] = mapped_column(BigInteger, default=0)
    penalty_accrued: Mapped[int] = mapped_column(BigInteger, default=0)  # part of penalty_due posted as a receivable
    penalty_periods: Mapped[int] = mapped_column(default=0)  # periods already charged
    principal_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    interest_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    penalty_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    penalty_accrued_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    settled: Mapped[bool] = mapped_column(default=False)
    paid_on: Mapped[date | None]  # the day it was fully paid
    reminded_before: Mapped[bool] = mapped_column(default=False)
    reminded_missed: Mapped[bool] = mapped_column(default=False)

    @property
    def amount_due(self) -> int:
        return self.principal_due + self.interest_due + self.penalty_due

    @property
    def amount_paid(self) -> int:
        return self.principal_paid + self.interest_paid + self.penalty_paid

    @property
    def balance(self) -> int:
        return self.amount_due - self.amount_paid

    def days_past_due(self, on: date) -> int:
        if self.settled or on <= self.due_on:
            return 0
        return (on - self.due_on).days


TRANSACTION_KINDS = ("release", "repayment", "goods_return", "penalty", "past_due_move", "write_off",
                     "restructure_out", "restructure_in", "reversal")


class LoanTransaction(db.Model):
    """Every movement on a loan, with its ledger entry; `allocation` says exactly which installment got what."""

    __tablename__ = "loan_transaction"
    __table_args__ = (
        UniqueConstraint("org_id", "idempotency_key"),
        Index("ix_loan_transaction_org_kind_on", "org_id", "kind", "on_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    on_date: Mapped[date]
    amount: Mapped[int] = mapped_column(BigInteger)
    principal: Mapped[int] = mapped_column(BigInteger, default=0)
    interest: Mapped[int] = mapped_column(BigInteger, default=0)
    penalty: Mapped[int] = mapped_column(BigInteger, default=0)
    # [[installment_id, principal, interest, penalty, accrued_penalty], ...] as applied
    allocation: Mapped[list] = mapped_column(JSON, default=list)
    allowance_used: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")  # a write-off's charge to it
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("receipt.id"))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("loan_transaction.id"), unique=True)
    reversed: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(String(300))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class LoanRequest(db.Model):
    """A write-off or restructuring one officer asks for and another approves (maker-checker)."""

    __tablename__ = "loan_request"
    __table_args__ = (Index("ix_loan_request_org_status", "org_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # write_off | restructure
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | approved | rejected
    reason: Mapped[str] = mapped_column(String(300))
    terms: Mapped[dict] = mapped_column(JSON, default=dict)  # restructure: term_count, frequency, rate...
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    requested_on: Mapped[date]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_on: Mapped[date | None]
    decision_reason: Mapped[str | None] = mapped_column(String(300))
    result_loan_id: Mapped[int | None] = mapped_column(ForeignKey("loan.id"))


class LoanProvision(db.Model):
    """One month end's setting of the allowance for probable losses from the aging, as it was computed."""

    __tablename__ = "loan_provision"
    __table_args__ = (UniqueConstraint("org_id", "month_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    month_end: Mapped[date]
    required: Mapped[int] = mapped_column(BigInteger)  # what the policy's rates ask for
    allowance_before: Mapped[int] = mapped_column(BigInteger)  # the allowance's credit balance that day, before
    adjustment: Mapped[int] = mapped_column(BigInteger)  # required - before: > 0 provided, < 0 excess reversed
    # [{"bucket": "1-30", "loans": 2, "outstanding": 150000, "rate": 35, "required": 52500}, ...]
    buckets: Mapped[list] = mapped_column(JSON, default=list)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
