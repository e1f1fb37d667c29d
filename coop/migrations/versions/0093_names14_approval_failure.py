"""approvals: why a command failed is kept unsaid (its English template and values), said in the reader's language

Revision ID: 0093_names14_approval_failure
Revises: 0092_approvals_pending
"""
from alembic import op
import sqlalchemy as sa

revision = "0093_names14_approval_failure"
down_revision = "0092_approvals_pending"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("approval") as batch:
        batch.add_column(sa.Column("failure", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("approval") as batch:
        batch.drop_column("failure")
