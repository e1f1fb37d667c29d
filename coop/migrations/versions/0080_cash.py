"""cash: no-overdraft cash accounts, teller sessions on journal entries, bank deposits, teller sessions, bank reconciliation

Revision ID: 0080_cash
Revises: 0007_account_flags

Cash on hand refuses payments below zero in existing organizations too, as in new ones, and they get the
cash short and over account the shipped charts now have.
"""
from alembic import op
import sqlalchemy as sa

revision = "0080_cash"
down_revision = "0007_account_flags"
branch_labels = ("cash",)
depends_on = None


def upgrade():
    # plain ALTER TABLE on both engines: a batch copy of `account` would trip the foreign keys to it on SQLite
    op.add_column("account", sa.Column("no_overdraft", sa.Boolean(), server_default=sa.false(), nullable=False))
    account = sa.table("account", sa.column("key", sa.String), sa.column("no_overdraft", sa.Boolean))
    op.execute(account.update().where(account.c.key == "cash_on_hand").values(no_overdraft=True))
    # the cash short and over account, next to the bank charges, in existing organizations
    op.execute(
        "INSERT INTO account (org_id, key, code, name, name_fil, type, parent_id, is_group, contra, active, is_cash,"
        " is_control, no_overdraft)"
        " SELECT a.org_id, 'cash_over_short', CASE WHEN a.code = '73400' THEN '73420' ELSE '5287' END,"
        " 'Cash Short and Over', 'Kulang at Sobra sa Kaha', 'expense', a.parent_id, false, false, true, false, false,"
        " false FROM account a WHERE a.key = 'bank_charges' AND NOT EXISTS (SELECT 1 FROM account b"
        " WHERE b.org_id = a.org_id AND (b.key = 'cash_over_short' OR b.code IN ('73420', '5287')))")
    op.add_column("journal_entry", sa.Column("teller_session_id", sa.Integer(), nullable=True))
    op.create_index("ix_journal_entry_teller_session_id", "journal_entry", ["teller_session_id"])

    op.create_table(
        "cash_deposit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("deposited_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("from_account", sa.String(60), nullable=False),
        sa.Column("to_account", sa.String(60), nullable=False),
        sa.Column("reference", sa.String(60), nullable=True),
        sa.Column("entry_id", sa.BigInteger(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_cash_deposit_positive")),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_cash_deposit_org_id_organization")),
        sa.ForeignKeyConstraint(["entry_id"], ["journal_entry.id"], name=op.f("fk_cash_deposit_entry_id_journal_entry")),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"], name=op.f("fk_cash_deposit_created_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_deposit")),
    )
    op.create_index("ix_cash_deposit_org_id", "cash_deposit", ["org_id", "deposited_on"])
    op.create_table(
        "teller_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("opening_count", sa.BigInteger(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closing_count", sa.BigInteger(), nullable=True),
        sa.Column("expected", sa.BigInteger(), nullable=True),
        sa.Column("over_short", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.String(300), nullable=True),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("entry_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_teller_session_org_id_organization")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_teller_session_user_id_user")),
        sa.ForeignKeyConstraint(["confirmed_by"], ["user.id"], name=op.f("fk_teller_session_confirmed_by_user")),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_teller_session_account_id_account")),
        sa.ForeignKeyConstraint(["entry_id"], ["journal_entry.id"],
                                name=op.f("fk_teller_session_entry_id_journal_entry")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teller_session")),
    )
    op.create_index("ix_teller_session_org_user", "teller_session", ["org_id", "user_id", "status"])
    # one open session per user and organization
    op.create_index("uq_teller_session_open", "teller_session", ["org_id", "user_id"], unique=True,
                    postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))
    op.create_table(
        "bank_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(200), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("closing_balance", sa.BigInteger(), nullable=False),
        sa.Column("imported_by", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_bank_statement_org_id_organization")),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_bank_statement_account_id_account")),
        sa.ForeignKeyConstraint(["imported_by"], ["user.id"], name=op.f("fk_bank_statement_imported_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statement")),
    )
    op.create_index("ix_bank_statement_org_id", "bank_statement", ["org_id"])
    op.create_table(
        "bank_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("line_date", sa.Date(), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("reference", sa.String(60), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("journal_line_id", sa.BigInteger(), nullable=True),
        sa.Column("matched_how", sa.String(10), nullable=True),
        sa.Column("matched_by", sa.Integer(), nullable=True),
        sa.Column("matched_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_bank_line_org_id_organization")),
        sa.ForeignKeyConstraint(["statement_id"], ["bank_statement.id"], name=op.f("fk_bank_line_statement_id_bank_statement")),
        sa.ForeignKeyConstraint(["journal_line_id"], ["journal_line.id"], name=op.f("fk_bank_line_journal_line_id_journal_line")),
        sa.ForeignKeyConstraint(["matched_by"], ["user.id"], name=op.f("fk_bank_line_matched_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_line")),
        sa.UniqueConstraint("journal_line_id", name=op.f("uq_bank_line_journal_line_id")),
    )
    op.create_index("ix_bank_line_statement_id", "bank_line", ["statement_id"])


def downgrade():
    for table in ("bank_line", "bank_statement", "teller_session", "cash_deposit"):
        op.drop_table(table)
    op.drop_index("ix_journal_entry_teller_session_id", "journal_entry")
    op.execute("ALTER TABLE journal_entry DROP COLUMN teller_session_id")
    op.execute("ALTER TABLE account DROP COLUMN no_overdraft")
