"""ledger: on PostgreSQL a journal line's references are checked once per statement, not once per row

journal_line's four foreign keys (organization, entry, account, party) each ran a trigger per row
(a SELECT ... FOR KEY SHARE): four fifths of the database's work when a bulk import COPYs 300,000
lines. They are replaced by one statement-level trigger that joins the statement's new rows (a
transition table) to journal_entry, account and party once, locking the accounts and parties as the
foreign keys did, and checks more than the foreign keys did: the entry, the account and the party
are the line's own organization's. Deleting, or changing the id or organization of, an account or
party that lines name is refused by triggers on those tables, as the foreign keys refused it
(journal_entry refuses any UPDATE or DELETE already: it is append-only). Errors carry SQLSTATE 23503
(foreign_key_violation), so callers see the same IntegrityError. SQLite keeps its foreign keys
(checked in C per row, cheap there).

Revision ID: 0210_bulk20_line_refs
Revises: 0080_cash
"""
from alembic import op

revision = "0210_bulk20_line_refs"
down_revision = "0080_cash"
branch_labels = None
depends_on = None

FOREIGN_KEYS = (  # name, column, referenced table
    ("fk_journal_line_org_id_organization", "org_id", "organization"),
    ("fk_journal_line_entry_id_journal_entry", "entry_id", "journal_entry"),
    ("fk_journal_line_account_id_account", "account_id", "account"),
    ("fk_journal_line_party_id_party", "party_id", "party"),
)
# journal_entry needs no guard: it is append-only (0001's coop_append_only refuses UPDATE and DELETE)
REFERENCED = (("account", "account_id"), ("party", "party_id"))

CHECK_LINES = """
CREATE OR REPLACE FUNCTION coop_journal_line_refs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad_entries bigint;
  bad_accounts bigint;
  bad_parties bigint;
BEGIN
  -- one statement (a trigger's each statement costs an executor start; posting one entry fires this too):
  -- the distinct (entry, account, party; organization) pairs the statement's lines name, against their
  -- tables. Accounts and parties are locked FOR KEY SHARE as a foreign key locks them, so that a
  -- concurrent DELETE waits and then finds these lines; entries need no lock: journal_entry is
  -- append-only (coop_append_only refuses UPDATE and DELETE), so an entry seen stays.
  WITH entries AS (SELECT DISTINCT entry_id, org_id FROM new_lines),
       accounts AS (SELECT DISTINCT account_id, org_id FROM new_lines),
       parties AS (SELECT DISTINCT party_id, org_id FROM new_lines WHERE party_id IS NOT NULL),
       locked_accounts AS (SELECT a.id FROM accounts n JOIN account a ON a.id = n.account_id AND a.org_id = n.org_id
                           FOR KEY SHARE OF a),
       locked_parties AS (SELECT p.id FROM parties n JOIN party p ON p.id = n.party_id AND p.org_id = n.org_id
                          FOR KEY SHARE OF p)
  SELECT (SELECT count(*) FROM entries n
            WHERE NOT EXISTS (SELECT 1 FROM journal_entry e WHERE e.id = n.entry_id AND e.org_id = n.org_id)),
         (SELECT count(*) FROM accounts) - (SELECT count(*) FROM locked_accounts),
         (SELECT count(*) FROM parties) - (SELECT count(*) FROM locked_parties)
    INTO bad_entries, bad_accounts, bad_parties;
  IF bad_entries > 0 THEN
    RAISE EXCEPTION 'journal_line names a journal entry that is not its organization''s'
      USING ERRCODE = 'foreign_key_violation', TABLE = 'journal_line', CONSTRAINT = 'journal_line_entry_ref';
  END IF;
  IF bad_accounts > 0 THEN
    RAISE EXCEPTION 'journal_line names an account that is not its organization''s'
      USING ERRCODE = 'foreign_key_violation', TABLE = 'journal_line', CONSTRAINT = 'journal_line_account_ref';
  END IF;
  IF bad_parties > 0 THEN
    RAISE EXCEPTION 'journal_line names a party that is not its organization''s'
      USING ERRCODE = 'foreign_key_violation', TABLE = 'journal_line', CONSTRAINT = 'journal_line_party_ref';
  END IF;
  RETURN NULL;
END $$
"""

