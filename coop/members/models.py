from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

MEMBER_STATUSES = ("applicant", "active", "inactive", "withdrawn", "deceased")
MEMBERSHIP_TYPES = ("regular", "associate")


class Member(db.Model):
    """A member of one cooperative. Personal data: only her cooperative's officers and she may see it."""

    __tablename__ = "member"
    __table_args__ = (UniqueConstraint("org_id", "number"), Index("ix_member_org_status", "org_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    number: Mapped[int]  # sequential per cooperative, shown as M-0001
    name: Mapped[str] = mapped_column(String(160))
    mobile: Mapped[str | None] = mapped_column(String(20))
    barangay: Mapped[str | None] = mapped_column(String(100))
    town: Mapped[str | None] = mapped_column(String(100))
    province: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date | None]
    admitted_on: Mapped[date | None]
    board_resolution: Mapped[str | None] = mapped_column(String(60))
    membership_type: Mapped[str] = mapped_column(String(20), default="regular")
    status: Mapped[str] = mapped_column(String(20), default="applicant")
    beneficiary_name: Mapped[str | None] = mapped_column(String(160))
    beneficiary_relation: Mapped[str | None] = mapped_column(String(60))
    beneficiary_mobile: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(120))
    applied_on: Mapped[date | None]
    application_source: Mapped[str] = mapped_column(String(20), default="officer")  # officer | self | import
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), unique=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def label(self) -> str:
        return f"M-{self.number:04d}"


class MemberStatusChange(db.Model):
    __tablename__ = "member_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    changed_on: Mapped[date]
    reason: Mapped[str | None] = mapped_column(String(300))
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


SUBSCRIPTION_KINDS = ("initial", "additional", "transfer", "opening", "retention")  # retention: capital build-up
FREQUENCIES = {"weekly": 7, "semi-monthly": 15, "monthly": 1, "quarterly": 3}  # days, or months for the last two


class ShareSubscription(db.Model):
    """Shares a member promised to pay for; `paid` is kept in the same transaction as each payment."""

    __tablename__ = "share_subscription"
    __table_args__ = (UniqueConstraint("org_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="initial")
    shares: Mapped[int]
    par_value: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    paid: Mapped[int] = mapped_column(BigInteger, default=0)
    subscribed_on: Mapped[date]
    installments: Mapped[int] = mapped_column(default=1)
    frequency: Mapped[str] = mapped_column(String(20), default="monthly")
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | paid | closed (withdrawn)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def balance(self) -> int:
        return self.amount - self.paid

    @property
    def certificate_number(self) -> str:
        return f"SC-{self.id:06d}"


class ShareInstallment(db.Model):
    __tablename__ = "share_installment"
    __table_args__ = (Index("ix_share_installment_member_due", "member_id", "due_on"),
                      Index("ix_share_installment_org_due", "org_id", "due_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    subscription_id: Mapped[int] = mapped_column(ForeignKey("share_subscription.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    seq: Mapped[int]
    due_on: Mapped[date]
    amount: Mapped[int] = mapped_column(BigInteger)
    paid: Mapped[int] = mapped_column(BigInteger, default=0)
    # open until fully paid or the subscription closes; the overdue queries only look at open rows
    open: Mapped[bool] = mapped_column(default=True)

    @property
    def balance(self) -> int:
        return self.amount - self.paid

    def is_overdue(self, on: date) -> bool:
        return self.open and self.balance > 0 and self.due_on < on


class SharePayment(db.Model):
    __tablename__ = "share_payment"
    __table_args__ = (UniqueConstraint("org_id", "idempotency_key"),
                      Index("ix_share_payment_member", "member_id", "paid_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date]
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("receipt.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # money paid in another domain's entry (a loan's capital build-up at release): "loans", the loan's id
    source: Mapped[str | None] = mapped_column(String(40))
    source_id: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MembershipFee(db.Model):
    """Her membership fee, paid once, with the application or at admission (the policy's amount then)."""

    __tablename__ = "membership_fee"
    __table_args__ = (UniqueConstraint("org_id", "member_id"), UniqueConstraint("org_id", "idempotency_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date]
    refundable: Mapped[bool] = mapped_column(default=False)  # a deposit owed back to her, not income
    stage: Mapped[str] = mapped_column(String(20), default="admission")  # application | admission
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("receipt.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ShareWithdrawal(db.Model):
    """A member leaving takes her paid-up capital back, less what she owes; a second officer approves it."""

    __tablename__ = "share_withdrawal"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    requested_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | approved | rejected | paid
    paid_up: Mapped[int] = mapped_column(BigInteger, default=0)
    owed: Mapped[int] = mapped_column(BigInteger, default=0)
    refund: Mapped[int] = mapped_column(BigInteger, default=0)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(String(300))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    refund_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ShareTransfer(db.Model):
    __tablename__ = "share_transfer"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    from_member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    to_member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    shares: Mapped[int]
    amount: Mapped[int] = mapped_column(BigInteger)
    transferred_on: Mapped[date]
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
