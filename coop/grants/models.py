"""Livelihood grants: the NGO's beneficiaries, donor funds, business plans, MOAs, tranches and monitoring.

A beneficiary is a survivor of trafficking: her name and phone live only in `grant_beneficiary`,
every other table and every ledger line names her by number.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

PLAN_STATUSES = ("draft", "submitted", "approved", "revise", "rejected")
DECISIONS = ("approved", "revise", "rejected")
MOA_KINDS = ("grant", "loan")
MOA_STATUSES = ("draft", "signed", "closed", "void")
# What must have happened before a tranche may be released.
CONDITIONS = ("on_signing", "receipts", "sales_report")
TRANCHE_STATUSES = ("planned", "pending", "released", "cancelled")
OUTCOMES = ("livelihood", "enterprise", "stopped")
FOLLOWUP_KINDS = ("monitoring", "tranche")


class Beneficiary(db.Model):
    """A woman the centre serves. The minimum: a name to write on her MOA, where she lives, a phone to reach her."""

    __tablename__ = "grant_beneficiary"
    __table_args__ = (UniqueConstraint("org_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    number: Mapped[int]  # sequential per organization, shown as B-0001; the only name outside this table
    name: Mapped[str] = mapped_column(String(160))
    mobile: Mapped[str | None] = mapped_column(String(20))
    town: Mapped[str | None] = mapped_column(String(100))
    province: Mapped[str | None] = mapped_column(String(100))
    ready_on: Mapped[date | None]
    ready_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    ready_note: Mapped[str | None] = mapped_column(String(500))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def label(self) -> str:
        return f"B-{self.number:04d}"

    @property
    def is_ready(self) -> bool:
        return self.ready_on is not None


class Training(db.Model):
    __tablename__ = "grant_training"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("grant_beneficiary.id"), index=True)
    course: Mapped[str] = mapped_column(String(160))
    provider: Mapped[str | None] = mapped_column(String(160))
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    completed: Mapped[bool] = mapped_column(default=False)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class DonorFund(db.Model):
    """One donor's restricted fund. Its money is the balance of its own ledger account under
    Net Assets with Donor Restrictions; this row adds what signed MOAs have promised but not yet released."""

    __tablename__ = "grant_fund"
    __table_args__ = (UniqueConstraint("org_id", "donor_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    donor_name: Mapped[str] = mapped_column(String(160))
    purpose: Mapped[str | None] = mapped_column(String(300))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))  # set right after the row exists
    committed: Mapped[int] = mapped_column(default=0)  # centavos under signed MOAs not yet released
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def label(self) -> str:
        return f"D-{self.id:03d}"


class FundReceipt(db.Model):
    __tablename__ = "grant_fund_receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    fund_id: Mapped[int] = mapped_column(ForeignKey("grant_fund.id"), index=True)
    received_on: Mapped[date]
    amount: Mapped[int]
    reference: Mapped[str | None] = mapped_column(String(80))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))  # set in the same transaction
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class BusinessPlan(db.Model):
    """Her business plan. Editable while a draft; frozen once submitted (a revision is a new draft)."""

    __tablename__ = "grant_plan"
    __table_args__ = (UniqueConstraint("org_id", "number"), Index("ix_grant_plan_org_status", "org_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    number: Mapped[int]
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("grant_beneficiary.id"), index=True)
    revision_of: Mapped[int | None] = mapped_column(ForeignKey("grant_plan.id"))
    kind: Mapped[str] = mapped_column(String(10), default="grant")  # grant | loan (the loans feature's seam)
    business_type: Mapped[str] = mapped_column(String(120))
    location: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(String(1000))
    amount_requested: Mapped[int]
    projected_sales: Mapped[int]  # per month
    projected_costs: Mapped[int]  # per month
    status: Mapped[str] = mapped_column(String(12), default="draft")
    submitted_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def label(self) -> str:
        return f"P-{self.number:04d}"


class PlanLine(db.Model):
    __tablename__ = "grant_plan_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("grant_plan.id"), index=True)
    item: Mapped[str] = mapped_column(String(160))
    amount: Mapped[int]


class Review(db.Model):
    __tablename__ = "grant_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("grant_plan.id"), unique=True)
    interviewed_on: Mapped[date]
    interview_note: Mapped[str] = mapped_column(String(1000))
    visited_on: Mapped[date]
    visit_note: Mapped[str] = mapped_column(String(1000))
    feasibility_note: Mapped[str] = mapped_column(String(1000))
    decision: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(1000))
    reviewed_by: Mapped[int] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Moa(db.Model):
    """The Memorandum of Agreement between the centre (operations partner) and her."""

    __tablename__ = "grant_moa"
    __table_args__ = (UniqueConstraint("org_id", "number"), Index("ix_grant_moa_org_status", "org_id", "status"),
                      # one MOA per plan, but a voided one is entered again
                      Index("uq_grant_moa_plan_live", "plan_id", unique=True, sqlite_where=text("status <> 'void'"),
                            postgresql_where=text("status <> 'void'")))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    number: Mapped[int]
    plan_id: Mapped[int] = mapped_column(ForeignKey("grant_plan.id"))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("grant_beneficiary.id"), index=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("grant_fund.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="grant")
    total: Mapped[int]
    centre_role: Mapped[str] = mapped_column(String(1000))
    centre_signatory: Mapped[str] = mapped_column(String(160))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    signed_on: Mapped[date | None]
    released_total: Mapped[int] = mapped_column(default=0)  # running, kept with each release
    first_released_on: Mapped[date | None]
    outcome: Mapped[str | None] = mapped_column(String(12))
    outcome_note: Mapped[str | None] = mapped_column(String(1000))
    closed_on: Mapped[date | None]
    voided_on: Mapped[date | None]
    void_reason: Mapped[str | None] = mapped_column(String(300))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def label(self) -> str:
        return f"MOA-{self.number:04d}"


class Tranche(db.Model):
    __tablename__ = "grant_tranche"
    __table_args__ = (UniqueConstraint("moa_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    moa_id: Mapped[int] = mapped_column(ForeignKey("grant_moa.id"), index=True)
    seq: Mapped[int]
    amount: Mapped[int]
    planned_on: Mapped[date]
    condition: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="planned")
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime | None]
    release_on: Mapped[date | None]  # the date the maker asked for; the release posts on it
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    released_on: Mapped[date | None]
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))


class Purchase(db.Model):
    """An item bought with (or for) her against a tranche, with the seller's receipt."""

    __tablename__ = "grant_purchase"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    tranche_id: Mapped[int] = mapped_column(ForeignKey("grant_tranche.id"), index=True)
    bought_on: Mapped[date]
    item: Mapped[str] = mapped_column(String(160))
    supplier: Mapped[str | None] = mapped_column(String(160))
    amount: Mapped[int]
    receipt_no: Mapped[str] = mapped_column(String(60))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MonitoringReport(db.Model):
    __tablename__ = "grant_monitoring"
    __table_args__ = (UniqueConstraint("moa_id", "month_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    moa_id: Mapped[int] = mapped_column(ForeignKey("grant_moa.id"), index=True)
    month_no: Mapped[int]  # 1 = the month after the first release
    visited_on: Mapped[date]
    sales: Mapped[int]
    costs: Mapped[int]
    savings: Mapped[int]
    visit_note: Mapped[str] = mapped_column(String(1000))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FollowUp(db.Model):
    """An item on the grant staff's list, put there by the daily job (a report due, a tranche due)."""

    __tablename__ = "grant_followup"
    __table_args__ = (UniqueConstraint("org_id", "kind", "moa_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    moa_id: Mapped[int] = mapped_column(ForeignKey("grant_moa.id"))
    ref: Mapped[int]  # the month number or the tranche's sequence
    due_on: Mapped[date]
    listed_on: Mapped[date]
    done_on: Mapped[date | None]
