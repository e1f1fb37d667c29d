"""A journal line names an entry, an account and a party that exist: the database refuses anything else.

On SQLite the foreign keys of journal_line say so, row by row; on PostgreSQL (migration 0210) one
trigger per statement joins the statement's lines to journal_entry, account and party, and is stricter
than the foreign keys were: each must be the line's own organization's. The bulk import's COPY goes
through the same trigger. Deleting an account or party that lines name is refused on both engines.
"""
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.models import Account, JournalEntry, JournalLine, Party
from coop.ledger.records import Entry, Line

postgres_only = pytest.mark.postgres


def _entry(org_id, party_id):
    posted = ledger.post(Entry(org_id, date(2026, 1, 5), "Shares", (
        Line("cash_on_hand", debit=1000),
        Line("deposit_for_share_capital_subscription", credit=1000, party_id=party_id))))
    db.session.commit()
    return posted.id


def _line(org_id, entry_id, account_id, party_id=None, debit=100, credit=0):
    return {"org_id": org_id, "entry_id": entry_id, "account_id": account_id, "party_id": party_id,
            "debit": debit, "credit": credit, "memo": None}


def _refused(*lines) -> bool:
    """Whether the database refuses inserting these lines (nothing is kept either way)."""
    savepoint = db.session.begin_nested()
    try:
        db.session.execute(JournalLine.__table__.insert(), list(lines))
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        return True
    savepoint.rollback()
    return False


def _lines():
    return db.session.scalar(select(func.count()).select_from(JournalLine))


@pytest.fixture
def books(make_org):
    org = make_org()
    party = ledger.ensure_party(org.id, "member", 1, "M-1")
    db.session.commit()
    return org, party, _entry(org.id, party)


def test_a_line_to_a_missing_account_party_or_entry_is_refused_by_the_database(books):
    org, party, entry_id = books
    cash = ledger.get_account(org.id, "cash_on_hand").id
    missing_account = db.session.scalar(select(func.max(Account.id))) + 1000
    missing_party = db.session.scalar(select(func.max(Party.id))) + 1000
    missing_entry = db.session.scalar(select(func.max(JournalEntry.id))) + 1000
    before = _lines()
    assert not _refused(_line(org.id, entry_id, cash, party))  # the control: a good line is taken
    assert _refused(_line(org.id, entry_id, missing_account))
    assert _refused(_line(org.id, entry_id, cash, missing_party))
    assert _refused(_line(org.id, missing_entry, cash))
    # one bad line among many good ones refuses the statement
    assert _refused(*[_line(org.id, entry_id, cash, party)] * 50, _line(org.id, entry_id, cash, missing_party))
    assert _lines() == before


def test_deleting_an_account_or_party_that_lines_name_is_refused(books):
    org, party, _entry_id = books
    cash = ledger.get_account(org.id, "cash_on_hand").id
    for statement in (Party.__table__.delete().where(Party.id == party),
                      Account.__table__.delete().where(Account.id == cash)):
        savepoint = db.session.begin_nested()
        with pytest.raises(IntegrityError):
            db.session.execute(statement)
        savepoint.rollback()
    assert db.session.get(Party, party) is not None and db.session.get(Account, cash) is not None
    # an account no line names may still go (the chart's delete_account relies on it)
    spare = ledger.get_account(org.id, "service_fees").id
    db.session.execute(Account.__table__.delete().where(Account.id == spare))
    db.session.flush()
    assert db.session.get(Account, spare) is None
    db.session.rollback()


@postgres_only
def test_on_postgresql_a_line_must_name_its_own_organizations_entry_account_and_party(books, make_org):
    org, party, entry_id = books
    other = make_org()
    stranger = ledger.ensure_party(other.id, "member", 1, "M-1")
    db.session.commit()
    their_entry = _entry(other.id, stranger)
    cash, their_cash = (ledger.get_account(o.id, "cash_on_hand").id for o in (org, other))
    before = _lines()
    assert _refused(_line(org.id, entry_id, their_cash))
    assert _refused(_line(org.id, entry_id, cash, stranger))
    assert _refused(_line(org.id, their_entry, cash))
    assert not _refused(_line(other.id, their_entry, their_cash, stranger))
    assert _lines() == before
    # an account or party that lines name cannot move to another organization
    for statement in (Account.__table__.update().where(Account.id == cash).values(org_id=other.id),
                      Party.__table__.update().where(Party.id == party).values(org_id=other.id)):
        savepoint = db.session.begin_nested()
        with pytest.raises(IntegrityError):
            db.session.execute(statement)
        savepoint.rollback()


@postgres_only
def test_on_postgresql_the_bulk_copy_is_checked_too(books):
    """The import writes with COPY: the statement's trigger checks those rows as it checks an INSERT's."""
    org, party, entry_id = books
    cash = ledger.get_account(org.id, "cash_on_hand").id
    missing_party = db.session.scalar(select(func.max(Party.id))) + 1000
    before = _lines()
    savepoint = db.session.begin_nested()
    cursor = db.session.connection().connection.driver_connection.cursor()
    with pytest.raises(Exception) as refused:
        with cursor.copy("COPY journal_line (org_id, entry_id, account_id, party_id, debit, credit, memo) "
                         "FROM STDIN") as copy:
            for _ in range(100):
                copy.write_row((org.id, entry_id, cash, party, 100, 0, None))
            copy.write_row((org.id, entry_id, cash, missing_party, 100, 0, None))
    assert getattr(refused.value, "sqlstate", None) == "23503"  # foreign_key_violation, as the foreign key said
    savepoint.rollback()
    assert _lines() == before


@postgres_only
def test_on_postgresql_the_check_runs_with_the_application_roles_own_rights(books):
    """The trigger runs as whoever inserts: `coop init --app-role`'s role may lock accounts and parties
    FOR KEY SHARE (it may UPDATE them) and read journal_entry, so its posts go through and bad lines do not."""
    from sqlalchemy import text

    from coop.dbroles import create_app_role

    org, party, entry_id = books
    cash = ledger.get_account(org.id, "cash_on_hand").id
    role = "coop_app_line_refs_test"
    create_app_role(role, password="s3cret-for-test")
    db.session.commit()
    insert = text("INSERT INTO journal_line (org_id, entry_id, account_id, party_id, debit, credit) "
                  "VALUES (:org, :entry, :account, :party, 100, 0)")
    try:
        with db.engine.connect() as conn:
            conn.execute(text(f'SET ROLE "{role}"'))
            conn.execute(insert, {"org": org.id, "entry": entry_id, "account": cash, "party": party})
            with pytest.raises(IntegrityError):
                conn.execute(insert, {"org": org.id, "entry": entry_id, "account": cash, "party": party + 1000})
            conn.rollback()
    finally:
        db.session.rollback()
        with db.engine.begin() as conn:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
