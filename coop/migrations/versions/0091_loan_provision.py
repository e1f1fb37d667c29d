"""loans: month-end provisioning of the allowance for probable losses

Revision ID: 0091_loan_provision
Revises: 0030_loans
"""
from alembic import op
import sqlalchemy as sa

revision = "0091_loan_provision"
down_revision = "0030_loans"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "loan_provision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("month_end", sa.Date(), nullable=False),
        sa.Column("required", sa.BigInteger(), nullable=False),
        sa.Column("allowance_before", sa.BigInteger(), nullable=False),
        sa.Column("adjustment", sa.BigInteger(), nullable=False),
        sa.Column("buckets", sa.JSON(), nullable=False),
        sa.Column("entry_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_loan_provision_org_id_organization")),
        sa.ForeignKeyConstraint(["entry_id"], ["journal_entry.id"],
                                name=op.f("fk_loan_provision_entry_id_journal_entry")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_provision")),
        sa.UniqueConstraint("org_id", "month_end", name=op.f("uq_loan_provision_org_id_month_end")),
    )


def downgrade():
    op.drop_table("loan_provision")
