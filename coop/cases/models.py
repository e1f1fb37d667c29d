"""Case work in the NGO's books: a distressed woman's (or family's) case from intake to readiness for enterprise.

Sensitive personal information (RA 10173): her name, phone and town live only in `case_file`; the notes of
sessions, assessments, referrals and follow-ups are private to her assigned workers and the admin, and never
leave in a log, an export for donors or a text. Every other table names her case by id.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

HOUSEHOLDS = ("woman", "family")
REFERRER_KINDS = ("self", "family", "peer_counselor", "government", "ngo", "hotline", "other")
STATUSES = ("intake", "recovery", "ready", "closed", "transferred")
OPEN_STATUSES = ("intake", "recovery", "ready")
CLOSING_REASONS = ("reintegrated", "moved_away", "withdrew", "lost_contact", "referred_elsewhere", "other")
SESSION_KINDS = ("individual", "group", "home_visit", "phone", "text")
FACILITATOR_KINDS = ("staff", "peer")
AGENCY_KINDS = ("government", "hospital", "legal_aid", "psychiatric", "ngo", "training", "other")
REFERRAL_STATUSES = ("open", "completed", "declined", "cancelled")
# Level-of-distress scales: the key is stored with every assessment, so a change of policy keeps old ones readable.
SCALES = {"1-5": (1, 5), "0-10": (0, 10)}


class Category(db.Model):
    """A presenting situation the NGO works with (trafficking, illegal recruitment, violence...): its own list."""

    __tablename__ = "case_category"
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(default=True)


class Program(db.Model):
    """A program the NGO runs cases under (the donor report's first cut), funded by a donor fund when one pays."""

    __tablename__ = "case_program"
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("grant_fund.id"))
    active: Mapped[bool] = mapped_column(default=True)


class Case(db.Model):
    __tablename__ = "case_file"
    __table_args__ = (UniqueConstraint("org_id", "number"), Index("ix_case_file_org_status", "org_id", "status"),
                      UniqueConstraint("org_id", "beneficiary_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    number: Mapped[int]  # shown as C-0001: the only way she is named outside this row
    household: Mapped[str] = mapped_column(String(10), default="woman")
    client_name: Mapped[str] = mapped_column(String(160))
    mobile: Mapped[str | None] = mapped_column(String(20))
    town: Mapped[str | None] = mapped_column(String(100))
    province: Mapped[str | None] = mapped_column(String(100))
    referrer_kind: Mapped[str] = mapped_column(String(20))
    referred_by: Mapped[str | None] = mapped_column(String(160))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("case_program.id"), index=True)
    opened_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(12), default="intake")
    status_on: Mapped[date]
    closing_reason: Mapped[str | None] = mapped_column(String(20))
    transferred_to: Mapped[int | None] = mapped_column(ForeignKey("case_agency.id"))
    ended_on: Mapped[date | None]
    ready_on: Mapped[date | None]  # certified ready for enterprise by a social worker's assessment
    ready_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    beneficiary_id: Mapped[int | None] = mapped_column(ForeignKey("grant_beneficiary.id"))
    sealed_on: Mapped[date | None]  # kept, hidden from everyone but the admin
    sealed_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def label(self) -> str:
        return f"C-{self.number:04d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseCategory(db.Model):
    __tablename__ = "case_situation"
    __table_args__ = (UniqueConstraint("case_id", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("case_category.id"))


class Assignment(db.Model):
    """A worker assigned to a case; the case is visible to her (and the admin) only while this is active."""

    __tablename__ = "case_assignment"
    __table_args__ = (UniqueConstraint("case_id", "user_id"), Index("ix_case_assignment_user", "org_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    active: Mapped[bool] = mapped_column(default=True)
    assigned_on: Mapped[date]
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class Assessment(db.Model):
    """Her level of distress on the organization's scale, assessed again over time; one may certify her ready."""

    __tablename__ = "case_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    assessed_on: Mapped[date]
    scale: Mapped[str] = mapped_column(String(10))
    level: Mapped[int]
    certifies_ready: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(String(500))  # private
    assessed_by: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Session(db.Model):
    __tablename__ = "case_session"
    __table_args__ = (Index("ix_case_session_org_day", "org_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    held_on: Mapped[date]
    facilitator_kind: Mapped[str] = mapped_column(String(8))
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # staff
    peer_counselor: Mapped[str | None] = mapped_column(String(120))  # a peer counselor need not have a login
    module: Mapped[str | None] = mapped_column(String(120))
    minutes: Mapped[int]
    note: Mapped[str | None] = mapped_column(String(500))  # private
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Agency(db.Model):
    """The referral directory: agencies and partners (DSWD, OWWA, hospitals, legal aid, a psychiatrist)."""

    __tablename__ = "case_agency"
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(12))
    services: Mapped[str | None] = mapped_column(String(300))
    contact_person: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)


class Referral(db.Model):
    __tablename__ = "case_referral"
    __table_args__ = (Index("ix_case_referral_org_status", "org_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("case_agency.id"), index=True)
    referred_on: Mapped[date]
    service: Mapped[str | None] = mapped_column(String(160))  # the partner's training or service asked for
    offering_id: Mapped[int | None]  # its entry in the partners' catalogue (coop.groups), when picked from it
    reason: Mapped[str] = mapped_column(String(300))  # private
    expected_response: Mapped[str | None] = mapped_column(String(200))
    expected_by: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10), default="open")
    outcome: Mapped[str | None] = mapped_column(String(500))  # private
    outcome_on: Mapped[date | None]
    referred_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FollowUp(db.Model):
    """A date to check on a referral; overdue when it passes undone while the referral is open."""

    __tablename__ = "case_followup"
    __table_args__ = (Index("ix_case_followup_org_due", "org_id", "done_on", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)  # her data export finds it
    referral_id: Mapped[int] = mapped_column(ForeignKey("case_referral.id"), index=True)
    due_on: Mapped[date]
    done_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(String(500))  # private
    done_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    listed_on: Mapped[date | None]  # the day the daily job first put it on the overdue list


class WorkerPhone(db.Model):
    """Where the overdue list texts a case worker (users have no phone of their own)."""

    __tablename__ = "case_worker_phone"
    __table_args__ = (UniqueConstraint("org_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    mobile: Mapped[str] = mapped_column(String(20))
