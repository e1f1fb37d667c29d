"""Issue 16: release on or after approval, approval on or after application and not ahead of today."""
from datetime import timedelta

import pytest

from coop.errors import Invalid
from coop.extensions import db
from coop.ledger import services as ledger
from coop.loans import services as loans
from coop.timeutil import today


def _applied(coop, member, officer, on):
    loan = loans.apply(coop.id, member.id, loans.product_by_code(coop.id, "emergency").id, 200_000, on=on,
                       actor_id=officer.id, purpose="Hospital bill")
    db.session.commit()
    return loan


def test_an_approval_before_the_application_or_after_today_is_refused(coop, member, officer, checker, counts):
    applied_on = today() - timedelta(days=10)
    loan = _applied(coop, member, officer, applied_on)
    before = counts()
    with pytest.raises(Invalid, match="on or after the day it was made"):
        loans.approve(coop.id, loan.id, actor_id=checker.id, on=applied_on - timedelta(days=1))
    db.session.rollback()
    with pytest.raises(Invalid, match="after today"):
        loans.approve(coop.id, loan.id, actor_id=checker.id, on=today() + timedelta(days=1))
    db.session.rollback()
    assert counts() == before and loans.get_loan(coop.id, loan.id).status == "applied"


def test_a_release_before_the_approval_or_in_the_future_is_refused_through_the_api(coop, member, officer, checker,
                                                                                    counts, api):
    loan = _applied(coop, member, officer, today() - timedelta(days=10))
    loans.approve(coop.id, loan.id, actor_id=checker.id, on=today() - timedelta(days=5))
    db.session.commit()
    before = counts()
    client = api(checker)
    url = f"/api/v1/orgs/{coop.slug}/loans/{loan.id}/release"
    early = client.post(url, json={"on": (today() - timedelta(days=7)).isoformat()})
    assert early.status_code == 422 and early.mimetype == "application/problem+json"
    assert "on or after the day it was approved" in early.json["detail"]
    ahead = client.post(url, json={"on": (today() + timedelta(days=2)).isoformat()})
    assert ahead.status_code == 422 and "cannot be dated" in ahead.json["detail"]
    assert counts() == before
    assert client.post(url, json={"on": (today() - timedelta(days=5)).isoformat()}).status_code == 200


def _released(coop, member, officer, checker, on):
    loan = _applied(coop, member, officer, on)
    loans.approve(coop.id, loan.id, actor_id=checker.id, on=on)
    loans.release(coop.id, loan.id, on=on, actor_id=checker.id, cash_account="cash_in_bank")
    db.session.commit()
    return loan


def test_a_repayments_entry_is_reversed_only_by_the_loans_own_verb(coop, member, officer, checker, counts, api, login,
                                                                     client):
    """The issue's example: the generic reversal (API and page) of a loan repayment's entry is refused with a 409
    naming the loan, nothing changes, and the loans' own reversal then works (no misleading refusal)."""
    loan = _released(coop, member, officer, checker, today() - timedelta(days=10))
    payment = loans.repay(coop.id, loan.id, 50_000, on=today() - timedelta(days=2), actor_id=officer.id)
    db.session.commit()
    before, owed = counts(), loans.get_loan(coop.id, loan.id).outstanding
    body = {"entry_date": today().isoformat(), "reason": "Wrong member"}
    refused = api(officer).post(f"/api/v1/orgs/{coop.slug}/ledger/entries/{payment.entry_id}/reversal", json=body)
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert refused.json["document"]["href"] == f"/o/{coop.slug}/loans/{loan.id}"
    login(officer)
    entry_page = f"/o/{coop.slug}/ledger/entries/{payment.entry_id}"
    page = client.post(f"{entry_page}/reverse", data=body, headers={"Referer": entry_page})
    assert page.status_code == 303
    shown = client.get(entry_page).get_data(as_text=True)
    assert f'href="/o/{coop.slug}/loans/{loan.id}"' in shown and "Reverse this entry" not in shown
    db.session.expire_all()
    assert counts() == before and loans.get_loan(coop.id, loan.id).outstanding == owed
    mirror = api(officer).post(f"/api/v1/orgs/{coop.slug}/loans/repayments/{payment.id}/reversal",
                               json={"on": today().isoformat(), "reason": "Wrong member"})
    assert mirror.status_code == 201, mirror.json
    db.session.expire_all()
    assert loans.get_loan(coop.id, loan.id).outstanding == owed + 50_000


def test_a_release_that_takes_cash_on_hand_below_zero_is_refused(coop, member, officer, checker, counts, api, login,
                                                                   client):
    """The issue's example: a release paid from a cash box that cannot pay it (API and page); nothing written."""
    ledger.update_account(coop.id, ledger.get_account(coop.id, "cash_on_hand").id, no_overdraft=True)
    loan = _applied(coop, member, officer, today() - timedelta(days=3))
    loans.approve(coop.id, loan.id, actor_id=checker.id, on=today() - timedelta(days=2))
    db.session.commit()
    before = counts()
    refused = api(checker).post(f"/api/v1/orgs/{coop.slug}/loans/{loan.id}/release",
                                json={"on": today().isoformat(), "cash_account": "cash_on_hand"})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert "below zero" in refused.json["detail"]
    login(checker)
    url = f"/o/{coop.slug}/loans/{loan.id}"
    page = client.post(f"{url}/release", data={"on": today().isoformat(), "cash_account": "cash_on_hand"},
                       headers={"Referer": url})
    assert page.status_code == 303 and "below zero" in client.get(url).get_data(as_text=True)
    db.session.expire_all()
    assert counts() == before and loans.get_loan(coop.id, loan.id).status == "approved"
