"""The hot requests counted in statements (a `before_cursor_execute` listener), so that they cannot silently grow
back: a posting request and a page, each one transaction with nothing sent after it commits.
The member's summary is counted in tests/members/test_round_trips.py."""
from __future__ import annotations

from coop.extensions import db
from coop.ledger import services as ledger
from coop.timeutil import today
from tests.conftest import ON_POSTGRES, statements_sent

DASHBOARD = 20  # the cooperative's dashboard, every tile (the stopped daily jobs: one), on both engines


def _accounts(org_id: int) -> tuple[int, int]:
    chart = ledger.list_accounts(org_id)
    headings = {a.parent_id for a in chart}
    income = next(a.id for a in chart if a.type == "income" and not a.is_control and a.id not in headings)
    return ledger.get_account(org_id, "cash_on_hand").id, income


def test_a_posting_request_is_one_transaction_of_at_most_seven_statements(
        coop, officer, api):
    cash, income = _accounts(coop.id)
    slug, org_id = coop.slug, coop.id
    client = api(officer)

    def post(key):
        return client.post(f"/api/v1/orgs/{slug}/ledger/entries", headers={"Idempotency-Key": key}, json={
            "entry_date": today().isoformat(), "memo": "Counted", "lines": [
                {"account_id": cash, "debit": "10.00"}, {"account_id": income, "credit": "10.00"}]})

    assert post("first").status_code == 201  # the first marks the token used (a write, once a minute)
    db.session.remove()
    response, statements, transactions, _ = statements_sent(lambda: post("second"))
    assert response.status_code == 201 and response.json["lines"][0]["debit"] == "10.00"
    assert transactions == 1
    # who is asking (1); the idempotency claim (1); accounts, parties, the closed month, the teller session and an
    # earlier entry under the key, together (1); the policy amount (1); the entry with its lines and totals
    # (PostgreSQL: 1; SQLite: the entry, then its lines with their account, party and month totals, 2);
    # the audit row (PostgreSQL: after the chain's advisory lock, 2; SQLite 1)
    assert len(statements) <= 7, "\n".join(statements)
    db.session.expire_all()
    assert ledger.balance(org_id, "cash_on_hand").debit_balance == 2 * 10_00  # both posted, once each


def test_a_page_is_one_transaction_and_knows_who_is_asking_in_one_statement(coop, officer, login, client):
    slug = coop.slug
    login(officer)
    client.get(f"/o/{slug}/")
    db.session.remove()
    response, statements, transactions, _ = statements_sent(lambda: client.get(f"/o/{slug}/"))
    assert response.status_code == 200 and transactions == 1
    identity = [s for s in statements if "user_session" in s]
    assert len(identity) == 1, "\n".join(identity)  # organization, session, user and role together
    # a dashboard tile is a statement or two per domain (what is due, what is waiting, today's figures)
    assert len(statements) <= DASHBOARD, "\n".join(statements)


def test_an_audited_page_is_one_transaction_of_at_most_eight_statements_nine_on_postgresql(
        coop, officer, login, client):
    from coop.members import services as members

    members.create_member(coop.id, name="Ana Reyes", actor_id=officer.id, status="active", on=today())
    db.session.commit()
    slug = coop.slug
    login(officer)
    client.get(f"/o/{slug}/members/")
    db.session.remove()
    response, statements, transactions, begun = statements_sent(lambda: client.get(f"/o/{slug}/members/"))
    assert response.status_code == 200 and "Ana" in response.get_data(as_text=True)
    assert transactions == 1  # not begun as a reader, stopped at the audit row and run again
    if not ON_POSTGRES:
        assert begun == ["BEGIN IMMEDIATE"]  # it writes its audit row: the write lock from the start
    assert any(s.startswith("INSERT INTO audit_event") for s in statements)
    # who is asking (1); the staff second-step policy (1); the members shown, their balances and open installments
    # (3); the counts by status (1); pending withdrawals (1); the audit row (1, PostgreSQL 2 with the chain's lock)
    assert len(statements) <= (9 if ON_POSTGRES else 8), "\n".join(statements)
