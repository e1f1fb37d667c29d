"""members: the membership fee (paid once, with a receipt), share payments made inside another domain's entry

Revision ID: 0110_membership_fee
Revises: 0010_share_capital
Create Date: 2026-12-04 15:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0110_membership_fee"
down_revision = "0010_share_capital"
branch_labels = None
depends_on = None

ENTRY_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "membership_fee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("refundable", sa.Boolean(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("entry_id", ENTRY_ID, nullable=True),
        sa.Column("receipt_id", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=100), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_membership_fee_org_id_organization")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_membership_fee_member_id_member")),
        sa.ForeignKeyConstraint(["entry_id"], ["journal_entry.id"],
                                name=op.f("fk_membership_fee_entry_id_journal_entry")),
        sa.ForeignKeyConstraint(["receipt_id"], ["receipt.id"], name=op.f("fk_membership_fee_receipt_id_receipt")),
        sa.ForeignKeyConstraint(["recorded_by"], ["user.id"], name=op.f("fk_membership_fee_recorded_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership_fee")),
        sa.UniqueConstraint("org_id", "member_id", name=op.f("uq_membership_fee_org_id_member_id")),
        sa.UniqueConstraint("org_id", "idempotency_key", name=op.f("uq_membership_fee_org_id_idempotency_key")),
    )
    # plain ALTER TABLE on both engines: a batch copy would trip the foreign keys to share_payment on SQLite
    op.add_column("share_payment", sa.Column("source", sa.String(length=40), nullable=True))
    op.add_column("share_payment", sa.Column("source_id", sa.String(length=60), nullable=True))


def downgrade():
    with op.batch_alter_table("share_payment", schema=None) as batch_op:
        batch_op.drop_column("source_id")
        batch_op.drop_column("source")
    op.drop_table("membership_fee")
