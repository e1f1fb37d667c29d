"""Interchange verbs: export to Odoo, the Odoo connection and its pushes, imports and their runs.

Plain values in, records out, domain errors raised; the boundary (request, command, runner) commits.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..audit import services as audit
from ..errors import Invalid
from ..extensions import db
from ..kernel import get_in_org
from ..timeutil import utcnow
from . import crypto, odoo
from .models import ColumnMap, InterchangeRun, OdooConnection

STALE = timedelta(minutes=15)  # a running run whose heartbeat is older was cut off (a restart): run it again


# ---------------------------------------------------------------- export


def export_odoo(org_id: int, *, since: date | None = None, actor_id: int | None = None) -> odoo.Export:
    """The organization's books as Odoo's import files, checked against Odoo's rules; audited."""
    export = odoo.build(org_id, since=since)
    found = odoo.problems(export)
    if found:
        raise Invalid("Odoo would refuse this chart: %(problems)s", values={"problems": "; ".join(found[:5])})
    audit.record("interchange.export_odoo", org_id=org_id, user_id=actor_id, target_type="organization",
                 target_id=org_id, details={"since": since.isoformat() if since else None,
                                            "rows": {name: len(rows) for name, rows in export.files.items()}})
    return export


# ---------------------------------------------------------------- Odoo connection


def connection(org_id: int) -> OdooConnection | None:
    return db.session.scalar(select(OdooConnection).where(OdooConnection.org_id == org_id))


def save_connection(org_id: int, *, url: str, database: str, login: str, api_key: str | None, secret_key: str,
                    version: str = "17", auto_post: bool = False, actor_id: int | None = None) -> OdooConnection:
    """Keep where to push; the API key is encrypted (crypto.py). An empty key keeps the stored one."""
    if not url.startswith(("http://", "https://")):
        raise Invalid("The Odoo address starts with https:// (or http:// on a local network).", field="url")
    if version not in ("17", "18", "19"):
        raise Invalid("Odoo version 17, 18 or 19.", field="version")
    row = connection(org_id)
    if row is None:
        if not api_key:
            raise Invalid("Give the API key of the Odoo user.", field="api_key")
        row = OdooConnection(org_id=org_id, last_entry_id=0)
        db.session.add(row)
    row.url, row.database, row.login, row.version, row.auto_post = url.rstrip("/"), database, login, version, auto_post
    if api_key:
        row.api_key_encrypted = crypto.encrypt(secret_key, api_key)
    row.updated_by, row.updated_at = actor_id, utcnow()
    db.session.flush()
    audit.record("interchange.odoo_settings", org_id=org_id, user_id=actor_id, target_type="odoo_connection",
                 target_id=row.id, details={"url": row.url, "database": database, "version": version})
    return row


def api_key(row: OdooConnection, secret_key: str) -> str:
    return crypto.decrypt(secret_key, row.api_key_encrypted)


# ---------------------------------------------------------------- runs (pushes and imports)


def create_run(org_id: int, kind: str, *, actor_id: int | None, dry_run: bool = False, filename: str | None = None,
               content: bytes | None = None, mapping: dict | None = None, total: int = 0) -> InterchangeRun:
    run = InterchangeRun(org_id=org_id, kind=kind, status="queued", dry_run=dry_run, filename=filename,
                         content=content, mapping=mapping, total=total, done=0, created_by=actor_id,
                         created_at=utcnow())
    db.session.add(run)
    db.session.flush()
    return run


def get_run(org_id: int, run_id: int) -> InterchangeRun:
    return get_in_org(InterchangeRun, org_id, run_id, "No such import or push.")


def recent_runs(org_id: int, limit: int = 20) -> list[InterchangeRun]:
    return list(db.session.scalars(select(InterchangeRun).where(InterchangeRun.org_id == org_id)
                                   .order_by(InterchangeRun.id.desc()).limit(limit)))


def runs_to_start(now=None) -> list[int]:
    """Queued runs, and running ones whose heartbeat stopped (the server restarted under them)."""
    now = now or utcnow()
    rows = db.session.execute(select(InterchangeRun.id, InterchangeRun.status, InterchangeRun.heartbeat_at).where(
        InterchangeRun.status.in_(("queued", "running")))).all()
    return [r.id for r in rows if r.status == "queued" or r.heartbeat_at is None or now - r.heartbeat_at > STALE]


# ---------------------------------------------------------------- column maps


def column_map(org_id: int, kind: str) -> dict | None:
    row = db.session.scalar(select(ColumnMap).where(ColumnMap.org_id == org_id, ColumnMap.kind == kind))
    return dict(row.mapping) if row else None


def remember_column_map(org_id: int, kind: str, mapping: dict) -> None:
    row = db.session.scalar(select(ColumnMap).where(ColumnMap.org_id == org_id, ColumnMap.kind == kind))
    if row is None:
        db.session.add(ColumnMap(org_id=org_id, kind=kind, mapping=mapping))
    else:
        row.mapping = mapping
    db.session.flush()




def confirm_import(org_id: int, run_id: int, *, actor_id: int | None) -> InterchangeRun:
    """After a clean dry run: the same file, for real."""
    run = get_run(org_id, run_id)
    if run.kind == "odoo_push" or not run.dry_run or run.status != "done":
        raise Invalid("Only a finished dry run of an import can be confirmed.")
    if run.problems:
        raise Invalid("The dry run found problems: correct the file and upload it again.")
    rows = (run.summary or {}).get("rows")
    run.status, run.dry_run, run.done, run.summary, run.created_by = "queued", False, 0, None, actor_id
    run.started_at = run.finished_at = run.heartbeat_at = None
    db.session.flush()
    audit.record("interchange.import", org_id=org_id, user_id=actor_id, target_type="interchange_run",
                 target_id=run.id, details={"kind": run.kind, "rows": rows})
    return run
