from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

# pending: waiting (maybe for its next attempt) | sending: claimed, the gateway is being called |
# sent | failed: permanent error or out of attempts | unknown: the job died while sending, never retried
# automatically | opted_out: a reminder to a number that texted STOP
STATUSES = ("pending", "sending", "sent", "failed", "unknown", "opted_out")
# reminder: she may opt out | receipt: she asked for it by paying | reply: an answer to her own text
PURPOSES = ("reminder", "receipt", "reply", "notice")


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (UniqueConstraint("org_id", "dedupe_key"),
                      Index("ix_outbox_message_org_id_claimed_at", "org_id", "claimed_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # sms | email
    recipient: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(160))
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    purpose: Mapped[str] = mapped_column(String(10), default="reminder")
    next_attempt_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    gateway_ref: Mapped[str | None] = mapped_column(String(120))  # the gateway's message id


class GatewaySecret(db.Model):
    """A gateway credential (API key, auth token, SMTP password), sealed with a key derived from SECRET_KEY."""

    __tablename__ = "messaging_secret"
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    name: Mapped[str] = mapped_column(String(40))
    sealed: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class SmsPin(db.Model):
    """A member's PIN for balance inquiries by text (argon2id, like passwords), with its lockout."""

    __tablename__ = "sms_pin"
    __table_args__ = (UniqueConstraint("org_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    pin_hash: Mapped[str] = mapped_column(String(200))
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class OptOut(db.Model):
    """A number that texted STOP (or HINTO): no more reminders to it. Receipts and replies still go."""

    __tablename__ = "sms_opt_out"
    __table_args__ = (UniqueConstraint("org_id", "mobile"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    mobile: Mapped[str] = mapped_column(String(20))
    since: Mapped[datetime] = mapped_column(default=utcnow)
