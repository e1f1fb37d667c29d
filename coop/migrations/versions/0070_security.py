"""security: idempotency claims with the request's hash, audit rows chained by hash, TRUNCATE refused

Revision ID: 0070_security
Revises: 0001_foundation
"""
from alembic import op
import sqlalchemy as sa

revision = "0070_security"
down_revision = "0001_foundation"
branch_labels = ("security",)
depends_on = None

PROTECTED = ("journal_entry", "journal_line", "audit_event")
TRUNCATE_MESSAGE = "append-only table: TRUNCATE is refused"


def upgrade():
    op.create_table(
        "request_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_key")),
    )
    op.create_index("uq_request_key_org_key", "request_key", ["org_id", "key"], unique=True)
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    op.create_index("ix_audit_event_chain", "audit_event", ["org_id", "id"])
    if op.get_bind().dialect.name == "postgresql":
        # Only the owner, saying so in the same transaction (SET LOCAL coop.allow_truncate = 'on'), may
        # empty these tables: the application never does, and its own role does not own them.
        op.execute(f"""CREATE OR REPLACE FUNCTION coop_no_truncate() RETURNS trigger AS $$
            BEGIN
              IF coalesce(current_setting('coop.allow_truncate', true), '') = 'on'
                 AND pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
                RETURN NULL;
              END IF;
              RAISE EXCEPTION '{TRUNCATE_MESSAGE} (%)', TG_TABLE_NAME;
            END; $$ LANGUAGE plpgsql""")
        for table in PROTECTED:
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION coop_no_truncate()")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in PROTECTED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS coop_no_truncate()")
    op.drop_index("ix_audit_event_chain", table_name="audit_event")
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.drop_column("hash")
    op.drop_index("uq_request_key_org_key", table_name="request_key")
    op.drop_table("request_key")
