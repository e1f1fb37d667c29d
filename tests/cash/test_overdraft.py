"""A cash account flagged no_overdraft refuses, in the posting path, any payment that takes it below zero."""
import pytest

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.errors import Overdraft
from coop.ledger.models import JournalEntry
from coop.ledger.records import Entry, Line
from coop.timeutil import today


def pay(org, centavos, account="cash_on_hand"):
    return ledger.post(Entry(org.id, today(), "Payout", (Line("office_supplies", debit=centavos),
                                                          Line(account, credit=centavos))))


@pytest.mark.parametrize("kind", ["cooperative", "ngo"])
def test_cash_on_hand_refuses_below_zero_by_default_and_the_bank_does_not(make_org, kind):
    org = make_org(kind, no_overdraft=True)
    assert ledger.get_account(org.id, "cash_on_hand").no_overdraft
    assert not ledger.get_account(org.id, "cash_in_bank").no_overdraft
    assert ledger.get_account(org.id, "cash_over_short").type == "expense"


def test_a_payout_beyond_the_cash_is_refused_and_writes_nothing(org, fund):
    fund(org, 100_000)
    before = db.session.query(JournalEntry).count()
    expense = "office_supplies"
    with pytest.raises(Overdraft, match="holds ₱1,000.00: paying out ₱1,000.01"):
        ledger.post(Entry(org.id, today(), "Payout", (Line(expense, debit=100_001), Line("cash_on_hand", credit=100_001))))
    assert db.session.query(JournalEntry).count() == before
    pay(org, 100_000)  # to the last centavo is fine
    assert ledger.balance(org.id, "cash_on_hand").debit_balance == 0
    with pytest.raises(Overdraft):
        pay(org, 1)


def test_a_batch_is_judged_on_its_net_and_receipts_are_never_refused(org):
    ledger.post(Entry(org.id, today(), "In and out", (Line("cash_on_hand", debit=5_000), Line("other_income", credit=5_000),
                                                      Line("office_supplies", debit=5_000), Line("cash_on_hand", credit=5_000))))
    with pytest.raises(Overdraft):
        ledger.post_many([Entry(org.id, today(), "In", (Line("cash_on_hand", debit=100), Line("other_income", credit=100))),
                          Entry(org.id, today(), "Out", (Line("office_supplies", debit=200), Line("cash_on_hand", credit=200)))])


def test_the_flag_is_a_setting_per_cash_account(org, make_user, api):
    pay(org, 500, "cash_in_bank")  # the bank may go below zero (an overdraft line) unless flagged
    client = api(make_user(org, "admin"))
    account = ledger.get_account(org.id, "cash_in_bank")
    url = f"/api/v1/orgs/{org.slug}/ledger/accounts/{account.id}"
    assert client.patch(url, json={"no_overdraft": True}).json["no_overdraft"] is True
    db.session.commit()
    with pytest.raises(Overdraft):
        pay(org, 500, "cash_in_bank")
    sales = ledger.get_account(org.id, "sales")
    refused = client.patch(f"/api/v1/orgs/{org.slug}/ledger/accounts/{sales.id}", json={"no_overdraft": True})
    assert refused.status_code == 422 and "no_overdraft" in refused.json["errors"]


def test_a_refused_payout_is_a_problem_document_and_a_form_message(org, make_user, api, login):
    officer = make_user(org, "officer")
    cash, supplies = ledger.get_account(org.id, "cash_on_hand"), ledger.get_account(org.id, "office_supplies")
    body = {"entry_date": today().isoformat(), "memo": "Pens", "lines": [
        {"account_id": supplies.id, "debit": "20"}, {"account_id": cash.id, "credit": "20"}]}
    refused = api(officer).post(f"/api/v1/orgs/{org.slug}/ledger/entries", json=body)
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert "below zero" in refused.json["detail"]
    page = login(officer).post(f"/o/{org.slug}/cash/deposits", data={"amount": "20"}, headers={"Cookie": "lang=fil"})
    assert page.status_code == 303
    assert db.session.query(JournalEntry).count() == 0


def test_the_edit_page_offers_the_setting_for_cash_accounts_only(org, make_user, login):
    client = login(make_user(org, "admin"))
    cash, sales = ledger.get_account(org.id, "cash_on_hand"), ledger.get_account(org.id, "sales")
    assert b'name="no_overdraft"' in client.get(f"/o/{org.slug}/ledger/accounts/{cash.id}/edit").data
    assert b'name="no_overdraft"' not in client.get(f"/o/{org.slug}/ledger/accounts/{sales.id}/edit").data
    saved = client.post(f"/o/{org.slug}/ledger/accounts/{cash.id}", data={"code": cash.code, "name": cash.name,
                                                                          "active": "true", "no_overdraft": "false"})
    assert saved.status_code == 303
    db.session.expire_all()
    assert not ledger.get_account(org.id, "cash_on_hand").no_overdraft


@pytest.mark.postgres
def test_two_tellers_paying_out_at_once_cannot_both_take_the_last_cash(org, fund, concurrently):
    fund(org, 100_000)
    org_id = org.id

    def payout(n):
        return ledger.post(Entry(org_id, today(), f"Payout {n}", (Line("office_supplies", debit=60_000),
                                                                   Line("cash_on_hand", credit=60_000)))).id

    results, errors = concurrently(payout)
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], Overdraft)
    assert ledger.balance(org_id, "cash_on_hand").debit_balance == 40_000
