"""The year end's records: the closed years, the allocation of the net surplus with its per-member
schedule, and what each member was paid. (The requests a second officer approves are coop.approvals'.)"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

# a fiscal year is the calendar year (the CDA's default; a different fiscal year would shift `start`/`end`)
YEAR_STATUSES = ("open", "closed")
ALLOCATION_STATUSES = ("draft", "reviewed", "approved", "posted", "cancelled")
PAYOUT_CHOICES = ("cash", "share_capital", "revolving")
CAPITAL_METHODS = ("month_end", "daily")


class FiscalYear(db.Model):
    """A year whose income and expense were closed to Undivided Net Surplus (one entry), or reopened."""

    __tablename__ = "yearend_year"
    __table_args__ = (UniqueConstraint("org_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="open")
    net_surplus: Mapped[int] = mapped_column(BigInteger, default=0)  # negative: a net loss
    closing_entry_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"))
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # who asked
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # the second officer
    closed_at: Mapped[datetime | None]
    reopened_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reopened_at: Mapped[datetime | None]
    reopen_reason: Mapped[str | None] = mapped_column(String(300))
    times_reopened: Mapped[int] = mapped_column(default=0)


class Allocation(db.Model):
    """A proposal to allocate one closed year's net surplus (RA 9520 Art. 86): a draft the board reviews
    and the general assembly approves; only the approved allocation posts. Rates are basis points."""

    __tablename__ = "yearend_allocation"
    __table_args__ = (Index("ix_yearend_allocation_org_year", "org_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="draft")
    net_surplus: Mapped[int] = mapped_column(BigInteger)
    capital_method: Mapped[str] = mapped_column(String(10), default="month_end")
    reserve_bp: Mapped[int]
    education_bp: Mapped[int]
    federation_bp: Mapped[int]  # the part of the education and training fund due to the federation or union
    community_bp: Mapped[int]
    optional_bp: Mapped[int]
    interest_rate_bp: Mapped[int]  # a year's interest on average paid-up share capital
    reserve: Mapped[int] = mapped_column(BigInteger, default=0)  # the statutory reserve, before the leftover
    education: Mapped[int] = mapped_column(BigInteger, default=0)  # the cooperative's own part
    federation: Mapped[int] = mapped_column(BigInteger, default=0)  # CETF due to the federation or union
    community: Mapped[int] = mapped_column(BigInteger, default=0)
    optional: Mapped[int] = mapped_column(BigInteger, default=0)
    interest: Mapped[int] = mapped_column(BigInteger, default=0)
    refund: Mapped[int] = mapped_column(BigInteger, default=0)  # to members
    refund_non_members: Mapped[int] = mapped_column(BigInteger, default=0)  # to the general fund
    leftover: Mapped[int] = mapped_column(BigInteger, default=0)  # to the reserve fund
    capital_base: Mapped[int] = mapped_column(BigInteger, default=0)  # members' average paid-up capital
    patronage_base: Mapped[int] = mapped_column(BigInteger, default=0)  # weighted patronage, members and not
    non_member_patronage: Mapped[int] = mapped_column(BigInteger, default=0)
    checks: Mapped[list] = mapped_column(JSON, default=list)  # [{"code", "passed", "detail"}]
    prepared_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None]
    board_resolution: Mapped[str | None] = mapped_column(String(60))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None]
    resolution_number: Mapped[str | None] = mapped_column(String(60))  # the general assembly's
    assembly_date: Mapped[date | None]
    entry_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"))
    posted_on: Mapped[date | None]
    posted_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    @property
    def statutory(self) -> int:
        return self.reserve + self.education + self.federation + self.community + self.optional

    @property
    def passed(self) -> bool:
        return all(check["passed"] for check in self.checks or ())


class AllocationLine(db.Model):
    """One member's line of the schedule: her base, her interest and refund, and how they were paid."""

    __tablename__ = "yearend_allocation_line"
    __table_args__ = (UniqueConstraint("allocation_id", "member_id"),
                      Index("ix_yearend_allocation_line_member", "org_id", "member_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    allocation_id: Mapped[int] = mapped_column(ForeignKey("yearend_allocation.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"))
    label: Mapped[str] = mapped_column(String(60))
    average_capital: Mapped[int] = mapped_column(BigInteger, default=0)
    patronage: Mapped[int] = mapped_column(BigInteger, default=0)  # weighted
    patronage_detail: Mapped[dict] = mapped_column(JSON, default=dict)  # source -> unweighted centavos
    interest: Mapped[int] = mapped_column(BigInteger, default=0)
    refund: Mapped[int] = mapped_column(BigInteger, default=0)
    # paying it out
    paid_on: Mapped[date | None]
    choice: Mapped[str | None] = mapped_column(String(20))
    to_subscription: Mapped[int] = mapped_column(BigInteger, default=0)
    to_loans: Mapped[int] = mapped_column(BigInteger, default=0)
    to_cash: Mapped[int] = mapped_column(BigInteger, default=0)
    to_share_capital: Mapped[int] = mapped_column(BigInteger, default=0)
    to_revolving: Mapped[int] = mapped_column(BigInteger, default=0)
    payout_entry_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"))
    paid_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    @property
    def total(self) -> int:
        return self.interest + self.refund

    @property
    def slip_number(self) -> str:
        return f"YE-{self.allocation_id:04d}-{self.id:05d}"
