"""Issue 16: release on or after approval, approval on or after application and not ahead of today."""
from datetime import timedelta

import pytest

from coop.errors import Invalid
from coop.extensions import db
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
