"""a TOTP code is accepted once: the last accepted time step is kept per user

Revision ID: 0160_totp_replay
Revises: 0007_auth_security
"""
import sqlalchemy as sa
from alembic import op

revision = "0160_totp_replay"
down_revision = "0007_auth_security"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
