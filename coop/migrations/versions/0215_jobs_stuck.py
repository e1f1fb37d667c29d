"""jobs: a daily job stopped for an organization is recorded (job_stuck), so the dashboard can say so

Revision ID: 0215_jobs_stuck
Revises: 0006_job_names
"""
from alembic import op
import sqlalchemy as sa

revision = "0215_jobs_stuck"
down_revision = "0006_job_names"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job_stuck",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(60), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_job_stuck_org_id_organization")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_stuck")),
        sa.UniqueConstraint("org_id", "job", name=op.f("uq_job_stuck_org_id_job")),
    )


def downgrade():
    op.drop_table("job_stuck")
