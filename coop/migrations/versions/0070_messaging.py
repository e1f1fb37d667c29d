"""messaging: delivery state on the outbox, sealed gateway credentials, SMS PINs and opt-outs

Revision ID: 0070_messaging
Revises: 0001_foundation
"""
from alembic import op
import sqlalchemy as sa

revision = "0070_messaging"
down_revision = "0001_foundation"
branch_labels = ("messaging",)
depends_on = ("0002_members",)


def upgrade():
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("purpose", sa.String(10), nullable=False, server_default="reminder"))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("last_error", sa.String(300), nullable=True))
        batch.add_column(sa.Column("gateway_ref", sa.String(120), nullable=True))
        batch.create_index("ix_outbox_message_org_id_claimed_at", ["org_id", "claimed_at"])

    op.create_table(
        "messaging_secret",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_messaging_secret_org_id_organization")),
        sa.ForeignKeyConstraint(["updated_by"], ["user.id"], name=op.f("fk_messaging_secret_updated_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messaging_secret")),
        sa.UniqueConstraint("org_id", "name", name=op.f("uq_messaging_secret_org_id_name")),
    )
    op.create_table(
        "sms_pin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("pin_hash", sa.String(200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_sms_pin_org_id_organization")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_sms_pin_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_pin")),
        sa.UniqueConstraint("org_id", "member_id", name=op.f("uq_sms_pin_org_id_member_id")),
    )
    op.create_table(
        "sms_opt_out",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("mobile", sa.String(20), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_sms_opt_out_org_id_organization")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_opt_out")),
        sa.UniqueConstraint("org_id", "mobile", name=op.f("uq_sms_opt_out_org_id_mobile")),
    )


def downgrade():
    op.drop_table("sms_opt_out")
    op.drop_table("sms_pin")
    op.drop_table("messaging_secret")
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_index("ix_outbox_message_org_id_claimed_at")
        for column in ("gateway_ref", "last_error", "claimed_at", "next_attempt_at", "purpose"):
            batch.drop_column(column)
