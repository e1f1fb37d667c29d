"""Clusters and group work, trainings and coaching, the partners' catalogue, group enterprises and capital loans.

Women are named only in `grant_beneficiary` (the grants domain): these tables hold her number there.
A child in a children-of-migrants group is known by a first name only (`alias`).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

CLUSTER_KINDS = ("center", "community", "children")
MEMBER_ROLES = ("member", "coordinator", "peer_counselor")
# The four group-work sessions towards transformation and reintegration (Batis AWARE's modules).
GROUP_MODULES = ("orientation", "life_planning", "follow_up", "self_centering")
OFFERING_KINDS = ("training", "livelihood", "service")
ENROLLMENT_STATUSES = ("enrolled", "completed", "dropped")
LOAN_STATUSES = ("active", "repaid")


class Cluster(db.Model):
    """A group of 12 to 16 women (or children of migrants), supervised by a social worker."""

    __tablename__ = "grp_cluster"
    __table_args__ = (UniqueConstraint("org_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))
    place: Mapped[str | None] = mapped_column(String(160))
    formed_on: Mapped[date]
    social_worker_id: Mapped[int] = mapped_column(ForeignKey("user.id"))  # supervises its peer counselors
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))  # set when it first borrows
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def label(self) -> str:
        return f"G-{self.number:03d}"


class ClusterMember(db.Model):
    __tablename__ = "grp_member"
    __table_args__ = (UniqueConstraint("cluster_id", "beneficiary_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    cluster_id: Mapped[int] = mapped_column(ForeignKey("grp_cluster.id"), index=True)
    beneficiary_id: Mapped[int | None] = mapped_column(ForeignKey("grant_beneficiary.id"), index=True)
    alias: Mapped[str | None] = mapped_column(String(60))  # a child's first name
    role: Mapped[str] = mapped_column(String(16), default="member")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)  # a peer counselor's login
    joined_on: Mapped[date]
    left_on: Mapped[date | None]


class GroupSession(db.Model):
    __tablename__ = "grp_session"
    __table_args__ = (UniqueConstraint("cluster_id", "module"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("grp_cluster.id"), index=True)
    module: Mapped[str] = mapped_column(String(20))
    held_on: Mapped[date]
    place: Mapped[str | None] = mapped_column(String(160))
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("grp_member.id"))  # a peer counselor
    present: Mapped[int] = mapped_column(default=0)  # kept with the attendance
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class SessionAttendance(db.Model):
    __tablename__ = "grp_attendance"
    __table_args__ = (UniqueConstraint("session_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("grp_session.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("grp_member.id"), index=True)


class TrainingProgram(db.Model):
    """A course run over several days, e.g. the 9-day entrepreneurship course on weekends in two venues."""

    __tablename__ = "grp_training"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    provider: Mapped[str | None] = mapped_column(String(160))
    venues: Mapped[str | None] = mapped_column(String(300))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    days: Mapped[int]
    days_to_complete: Mapped[int]  # days attended to complete it
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class TrainingDay(db.Model):
    __tablename__ = "grp_training_day"
    __table_args__ = (UniqueConstraint("program_id", "day_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("grp_training.id"), index=True)
    day_no: Mapped[int]
    held_on: Mapped[date]
    venue: Mapped[str | None] = mapped_column(String(160))
    topic: Mapped[str] = mapped_column(String(160))


class Enrollment(db.Model):
    __tablename__ = "grp_enrollment"
    __table_args__ = (UniqueConstraint("program_id", "beneficiary_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("grp_training.id"), index=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("grant_beneficiary.id"), index=True)
    enrolled_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default="enrolled")
    days_attended: Mapped[int] = mapped_column(default=0)  # kept with the attendance
    completed_on: Mapped[date | None]


class TrainingAttendance(db.Model):
    __tablename__ = "grp_training_attendance"
    __table_args__ = (UniqueConstraint("day_id", "enrollment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("grp_training_day.id"), index=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("grp_enrollment.id"), index=True)


class Coaching(db.Model):
    """An individual coaching session for a woman who cannot attend the training (Kanlungan's social workers)."""

    __tablename__ = "grp_coaching"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("grant_beneficiary.id"), index=True)
    held_on: Mapped[date]
    coach_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    topic: Mapped[str] = mapped_column(String(160))
    minutes: Mapped[int]
    note: Mapped[str | None] = mapped_column(String(500))  # private: never in logs, exports or messages


class Offering(db.Model):
    """A partner's skills or livelihood training or support service, in the catalogue used when referring."""

    __tablename__ = "grp_offering"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(160))
    partner: Mapped[str] = mapped_column(String(160))
    description: Mapped[str | None] = mapped_column(String(1000))
    place: Mapped[str | None] = mapped_column(String(160))
    contact: Mapped[str | None] = mapped_column(String(160))
    active: Mapped[bool] = mapped_column(default=True)


class Enterprise(db.Model):
    """A cluster's business (the laundry shop, the burger shop) and the MOA that funds it, signed by a member
    for the group: a capital loan under it is receivable from the cluster, not from her."""

    __tablename__ = "grp_enterprise"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("grp_cluster.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    moa_id: Mapped[int | None] = mapped_column(ForeignKey("grant_moa.id"), unique=True)
    started_on: Mapped[date]


class CapitalLoan(db.Model):
    """A tranche of a capital-loan MOA, released as a receivable and repaid in installments into the revolving fund."""

    __tablename__ = "grp_loan"
    __table_args__ = (UniqueConstraint("org_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    number: Mapped[int]
    moa_id: Mapped[int] = mapped_column(ForeignKey("grant_moa.id"), index=True)
    tranche_id: Mapped[int] = mapped_column(ForeignKey("grant_tranche.id"), unique=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("grant_beneficiary.id"), index=True)
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("grp_cluster.id"))
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"))  # who owes it: her, or the cluster
    principal: Mapped[int]
    repaid: Mapped[int] = mapped_column(default=0)  # kept with each repayment
    released_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(8), default="active")
    days_past_due: Mapped[int] = mapped_column(default=0)  # kept by the daily job groups.overdue_installments

    @property
    def label(self) -> str:
        return f"CL-{self.number:04d}"

    @property
    def outstanding(self) -> int:
        return self.principal - self.repaid


class Installment(db.Model):
    __tablename__ = "grp_installment"
    __table_args__ = (UniqueConstraint("loan_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("grp_loan.id"), index=True)
    seq: Mapped[int]
    due_on: Mapped[date]
    amount: Mapped[int]
    paid: Mapped[int] = mapped_column(default=0)
    overdue_on: Mapped[date | None]  # the day the daily job first listed it overdue


class Repayment(db.Model):
    __tablename__ = "grp_repayment"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("grp_loan.id"), index=True)
    paid_on: Mapped[date]
    amount: Mapped[int]
    cash_account: Mapped[str] = mapped_column(String(60))
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"))
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipt.id"))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    voided_on: Mapped[date | None]  # a mistake: its entry reversed, its receipt cancelled, entered again
    void_reason: Mapped[str | None] = mapped_column(String(300))
    reversal_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
