"""members: application fields, share subscriptions, installments, payments, withdrawals, transfers

Revision ID: 0010_share_capital
Revises: 0002_members
"""
from alembic import op
import sqlalchemy as sa

revision = "0010_share_capital"
down_revision = "0002_members"
branch_labels = None
depends_on = ("0003_receipts",)


def upgrade():
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("beneficiary_mobile", sa.String(20), nullable=True))
        batch.add_column(sa.Column("email", sa.String(120), nullable=True))
        batch.add_column(sa.Column("applied_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("application_source", sa.String(20), nullable=False, server_default="officer"))

    op.create_table(
        "share_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("shares", sa.Integer(), nullable=False),
        sa.Column("par_value", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("paid", sa.BigInteger(), nullable=False),
        sa.Column("subscribed_on", sa.Date(), nullable=False),
        sa.Column("installments", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(100), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("paid >= 0 AND paid <= amount", name=op.f("ck_share_subscription_paid_within_amount")),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_share_subscription_org_id_organization")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_share_subscription_member_id_member")),
        sa.ForeignKeyConstraint(["entry_id"], ["journal_entry.id"], name=op.f("fk_share_subscription_entry_id_journal_entry")),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"], name=op.f("fk_share_subscription_created_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_subscription")),
        sa.UniqueConstraint("org_id", "idempotency_key", name=op.f("uq_share_subscription_org_id_idempotency_key")),
    )
    op.create_index("ix_share_subscription_member_id", "share_subscription", ["member_id"])

    op.create_table(
        "share_installment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("paid", sa.BigInteger(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.CheckConstraint("paid >= 0 AND paid <= amount", name=op.f("ck_share_installment_paid_within_amount")),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_share_installment_org_id_organization")),
        sa.ForeignKeyConstraint(["subscription_id"], ["share_subscription.id"],
                                name=op.f("fk_share_installment_subscription_id_share_subscription")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_share_installment_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_installment")),
    )
    op.create_index("ix_share_installment_subscription_id", "share_installment", ["subscription_id"])
    op.create_index("ix_share_installment_member_due", "share_installment", ["member_id", "due_on"])
    op.create_index("ix_share_installment_org_due", "share_installment", ["org_id", "due_on"])

    op.create_table(
        "share_payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(100), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_share_payment_positive")),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_share_payment_org_id_organization")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_share_payment_member_id_member")),
        sa.ForeignKeyConstraint(["receipt_id"], ["receipt.id"], name=op.f("fk_share_payment_receipt_id_receipt")),
        sa.ForeignKeyConstraint(["entry_id"], ["journal_entry.id"], name=op.f("fk_share_payment_entry_id_journal_entry")),
        sa.ForeignKeyConstraint(["recorded_by"], ["user.id"], name=op.f("fk_share_payment_recorded_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_payment")),
        sa.UniqueConstraint("org_id", "idempotency_key", name=op.f("uq_share_payment_org_id_idempotency_key")),
    )
    op.create_index("ix_share_payment_member", "share_payment", ["member_id", "paid_on"])

    op.create_table(
        "share_withdrawal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("paid_up", sa.BigInteger(), nullable=False),
        sa.Column("owed", sa.BigInteger(), nullable=False),
        sa.Column("refund", sa.BigInteger(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.String(300), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("refund_entry_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("decided_by IS NULL OR requested_by IS NULL OR decided_by <> requested_by",
                           name=op.f("ck_share_withdrawal_maker_is_not_checker")),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_share_withdrawal_org_id_organization")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_share_withdrawal_member_id_member")),
        sa.ForeignKeyConstraint(["requested_by"], ["user.id"], name=op.f("fk_share_withdrawal_requested_by_user")),
        sa.ForeignKeyConstraint(["decided_by"], ["user.id"], name=op.f("fk_share_withdrawal_decided_by_user")),
        sa.ForeignKeyConstraint(["entry_id"], ["journal_entry.id"], name=op.f("fk_share_withdrawal_entry_id_journal_entry")),
        sa.ForeignKeyConstraint(["refund_entry_id"], ["journal_entry.id"],
                                name=op.f("fk_share_withdrawal_refund_entry_id_journal_entry")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_withdrawal")),
    )
    op.create_index("ix_share_withdrawal_org_id", "share_withdrawal", ["org_id"])
    op.create_index("ix_share_withdrawal_member_id", "share_withdrawal", ["member_id"])

    op.create_table(
        "share_transfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("from_member_id", sa.Integer(), nullable=False),
        sa.Column("to_member_id", sa.Integer(), nullable=False),
        sa.Column("shares", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("transferred_on", sa.Date(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_share_transfer_org_id_organization")),
        sa.ForeignKeyConstraint(["from_member_id"], ["member.id"], name=op.f("fk_share_transfer_from_member_id_member")),
        sa.ForeignKeyConstraint(["to_member_id"], ["member.id"], name=op.f("fk_share_transfer_to_member_id_member")),
        sa.ForeignKeyConstraint(["entry_id"], ["journal_entry.id"], name=op.f("fk_share_transfer_entry_id_journal_entry")),
        sa.ForeignKeyConstraint(["recorded_by"], ["user.id"], name=op.f("fk_share_transfer_recorded_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_transfer")),
    )
    op.create_index("ix_share_transfer_org_id", "share_transfer", ["org_id"])
    op.create_index("ix_share_transfer_from_member_id", "share_transfer", ["from_member_id"])
    op.create_index("ix_share_transfer_to_member_id", "share_transfer", ["to_member_id"])


def downgrade():
    for table in ("share_transfer", "share_withdrawal", "share_payment", "share_installment", "share_subscription"):
        op.drop_table(table)
    with op.batch_alter_table("member") as batch:
        for column in ("application_source", "applied_on", "email", "beneficiary_mobile"):
            batch.drop_column(column)
