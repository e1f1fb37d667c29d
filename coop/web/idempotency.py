"""An idempotency key names one request: its hash is claimed with the key, before any work is done.

`claim(scope, key)` stores the key with a SHA-256 of the normalised request (method, path, query,
and the body: JSON with sorted keys, or the form's fields minus the CSRF token and the key itself).
The same key with any other request is a 409 (IdempotencyMismatch). The unique index on
(org_id, key) also makes concurrent copies of one request queue up: PostgreSQL makes the second
INSERT ... ON CONFLICT DO NOTHING wait until the first transaction ends, then the second sees the
first's committed result and replays it (SQLite serialises writers anyway). If the first failed and
rolled back, its claim went with it and the next copy does the work.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from flask import request
from sqlalchemy import Index, String, select
from sqlalchemy.orm import Mapped, mapped_column

from ..errors import Conflict
from ..extensions import db
from ..kernel import dialect_insert
from ..timeutil import utcnow

NOT_HASHED = ("csrf_token", "idempotency_key")


class RequestKey(db.Model):
    __tablename__ = "request_key"
    __table_args__ = (Index("uq_request_key_org_key", "org_id", "key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column()  # 0 outside an organization
    key: Mapped[str] = mapped_column(String(100))
    request_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class IdempotencyMismatch(Conflict):
    title = "Idempotency key reused"


def request_hash() -> str:
    """SHA-256 of what this request asks for, independent of key order and of the key itself."""
    if request.is_json:
        body = request.get_json(silent=True)
    else:
        body = sorted((k, sorted(request.form.getlist(k))) for k in request.form if k not in NOT_HASHED)
    canonical = json.dumps({"method": request.method, "path": request.path,
                            "query": sorted(request.args.items(multi=True)), "body": body},
                           sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def claim(org_id: int | None, key: str) -> None:
    """Claim `key` for this request, waiting for a concurrent copy to finish; 409 if it named another request."""
    mine = request_hash()
    scope = org_id or 0
    claimed = db.session.scalar(
        dialect_insert(RequestKey.__table__).values(org_id=scope, key=key, request_hash=mine, at=utcnow())
        .on_conflict_do_nothing(index_elements=["org_id", "key"]).returning(RequestKey.__table__.c.id))
    if claimed is not None:
        return  # a new key, now ours: nothing more to read
    stored = db.session.scalar(select(RequestKey.request_hash).where(RequestKey.org_id == scope,
                                                                     RequestKey.key == key))
    if stored is not None and stored != mine:
        if not request.path.startswith("/api/"):  # a form sent again with other values (back, changed, sent)
            raise IdempotencyMismatch("This form was already sent, with other values: nothing more was recorded. "
                                      "Check what was recorded, then fill in the form again.",
                                      field="idempotency_key")
        raise IdempotencyMismatch("This idempotency key was already used for a different request.",
                                  field="idempotency_key")
