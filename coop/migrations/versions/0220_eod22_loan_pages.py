"""loans: the pages of loans and installments keep room for a new row version (PostgreSQL fillfactor 70), so that the
end of day's UPDATEs (every late loan's days past due, each day; penalties, past-due moves, reminder flags) are HOT:
the new version goes on the same page and no index is touched (none of those columns is indexed). SQLite has no such
setting: nothing to do there.

Revision ID: 0220_eod22_loan_pages
Revises: 0180_control16_allowance
"""
from alembic import op

revision = "0220_eod22_loan_pages"
down_revision = "0180_control16_allowance"
branch_labels = None
depends_on = None

TABLES = ("loan", "loan_installment")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:  # pages written from now on; a VACUUM FULL (or pg_repack) applies it to the old ones
            op.execute(f"ALTER TABLE {table} SET (fillfactor = 70)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} RESET (fillfactor)")
