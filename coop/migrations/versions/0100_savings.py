"""savings: products, members' savings accounts and their passbook lines; Savings and Time Deposits kept by the domain

Revision ID: 0100_savings
Revises: 0007_account_flags

Savings Deposits and Time Deposits become control accounts in existing organizations, as the shipped
cooperative chart now has them: only the savings domain moves them.
"""
from alembic import op
import sqlalchemy as sa

revision = "0100_savings"
down_revision = "0007_account_flags"
branch_labels = ("savings",)
depends_on = ("0002_members", "0003_receipts")

CONTROL = ("savings_deposits", "time_deposits")


def upgrade():
    account = sa.table("account", sa.column("key", sa.String), sa.column("is_control", sa.Boolean))
    op.execute(account.update().where(account.c.key.in_(CONTROL))
               .values(is_control=True))
    op.create_table(
        "savings_product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("rate_bp", sa.Integer(), nullable=False),
        sa.Column("minimum_balance", sa.BigInteger(), nullable=False),
        sa.Column("dormant_days", sa.Integer(), nullable=False),
        sa.Column("posting_period", sa.String(12), nullable=False),
        sa.Column("term_days", sa.Integer(), nullable=False),
        sa.Column("penalty_bp", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_savings_product_org_id_organization")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_savings_product")),
        sa.UniqueConstraint("org_id", "code", name=op.f("uq_savings_product_org_id_code")),
    )
    op.create_table(
        "savings_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("holder", sa.String(120), nullable=True),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("last_activity_on", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("since_day", sa.Integer(), nullable=False),
        sa.Column("balance_days", sa.BigInteger(), nullable=False),
        sa.Column("pending_interest", sa.BigInteger(), nullable=False),
        sa.Column("interest_total", sa.BigInteger(), nullable=False),
        sa.Column("principal", sa.BigInteger(), nullable=False),
        sa.Column("rate_bp", sa.Integer(), nullable=False),
        sa.Column("term_days", sa.Integer(), nullable=False),
        sa.Column("term_start", sa.Date(), nullable=True),
        sa.Column("maturity_on", sa.Date(), nullable=True),
        sa.Column("on_maturity", sa.String(10), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_savings_account_not_negative")),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_savings_account_org_id_organization")),
        sa.ForeignKeyConstraint(["product_id"], ["savings_product.id"],
                                name=op.f("fk_savings_account_product_id_savings_product")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_savings_account_member_id_member")),
        sa.ForeignKeyConstraint(["party_id"], ["party.id"], name=op.f("fk_savings_account_party_id_party")),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"], name=op.f("fk_savings_account_created_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_savings_account")),
        sa.UniqueConstraint("party_id", name=op.f("uq_savings_account_party_id")),
    )
    op.create_index("ix_savings_account_org_member", "savings_account", ["org_id", "member_id"])
    op.create_index("ix_savings_account_product", "savings_account", ["product_id", "status"])
    op.create_table(
        "savings_txn",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("balance_after", sa.BigInteger(), nullable=False),
        sa.Column("memo", sa.String(200), nullable=True),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("receipt_id", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(100), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_savings_txn_org_id_organization")),
        sa.ForeignKeyConstraint(["account_id"], ["savings_account.id"],
                                name=op.f("fk_savings_txn_account_id_savings_account")),
        sa.ForeignKeyConstraint(["entry_id"], ["journal_entry.id"], name=op.f("fk_savings_txn_entry_id_journal_entry")),
        sa.ForeignKeyConstraint(["receipt_id"], ["receipt.id"], name=op.f("fk_savings_txn_receipt_id_receipt")),
        sa.ForeignKeyConstraint(["actor_id"], ["user.id"], name=op.f("fk_savings_txn_actor_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_savings_txn")),
        sa.UniqueConstraint("org_id", "idempotency_key", name=op.f("uq_savings_txn_org_id_idempotency_key")),
    )
    op.create_index("ix_savings_txn_account", "savings_txn", ["account_id", "id"])


def downgrade():
    op.drop_table("savings_txn")
    op.drop_table("savings_account")
    op.drop_table("savings_product")
    account = sa.table("account", sa.column("key", sa.String), sa.column("is_control", sa.Boolean))
    op.execute(account.update().where(account.c.key.in_(CONTROL))
               .values(is_control=False))
