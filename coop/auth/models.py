from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

ROLES = ("admin", "officer", "attendant", "grant_staff", "case_worker", "peer_counselor", "member", "auditor")


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(8), default="en")
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    totp_secret: Mapped[str | None] = mapped_column(String(64))  # set once the second step is confirmed
    # the time step (30 s) of the last code accepted: a code is good once, not again within its window
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_active(self) -> bool:
        return self.active


class OrgRole(db.Model):
    """A user's role in one organization (one role per organization)."""

    __tablename__ = "org_role"
    __table_args__ = (UniqueConstraint("user_id", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    role: Mapped[str] = mapped_column(String(20))


class ApiToken(db.Model):
    """A bearer token for API clients. Only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class UserSession(db.Model):
    """A signed-in browser. The cookie carries only a random id; its SHA-256 is stored here, so a
    copied cookie dies when the row is revoked (logout, password change, "log out everywhere")."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    idle_minutes: Mapped[int]  # the policy when she logged in: the strictest of her organizations'
    expires_at: Mapped[datetime]  # the absolute end, whatever her activity
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None]


class RecoveryCode(db.Model):
    """One-time codes for a lost authenticator: only their SHA-256 is kept; each works once."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None]


class Throttle(db.Model):
    """Attempts per address in fixed windows (login, token issue, the public application form).

    In the database, so every worker process counts against the same number."""

    __tablename__ = "throttle"
    __table_args__ = (UniqueConstraint("bucket", "address", "window_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(45))
    window_start: Mapped[datetime] = mapped_column(index=True)
    hits: Mapped[int] = mapped_column(default=0)
