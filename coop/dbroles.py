"""PostgreSQL: the application's own role, which does not own the tables.

Two roles: the owner (runs `coop init`, i.e. the migrations; owns every table) and the application's
role (what `DATABASE_URL` names for `coop run`, the WSGI server and the scheduler). The application's
role may read and write rows, but it owns nothing, so it cannot TRUNCATE, drop or alter a table, nor
disable the triggers that keep the journal and the audit trail append-only.
"""
from __future__ import annotations

import re

from sqlalchemy import text

from .extensions import db

APPEND_ONLY = ("journal_entry", "journal_line", "audit_event")
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def create_app_role(name: str, password: str | None = None) -> None:
    """Create (or bring up to date) the application's role and grant it rows, not tables. Run as the owner."""
    if not _NAME.match(name):
        raise ValueError("A role name is lower-case letters, digits and underscores.")
    bind = db.session.get_bind()
    if bind.dialect.name != "postgresql":
        raise ValueError("Database roles exist only on PostgreSQL.")
    owner = db.session.scalar(text("SELECT current_user"))
    if owner == name:
        raise ValueError("The application's role must not be the role that owns the tables.")
    exists = db.session.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
    if not exists:
        db.session.execute(text(f'CREATE ROLE "{name}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT'))
    if password:
        from psycopg import sql

        raw = db.session.connection().connection.driver_connection
        with raw.cursor() as cursor:
            cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(name), sql.Literal(password)))
    for statement in (
        # TEMPORARY: the daily jobs select a day's candidates into temporary tables (PUBLIC has it by default)
        f'GRANT CONNECT, TEMPORARY ON DATABASE "{bind.url.database}" TO "{name}"',
        f'GRANT USAGE ON SCHEMA public TO "{name}"',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{name}"',
        f'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO "{name}"',
        # tables a later migration adds: the same rights, without asking again
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{name}"',
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO "{name}"',
        # the journal and the trail only grow (the triggers say so too)
        f'REVOKE UPDATE, DELETE, TRUNCATE ON {", ".join(APPEND_ONLY)} FROM "{name}"',
        f'REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM "{name}"',
        f'REVOKE UPDATE ON alembic_version FROM "{name}"',
        f'REVOKE INSERT, DELETE ON alembic_version FROM "{name}"',
    ):
        db.session.execute(text(statement))
