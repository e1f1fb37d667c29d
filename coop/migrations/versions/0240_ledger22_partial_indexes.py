"""ledger: the journal's indexes on mostly-empty columns hold only the rows that have a value

Most entries reverse nothing and are posted at no teller's desk, many carry no idempotency key (a domain's
posts from its own jobs and forms), and many lines name no party (the cash side, fees, income): every post still
wrote a NULL into each of those indexes. Partial indexes (WHERE the column IS NOT NULL) keep every lookup (each query on these columns
compares them with a value, or asks IS NOT NULL, which the partial index implies) and the uniqueness
(NULLs never collided: two entries without a key or reversing nothing were always allowed), and skip those writes.

On PostgreSQL the two unique constraints (reverses_id; org_id and idempotency_key) become partial unique indexes
of the same names. On SQLite they are part of journal_entry's CREATE TABLE (autoindexes that only a rebuild of
the table could drop, with its triggers and the tables that reference it): they stay as they are there; the
teller session's and the party's indexes become partial on both.

Revision ID: 0240_ledger22_partial_indexes
Revises: 0210_bulk20_line_refs
"""
import sqlalchemy as sa
from alembic import op

revision = "0240_ledger22_partial_indexes"
down_revision = "0210_bulk20_line_refs"
branch_labels = None
depends_on = None

# name, table, columns, the column that is mostly NULL
INDEXES = (
    ("ix_journal_entry_teller_session_id", "journal_entry", ["teller_session_id"], "teller_session_id"),
    ("ix_journal_line_party", "journal_line", ["org_id", "party_id", "entry_id"], "party_id"),
)
UNIQUES = (  # PostgreSQL only: name, columns, the column that is mostly NULL
    ("uq_journal_entry_reverses_id", ["reverses_id"], "reverses_id"),
    ("uq_journal_entry_org_id_idempotency_key", ["org_id", "idempotency_key"], "idempotency_key"),
)


def _where(column: str) -> dict:
    condition = sa.text(f"{column} IS NOT NULL")
    return {"postgresql_where": condition, "sqlite_where": condition}


def upgrade():
    for name, table, columns, column in INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns, **_where(column))
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, columns, column in UNIQUES:
        op.drop_constraint(name, "journal_entry", type_="unique")
        op.create_index(name, "journal_entry", columns, unique=True, **_where(column))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name, columns, _column in UNIQUES:
            op.drop_index(name, table_name="journal_entry")
            op.create_unique_constraint(name, "journal_entry", columns)
    for name, table, columns, _column in INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns)
