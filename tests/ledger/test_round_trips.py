"""What one `post` sends, counted (a `before_cursor_execute` listener), so that it cannot silently grow back; and
the SQLite path that writes a post's lines and totals in one statement (through a TEMP view and its trigger) kept
right across rollbacks, which undo the view when it was created in the transaction rolled back."""
from __future__ import annotations

from datetime import date

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.records import Entry, Line
from tests.conftest import ON_POSTGRES, statements_sent

DAY = date(2026, 3, 10)


def _entry(org_id: int, party_id: int, amount: int = 10_000, key: str | None = None) -> Entry:
    return Entry(org_id, DAY, "A gift", (Line("cash_on_hand", debit=amount),
                                                Line("donations_grants", credit=amount, party_id=party_id)),
                 idempotency_key=key)


def test_a_post_is_four_statements_on_both_engines(make_org):
    org_id = make_org().id
    party = ledger.ensure_party(org_id, "member", 1, "M-1")
    ledger.post(_entry(org_id, party))
    db.session.commit()

    def post_and_commit():
        ledger.post(_entry(org_id, party, key="counted"))
        db.session.commit()

    _, statements, transactions, _ = statements_sent(post_and_commit)
    assert transactions == 1
    # the checks (1); PostgreSQL: the entry, lines and totals (1), the audit chain's lock and row (2);
    # SQLite: the entry (1), its lines with their account, party and month totals (1), the audit row (1)
    assert len(statements) <= 4, "\n".join(statements)
    assert ledger.balance(org_id, "cash_on_hand").debit_balance == 20_000
    assert ledger.party_balance(org_id, "donations_grants", party).credit_balance == 20_000
    assert ledger.recompute_problems(org_id) == []


def test_a_post_after_a_rollback_that_undid_the_first_post_of_a_connection_is_written_whole(make_org):
    org_id = make_org().id
    party = ledger.ensure_party(org_id, "member", 1, "M-1")
    db.session.commit()
    db.session.remove()
    db.engine.dispose()  # a new connection: its first post creates what it writes through (SQLite)
    savepoint = db.session.begin_nested()
    ledger.post(_entry(org_id, party, 1_00))
    savepoint.rollback()
    ledger.post(_entry(org_id, party, 2_00))  # in the same transaction, after the savepoint undid the first
    db.session.rollback()
    ledger.post(_entry(org_id, party, 4_00))  # in the next transaction, after a rollback of the whole
    db.session.commit()
    assert ledger.balance(org_id, "cash_on_hand").debit_balance == 4_00
    assert ledger.party_balance(org_id, "donations_grants", party).credit_balance == 4_00
    assert ledger.recompute_problems(org_id) == []
    assert ON_POSTGRES or db.session.connection().exec_driver_sql(
        "SELECT count(*) FROM sqlite_temp_master WHERE name = 'coop_post_line'").scalar() == 1


def test_a_post_whose_view_went_behind_the_listeners_back_creates_it_again(make_org):
    """A view gone without a rollback SQLAlchemy saw (dropped on the driver itself): the post meets a missing view,
    makes it again and writes whole, instead of answering 500."""
    if ON_POSTGRES:
        return
    org_id = make_org().id
    party = ledger.ensure_party(org_id, "member", 1, "M-1")
    ledger.post(_entry(org_id, party, 1_00))  # the connection's view is made and known to be there
    connection = db.session.connection()
    connection.connection.driver_connection.execute("DROP VIEW temp.coop_post_line")
    ledger.post(_entry(org_id, party, 2_00))
    db.session.commit()
    assert ledger.balance(org_id, "cash_on_hand").debit_balance == 3_00
    assert ledger.recompute_problems(org_id) == []
