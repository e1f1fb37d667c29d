"""grants: an MOA signed on the wrong date is voided and entered again (one MOA per plan that is not void)

Revision ID: 0051_grants_moa_void
Revises: 0050_grants
"""
from alembic import op
import sqlalchemy as sa

revision = '0051_grants_moa_void'
down_revision = '0050_grants'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('grant_moa', schema=None) as batch_op:
        batch_op.add_column(sa.Column('void_reason', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('voided_on', sa.Date(), nullable=True))
        batch_op.drop_constraint('uq_grant_moa_plan_id', type_='unique')
    op.create_index('uq_grant_moa_plan_live', 'grant_moa', ['plan_id'], unique=True,
                    sqlite_where=sa.text("status <> 'void'"), postgresql_where=sa.text("status <> 'void'"))


def downgrade():
    op.drop_index('uq_grant_moa_plan_live', table_name='grant_moa')
    with op.batch_alter_table('grant_moa', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_grant_moa_plan_id', ['plan_id'])
        batch_op.drop_column('voided_on')
        batch_op.drop_column('void_reason')
