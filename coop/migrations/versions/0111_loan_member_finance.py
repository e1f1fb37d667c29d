"""loans: installment rounding per product, capital build-up (CBU) retention, co-makers

Revision ID: 0111_loan_member_finance
Revises: 0030_loans
Create Date: 2026-12-04 15:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0111_loan_member_finance"
down_revision = "0030_loans"
branch_labels = None
depends_on = ("0110_membership_fee",)


def upgrade():
    # plain ALTER TABLE on both engines: a batch copy of `loan` would trip the foreign keys to it on SQLite
    op.add_column("loan_product", sa.Column("installment_rounding", sa.String(length=10), nullable=False,
                                            server_default="nearest"))
    op.add_column("loan_product", sa.Column("cbu_method", sa.String(length=20), nullable=False, server_default="none"))
    op.add_column("loan_product", sa.Column("cbu_amount", sa.BigInteger(), nullable=False, server_default="0"))
    op.add_column("loan_product", sa.Column("cbu_rate_bp", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("loan_product", sa.Column("comakers_required", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("loan", sa.Column("cbu_retention", sa.BigInteger(), nullable=False, server_default="0"))
    # the loans made before this revision were scheduled with the parts cut down and the last taking the rest
    op.add_column("loan", sa.Column("installment_rounding", sa.String(length=10), nullable=False,
                                    server_default="down"))
    op.create_table(
        "loan_comaker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("notified_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_loan_comaker_org_id_organization")),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name=op.f("fk_loan_comaker_loan_id_loan")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_loan_comaker_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_comaker")),
        sa.UniqueConstraint("loan_id", "member_id", name=op.f("uq_loan_comaker_loan_id_member_id")),
    )
    op.create_index("ix_loan_comaker_member", "loan_comaker", ["org_id", "member_id"], unique=False)
    op.create_index(op.f("ix_loan_comaker_loan_id"), "loan_comaker", ["loan_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_loan_comaker_loan_id"), table_name="loan_comaker")
    op.drop_index("ix_loan_comaker_member", table_name="loan_comaker")
    op.drop_table("loan_comaker")
    with op.batch_alter_table("loan", schema=None) as batch_op:
        batch_op.drop_column("installment_rounding")
        batch_op.drop_column("cbu_retention")
    with op.batch_alter_table("loan_product", schema=None) as batch_op:
        for column in ("comakers_required", "cbu_rate_bp", "cbu_amount", "cbu_method", "installment_rounding"):
            batch_op.drop_column(column)
