"""cases: case work (intake, workers, assessments, sessions, the referral directory, referrals and follow-ups)

Revision ID: 0140_cases
Revises: 0001_foundation
"""
from alembic import op
import sqlalchemy as sa

revision = "0140_cases"
down_revision = "0001_foundation"
branch_labels = ("cases",)
depends_on = ("0051_grants_moa_void",)



def _fk(column: str, target: str, table: str, nullable: bool = True):
    return sa.Column(column, sa.Integer(), sa.ForeignKey(
        f"{target}.id", name=f"fk_{table}_{column}_{target}"), nullable=nullable)


def _base(table: str):
    return (sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("org_id", sa.Integer(), sa.ForeignKey("organization.id", name=f"fk_{table}_org_id_organization"),
                      nullable=False),
            sa.PrimaryKeyConstraint("id", name=f"pk_{table}"))


def upgrade():
    op.create_table(
        "case_category", *_base("case_category"),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("org_id", "name", name="uq_case_category_org_id_name"))
    op.create_index("ix_case_category_org_id", "case_category", ["org_id"])
    op.create_table(
        "case_program", *_base("case_program"),
        sa.Column("name", sa.String(length=120), nullable=False),
        _fk("fund_id", "grant_fund", "case_program"),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("org_id", "name", name="uq_case_program_org_id_name"))
    op.create_index("ix_case_program_org_id", "case_program", ["org_id"])
    op.create_table(
        "case_agency", *_base("case_agency"),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("services", sa.String(length=300), nullable=True),
        sa.Column("contact_person", sa.String(length=120), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=120), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("org_id", "name", name="uq_case_agency_org_id_name"))
    op.create_index("ix_case_agency_org_id", "case_agency", ["org_id"])
    op.create_table(
        "case_file", *_base("case_file"),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("household", sa.String(length=10), nullable=False),
        sa.Column("client_name", sa.String(length=160), nullable=False),
        sa.Column("mobile", sa.String(length=20), nullable=True),
        sa.Column("town", sa.String(length=100), nullable=True),
        sa.Column("province", sa.String(length=100), nullable=True),
        sa.Column("referrer_kind", sa.String(length=20), nullable=False),
        sa.Column("referred_by", sa.String(length=160), nullable=True),
        _fk("program_id", "case_program", "case_file"),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("status_on", sa.Date(), nullable=False),
        sa.Column("closing_reason", sa.String(length=20), nullable=True),
        _fk("transferred_to", "case_agency", "case_file"),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("ready_on", sa.Date(), nullable=True),
        _fk("ready_by", "user", "case_file"),
        _fk("beneficiary_id", "grant_beneficiary", "case_file"),
        sa.Column("sealed_on", sa.Date(), nullable=True),
        _fk("sealed_by", "user", "case_file"),
        _fk("created_by", "user", "case_file"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("org_id", "number", name="uq_case_file_org_id_number"),
        sa.UniqueConstraint("org_id", "beneficiary_id", name="uq_case_file_org_id_beneficiary_id"))
    op.create_index("ix_case_file_org_status", "case_file", ["org_id", "status"])
    op.create_index("ix_case_file_program_id", "case_file", ["program_id"])
    op.create_table(
        "case_situation", *_base("case_situation"),
        _fk("case_id", "case_file", "case_situation", nullable=False),
        _fk("category_id", "case_category", "case_situation", nullable=False),
        sa.UniqueConstraint("case_id", "category_id", name="uq_case_situation_case_id_category_id"))
    op.create_index("ix_case_situation_case_id", "case_situation", ["case_id"])
    op.create_table(
        "case_assignment", *_base("case_assignment"),
        _fk("case_id", "case_file", "case_assignment", nullable=False),
        _fk("user_id", "user", "case_assignment", nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        _fk("assigned_by", "user", "case_assignment"),
        sa.UniqueConstraint("case_id", "user_id", name="uq_case_assignment_case_id_user_id"))
    op.create_index("ix_case_assignment_case_id", "case_assignment", ["case_id"])
    op.create_index("ix_case_assignment_user", "case_assignment", ["org_id", "user_id"])
    op.create_table(
        "case_assessment", *_base("case_assessment"),
        _fk("case_id", "case_file", "case_assessment", nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("scale", sa.String(length=10), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("certifies_ready", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        _fk("assessed_by", "user", "case_assessment", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False))
    op.create_index("ix_case_assessment_case_id", "case_assessment", ["case_id"])
    op.create_table(
        "case_session", *_base("case_session"),
        _fk("case_id", "case_file", "case_session", nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("facilitator_kind", sa.String(length=8), nullable=False),
        _fk("facilitator_id", "user", "case_session"),
        sa.Column("peer_counselor", sa.String(length=120), nullable=True),
        sa.Column("module", sa.String(length=120), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        _fk("recorded_by", "user", "case_session"),
        sa.Column("created_at", sa.DateTime(), nullable=False))
    op.create_index("ix_case_session_case_id", "case_session", ["case_id"])
    op.create_index("ix_case_session_org_day", "case_session", ["org_id", "held_on"])
    op.create_table(
        "case_referral", *_base("case_referral"),
        _fk("case_id", "case_file", "case_referral", nullable=False),
        _fk("agency_id", "case_agency", "case_referral", nullable=False),
        sa.Column("referred_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("expected_response", sa.String(length=200), nullable=True),
        sa.Column("expected_by", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.String(length=500), nullable=True),
        sa.Column("outcome_on", sa.Date(), nullable=True),
        _fk("referred_by", "user", "case_referral"),
        sa.Column("created_at", sa.DateTime(), nullable=False))
    op.create_index("ix_case_referral_case_id", "case_referral", ["case_id"])
    op.create_index("ix_case_referral_agency_id", "case_referral", ["agency_id"])
    op.create_index("ix_case_referral_org_status", "case_referral", ["org_id", "status"])
    op.create_table(
        "case_followup", *_base("case_followup"),
        _fk("case_id", "case_file", "case_followup", nullable=False),
        _fk("referral_id", "case_referral", "case_followup", nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        _fk("done_by", "user", "case_followup"),
        sa.Column("listed_on", sa.Date(), nullable=True))
    op.create_index("ix_case_followup_case_id", "case_followup", ["case_id"])
    op.create_index("ix_case_followup_referral_id", "case_followup", ["referral_id"])
    op.create_index("ix_case_followup_org_due", "case_followup", ["org_id", "done_on", "due_on"])
    op.create_table(
        "case_worker_phone", *_base("case_worker_phone"),
        _fk("user_id", "user", "case_worker_phone", nullable=False),
        sa.Column("mobile", sa.String(length=20), nullable=False),
        sa.UniqueConstraint("org_id", "user_id", name="uq_case_worker_phone_org_id_user_id"))


def downgrade():
    for table in ("case_worker_phone", "case_followup", "case_referral", "case_session", "case_assessment",
                  "case_assignment", "case_situation", "case_file", "case_agency", "case_program", "case_category"):
        op.drop_table(table)
