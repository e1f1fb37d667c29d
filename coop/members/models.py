from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
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
