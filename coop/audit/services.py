"""The audit trail. The web layer sets who and from where once per request; services just record.

Rows are chained by hash, one chain per organization (and one for rows without): each row stores
sha256(previous row's hash + its own canonical content), so removing or altering a row breaks the
chain (`verify`, `coop audit verify`). Recorded rows wait in the session and are written when it
commits, under a per-chain lock (PostgreSQL advisory lock; SQLite has one writer at a time): the lock
is the last one a transaction takes, so it adds no deadlock. A query on the audit table in the same
transaction writes them first, so a reader never misses what was just recorded.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import datetime

from sqlalchemy import bindparam, event, insert, select, text

from ..extensions import db
from ..timeutil import utcnow
from .models import AuditEvent

_INSERT_EVENTS = insert(AuditEvent.__table__)
_origin: ContextVar[str | None] = ContextVar("audit_origin", default=None)
_PENDING = "coop_audit_pending"
_LOCK_CLASS = 727_401  # pg_advisory_xact_lock(class, chain): the audit chains' locks
_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:c, :o)")


def canonical(row) -> bytes:
    """What a row's hash covers: every column but its id and hash, in a fixed form."""
    get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name)
    at = get("at")
    body = {"org_id": get("org_id"), "user_id": get("user_id"), "action": get("action"),
            "target_type": get("target_type"), "target_id": get("target_id"), "ip": get("ip"),
            "details": get("details"),
            "at": at.isoformat(timespec="microseconds") if isinstance(at, datetime) else at}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def chain_hash(previous: str | None, row) -> str:
    return hashlib.sha256((previous or "").encode() + canonical(row)).hexdigest()


def _pending(session) -> list[dict]:
    return session.info.setdefault(_PENDING, [])


_LAST_HASH = {None: select(AuditEvent.__table__.c.hash).where(AuditEvent.__table__.c.org_id.is_(None))
              .order_by(AuditEvent.__table__.c.id.desc()).limit(1),
              True: select(AuditEvent.__table__.c.hash).where(AuditEvent.__table__.c.org_id == bindparam("chain"))
              .order_by(AuditEvent.__table__.c.id.desc()).limit(1)}
# One row on a chain (every single post): the row and its hash in one statement, the hash computed by the
# database from the chain's last hash and the row's canonical bytes, exactly as chain_hash does (PostgreSQL's
# sha256; on SQLite the function coop_chain_hash, which coop registers on each connection: `sqlite_functions`).
_CHAINED_SQL = (
    "INSERT INTO audit_event (org_id, user_id, action, target_type, target_id, ip, details, at, hash) "
    "SELECT CAST(:org_id AS INTEGER), CAST(:user_id AS INTEGER), CAST(:action AS VARCHAR), "
    "CAST(:target_type AS VARCHAR), CAST(:target_id AS VARCHAR), CAST(:ip AS VARCHAR), :details, :at, {hash}")
_PREVIOUS = "(SELECT hash FROM audit_event WHERE org_id = CAST(:org_id AS INTEGER) ORDER BY id DESC LIMIT 1)"
_INSERT_CHAINED = {
    dialect: text(_CHAINED_SQL.format(hash=hash_sql)).bindparams(
        bindparam("details", type_=AuditEvent.__table__.c.details.type),
        bindparam("at", type_=AuditEvent.__table__.c.at.type))
    for dialect, hash_sql in (
        ("postgresql", f"encode(sha256(convert_to(coalesce({_PREVIOUS}, ''), 'UTF8') || CAST(:canonical AS BYTEA)), 'hex')"),
        ("sqlite", f"coop_chain_hash({_PREVIOUS}, :canonical)"))}


# Many rows on a chain (a batch job's entries) on PostgreSQL: one statement from arrays, whatever their number
# (an executemany is a statement per row there). The details go as JSON text, as the JSON type writes them (None
# as JSON null).
_PG_INSERT_MANY = text(
    "INSERT INTO audit_event (org_id, user_id, action, target_type, target_id, ip, details, at, hash) "
    "SELECT org_id, user_id, action, target_type, target_id, ip, CAST(details AS json), at, hash FROM unnest("
    "CAST(:org_id AS integer[]), CAST(:user_id AS integer[]), CAST(:action AS varchar[]), "
    "CAST(:target_type AS varchar[]), CAST(:target_id AS varchar[]), CAST(:ip AS varchar[]), CAST(:details AS text[]), "
    "CAST(:at AS timestamp[]), CAST(:hash AS varchar[])) WITH ORDINALITY "
    "AS given(org_id, user_id, action, target_type, target_id, ip, details, at, hash, n) ORDER BY n")
_COLUMNS = ("org_id", "user_id", "action", "target_type", "target_id", "ip", "details", "at", "hash")
MANY = 50  # from this many rows on a chain, PostgreSQL takes them from arrays


