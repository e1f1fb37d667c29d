from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow


class OdooConnection(db.Model):
    """Where an organization pushes its books: one Odoo database. The API key is kept encrypted (crypto.py)."""

    __tablename__ = "odoo_connection"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), unique=True)
    url: Mapped[str] = mapped_column(String(300))
    database: Mapped[str] = mapped_column(String(120))
    login: Mapped[str] = mapped_column(String(120))
    api_key_encrypted: Mapped[str] = mapped_column(String(500))
    version: Mapped[str] = mapped_column(String(10), default="17")
    auto_post: Mapped[bool] = mapped_column(default=False)
    # entries up to this id were sent; a push never sends them again (Odoo refuses edits to posted moves)
    last_entry_id: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class InterchangeRun(db.Model):
    """One push to Odoo or one import of a file: queued, running, done or failed, with its progress.

    An import's file is kept in the row, so a run interrupted by a restart is started again from
    its row (an import writes in one transaction: an interrupted one left nothing behind).
    """

    __tablename__ = "interchange_run"
    __table_args__ = (Index("ix_interchange_run_org_status", "org_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    kind: Mapped[str] = mapped_column(String(30))  # odoo_push | journal | opening_accounts | ...
    status: Mapped[str] = mapped_column(String(12), default="queued")  # queued|running|done|failed
    dry_run: Mapped[bool] = mapped_column(default=False)
    filename: Mapped[str | None] = mapped_column(String(200))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    mapping: Mapped[dict | None] = mapped_column(JSON)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    summary: Mapped[dict | None] = mapped_column(JSON)
    problems: Mapped[list | None] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class ColumnMap(db.Model):
    """How an organization's files name the columns of one kind of import, remembered for next time."""

    __tablename__ = "interchange_column_map"
    __table_args__ = (UniqueConstraint("org_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    kind: Mapped[str] = mapped_column(String(30))
    mapping: Mapped[dict] = mapped_column(JSON)
