"""Chart rows say which accounts hold cash (is_cash) and which a domain keeps (is_control)

Revision ID: 0007_account_flags
Revises: 0005_account_month

Existing organizations get the flags by account key, as the shipped charts (ledger/charts/*.csv)
give them to new ones; the donors' restricted funds (accounts under net_assets_restricted) are
control accounts too.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_account_flags'
down_revision = '0005_account_month'
branch_labels = None
depends_on = None

CASH = ("cash_on_hand", "cash_in_bank", "petty_cash", "e_wallet_fund")
CONTROL = (
    "loans_receivable_commodity", "loans_receivable_emergency", "loans_receivable_other",
    "loans_receivable_past_due", "loans_receivable_restructured", "accounts_receivable_members",
    "merchandise_inventory", "accounts_payable_trade",
    "subscribed_share_capital_common", "subscription_receivable_common", "paid_up_share_capital_common",
    "withdrawable_share_capital_payable",
    "consignment_receivable_members", "due_to_principals", "due_to_member_producers", "commissions_payable_members",
    "attendants_earnings_payable",
    "net_assets_restricted",
)


def upgrade():
    # plain ALTER TABLE on both engines: a batch copy of `account` would trip the foreign keys to it on SQLite
    op.add_column('account', sa.Column('is_cash', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('account', sa.Column('is_control', sa.Boolean(), server_default=sa.false(), nullable=False))
    account = sa.table('account', sa.column('id', sa.Integer), sa.column('key', sa.String),
                       sa.column('parent_id', sa.Integer), sa.column('is_cash', sa.Boolean),
                       sa.column('is_control', sa.Boolean))
    op.execute(account.update().where(account.c.key.in_(CASH)).values(is_cash=True))
    op.execute(account.update().where(account.c.key.in_(CONTROL)).values(is_control=True))
    restricted = sa.select(account.c.id).where(account.c.key == 'net_assets_restricted').scalar_subquery()
    op.execute(account.update().where(account.c.parent_id.in_(restricted)).values(is_control=True))


def downgrade():
    # SQLite drops a column since 3.35
    op.execute('ALTER TABLE account DROP COLUMN is_control')
    op.execute('ALTER TABLE account DROP COLUMN is_cash')
