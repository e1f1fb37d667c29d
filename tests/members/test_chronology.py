"""Issue 16: a share payment is not dated before its subscription nor ahead of today; admission follows
the application."""
from datetime import timedelta

import pytest

from coop.errors import Invalid
from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry
from coop.members import services, shares
from coop.members.models import SharePayment
from coop.timeutil import today


def _written():
    return (db.session.query(JournalEntry).count(), db.session.query(SharePayment).count())


def test_a_share_payment_a_month_before_its_subscription_is_refused(coop, officer, make_member, api):
    ana = make_member()
    shares.subscribe(coop.id, ana.id, shares=20, on=today() - timedelta(days=5), actor_id=officer.id)
    db.session.commit()
    before = _written()
    url = f"/api/v1/orgs/{coop.slug}/members/{ana.id}/payments"
    response = api(officer).post(url, json={"amount": "500", "on": (today() - timedelta(days=35)).isoformat()})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "before the subscription it pays" in response.json["detail"] and "on" in response.json["errors"]
    assert _written() == before
    assert ledger.balance(coop.id, shares.PAID_UP).credit_total == 0


def test_a_share_payment_dated_next_year_is_refused(coop, officer, make_member, api):
    ana = make_member()
    shares.subscribe(coop.id, ana.id, shares=20, on=today() - timedelta(days=5), actor_id=officer.id)
    db.session.commit()
    before = _written()
    response = api(officer).post(f"/api/v1/orgs/{coop.slug}/members/{ana.id}/payments",
                                 json={"amount": "500", "on": today().replace(year=today().year + 1).isoformat()})
    assert response.status_code == 422 and "cannot be dated" in response.json["detail"]
    assert _written() == before


def test_admission_before_the_application_is_refused(coop, officer):
    carmen = services.create_member(coop.id, name="Carmen Lopez", actor_id=officer.id, on=today())
    db.session.commit()
    with pytest.raises(Invalid, match="before she applied"):
        services.admit(coop.id, carmen.id, on=today() - timedelta(days=1), board_resolution="BR 1",
                       actor_id=officer.id)
    db.session.rollback()
    assert services.get_member(coop.id, carmen.id).status == "applicant"


@pytest.mark.parametrize("days", [-30, 366])
def test_a_share_payment_before_its_subscription_or_next_year_comes_back_on_her_page(coop, officer, make_member,
                                                                                    login, client, days):
    """The issue's examples on the page: a payment a month before the subscription, or dated next year, is
    refused with the message next to the form, and nothing is written."""
    ana = make_member()
    shares.subscribe(coop.id, ana.id, shares=20, on=today() - timedelta(days=5), actor_id=officer.id)
    db.session.commit()
    before = _written()
    login(officer)
    page = f"/o/{coop.slug}/members/{ana.id}"
    on = today() - timedelta(days=5) + timedelta(days=days)
    response = client.post(f"{page}/payments", data={"amount": "500", "on": on.isoformat()},
                           headers={"Referer": page})
    assert response.status_code == 303
    shown = client.get(page).get_data(as_text=True)
    assert ("before the subscription it pays" if days < 0 else "cannot be dated") in shown
    assert _written() == before
    assert ledger.balance(coop.id, shares.PAID_UP).credit_total == 0


def test_patching_one_field_of_her_profile_keeps_the_others(coop, officer, make_member, api):
    """PATCH {"town": ...} was refused for want of her name; given her name, it wiped her mobile, address and
    beneficiary and made an associate member regular."""
    ana = make_member()
    services.update_member(coop.id, ana.id, officer.id, mobile="09171234567", barangay="Tumana",
                           membership_type="associate", beneficiary_name="Jose Cruz")
    db.session.commit()
    client = api(officer)
    response = client.patch(f"/api/v1/orgs/{coop.slug}/members/{ana.id}", json={"town": "Marikina"})
    assert response.status_code == 200, response.json
    response = client.patch(f"/api/v1/orgs/{coop.slug}/members/{ana.id}", json={"name": "Ana Cruz-Reyes"})
    assert response.status_code == 200, response.json
    db.session.refresh(ana)
    assert (ana.name, ana.town, ana.mobile, ana.barangay, ana.membership_type, ana.beneficiary_name) == (
        "Ana Cruz-Reyes", "Marikina", "09171234567", "Tumana", "associate", "Jose Cruz")


@pytest.mark.parametrize("typed", ["2030-01-01", "1800-01-01"])
def test_an_applicant_born_in_the_future_or_two_centuries_ago_is_refused_beside_the_field(coop, client, typed):
    """The public form (and the officer's) took a birth date in 2030 and one in 1800 and saved the application."""
    from coop.members.models import Member
    if typed > today().isoformat():
        typed = today().replace(year=today().year + 1).isoformat()
    response = client.post(f"/o/{coop.slug}/apply", data={"name": "Dolores Cruz", "birth_date": typed},
                           headers={"Referer": f"http://localhost/o/{coop.slug}/apply"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    field = page[page.index('name="birth_date"'):][:400]
    assert "birth date" in field.lower() and 'class="error"' in field
    assert db.session.query(Member).count() == 0


def test_an_officer_cannot_move_a_birth_date_into_the_future(coop, officer, make_member, api):
    ana = make_member()
    db.session.commit()
    response = api(officer).patch(f"/api/v1/orgs/{coop.slug}/members/{ana.id}",
                                  json={"birth_date": (today() + timedelta(days=1)).isoformat()})
    assert response.status_code == 422 and "birth_date" in response.json["errors"]
    db.session.refresh(ana)
    assert ana.birth_date is None


def test_a_member_cannot_be_admitted_next_month(coop, officer):
    carmen = services.create_member(coop.id, name="Carmen Lopez", actor_id=officer.id, on=today(),
                                    membership_type="associate")
    db.session.commit()
    with pytest.raises(Invalid, match="after today"):
        services.admit(coop.id, carmen.id, on=today() + timedelta(days=31), board_resolution="BR 1",
                       actor_id=officer.id)
    db.session.rollback()
    db.session.refresh(carmen)
    assert (carmen.status, carmen.admitted_on) == ("applicant", None)
