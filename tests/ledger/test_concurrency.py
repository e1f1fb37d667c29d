"""Concurrent posts on PostgreSQL: row locks mean no lost update, idempotency means no double post."""
import threading
from datetime import date

import pytest

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.records import Entry, Line

pytestmark = pytest.mark.postgres


@pytest.mark.controls_disagree  # the ledger alone: receivables posted with no loan behind them
def test_eight_threads_post_to_the_same_accounts_exactly(app, make_org):
    org = make_org()
    org_id = org.id  # ORM objects stay in the main thread's session
    party = ledger.ensure_party(org_id, "member", 1, "M-1")
    db.session.commit()
    errors = []

    def worker(n):
        with app.app_context():
            try:
                for i in range(200):
                    ledger.post(Entry(org_id, date(2026, 6, 1), f"t{n}-{i}", (
                        Line("accounts_receivable_members", debit=101, party_id=party),
                        Line("cash_on_hand", debit=1), Line("other_income", credit=102))))
                    db.session.commit()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert ledger.balance(org_id, "other_income").credit_total == 8 * 200 * 102
    assert ledger.party_balance(org_id, "accounts_receivable_members", party).debit_total == 8 * 200 * 101
    assert ledger.recompute_problems(org_id) == []


def test_a_retried_idempotent_post_writes_once_under_concurrency(make_org, concurrently):
    org_id = make_org().id

    def post_same(_):
        return ledger.post(Entry(org_id, date(2026, 6, 1), "same", (
            Line("cash_on_hand", debit=500), Line("other_income", credit=500)), idempotency_key="retry-me")).id

    results, errors = concurrently(post_same, threads=4)
    # Losers either saw the committed entry (a replay) or hit the unique key and are told to retry.
    assert len(set(results)) == 1 and len(results) + len(errors) == 4
    assert ledger.balance(org_id, "cash_on_hand").debit_total == 500
    retried = ledger.post(Entry(org_id, date(2026, 6, 1), "same", (
        Line("cash_on_hand", debit=500), Line("other_income", credit=500)), idempotency_key="retry-me"))
    assert retried.replayed and retried.id == results[0]
