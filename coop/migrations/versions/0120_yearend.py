"""yearend: closed fiscal years, the allocation of the net surplus and its per-member schedule

Revision ID: 0120_yearend
Revises: 0001_foundation

Existing cooperatives get the two accounts the shipped chart now has (revolving capital, the general
fund for non-members' patronage refunds), and the payables the schedule keeps per member become
control accounts: only the year end moves them. A month closed with its year is marked, so the
ledger's own reopening leaves it to the year end.
"""
from alembic import op
import sqlalchemy as sa

revision = "0120_yearend"
down_revision = "0001_foundation"
branch_labels = ("yearend",)
depends_on = ("0002_members", "0080_cash")

# the accounts only the year end moves (revolving capital is added flagged)
CONTROL = ("interest_on_share_capital_payable", "patronage_refund_payable", "revolving_capital")
ENTRY_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _add_account(key, code, name, name_fil, type_, sibling_key, control):
    """The account next to `sibling_key` (same parent) in every organization that has that sibling."""
    op.execute(
        "INSERT INTO account (org_id, key, code, name, name_fil, type, parent_id, is_group, contra, active, is_cash,"
        f" is_control, no_overdraft) SELECT a.org_id, '{key}', '{code}', '{name}', '{name_fil}', '{type_}',"
        f" a.parent_id, false, false, true, false, {'true' if control else 'false'}, false FROM account a"
        f" WHERE a.key = '{sibling_key}' AND NOT EXISTS (SELECT 1 FROM account b WHERE b.org_id = a.org_id"
        f" AND (b.key = '{key}' OR b.code = '{code}'))")


def upgrade():
    # a month closed with its year opens only with the year (the year end's approved act)
    op.add_column("closed_period", sa.Column("with_year", sa.Boolean(), server_default=sa.false(), nullable=False))
    _add_account("revolving_capital", "30400", "Revolving Capital", "Revolving Capital (Umiikot na Puhunan)",
                 "equity", "undivided_net_surplus", True)
    _add_account("general_fund_non_members", "21470", "General Fund - Patronage Refund of Non-members",
                 "Pangkalahatang Pondo - Patronage Refund ng mga Hindi Miyembro", "liability",
                 "patronage_refund_payable", False)
    account = sa.table("account", sa.column("key", sa.String), sa.column("is_control", sa.Boolean))
    op.execute(account.update().where(account.c.key.in_(CONTROL)).values(is_control=True))

    op.create_table(
        "yearend_year",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("net_surplus", sa.BigInteger(), nullable=False),
        sa.Column("closing_entry_id", ENTRY_ID, nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("reopened_by", sa.Integer(), nullable=True),
        sa.Column("reopened_at", sa.DateTime(), nullable=True),
        sa.Column("reopen_reason", sa.String(300), nullable=True),
        sa.Column("times_reopened", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_yearend_year_org_id_organization")),
        sa.ForeignKeyConstraint(["closed_by"], ["user.id"], name=op.f("fk_yearend_year_closed_by_user")),
        sa.ForeignKeyConstraint(["approved_by"], ["user.id"], name=op.f("fk_yearend_year_approved_by_user")),
        sa.ForeignKeyConstraint(["reopened_by"], ["user.id"], name=op.f("fk_yearend_year_reopened_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_yearend_year")),
        sa.UniqueConstraint("org_id", "year", name=op.f("uq_yearend_year_org_id")),
    )
    op.create_index("ix_yearend_year_org_id", "yearend_year", ["org_id"])
    money = ("reserve", "education", "federation", "community", "optional", "interest", "refund",
             "refund_non_members", "leftover", "capital_base", "patronage_base", "non_member_patronage")
    op.create_table(
        "yearend_allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("net_surplus", sa.BigInteger(), nullable=False),
        sa.Column("capital_method", sa.String(10), nullable=False),
        *(sa.Column(f"{name}_bp", sa.Integer(), nullable=False)
          for name in ("reserve", "education", "federation", "community", "optional", "interest_rate")),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in money),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("prepared_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("board_resolution", sa.String(60), nullable=True),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("resolution_number", sa.String(60), nullable=True),
        sa.Column("assembly_date", sa.Date(), nullable=True),
        sa.Column("entry_id", ENTRY_ID, nullable=True),
        sa.Column("posted_on", sa.Date(), nullable=True),
        sa.Column("posted_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"],
                                name=op.f("fk_yearend_allocation_org_id_organization")),
        *(sa.ForeignKeyConstraint([column], ["user.id"], name=op.f(f"fk_yearend_allocation_{column}_user"))
          for column in ("prepared_by", "reviewed_by", "approved_by", "posted_by")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_yearend_allocation")),
    )
    op.create_index("ix_yearend_allocation_org_year", "yearend_allocation", ["org_id", "year"])
    op.create_table(
        "yearend_allocation_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("allocation_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(60), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False)
          for name in ("average_capital", "patronage", "interest", "refund", "to_subscription", "to_loans",
                       "to_cash", "to_share_capital", "to_revolving")),
        sa.Column("patronage_detail", sa.JSON(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("choice", sa.String(20), nullable=True),
        sa.Column("payout_entry_id", ENTRY_ID, nullable=True),
        sa.Column("paid_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"],
                                name=op.f("fk_yearend_allocation_line_org_id_organization")),
        sa.ForeignKeyConstraint(["allocation_id"], ["yearend_allocation.id"],
                                name=op.f("fk_yearend_allocation_line_allocation_id_yearend_allocation")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_yearend_allocation_line_member_id_member")),
        sa.ForeignKeyConstraint(["party_id"], ["party.id"], name=op.f("fk_yearend_allocation_line_party_id_party")),
        sa.ForeignKeyConstraint(["paid_by"], ["user.id"], name=op.f("fk_yearend_allocation_line_paid_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_yearend_allocation_line")),
        sa.UniqueConstraint("allocation_id", "member_id", name=op.f("uq_yearend_allocation_line_allocation_id")),
    )
    op.create_index("ix_yearend_allocation_line_allocation_id", "yearend_allocation_line", ["allocation_id"])
    op.create_index("ix_yearend_allocation_line_member", "yearend_allocation_line", ["org_id", "member_id"])


def downgrade():
    with op.batch_alter_table("closed_period") as batch:
        batch.drop_column("with_year")
    for table in ("yearend_allocation_line", "yearend_allocation", "yearend_year"):
        op.drop_table(table)
    account = sa.table("account", sa.column("key", sa.String), sa.column("is_control", sa.Boolean))
    op.execute(account.update().where(account.c.key.in_(("interest_on_share_capital_payable",
                                                         "patronage_refund_payable")))
               .values(is_control=False))
