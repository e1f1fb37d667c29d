from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow


class ReceiptCounter(db.Model):
    """The next official receipt number of one organization; locked while a receipt is issued."""

    __tablename__ = "receipt_counter"

    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    next_number: Mapped[int] = mapped_column(default=1)


class Receipt(db.Model):
    __tablename__ = "receipt"
    __table_args__ = (UniqueConstraint("org_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(40))  # share_payment, loan_repayment, sale, service...
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), index=True)
    received_from: Mapped[str] = mapped_column(String(160))
    amount: Mapped[int] = mapped_column(BigInteger)
    issued_on: Mapped[date]
    description: Mapped[str] = mapped_column(String(300))
    source: Mapped[str | None] = mapped_column(String(40))
    source_id: Mapped[str | None] = mapped_column(String(60))
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(300))

    @property
    def display_number(self) -> str:
        return f"OR-{self.number:06d}"
