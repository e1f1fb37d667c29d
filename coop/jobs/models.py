from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow


class JobRun(db.Model):
    """One daily job done for one organization and one business day."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("org_id", "job", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    job: Mapped[str] = mapped_column(String(60))
    day: Mapped[date]
    finished_at: Mapped[datetime] = mapped_column(default=utcnow)
    summary: Mapped[str | None] = mapped_column(String(300))


class JobStuck(db.Model):
    """A daily job that failed for one organization on `day` and will retry that day on every run until it
    succeeds: shown to the officers on the dashboard, with the reason in their language (coop.errors.keep)."""

    __tablename__ = "job_stuck"
    __table_args__ = (UniqueConstraint("org_id", "job"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    job: Mapped[str] = mapped_column(String(60))
    day: Mapped[date]
    reason: Mapped[dict | str] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(default=1)
    last_failed_at: Mapped[datetime] = mapped_column(default=utcnow)
