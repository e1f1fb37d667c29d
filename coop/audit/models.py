from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow


class AuditEvent(db.Model):
    """Who did what, when, from where. Append-only: the database refuses updates and deletes."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_org_at", "org_id", "at"), Index("ix_audit_event_target", "target_type", "target_id"),
                      Index("ix_audit_event_chain", "org_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(60))
    ip: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    hash: Mapped[str | None] = mapped_column(String(64))  # sha256(previous row's hash + this row's content)
