"""savings: the interest job writes each account row once (pending_interest dropped), accounts' pages keep room
for a new row version (PostgreSQL fillfactor 50: the monthly UPDATE of every account is HOT, no index touched),
and the passbook's idempotency keys are unique where there is one (interest lines carry none)

Revision ID: 0200_save18_interest_job
Revises: 0100_savings
"""
from alembic import op
import sqlalchemy as sa

revision = "0200_save18_interest_job"
down_revision = "0100_savings"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("savings_account") as batch:
        batch.drop_column("pending_interest")
    with op.batch_alter_table("savings_txn") as batch:
        batch.drop_constraint("uq_savings_txn_org_id_idempotency_key", type_="unique")
    op.create_index("uq_savings_txn_key", "savings_txn", ["org_id", "idempotency_key"], unique=True,
                    postgresql_where=sa.text("idempotency_key IS NOT NULL"),
                    sqlite_where=sa.text("idempotency_key IS NOT NULL"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE savings_account SET (fillfactor = 50)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE savings_account RESET (fillfactor)")
    op.drop_index("uq_savings_txn_key", table_name="savings_txn")
    with op.batch_alter_table("savings_txn") as batch:
        batch.create_unique_constraint("uq_savings_txn_org_id_idempotency_key", ["org_id", "idempotency_key"])
    with op.batch_alter_table("savings_account") as batch:
        batch.add_column(sa.Column("pending_interest", sa.BigInteger(), nullable=False, server_default="0"))
