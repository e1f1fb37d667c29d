"""privacy: members' correction requests (Data Privacy Act)

Revision ID: 0071_privacy
Revises: 0070_security
"""
from alembic import op
import sqlalchemy as sa

revision = "0071_privacy"
down_revision = "0070_security"
branch_labels = None
depends_on = ("0002_members",)


def upgrade():
    op.create_table(
        "correction_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("request", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=1000), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_correction_request_org_id_organization")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_correction_request_member_id_member")),
        sa.ForeignKeyConstraint(["recorded_by"], ["user.id"], name=op.f("fk_correction_request_recorded_by_user")),
        sa.ForeignKeyConstraint(["closed_by"], ["user.id"], name=op.f("fk_correction_request_closed_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_request")),
    )
    op.create_index("ix_correction_request_member", "correction_request", ["org_id", "member_id"])


def downgrade():
    op.drop_index("ix_correction_request_member", table_name="correction_request")
    op.drop_table("correction_request")
