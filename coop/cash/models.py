from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

OPEN, CLOSED, CONFIRMED = "open", "closed", "confirmed"


class CashDeposit(db.Model):
    """Cash taken from the cash box to the bank: one entry, cash in bank debited, cash on hand credited."""

    __tablename__ = "cash_deposit"
    __table_args__ = (CheckConstraint("amount > 0", name="positive"),
                      Index("ix_cash_deposit_org_id", "org_id", "deposited_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    deposited_on: Mapped[date]
    amount: Mapped[int] = mapped_column(BigInteger)
    from_account: Mapped[str] = mapped_column(String(60))
    to_account: Mapped[str] = mapped_column(String(60))
    reference: Mapped[str | None] = mapped_column(String(60))  # the deposit slip's number
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TellerSession(db.Model):
    """One officer's turn at the desk: counted in, every cash movement tagged, counted out, confirmed by another."""

    __tablename__ = "teller_session"
    __table_args__ = (
        Index("ix_teller_session_org_user", "org_id", "user_id", "status"),
        Index("uq_teller_session_open", "org_id", "user_id", unique=True,
              postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    business_day: Mapped[date]
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    opening_count: Mapped[int] = mapped_column(BigInteger)
    closed_at: Mapped[datetime | None]
    closing_count: Mapped[int | None] = mapped_column(BigInteger)
    expected: Mapped[int | None] = mapped_column(BigInteger)
    over_short: Mapped[int | None] = mapped_column(BigInteger)  # closing count - expected: > 0 over, < 0 short
    note: Mapped[str | None] = mapped_column(String(300))
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    confirmed_at: Mapped[datetime | None]
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))  # the over/short entry


class BankStatement(db.Model):
    __tablename__ = "bank_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    filename: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date]
    end_date: Mapped[date]
    closing_balance: Mapped[int] = mapped_column(BigInteger)
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class BankLine(db.Model):
    """One line of a bank statement: amount > 0 money in (a deposit), < 0 money out (a check, a charge)."""

    __tablename__ = "bank_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statement.id"), index=True)
    line_date: Mapped[date]
    description: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(String(60))
    amount: Mapped[int] = mapped_column(BigInteger)
    journal_line_id: Mapped[int | None] = mapped_column(ForeignKey("journal_line.id"), unique=True)
    matched_how: Mapped[str | None] = mapped_column(String(10))  # "auto" or "manual"
    matched_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    matched_at: Mapped[datetime | None]
