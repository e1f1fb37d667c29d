from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

KINDS = ("regular", "time", "youth")
PERIODS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}  # months per interest posting period
MATURITY_CHOICES = ("rollover", "payout")
ACTIVE, DORMANT, MATURED, CLOSED = "active", "dormant", "matured", "closed"
TXN_KINDS = ("deposit", "withdrawal", "interest", "to_shares", "to_loan", "maturity", "rollover", "pretermination",
             "reactivation")


class SavingsProduct(db.Model):
    """A kind of savings the cooperative offers, with its policy."""

    __tablename__ = "savings_product"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10), default="regular")
    active: Mapped[bool] = mapped_column(default=True)
    rate_bp: Mapped[int] = mapped_column(default=0)  # yearly interest rate in hundredths of a percent
    minimum_balance: Mapped[int] = mapped_column(BigInteger, default=0)  # centavos a withdrawal must leave
    dormant_days: Mapped[int] = mapped_column(default=0)  # days without a deposit or withdrawal; 0: never dormant
    posting_period: Mapped[str] = mapped_column(String(12), default="monthly")
    term_days: Mapped[int] = mapped_column(default=0)  # time deposits
    penalty_bp: Mapped[int] = mapped_column(default=0)  # share of the interest earned forfeited on pre-termination
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def account_key(self) -> str:
        return "time_deposits" if self.kind == "time" else "savings_deposits"


class SavingsAccount(db.Model):
    """One member's savings account: a party of its own on Savings Deposits (or Time Deposits).

    The balance is kept here (the ledger keeps the same figure on the party's balance row). For the
    average daily balance the account keeps the balance-days of the current interest period up to
    `since_day` (the day ordinal of the last change), so the interest job needs no journal.
    """

    __tablename__ = "savings_account"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="not_negative"),
        Index("ix_savings_account_org_member", "org_id", "member_id"),
        Index("ix_savings_account_product", "product_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("savings_product.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    # set right after the insert: the party is named after the account's id
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=ACTIVE)
    opened_on: Mapped[date]
    holder: Mapped[str | None] = mapped_column(String(120))  # youth savings: the child the account is for
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    last_activity_on: Mapped[date]
    period_start: Mapped[date]  # the first day of the interest period not yet posted
    since_day: Mapped[int]  # date.toordinal() of the last balance change (or the period's start)
    balance_days: Mapped[int] = mapped_column(BigInteger, default=0)  # sum of balance x days, period start to since_day
    interest_total: Mapped[int] = mapped_column(BigInteger, default=0)
    # time deposits
    principal: Mapped[int] = mapped_column(BigInteger, default=0)
    rate_bp: Mapped[int] = mapped_column(default=0)
    term_days: Mapped[int] = mapped_column(default=0)
    term_start: Mapped[date | None]
    maturity_on: Mapped[date | None]
    on_maturity: Mapped[str | None] = mapped_column(String(10))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def number(self) -> str:
        return f"SA-{self.id:06d}"


class SavingsTransaction(db.Model):
    """One line of the passbook: every change of an account's balance, with the ledger entry that moved it."""

    __tablename__ = "savings_txn"
    __table_args__ = (
        Index("uq_savings_txn_key", "org_id", "idempotency_key", unique=True,
              postgresql_where=text("idempotency_key IS NOT NULL"), sqlite_where=text("idempotency_key IS NOT NULL")),
        Index("ix_savings_txn_account", "account_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("savings_account.id"))
    kind: Mapped[str] = mapped_column(String(16))
    on_date: Mapped[date]
    amount: Mapped[int] = mapped_column(BigInteger)  # > 0 into the account, < 0 out of it
    balance_after: Mapped[int] = mapped_column(BigInteger)
    memo: Mapped[str | None] = mapped_column(String(200))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("receipt.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
