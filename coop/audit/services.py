"""The audit trail. The web layer sets who and from where once per request; services just record."""
from __future__ import annotations

from contextvars import ContextVar

from sqlalchemy import insert, select

from ..extensions import db
from ..timeutil import utcnow
from .models import AuditEvent

_INSERT_EVENTS = insert(AuditEvent.__table__)
_origin: ContextVar[str | None] = ContextVar("audit_origin", default=None)


def set_origin(ip: str | None) -> None:
    _origin.set(ip)


def record(action: str, *, org_id: int | None, user_id: int | None, target_type: str | None = None,
           target_id=None, details: dict | None = None) -> None:
    """Append one event. Details never hold names or phone numbers: ids only."""
    db.session.add(AuditEvent(org_id=org_id, user_id=user_id, action=action, target_type=target_type,
                              target_id=None if target_id is None else str(target_id), ip=_origin.get(),
                              details=details, at=utcnow()))
    db.session.flush()


def record_many(events: list[dict]) -> None:
    """Append many events at once (a batch of postings): each dict has record()'s keyword arguments."""
    if not events:
        return
    origin, at = _origin.get(), utcnow()
    db.session.execute(_INSERT_EVENTS, [
        {"org_id": e["org_id"], "user_id": e["user_id"], "action": e["action"], "target_type": e.get("target_type"),
         "target_id": None if e.get("target_id") is None else str(e["target_id"]), "ip": origin,
         "details": e.get("details"), "at": at} for e in events])


def events(org_id: int | None, *, target_type: str | None = None, target_id=None, action: str | None = None,
           limit: int = 200) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.org_id == org_id)
    if target_type:
        query = query.where(AuditEvent.target_type == target_type)
    if target_id is not None:
        query = query.where(AuditEvent.target_id == str(target_id))
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))
