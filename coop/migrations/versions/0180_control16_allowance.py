"""loans: the allowance for probable losses is a control account; a write-off keeps what it took from the allowance

Revision ID: 0180_control16_allowance
Revises: 0091_loan_provision

Only the month-end provisioning and write-offs move the allowance, so a manual entry may not name it and `coop
ledger check` proves it against the provisioning records less what write-offs consumed. Existing write-offs get
that amount from their own entries (the allowance's debit line).
"""
from alembic import op
import sqlalchemy as sa

revision = "0180_control16_allowance"
down_revision = "0091_loan_provision"
branch_labels = None
depends_on = ("0007_account_flags",)

CONTROL = ("allowance_probable_losses",)


def upgrade():
    op.add_column("loan_transaction", sa.Column("allowance_used", sa.BigInteger(), server_default="0",
                                                nullable=False))
    op.execute(
        "UPDATE loan_transaction SET allowance_used = COALESCE((SELECT SUM(l.debit) FROM journal_line l"
        " JOIN account a ON a.id = l.account_id WHERE l.entry_id = loan_transaction.entry_id"
        " AND a.key = 'allowance_probable_losses'), 0) WHERE kind = 'write_off' AND entry_id IS NOT NULL")
    account = sa.table("account", sa.column("key", sa.String), sa.column("is_control", sa.Boolean))
    op.execute(account.update().where(account.c.key.in_(CONTROL)).values(is_control=True))


def downgrade():
    account = sa.table("account", sa.column("key", sa.String), sa.column("is_control", sa.Boolean))
    op.execute(account.update().where(account.c.key.in_(CONTROL)).values(is_control=False))
    with op.batch_alter_table("loan_transaction") as batch:
        batch.drop_column("allowance_used")
