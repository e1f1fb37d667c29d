"""approvals: one maker-checker mechanism, the stored pending command

Revision ID: 0090_approvals
Revises: 0001_foundation
"""
from alembic import op
import sqlalchemy as sa

revision = "0090_approvals"
down_revision = "0001_foundation"
branch_labels = ("approvals",)
depends_on = None


def upgrade():
    op.create_table(
        "approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("subject", sa.String(60), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("reason", sa.String(300), nullable=True),
        sa.Column("result_ref", sa.String(60), nullable=True),
        sa.Column("idempotency_key", sa.String(100), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_approval_org_id_organization")),
        sa.ForeignKeyConstraint(["requested_by"], ["user.id"], name=op.f("fk_approval_requested_by_user")),
        sa.ForeignKeyConstraint(["decided_by"], ["user.id"], name=op.f("fk_approval_decided_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval")),
    )
    op.create_index("ix_approval_org_status", "approval", ["org_id", "status", "id"])
    op.create_index("uq_approval_pending_subject", "approval", ["org_id", "kind", "subject"], unique=True,
                    postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'"))
    op.create_index("uq_approval_idempotency_key", "approval", ["org_id", "idempotency_key"], unique=True)


def downgrade():
    op.drop_table("approval")
