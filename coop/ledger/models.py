from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

ACCOUNT_TYPES = ("asset", "liability", "equity", "income", "expense")
DEBIT_NORMAL = ("asset", "expense")
PARTY_KINDS = ("member", "supplier", "beneficiary", "attendant", "principal", "donor", "client", "savings")


class Account(db.Model):
    __tablename__ = "account"
    __table_args__ = (UniqueConstraint("org_id", "code"), UniqueConstraint("org_id", "key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    key: Mapped[str | None] = mapped_column(String(60))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    name_fil: Mapped[str | None] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(12))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    is_group: Mapped[bool] = mapped_column(default=False)
    contra: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # money the organization holds (cash on hand, in the bank, petty cash, e-wallet): what a payment comes from
    is_cash: Mapped[bool] = mapped_column(default=False, server_default=false())
    # a balance a domain keeps with its own records (loans receivable, inventory, share capital, donor funds...)
    is_control: Mapped[bool] = mapped_column(default=False, server_default=false())
    # a cash account never paid out below zero (on by default for cash on hand)
    no_overdraft: Mapped[bool] = mapped_column(default=False, server_default=false())

    @property
    def normal_side(self) -> str:
        debit = self.type in DEBIT_NORMAL
        return "debit" if debit != self.contra else "credit"


class Party(db.Model):
    """Someone a sub-ledger is kept for. The label is a number, never a name: names stay in their domain."""

    __tablename__ = "party"
    __table_args__ = (UniqueConstraint("org_id", "kind", "ref_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[int] = mapped_column()
    label: Mapped[str] = mapped_column(String(60))


def _where_set(column: str) -> dict:
    """An index of the rows where a mostly-NULL column has a value (migration 0240): every lookup compares the
    column with a value, and no post writes a NULL into it."""
    return {"postgresql_where": text(f"{column} IS NOT NULL"), "sqlite_where": text(f"{column} IS NOT NULL")}


class JournalEntry(db.Model):
    __tablename__ = "journal_entry"
    __table_args__ = (
        # unique where set; a SQLite database keeps the table's UNIQUE constraints (the same rule: NULLs never collide)
        Index("uq_journal_entry_org_id_idempotency_key", "org_id", "idempotency_key", unique=True,
              **_where_set("idempotency_key")),
        Index("uq_journal_entry_reverses_id", "reverses_id", unique=True, **_where_set("reverses_id")),
        Index("ix_journal_entry_org_date", "org_id", "entry_date"),
        Index("ix_journal_entry_source", "org_id", "source", "source_id"),
        Index("ix_journal_entry_teller_session_id", "teller_session_id", **_where_set("teller_session_id")),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    entry_date: Mapped[date]
    memo: Mapped[str] = mapped_column(String(300))
    source: Mapped[str | None] = mapped_column(String(40))
    source_id: Mapped[str | None] = mapped_column(String(60))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    posted_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the teller session open at the desk when this cash moved (coop.cash); no foreign key: the ledger owns no sessions
    teller_session_id: Mapped[int | None]


class JournalLine(db.Model):
    __tablename__ = "journal_line"
    __table_args__ = (
        CheckConstraint("debit >= 0 AND credit >= 0 AND (debit = 0) <> (credit = 0)", name="one_side"),
        Index("ix_journal_line_account", "org_id", "account_id", "entry_id"),
        Index("ix_journal_line_party", "org_id", "party_id", "entry_id", **_where_set("party_id")),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    debit: Mapped[int] = mapped_column(BigInteger, default=0)
    credit: Mapped[int] = mapped_column(BigInteger, default=0)
    memo: Mapped[str | None] = mapped_column(String(200))


class AccountBalance(db.Model):
    """Running totals of one account, updated in the posting transaction."""

    __tablename__ = "account_balance"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    debit_total: Mapped[int] = mapped_column(BigInteger, default=0)
    credit_total: Mapped[int] = mapped_column(BigInteger, default=0)


class PartyBalance(db.Model):
    """Running totals of one party on one account: the sub-ledger."""

    __tablename__ = "party_balance"
    __table_args__ = (UniqueConstraint("account_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    debit_total: Mapped[int] = mapped_column(BigInteger, default=0)
    credit_total: Mapped[int] = mapped_column(BigInteger, default=0)


class ClosedPeriod(db.Model):
    """A closed month; reopening stamps the row, closing again adds a new one. A month closed with its
    year (`with_year`) is reopened only with the year, as the year end's approved act."""

    __tablename__ = "closed_period"
    __table_args__ = (Index("ix_closed_period_org_month", "org_id", "year", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    year: Mapped[int]
    month: Mapped[int]
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reopened_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reopened_at: Mapped[datetime | None]
    reopen_reason: Mapped[str | None] = mapped_column(String(300))
    with_year: Mapped[bool] = mapped_column(default=False, server_default=false())


class AccountMonth(db.Model):
    """What moved on one account in one calendar month, kept in the posting transaction.

    "As of" figures add whole months from here and read lines of one month at most, so a past
    trial balance costs the same at any journal size.
    """

    __tablename__ = "account_month"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)  # the first day of the month
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    debit_total: Mapped[int] = mapped_column(BigInteger, default=0)
    credit_total: Mapped[int] = mapped_column(BigInteger, default=0)
