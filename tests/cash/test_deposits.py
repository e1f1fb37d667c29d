"""Bank deposits from the cash box: cash on hand -> cash in bank, one entry, refused when the box holds less."""
import pytest

from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.errors import Overdraft
from coop.ledger.models import JournalEntry
from coop.cash import services as cash
from coop.cash.models import CashDeposit
from coop.errors import Invalid
from coop.timeutil import today


def test_a_deposit_moves_cash_from_the_box_to_the_bank(org, fund):
    fund(org, 500_000)
    row = cash.deposit(org.id, None, amount=300_000, reference="DS-1")
    entry = ledger.get_entry(org.id, row.entry_id)
    assert entry.source == "cash.deposit" and entry.source_id == str(row.id) and row.deposited_on == today()
    assert ledger.balance(org.id, "cash_on_hand").debit_balance == 200_000
    assert ledger.balance(org.id, "cash_in_bank").debit_balance == 300_000


def test_a_deposit_beyond_the_cash_box_is_refused(org, fund):
    fund(org, 10_000)
    with pytest.raises(Overdraft):
        cash.deposit(org.id, None, amount=10_001)
    with pytest.raises(Invalid):
        cash.deposit(org.id, None, amount=100, from_account="cash_on_hand", to_account="cash_on_hand")
    with pytest.raises(Invalid):
        cash.deposit(org.id, None, amount=100, to_account="sales")


def test_the_api_posts_once_per_idempotency_key(org, fund, make_user, api):
    fund(org, 100_000)
    client = api(make_user(org, "officer"))
    url = f"/api/v1/orgs/{org.slug}/cash/deposits"
    first = client.post(url, json={"amount": "250.00", "reference": "DS-9"}, headers={"Idempotency-Key": "d1"})
    assert first.status_code == 201 and first.json["amount_centavos"] == 25_000
    again = client.post(url, json={"amount": "250.00", "reference": "DS-9"}, headers={"Idempotency-Key": "d1"})
    assert again.json["id"] == first.json["id"]
    db.session.commit()
    assert db.session.query(CashDeposit).count() == 1 and db.session.query(JournalEntry).count() == 2
    assert [d["reference"] for d in client.get(url).json] == ["DS-9"]
    refused = client.post(url, json={"amount": "5000"})
    assert refused.status_code == 422 and refused.json["errors"]["cash_account"]


def test_the_page_records_a_deposit(org, fund, make_user, login):
    fund(org, 100_000)
    client = login(make_user(org, "officer"))
    assert client.post(f"/o/{org.slug}/cash/deposits", data={"amount": "400", "reference": "DS-2",
                                                             "deposited_on": today().isoformat()}).status_code == 303
    page = client.get(f"/o/{org.slug}/cash/")
    assert page.status_code == 200 and b"DS-2" in page.data
    assert ledger.balance(org.id, "cash_in_bank").debit_balance == 40_000
