"""The few helpers every domain needs and would otherwise write again.

- `get_in_org`: a record of this organization, or NotFound (a record of another organization is
  as invisible as one that does not exist).
- `insert_ignore`: INSERT ... ON CONFLICT DO NOTHING on either engine.
- `run_core`: a Core statement on the session's connection, for the paths every request takes.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .errors import NotFound
from .extensions import db

# Primary keys are 32-bit integers: anything outside cannot exist, and asking the database would fail.
MAX_ID = 2**31 - 1


def valid_id(row_id) -> bool:
    return isinstance(row_id, int) and not isinstance(row_id, bool) and 0 < row_id <= MAX_ID


def get_in_org(model, org_id: int, row_id, message: str = "No such record.", *, field: str | None = None,
               lock: bool = False):
    """The row `row_id` of `model` if it belongs to organization `org_id`, else NotFound(message).

    With lock=True the row is read fresh under a row lock (PostgreSQL; SQLite already serialises
    writers), for verbs that change it.
    """
    if not valid_id(row_id):
        raise NotFound(message, field=field)
    if lock:
        row = db.session.scalar(select(model).where(model.id == row_id, model.org_id == org_id)
                                .with_for_update().execution_options(populate_existing=True))
    else:
        row = db.session.get(model, row_id)
    if row is None or row.org_id != org_id:
        raise NotFound(message, field=field)
    return row


def run_core(statement, params: dict | None = None):
    """Run a Core statement (columns, not entities) in the session's transaction, skipping the ORM's work per
    statement (a third of a small read's time). Pending changes are flushed first, as the session's autoflush would."""
    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params or {})


def dialect_insert(table):
    """An INSERT that knows ON CONFLICT, for the engine in use."""
    make = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return make(table)


def insert_ignore(table, rows: list[dict] | dict, index_elements: list[str]) -> None:
    """Insert the rows that are not there yet (by the unique index on index_elements); two at once are fine."""
    table = getattr(table, "__table__", table)
    if isinstance(rows, dict):
        db.session.execute(dialect_insert(table).values(**rows).on_conflict_do_nothing(index_elements=index_elements))
    elif rows:
        db.session.execute(dialect_insert(table).on_conflict_do_nothing(index_elements=index_elements), rows)