def _chain_hash_function(previous: str | None, canonical_bytes: bytes) -> str:
    return hashlib.sha256((previous or "").encode() + canonical_bytes).hexdigest()


def sqlite_functions(dbapi_connection) -> None:
    """The SQL functions the audit trail uses on a SQLite connection (called when it connects)."""
    dbapi_connection.create_function("coop_chain_hash", 2, _chain_hash_function, deterministic=True)


def _write_pending(session) -> None:
    rows = session.info.pop(_PENDING, None)
    if not rows:
        return
    connection = session.connection()  # Core statements: the ORM adds nothing to plain rows
    dialect = connection.dialect.name
    postgres = dialect == "postgresql"
    by_chain: dict[int | None, list[dict]] = {}
    for row in rows:
        by_chain.setdefault(row["org_id"], []).append(row)
    for org_id in sorted(by_chain, key=lambda o: o or 0):  # a fixed order: two chains never deadlock
        chain = by_chain[org_id]
        if postgres:
            connection.execute(_ADVISORY_LOCK, {"c": _LOCK_CLASS, "o": org_id or 0})
        if len(chain) == 1 and org_id is not None and dialect in _INSERT_CHAINED:
            connection.execute(_INSERT_CHAINED[dialect], {**chain[0], "canonical": canonical(chain[0])})
            continue
        previous = connection.execute(_LAST_HASH[None if org_id is None else True], {"chain": org_id}).scalar()
        for row in chain:
            row["hash"] = previous = chain_hash(previous, row)
        if postgres and len(chain) >= MANY:
            connection.execute(_PG_INSERT_MANY, {name: [
                json.dumps(row[name]) if name == "details" else row[name]
                for row in chain] for name in _COLUMNS})
            continue
        connection.execute(_INSERT_EVENTS, chain)


@event.listens_for(db.session, "before_commit")
def _before_commit(session):
    _write_pending(session)


@event.listens_for(db.session, "after_transaction_end")
def _after_transaction(session, transaction):
    if transaction.parent is None:  # committed (written above) or rolled back: what was recorded is done
        session.info.pop(_PENDING, None)


@event.listens_for(db.session, "do_orm_execute")
def _before_reading_the_trail(state):
    if state.session.info.get(_PENDING) and state.is_select and any(
            getattr(f, "name", None) == "audit_event" for f in state.statement.get_final_froms()):
        _write_pending(state.session)


def set_origin(ip: str | None) -> None:
    _origin.set(ip)


def record(action: str, *, org_id: int | None, user_id: int | None, target_type: str | None = None,
           target_id=None, details: dict | None = None) -> None:
    """Append one event. Details never hold names or phone numbers: ids only."""
    _pending(db.session()).append({
        "org_id": org_id, "user_id": user_id, "action": action, "target_type": target_type,
        "target_id": None if target_id is None else str(target_id), "ip": _origin.get(),
        "details": _plain(details), "at": utcnow()})


def record_many(events: list[dict]) -> None:
    """Append many events at once (a batch of postings): each dict has record()'s keyword arguments."""
    if not events:
        return
    origin, at = _origin.get(), utcnow()
    _pending(db.session()).extend([
        {"org_id": e["org_id"], "user_id": e["user_id"], "action": e["action"], "target_type": e.get("target_type"),
         "target_id": None if e.get("target_id") is None else str(e["target_id"]), "ip": origin,
         "details": _plain(e.get("details")), "at": at} for e in events])


def _plain(details: dict | None) -> dict | None:
    """Details as they come back from the JSON column (tuples are lists), so the hash is stable."""
    return None if details is None else json.loads(json.dumps(details, default=str))


def verify(org_id: int | None = None, *, every_chain: bool = True) -> list[str]:
    """Problems in the chained audit trail: a row removed, altered or inserted out of the chain."""
    _write_pending(db.session())
    if every_chain:
        chains = list(db.session.scalars(select(AuditEvent.org_id).distinct()))
    else:
        chains = [org_id]
    problems: list[str] = []
    for chain in sorted(chains, key=lambda o: o or 0):
        where = AuditEvent.org_id.is_(None) if chain is None else AuditEvent.org_id == chain
        previous, started = None, False
        for row in db.session.execute(select(AuditEvent.__table__).where(where).order_by(AuditEvent.id)).mappings():
            if row["hash"] is None:
                if started:
                    problems.append(f"organization {chain}: audit row {row['id']} is not in the chain")
                continue  # rows from before the chain began
            started = True
            expected = chain_hash(previous, row)
            if expected != row["hash"]:
                problems.append(f"organization {chain}: audit row {row['id']} does not follow the row before it "
                                "(that row was removed or altered, or this one was)")
            previous = row["hash"]
    return problems


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
