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


# ---------------------------------------------------------------- her shares start with her membership


def _subscriptions():
    from coop.members.models import ShareSubscription

    return (db.session.query(JournalEntry).count(), db.session.query(ShareSubscription).count())


def test_a_subscription_dated_before_her_application_is_refused_by_the_api(coop, officer, api):
    carmen = services.apply(coop.id, name="Carmen Lopez", actor_id=officer.id, on=today() - timedelta(days=10))
    db.session.commit()
    before = _subscriptions()
    url = f"/api/v1/orgs/{coop.slug}/members/{carmen.id}/subscriptions"
    response = api(officer).post(url, json={"shares": 20, "on": (today() - timedelta(days=11)).isoformat()})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "before her membership began" in response.json["detail"] and "on" in response.json["errors"]
    assert _subscriptions() == before
    # the day she applied is accepted
    response = api(officer).post(url, json={"shares": 20, "on": (today() - timedelta(days=10)).isoformat()})
    assert response.status_code == 201, response.json


def test_a_subscription_dated_before_her_application_comes_back_on_her_page(coop, officer, login, client):
    carmen = services.apply(coop.id, name="Carmen Lopez", actor_id=officer.id, on=today() - timedelta(days=3))
    db.session.commit()
    before = _subscriptions()
    login(officer)
    page = f"/o/{coop.slug}/members/{carmen.id}"
    response = client.post(f"{page}/subscriptions", headers={"Referer": page},
                           data={"shares": "20", "plan": "1-monthly", "on": (today() - timedelta(days=30)).isoformat()})
    assert response.status_code == 303
    assert "before her membership began" in client.get(page).get_data(as_text=True)
    assert _subscriptions() == before


def test_shares_are_not_transferred_to_her_before_she_applied(coop, officer, make_member):
    ana = make_member()
    shares.subscribe(coop.id, ana.id, shares=20, on=today() - timedelta(days=20), actor_id=officer.id)
    shares.record_payment(coop.id, ana.id, amount=2_000_00, on=today() - timedelta(days=20), actor_id=officer.id)
    bea = services.apply(coop.id, name="Bea Santos", actor_id=officer.id, on=today() - timedelta(days=2))
    db.session.commit()
    before = _subscriptions()
    with pytest.raises(Invalid, match="before her membership began") as refused:
        shares.transfer(coop.id, ana.id, bea.id, shares=5, on=today() - timedelta(days=5), actor_id=officer.id)
    assert refused.value.field == "on"
    db.session.rollback()
    assert _subscriptions() == before


# ---------------------------------------------------------------- the date a paper application carries


def test_the_api_takes_the_date_on_the_paper_application(coop, officer, api):
    on = today() - timedelta(days=40)
    response = api(officer).post(f"/api/v1/orgs/{coop.slug}/members",
                                 json={"name": "Dolores Cruz", "applied_on": on.isoformat()})
    assert response.status_code == 201, response.json
    assert response.json["applied_on"] == on.isoformat()
    member = services.get_member(coop.id, response.json["id"])
    assert member.applied_on == on and services.status_history(coop.id, member.id)[0].changed_on == on
    # without a date it is today's
    response = api(officer).post(f"/api/v1/orgs/{coop.slug}/members", json={"name": "Elena Cruz"})
    assert response.status_code == 201 and response.json["applied_on"] == today().isoformat()


@pytest.mark.parametrize("when, words", [("tomorrow", "latest date allowed is today"),
                                         ("before registration", "was registered in 2008")])
def test_an_application_dated_tomorrow_or_before_the_cooperative_is_refused(coop, officer, api, login, client,
                                                                           when, words):
    from coop.members.models import Member

    on = today() + timedelta(days=1) if when == "tomorrow" else today().replace(year=2007)
    count = db.session.query(Member).count()
    response = api(officer).post(f"/api/v1/orgs/{coop.slug}/members",
                                 json={"name": "Dolores Cruz", "applied_on": on.isoformat()})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert words in response.json["detail"] and "applied_on" in response.json["errors"]
    login(officer)
    form = f"/o/{coop.slug}/members/new"
    response = client.post(f"/o/{coop.slug}/members/", headers={"Referer": form},
                           data={"name": "Dolores Cruz", "applied_on": on.isoformat(), "membership_type": "regular"})
    assert response.status_code == 303
    assert words in client.get(form).get_data(as_text=True)
    assert db.session.query(Member).count() == count


def test_the_officer_form_takes_the_date_on_the_paper_application(coop, officer, login, client):
    login(officer)
    page = client.get(f"/o/{coop.slug}/members/new").get_data(as_text=True)
    assert 'name="applied_on"' in page and today().isoformat() in page
    on = today() - timedelta(days=7)
    response = client.post(f"/o/{coop.slug}/members/", data={"name": "Flor Reyes", "applied_on": on.isoformat(),
                                                             "membership_type": "regular"})
    assert response.status_code == 303
    assert services.search_members(coop.id, "Flor Reyes", 1)[0].applied_on == on


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
