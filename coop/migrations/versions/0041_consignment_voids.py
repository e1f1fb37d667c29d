"""consignment: a mistaken record is voided (its entry reversed, its goods put back), never edited

Revision ID: 0041_consignment_voids
Revises: 0040_consignment
Create Date: 2026-11-27 14:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0041_consignment_voids'
down_revision = '0040_consignment'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consignment_doc', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commission_netted', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('voided_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('voided_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('void_reason', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('void_entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                      nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_consignment_doc_voided_by_user'), 'user', ['voided_by'], ['id'])


def downgrade():
    with op.batch_alter_table('consignment_doc', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_consignment_doc_voided_by_user'), type_='foreignkey')
        batch_op.drop_column('void_entry_id')
        batch_op.drop_column('void_reason')
        batch_op.drop_column('voided_by')
        batch_op.drop_column('voided_at')
        batch_op.drop_column('commission_netted')
