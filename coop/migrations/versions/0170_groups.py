"""groups: clusters and group work, trainings and coaching, the partners' catalogue, group enterprises, capital loans

Revision ID: 0170_groups
Revises: 0001_foundation

Capital Loans Receivable becomes a control account in existing NGOs, as in the shipped chart: only the capital-loan
release and repayments move it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0170_groups'
down_revision = '0001_foundation'
branch_labels = ('groups',)
depends_on = ('0051_grants_moa_void', '0003_receipts', '0007_account_flags')


def upgrade():
    account = sa.table("account", sa.column("key", sa.String), sa.column("is_control", sa.Boolean))
    op.execute(account.update().where(account.c.key == "capital_loans_receivable").values(is_control=True))
    op.create_table('grp_offering',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('partner', sa.String(length=160), nullable=False),
    sa.Column('description', sa.String(length=1000), nullable=True),
    sa.Column('place', sa.String(length=160), nullable=True),
    sa.Column('contact', sa.String(length=160), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grp_offering_org_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grp_offering'))
    )
    with op.batch_alter_table('grp_offering', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grp_offering_org_id'), ['org_id'], unique=False)

    op.create_table('grp_training',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('provider', sa.String(length=160), nullable=True),
    sa.Column('venues', sa.String(length=300), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('days_to_complete', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_grp_training_created_by_user')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grp_training_org_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grp_training'))
    )
    with op.batch_alter_table('grp_training', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grp_training_org_id'), ['org_id'], unique=False)

    op.create_table('grp_cluster',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('place', sa.String(length=160), nullable=True),
    sa.Column('formed_on', sa.Date(), nullable=False),
    sa.Column('social_worker_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_grp_cluster_created_by_user')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grp_cluster_org_id_organization')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_grp_cluster_party_id_party')),
    sa.ForeignKeyConstraint(['social_worker_id'], ['user.id'], name=op.f('fk_grp_cluster_social_worker_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grp_cluster')),
    sa.UniqueConstraint('org_id', 'number', name=op.f('uq_grp_cluster_org_id_number'))
    )
    with op.batch_alter_table('grp_cluster', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grp_cluster_org_id'), ['org_id'], unique=False)

    op.create_table('grp_training_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('day_no', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('venue', sa.String(length=160), nullable=True),
    sa.Column('topic', sa.String(length=160), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['grp_training.id'], name=op.f('fk_grp_training_day_program_id_grp_training')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grp_training_day')),
    sa.UniqueConstraint('program_id', 'day_no', name=op.f('uq_grp_training_day_program_id_day_no'))
    )
    with op.batch_alter_table('grp_training_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grp_training_day_program_id'), ['program_id'], unique=False)

    op.create_table('grp_coaching',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('coach_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=160), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['grant_beneficiary.id'], name=op.f('fk_grp_coaching_beneficiary_id_grant_beneficiary')),
    sa.ForeignKeyConstraint(['coach_id'], ['user.id'], name=op.f('fk_grp_coaching_coach_id_user')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grp_coaching_org_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grp_coaching'))
    )
    with op.batch_alter_table('grp_coaching', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grp_coaching_beneficiary_id'), ['beneficiary_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grp_coaching_org_id'), ['org_id'], unique=False)

    op.create_table('grp_enrollment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('enrolled_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('days_attended', sa.Integer(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['grant_beneficiary.id'], name=op.f('fk_grp_enrollment_beneficiary_id_grant_beneficiary')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grp_enrollment_org_id_organization')),
    sa.ForeignKeyConstraint(['program_id'], ['grp_training.id'], name=op.f('fk_grp_enrollment_program_id_grp_training')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grp_enrollment')),
    sa.UniqueConstraint('program_id', 'beneficiary_id', name=op.f('uq_grp_enrollment_program_id_beneficiary_id'))
    )
    with op.batch_alter_table('grp_enrollment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grp_enrollment_beneficiary_id'), ['beneficiary_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grp_enrollment_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grp_enrollment_program_id'), ['program_id'], unique=False)

    op.create_table('grp_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=True),
    sa.Column('alias', sa.String(length=60), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['grant_beneficiary.id'], name=op.f('fk_grp_member_beneficiary_id_grant_beneficiary')),
    sa.ForeignKeyConstraint(['cluster_id'], ['grp_cluster.id'], name=op.f('fk_grp_member_cluster_id_grp_cluster')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grp_member_org_id_organization')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_grp_member_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grp_member')),
    sa.UniqueConstraint('cluster_id', 'beneficiary_id', name=op.f('uq_grp_member_cluster_id_beneficiary_id'))
    )
    with op.batch_alter_table('grp_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grp_member_beneficiary_id'), ['beneficiary_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grp_member_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grp_member_user_id'), ['user_id'], unique=False)

    op.create_table('grp_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('module', sa.String(length=20), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=160), nullable=True),
    sa.Column('facilitator_id', sa.Integer(), nullable=True),
    sa.Column('present', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cluster_id'], ['grp_cluster.id'], name=op.f('fk_grp_session_cluster_id_grp_cluster')),
    sa.ForeignKeyConstraint(['facilitator_id'], ['grp_member.id'], name=op.f('fk_grp_session_facilitator_id_grp_member')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grp_session_org_id_organization')),
    sa.ForeignKeyConstraint(['recorded_by'], ['user.id'], name=op.f('fk_grp_session_recorded_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grp_session')),
    sa.UniqueConstraint('cluster_id', 'module', name=op.f('uq_grp_session_cluster_id_module'))
    )
    with op.batch_alter_table('grp_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grp_session_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grp_session_org_id'), ['org_id'], unique=False)

    op.create_table('grp_training_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day_id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['day_id'], ['grp_training_day.id'], name=op.f('fk_grp_training_attendance_day_id_grp_training_day')),
    sa.ForeignKeyConstraint(['enrollment_id'], ['grp_enrollment.id'], name=op.f('fk_grp_training_attendance_enrollment_id_grp_enrollment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grp_training_attendance')),
    sa.UniqueConstraint('day_id', 'enrollment_id', name=op.f('uq_grp_training_attendance_day_id_enrollment_id'))
    )
    with op.batch_alter_table('grp_training_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grp_training_attendance_day_id'), ['day_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grp_training_attendance_enrollment_id'), ['enrollment_id'], unique=False)

    op.create_table('grp_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['grp_member.id'], name=op.f('fk_grp_attendance_member_id_grp_member')),
    sa.ForeignKeyConstraint(['session_id'], ['grp_session.id'], name=op.f('fk_grp_attendance_session_id_grp_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grp_attendance')),
    sa.UniqueConstraint('session_id', 'member_id', name=op.f('uq_grp_attendance_session_id_member_id'))
    )
    with op.batch_alter_table('grp_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grp_attendance_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grp_attendance_session_id'), ['session_id'], unique=False)

    op.create_table('grp_enterprise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('moa_id', sa.Integer(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['cluster_id'], ['grp_cluster.id'], name=op.f('fk_grp_enterprise_cluster_id_grp_cluster')),
    sa.ForeignKeyConstraint(['moa_id'], ['grant_moa.id'], name=op.f('fk_grp_enterprise_moa_id_grant_moa')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grp_enterprise_org_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grp_enterprise')),
    sa.UniqueConstraint('moa_id', name=op.f('uq_grp_enterprise_moa_id'))
    )
    with op.batch_alter_table('grp_enterprise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grp_enterprise_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grp_enterprise_org_id'), ['org_id'], unique=False)

    op.create_table('grp_loan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('moa_id', sa.Integer(), nullable=False),
    sa.Column('tranche_id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=True),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('principal', sa.Integer(), nullable=False),
    sa.Column('repaid', sa.Integer(), nullable=False),
    sa.Column('released_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['grant_beneficiary.id'], name=op.f('fk_grp_loan_beneficiary_id_grant_beneficiary')),
    sa.ForeignKeyConstraint(['cluster_id'], ['grp_cluster.id'], name=op.f('fk_grp_loan_cluster_id_grp_cluster')),
    sa.ForeignKeyConstraint(['moa_id'], ['grant_moa.id'], name=op.f('fk_grp_loan_moa_id_grant_moa')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grp_loan_org_id_organization')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_grp_loan_party_id_party')),
    sa.ForeignKeyConstraint(['tranche_id'], ['grant_tranche.id'], name=op.f('fk_grp_loan_tranche_id_grant_tranche')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grp_loan')),
    sa.UniqueConstraint('org_id', 'number', name=op.f('uq_grp_loan_org_id_number')),
    sa.UniqueConstraint('tranche_id', name=op.f('uq_grp_loan_tranche_id'))
    )
    with op.batch_alter_table('grp_loan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grp_loan_beneficiary_id'), ['beneficiary_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grp_loan_moa_id'), ['moa_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grp_loan_org_id'), ['org_id'], unique=False)

    op.create_table('grp_installment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('paid', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['grp_loan.id'], name=op.f('fk_grp_installment_loan_id_grp_loan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grp_installment')),
    sa.UniqueConstraint('loan_id', 'seq', name=op.f('uq_grp_installment_loan_id_seq'))
    )
    with op.batch_alter_table('grp_installment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grp_installment_loan_id'), ['loan_id'], unique=False)

    op.create_table('grp_repayment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('cash_account', sa.String(length=60), nullable=False),
    sa.Column('entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('receipt_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('voided_on', sa.Date(), nullable=True),
    sa.Column('void_reason', sa.String(length=300), nullable=True),
    sa.Column('reversal_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], name=op.f('fk_grp_repayment_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['reversal_id'], ['journal_entry.id'], name=op.f('fk_grp_repayment_reversal_id_journal_entry')),
    sa.ForeignKeyConstraint(['loan_id'], ['grp_loan.id'], name=op.f('fk_grp_repayment_loan_id_grp_loan')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_grp_repayment_org_id_organization')),
    sa.ForeignKeyConstraint(['receipt_id'], ['receipt.id'], name=op.f('fk_grp_repayment_receipt_id_receipt')),
    sa.ForeignKeyConstraint(['recorded_by'], ['user.id'], name=op.f('fk_grp_repayment_recorded_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grp_repayment'))
    )
    with op.batch_alter_table('grp_repayment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grp_repayment_loan_id'), ['loan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grp_repayment_org_id'), ['org_id'], unique=False)


def downgrade():
    account = sa.table("account", sa.column("key", sa.String), sa.column("is_control", sa.Boolean))
    op.execute(account.update().where(account.c.key == "capital_loans_receivable").values(is_control=False))
    with op.batch_alter_table('grp_repayment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grp_repayment_org_id'))
        batch_op.drop_index(batch_op.f('ix_grp_repayment_loan_id'))

    op.drop_table('grp_repayment')
    with op.batch_alter_table('grp_installment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grp_installment_loan_id'))

    op.drop_table('grp_installment')
    with op.batch_alter_table('grp_loan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grp_loan_org_id'))
        batch_op.drop_index(batch_op.f('ix_grp_loan_moa_id'))
        batch_op.drop_index(batch_op.f('ix_grp_loan_beneficiary_id'))

    op.drop_table('grp_loan')
    with op.batch_alter_table('grp_enterprise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grp_enterprise_org_id'))
        batch_op.drop_index(batch_op.f('ix_grp_enterprise_cluster_id'))

    op.drop_table('grp_enterprise')
    with op.batch_alter_table('grp_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grp_attendance_session_id'))
        batch_op.drop_index(batch_op.f('ix_grp_attendance_member_id'))

    op.drop_table('grp_attendance')
    with op.batch_alter_table('grp_training_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grp_training_attendance_enrollment_id'))
        batch_op.drop_index(batch_op.f('ix_grp_training_attendance_day_id'))

    op.drop_table('grp_training_attendance')
    with op.batch_alter_table('grp_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grp_session_org_id'))
        batch_op.drop_index(batch_op.f('ix_grp_session_cluster_id'))

    op.drop_table('grp_session')
    with op.batch_alter_table('grp_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grp_member_user_id'))
        batch_op.drop_index(batch_op.f('ix_grp_member_cluster_id'))
        batch_op.drop_index(batch_op.f('ix_grp_member_beneficiary_id'))

    op.drop_table('grp_member')
    with op.batch_alter_table('grp_enrollment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grp_enrollment_program_id'))
        batch_op.drop_index(batch_op.f('ix_grp_enrollment_org_id'))
        batch_op.drop_index(batch_op.f('ix_grp_enrollment_beneficiary_id'))

    op.drop_table('grp_enrollment')
    with op.batch_alter_table('grp_coaching', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grp_coaching_org_id'))
        batch_op.drop_index(batch_op.f('ix_grp_coaching_beneficiary_id'))

    op.drop_table('grp_coaching')
    with op.batch_alter_table('grp_training_day', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grp_training_day_program_id'))

    op.drop_table('grp_training_day')
    with op.batch_alter_table('grp_cluster', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grp_cluster_org_id'))

    op.drop_table('grp_cluster')
    with op.batch_alter_table('grp_training', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grp_training_org_id'))

    op.drop_table('grp_training')
    with op.batch_alter_table('grp_offering', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grp_offering_org_id'))

    op.drop_table('grp_offering')
