"""grants: beneficiaries, donor funds, business plans and reviews, MOAs, tranches, purchases, monitoring, follow-ups

Revision ID: 0050_grants
Revises: 0001_foundation
Create Date: 2026-11-27 12:59:13.713090

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0050_grants'
down_revision = '0001_foundation'
branch_labels = ('grants',)
depends_on = None


def upgrade():
    op.create_table('grant_beneficiary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=True),
    sa.Column('town', sa.String(length=100), nullable=True),
    sa.Column('province', sa.String(length=100), nullable=True),
    sa.Column('ready_on', sa.Date(), nullable=True),
    sa.Column('ready_by', sa.Integer(), nullable=True),
    sa.Column('ready_note', sa.String(length=500), nullable=True),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_grant_beneficiary_created_by_user')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grant_beneficiary_org_id_organization')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_grant_beneficiary_party_id_party')),
    sa.ForeignKeyConstraint(['ready_by'], ['user.id'], name=op.f('fk_grant_beneficiary_ready_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_beneficiary')),
    sa.UniqueConstraint('org_id', 'number', name=op.f('uq_grant_beneficiary_org_id_number'))
    )
    with op.batch_alter_table('grant_beneficiary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_beneficiary_org_id'), ['org_id'], unique=False)

    op.create_table('grant_fund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('donor_name', sa.String(length=160), nullable=False),
    sa.Column('purpose', sa.String(length=300), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('committed', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_grant_fund_account_id_account')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grant_fund_org_id_organization')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_grant_fund_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_fund')),
    sa.UniqueConstraint('org_id', 'donor_name', name=op.f('uq_grant_fund_org_id_donor_name'))
    )
    with op.batch_alter_table('grant_fund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_fund_org_id'), ['org_id'], unique=False)

    op.create_table('grant_fund_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=80), nullable=True),
    sa.Column('entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], name=op.f('fk_grant_fund_receipt_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['fund_id'], ['grant_fund.id'], name=op.f('fk_grant_fund_receipt_fund_id_grant_fund')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grant_fund_receipt_org_id_organization')),
    sa.ForeignKeyConstraint(['recorded_by'], ['user.id'], name=op.f('fk_grant_fund_receipt_recorded_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_fund_receipt'))
    )
    with op.batch_alter_table('grant_fund_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_fund_receipt_fund_id'), ['fund_id'], unique=False)

    op.create_table('grant_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('revision_of', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('business_type', sa.String(length=120), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=1000), nullable=True),
    sa.Column('amount_requested', sa.Integer(), nullable=False),
    sa.Column('projected_sales', sa.Integer(), nullable=False),
    sa.Column('projected_costs', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['grant_beneficiary.id'], name=op.f('fk_grant_plan_beneficiary_id_grant_beneficiary')),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_grant_plan_created_by_user')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grant_plan_org_id_organization')),
    sa.ForeignKeyConstraint(['revision_of'], ['grant_plan.id'], name=op.f('fk_grant_plan_revision_of_grant_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_plan')),
    sa.UniqueConstraint('org_id', 'number', name=op.f('uq_grant_plan_org_id_number'))
    )
    with op.batch_alter_table('grant_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_plan_beneficiary_id'), ['beneficiary_id'], unique=False)
        batch_op.create_index('ix_grant_plan_org_status', ['org_id', 'status'], unique=False)

    op.create_table('grant_training',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('course', sa.String(length=160), nullable=False),
    sa.Column('provider', sa.String(length=160), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('completed', sa.Boolean(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['grant_beneficiary.id'], name=op.f('fk_grant_training_beneficiary_id_grant_beneficiary')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grant_training_org_id_organization')),
    sa.ForeignKeyConstraint(['recorded_by'], ['user.id'], name=op.f('fk_grant_training_recorded_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_training'))
    )
    with op.batch_alter_table('grant_training', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_training_beneficiary_id'), ['beneficiary_id'], unique=False)

    op.create_table('grant_moa',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('centre_role', sa.String(length=1000), nullable=False),
    sa.Column('centre_signatory', sa.String(length=160), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('released_total', sa.Integer(), nullable=False),
    sa.Column('first_released_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=True),
    sa.Column('outcome_note', sa.String(length=1000), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['grant_beneficiary.id'], name=op.f('fk_grant_moa_beneficiary_id_grant_beneficiary')),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_grant_moa_created_by_user')),
    sa.ForeignKeyConstraint(['fund_id'], ['grant_fund.id'], name=op.f('fk_grant_moa_fund_id_grant_fund')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grant_moa_org_id_organization')),
    sa.ForeignKeyConstraint(['plan_id'], ['grant_plan.id'], name=op.f('fk_grant_moa_plan_id_grant_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_moa')),
    sa.UniqueConstraint('org_id', 'number', name=op.f('uq_grant_moa_org_id_number')),
    sa.UniqueConstraint('plan_id', name=op.f('uq_grant_moa_plan_id'))
    )
    with op.batch_alter_table('grant_moa', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_moa_beneficiary_id'), ['beneficiary_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_moa_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index('ix_grant_moa_org_status', ['org_id', 'status'], unique=False)

    op.create_table('grant_plan_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=160), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grant_plan_line_org_id_organization')),
    sa.ForeignKeyConstraint(['plan_id'], ['grant_plan.id'], name=op.f('fk_grant_plan_line_plan_id_grant_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_plan_line'))
    )
    with op.batch_alter_table('grant_plan_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_plan_line_plan_id'), ['plan_id'], unique=False)

    op.create_table('grant_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('interviewed_on', sa.Date(), nullable=False),
    sa.Column('interview_note', sa.String(length=1000), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('visit_note', sa.String(length=1000), nullable=False),
    sa.Column('feasibility_note', sa.String(length=1000), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('reviewed_by', sa.Integer(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grant_review_org_id_organization')),
    sa.ForeignKeyConstraint(['plan_id'], ['grant_plan.id'], name=op.f('fk_grant_review_plan_id_grant_plan')),
    sa.ForeignKeyConstraint(['reviewed_by'], ['user.id'], name=op.f('fk_grant_review_reviewed_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_review')),
    sa.UniqueConstraint('plan_id', name=op.f('uq_grant_review_plan_id'))
    )
    op.create_table('grant_followup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('moa_id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('listed_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['moa_id'], ['grant_moa.id'], name=op.f('fk_grant_followup_moa_id_grant_moa')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grant_followup_org_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_followup')),
    sa.UniqueConstraint('org_id', 'kind', 'moa_id', 'ref', name=op.f('uq_grant_followup_org_id_kind_moa_id_ref'))
    )
    with op.batch_alter_table('grant_followup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_followup_org_id'), ['org_id'], unique=False)

    op.create_table('grant_monitoring',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('moa_id', sa.Integer(), nullable=False),
    sa.Column('month_no', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('sales', sa.Integer(), nullable=False),
    sa.Column('costs', sa.Integer(), nullable=False),
    sa.Column('savings', sa.Integer(), nullable=False),
    sa.Column('visit_note', sa.String(length=1000), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['moa_id'], ['grant_moa.id'], name=op.f('fk_grant_monitoring_moa_id_grant_moa')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grant_monitoring_org_id_organization')),
    sa.ForeignKeyConstraint(['recorded_by'], ['user.id'], name=op.f('fk_grant_monitoring_recorded_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_monitoring')),
    sa.UniqueConstraint('moa_id', 'month_no', name=op.f('uq_grant_monitoring_moa_id_month_no'))
    )
    with op.batch_alter_table('grant_monitoring', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_monitoring_moa_id'), ['moa_id'], unique=False)

    op.create_table('grant_tranche',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('moa_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('condition', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_by', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=True),
    sa.Column('release_on', sa.Date(), nullable=True),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('released_on', sa.Date(), nullable=True),
    sa.Column('entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['approved_by'], ['user.id'], name=op.f('fk_grant_tranche_approved_by_user')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], name=op.f('fk_grant_tranche_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['moa_id'], ['grant_moa.id'], name=op.f('fk_grant_tranche_moa_id_grant_moa')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grant_tranche_org_id_organization')),
    sa.ForeignKeyConstraint(['requested_by'], ['user.id'], name=op.f('fk_grant_tranche_requested_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_tranche')),
    sa.UniqueConstraint('moa_id', 'seq', name=op.f('uq_grant_tranche_moa_id_seq'))
    )
    with op.batch_alter_table('grant_tranche', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_tranche_moa_id'), ['moa_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_tranche_org_id'), ['org_id'], unique=False)

    op.create_table('grant_purchase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('tranche_id', sa.Integer(), nullable=False),
    sa.Column('bought_on', sa.Date(), nullable=False),
    sa.Column('item', sa.String(length=160), nullable=False),
    sa.Column('supplier', sa.String(length=160), nullable=True),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('receipt_no', sa.String(length=60), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grant_purchase_org_id_organization')),
    sa.ForeignKeyConstraint(['recorded_by'], ['user.id'], name=op.f('fk_grant_purchase_recorded_by_user')),
    sa.ForeignKeyConstraint(['tranche_id'], ['grant_tranche.id'], name=op.f('fk_grant_purchase_tranche_id_grant_tranche')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_purchase'))
    )
    with op.batch_alter_table('grant_purchase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_purchase_tranche_id'), ['tranche_id'], unique=False)



def downgrade():
    with op.batch_alter_table('grant_purchase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_purchase_tranche_id'))

    op.drop_table('grant_purchase')
    with op.batch_alter_table('grant_tranche', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_tranche_org_id'))
        batch_op.drop_index(batch_op.f('ix_grant_tranche_moa_id'))

    op.drop_table('grant_tranche')
    with op.batch_alter_table('grant_monitoring', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_monitoring_moa_id'))

    op.drop_table('grant_monitoring')
    with op.batch_alter_table('grant_followup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_followup_org_id'))

    op.drop_table('grant_followup')
    op.drop_table('grant_review')
    with op.batch_alter_table('grant_plan_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_plan_line_plan_id'))

    op.drop_table('grant_plan_line')
    with op.batch_alter_table('grant_moa', schema=None) as batch_op:
        batch_op.drop_index('ix_grant_moa_org_status')
        batch_op.drop_index(batch_op.f('ix_grant_moa_fund_id'))
        batch_op.drop_index(batch_op.f('ix_grant_moa_beneficiary_id'))

    op.drop_table('grant_moa')
    with op.batch_alter_table('grant_training', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_training_beneficiary_id'))

    op.drop_table('grant_training')
    with op.batch_alter_table('grant_plan', schema=None) as batch_op:
        batch_op.drop_index('ix_grant_plan_org_status')
        batch_op.drop_index(batch_op.f('ix_grant_plan_beneficiary_id'))

    op.drop_table('grant_plan')
    with op.batch_alter_table('grant_fund_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_fund_receipt_fund_id'))

    op.drop_table('grant_fund_receipt')
    with op.batch_alter_table('grant_fund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_fund_org_id'))

    op.drop_table('grant_fund')
    with op.batch_alter_table('grant_beneficiary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_beneficiary_org_id'))

    op.drop_table('grant_beneficiary')
