from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

PENDING, APPROVED, REJECTED, FAILED, WITHDRAWN = "pending", "approved", "rejected", "failed", "withdrawn"
STATUSES = (PENDING, APPROVED, REJECTED, FAILED, WITHDRAWN)


class Approval(db.Model):
    """A stored command waiting for a second person: what (kind, payload of plain values), who asked, when,
    and how it ended (who decided, when, why, what it made)."""

    __tablename__ = "approval"
    __table_args__ = (
        Index("ix_approval_org_status", "org_id", "status", "id"),
        # one pending command per subject (a loan, a tranche...): a second request is refused, not stacked
        Index("uq_approval_pending_subject", "org_id", "kind", "subject", unique=True,
              postgresql_where=text("status = 'pending'"), sqlite_where=text("status = 'pending'")),
        Index("uq_approval_idempotency_key", "org_id", "idempotency_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    kind: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str | None] = mapped_column(String(60))  # "loan:12": how a domain finds its pending command
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    amount: Mapped[int | None] = mapped_column(BigInteger)  # centavos, where the command moves money
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(String(300))  # the checker's words, or why it failed (in English)
    # why it failed, unsaid (coop.errors.keep: the refusal's English template and values), said to each reader in
    # her language (`services.reason_of`)
    failure: Mapped[dict | None] = mapped_column(JSON)
    result_ref: Mapped[str | None] = mapped_column(String(60))  # the id of what the command made
    idempotency_key: Mapped[str | None] = mapped_column(String(100))

    outcome = None  # what the executor returned, for the caller of approve/reject (not stored)
