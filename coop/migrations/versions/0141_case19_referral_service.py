"""cases: a referral names the partner's service asked for, and its catalogue entry when picked from it

Revision ID: 0141_case19_referral_service
Revises: 0140_cases
"""
from alembic import op
import sqlalchemy as sa


revision = '0141_case19_referral_service'
down_revision = '0140_cases'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_referral') as batch:
        batch.add_column(sa.Column('service', sa.String(length=160), nullable=True))
        batch.add_column(sa.Column('offering_id', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('case_referral') as batch:
        batch.drop_column('offering_id')
        batch.drop_column('service')
