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
from sqlalchemy import Index, String, bindparam, select
from sqlalchemy.orm import Mapped, mapped_column

from ..errors import Conflict
from ..extensions import db
from ..kernel import dialect_insert, run_core
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


_CLAIMS: dict = {}  # per dialect, built once: building the INSERT cost more than running it
_STORED_HASH = select(RequestKey.request_hash).where(RequestKey.org_id == bindparam("org_id"),
                                                     RequestKey.key == bindparam("key"))


def _claim_statement():
    dialect = db.session.get_bind().dialect.name
    if dialect not in _CLAIMS:
        table = RequestKey.__table__
        _CLAIMS[dialect] = (dialect_insert(table)
                            .values({name: bindparam(name) for name in ("org_id", "key", "request_hash", "at")})
                            .on_conflict_do_nothing(index_elements=["org_id", "key"]).returning(table.c.id))
    return _CLAIMS[dialect]


def claim(org_id: int | None, key: str) -> None:
    """Claim `key` for this request, waiting for a concurrent copy to finish; 409 if it named another request."""
    mine = request_hash()
    scope = org_id or 0
    claimed = run_core(_claim_statement(), {"org_id": scope, "key": key, "request_hash": mine, "at": utcnow()}).scalar()
    if claimed is not None:
        return  # a new key, now ours: nothing more to read
    stored = run_core(_STORED_HASH, {"org_id": scope, "key": key}).scalar()
    if stored is not None and stored != mine:
        if not request.path.startswith("/api/"):  # a form sent again with other values (back, changed, sent)
            raise IdempotencyMismatch("This form was already sent, with other values: nothing more was recorded. "
                                      "Check what was recorded, then fill in the form again.",
                                      field="idempotency_key")
        raise IdempotencyMismatch("This idempotency key was already used for a different request.",
                                  field="idempotency_key")
