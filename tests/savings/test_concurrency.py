"""Two tellers at once on PostgreSQL: the account's row lock applies withdrawals one after the other, so together
they never go below the minimum balance, and one idempotency key posts once."""
from datetime import timedelta

import pytest

from coop.errors import Invalid
from coop.extensions import db
from coop.ledger import services as ledger
from coop.savings import services as savings

from .test_savings import MONTH, NEXT, opened

pytestmark = pytest.mark.postgres


def test_two_withdrawals_at_once_cannot_together_go_below_the_minimum(coop, member, product, officer, concurrently):
    account = opened(coop, member, product, officer, amount=10_000_00)
    org_id, account_id, actor = coop.id, account.id, officer.id

    def withdraw(n):
        return savings.withdraw(org_id, account_id, 6_000_00, on=MONTH + timedelta(days=1), actor_id=actor,
                                idempotency_key=f"teller-{n}").id

    results, errors = concurrently(withdraw, threads=2)
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], Invalid), errors
    db.session.expire_all()
    account = savings.get_account(org_id, account_id)
    assert account.balance == 4_000_00
    assert ledger.party_balance(org_id, "savings_deposits", account.party_id).credit_balance == 4_000_00
    assert ledger.recompute_problems(org_id) == []


def test_the_same_withdrawal_twice_at_once_with_one_key_is_paid_once(coop, member, product, officer, concurrently):
    account = opened(coop, member, product, officer, amount=10_000_00)
    org_id, account_id, actor = coop.id, account.id, officer.id

    def withdraw(_n):
        return savings.withdraw(org_id, account_id, 1_000_00, on=MONTH + timedelta(days=1), actor_id=actor,
                                idempotency_key="one-key").id

    results, errors = concurrently(withdraw, threads=2)
    assert errors == [] and len(results) == 2 and results[0] == results[1]
    db.session.expire_all()
    account = savings.get_account(org_id, account_id)
    assert account.balance == 9_000_00
    assert [t.kind for t in savings.transactions(org_id, account_id)] == ["deposit", "withdrawal"]
    assert ledger.balance(org_id, "cash_on_hand").debit_balance == 9_000_00
    assert ledger.recompute_problems(org_id) == []


def test_a_deposit_during_the_interest_job_is_counted_once(coop, member, product, officer, concurrently):
    """The job locks the due accounts first: a deposit dated in the period being posted waits for it (and is then
    refused: that period is posted) or goes first and earns its days; the books and the accounts agree."""
    account = opened(coop, member, product, officer, amount=10_000_00)
    org_id, account_id, actor = coop.id, account.id, officer.id

    def work(n):
        if n == 0:
            return savings.end_of_day(org_id, NEXT)
        return savings.deposit(org_id, account_id, 5_000_00, on=MONTH + timedelta(days=20), actor_id=actor).id

    results, errors = concurrently(work, threads=2)
    assert len(results) + len(errors) == 2
    db.session.expire_all()
    account = savings.get_account(org_id, account_id)
    lines = savings.transactions(org_id, account_id)
    assert sum(t.amount for t in lines) == account.balance and lines[-1].balance_after == account.balance
    assert [(key, book) for key, book, kept in savings.control_balances(org_id)] == [
        (key, kept) for key, _book, kept in savings.control_balances(org_id)]
    assert ledger.recompute_problems(org_id) == []
