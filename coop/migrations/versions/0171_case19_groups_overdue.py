"""groups: capital-loan installments listed overdue by the daily job, and each loan's days past due

Revision ID: 0171_case19_groups_overdue
Revises: 0170_groups
"""
from alembic import op
import sqlalchemy as sa


revision = '0171_case19_groups_overdue'
down_revision = '0170_groups'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('grp_installment') as batch:
        batch.add_column(sa.Column('overdue_on', sa.Date(), nullable=True))
    with op.batch_alter_table('grp_loan') as batch:
        batch.add_column(sa.Column('days_past_due', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('grp_loan') as batch:
        batch.drop_column('days_past_due')
    with op.batch_alter_table('grp_installment') as batch:
        batch.drop_column('overdue_on')
