"""Issue 16 in savings: a deposit or withdrawal is not dated ahead of today nor before the account was opened, and
an account is not opened before its member was admitted; each refusal writes nothing."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coop.errors import Invalid
from coop.extensions import db
from coop.ledger.models import JournalEntry
from coop.members import services as members
from coop.savings import services as savings
from coop.savings.models import SavingsAccount, SavingsTransaction
from coop.timeutil import today


def _written():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (JournalEntry, SavingsAccount, SavingsTransaction))


def test_a_deposit_dated_ahead_or_before_the_opening_is_a_problem_and_a_message(coop, member, product, officer,
                                                                                 api, login, client):
    account = savings.open_account(coop.id, member.id, product.id, on=today() - timedelta(days=3), amount=500_00,
                                   actor_id=officer.id)
    db.session.commit()
    before = _written()
    url = f"/api/v1/orgs/{coop.slug}/savings/accounts/{account.id}"
    ahead = api(officer).post(f"{url}/deposits", json={"amount": "100", "on": (today() + timedelta(days=1)).isoformat()})
    assert ahead.status_code == 422 and ahead.mimetype == "application/problem+json"
    assert "cannot be dated" in ahead.json["detail"] and "on" in ahead.json["errors"]
    early = api(officer).post(f"{url}/withdrawals", json={"amount": "100",
                                                          "on": (today() - timedelta(days=4)).isoformat()})
    assert early.status_code == 422 and "before the account was opened" in early.json["detail"]
    login(officer)
    page = f"/o/{coop.slug}/savings/accounts/{account.id}"
    response = client.post(f"{page}/deposits", data={"amount": "100", "on": (today() + timedelta(days=1)).isoformat()},
                           headers={"Referer": page})
    assert response.status_code == 303 and "cannot be dated" in client.get(page).get_data(as_text=True)
    assert _written() == before and savings.get_account(coop.id, account.id).balance == 500_00


def test_no_account_is_opened_before_she_was_admitted(coop, product, officer):
    carmen = members.create_member(coop.id, name="Carmen Lopez", actor_id=officer.id, on=today() - timedelta(days=9),
                                   status="active", admitted_on=today() - timedelta(days=5))
    db.session.commit()
    before = _written()
    with pytest.raises(Invalid, match="before she was admitted"):
        savings.open_account(coop.id, carmen.id, product.id, on=today() - timedelta(days=6), amount=500_00,
                             actor_id=officer.id)
    db.session.rollback()
    assert _written() == before
    assert savings.open_account(coop.id, carmen.id, product.id, on=today() - timedelta(days=5), amount=500_00,
                                actor_id=officer.id).opened_on == today() - timedelta(days=5)
