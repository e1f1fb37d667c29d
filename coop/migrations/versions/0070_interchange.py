"""interchange: the Odoo connection, import and push runs, remembered column maps

Revision ID: 0070_interchange
Revises: 0001_foundation
Create Date: 2026-12-04 13:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0070_interchange'
down_revision = '0001_foundation'
branch_labels = ('interchange',)
depends_on = None


def upgrade():
    op.create_table('odoo_connection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.Column('database', sa.String(length=120), nullable=False),
    sa.Column('login', sa.String(length=120), nullable=False),
    sa.Column('api_key_encrypted', sa.String(length=500), nullable=False),
    sa.Column('version', sa.String(length=10), nullable=False),
    sa.Column('auto_post', sa.Boolean(), nullable=False),
    sa.Column('last_entry_id', sa.BigInteger(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_odoo_connection_org_id_organization')),
    sa.ForeignKeyConstraint(['updated_by'], ['user.id'], name=op.f('fk_odoo_connection_updated_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_odoo_connection')),
    sa.UniqueConstraint('org_id', name=op.f('uq_odoo_connection_org_id'))
    )
    op.create_table('interchange_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('mapping', sa.JSON(), nullable=True),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.Column('problems', sa.JSON(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_interchange_run_created_by_user')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_interchange_run_org_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interchange_run'))
    )
    with op.batch_alter_table('interchange_run', schema=None) as batch_op:
        batch_op.create_index('ix_interchange_run_org_status', ['org_id', 'status'], unique=False)
    op.create_table('interchange_column_map',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_interchange_column_map_org_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interchange_column_map')),
    sa.UniqueConstraint('org_id', 'kind', name=op.f('uq_interchange_column_map_org_id_kind'))
    )


def downgrade():
    op.drop_table('interchange_column_map')
    with op.batch_alter_table('interchange_run', schema=None) as batch_op:
        batch_op.drop_index('ix_interchange_run_org_status')
    op.drop_table('interchange_run')
    op.drop_table('odoo_connection')
