"""Daily jobs named "<package>.<verb>" like the others: rename the runs already recorded.

Revision ID: 0006_job_names
Revises: 0001_foundation
"""
from alembic import op

revision = "0006_job_names"
down_revision = "0001_foundation"
branch_labels = ("jobs",)
depends_on = None

RENAMES = (("share_reminders", "members.share_reminders"), ("wellness-reminders", "wellness.reminders"))


def upgrade():
    for old, new in RENAMES:
        op.execute(f"UPDATE job_run SET job = '{new}' WHERE job = '{old}'")


def downgrade():
    for old, new in RENAMES:
        op.execute(f"UPDATE job_run SET job = '{old}' WHERE job = '{new}'")