# The organization needs no check of its own: the line's account is the line's organization's, and an
# account's own foreign key keeps its organization.
GUARD_REFERENCED = """
CREATE OR REPLACE FUNCTION coop_journal_line_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (TG_TABLE_NAME = 'account' AND EXISTS (
        SELECT 1 FROM gone g JOIN journal_line l ON l.org_id = g.org_id AND l.account_id = g.id))
     OR (TG_TABLE_NAME = 'party' AND EXISTS (
        SELECT 1 FROM gone g JOIN journal_line l ON l.org_id = g.org_id AND l.party_id = g.id)) THEN
    RAISE EXCEPTION '% rows that journal lines name cannot be deleted', TG_TABLE_NAME
      USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME, CONSTRAINT = 'journal_line_' || TG_TABLE_NAME || '_ref';
  END IF;
  RETURN NULL;
END $$
"""

GUARD_KEYS = """
CREATE OR REPLACE FUNCTION coop_journal_line_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (TG_TABLE_NAME = 'account' AND EXISTS (
        SELECT 1 FROM journal_line WHERE org_id = OLD.org_id AND account_id = OLD.id))
     OR (TG_TABLE_NAME = 'party' AND EXISTS (
        SELECT 1 FROM journal_line WHERE org_id = OLD.org_id AND party_id = OLD.id)) THEN
    RAISE EXCEPTION 'the id or organization of % rows that journal lines name cannot change', TG_TABLE_NAME
      USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME, CONSTRAINT = 'journal_line_' || TG_TABLE_NAME || '_ref';
  END IF;
  RETURN NEW;
END $$
"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(CHECK_LINES)
    op.execute(GUARD_REFERENCED)
    op.execute(GUARD_KEYS)
    op.execute("CREATE TRIGGER journal_line_refs_insert AFTER INSERT ON journal_line REFERENCING NEW TABLE AS new_lines "
               "FOR EACH STATEMENT EXECUTE FUNCTION coop_journal_line_refs()")
    op.execute("CREATE TRIGGER journal_line_refs_update AFTER UPDATE ON journal_line REFERENCING NEW TABLE AS new_lines "
               "FOR EACH STATEMENT EXECUTE FUNCTION coop_journal_line_refs()")
    for table, _column in REFERENCED:
        op.execute(f"CREATE TRIGGER {table}_lines_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS gone "
                   "FOR EACH STATEMENT EXECUTE FUNCTION coop_journal_line_referenced()")
        op.execute(f"CREATE TRIGGER {table}_lines_key BEFORE UPDATE OF id, org_id ON {table} FOR EACH ROW "
                   "WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.org_id IS DISTINCT FROM NEW.org_id) "
                   "EXECUTE FUNCTION coop_journal_line_key_change()")
    for name, _column, _table in FOREIGN_KEYS:
        op.execute(f"ALTER TABLE journal_line DROP CONSTRAINT {name}")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, column, table in FOREIGN_KEYS:
        op.execute(f"ALTER TABLE journal_line ADD CONSTRAINT {name} FOREIGN KEY ({column}) REFERENCES {table} (id)")
    for table, _column in REFERENCED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_lines_key ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_lines_delete ON {table}")
    op.execute("DROP TRIGGER IF EXISTS journal_line_refs_update ON journal_line")
    op.execute("DROP TRIGGER IF EXISTS journal_line_refs_insert ON journal_line")
    op.execute("DROP FUNCTION IF EXISTS coop_journal_line_key_change()")
    op.execute("DROP FUNCTION IF EXISTS coop_journal_line_referenced()")
    op.execute("DROP FUNCTION IF EXISTS coop_journal_line_refs()")
