"""monthly totals per account, for "as of" reports at any journal size

Revision ID: 0005_account_month
Revises: 0001_foundation
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_account_month'
down_revision = '0001_foundation'
branch_labels = ('ledger',)
depends_on = None


def upgrade():
    op.create_table(
        'account_month',
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('debit_total', sa.BigInteger(), nullable=False),
        sa.Column('credit_total', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
        sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
        sa.PrimaryKeyConstraint('account_id', 'month'),
    )
    with op.batch_alter_table('account_month', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_month_org_id'), ['org_id'], unique=False)
    # An existing journal gets its monthly totals from its lines.
    first_of_month = ("CAST(date_trunc('month', e.entry_date) AS date)" if op.get_bind().dialect.name == "postgresql"
                      else "date(e.entry_date, 'start of month')")
    op.execute(
        "INSERT INTO account_month (account_id, month, org_id, debit_total, credit_total) "
        f"SELECT l.account_id, {first_of_month}, l.org_id, SUM(l.debit), SUM(l.credit) "
        "FROM journal_line l JOIN journal_entry e ON e.id = l.entry_id "
        f"GROUP BY l.account_id, {first_of_month}, l.org_id")


def downgrade():
    with op.batch_alter_table('account_month', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_month_org_id'))
    op.drop_table('account_month')
