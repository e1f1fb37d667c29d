"""Issue 16: a booking is completed (and its income posted) only once it has started, never ahead of today."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coop.errors import Invalid
from coop.extensions import db
from coop.ledger.models import JournalEntry
from coop.wellness import services as wellness

from .conftest import EARLY, MONDAY


def _entries():
    return db.session.scalar(select(func.count()).select_from(JournalEntry))


def test_completing_a_booking_the_day_before_it_happens_is_refused(center, book):
    booking = book(attendant_id=center.ana.id)
    with pytest.raises(Invalid, match="once it has started"):
        wellness.complete(center.org_id, booking.id, now=MONDAY.replace(hour=10) - timedelta(days=1))
    db.session.rollback()
    assert wellness.get_booking(center.org_id, booking.id).status == "booked" and _entries() == 0
    assert wellness.complete(center.org_id, booking.id, now=MONDAY.replace(hour=10)).status == "completed"


def test_completing_through_the_api_before_the_start_is_a_problem(center, book, make_user, api, monkeypatch):
    booking = book(attendant_id=center.ana.id)
    monkeypatch.setattr(wellness.clock, "local_now", lambda: EARLY)
    client = api(make_user(center.org, "officer"))
    response = client.post(f"/api/v1/orgs/{center.org.slug}/wellness/bookings/{booking.id}/complete", json={})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "once it has started" in response.json["detail"]
    db.session.expire_all()
    assert wellness.get_booking(center.org_id, booking.id).status == "booked" and _entries() == 0


def test_completing_on_the_page_before_the_start_comes_back_with_the_message(center, book, make_user, login,
                                                                             client, monkeypatch):
    booking = book(attendant_id=center.ana.id)
    monkeypatch.setattr(wellness.clock, "local_now", lambda: EARLY)
    login(make_user(center.org, "officer"))
    page = f"/o/{center.org.slug}/wellness/bookings/{booking.id}"
    response = client.post(f"{page}/complete", data={"payment_method": "cash"}, headers={"Referer": page})
    assert response.status_code == 303
    assert "once it has started" in client.get(page).get_data(as_text=True)
    db.session.expire_all()
    assert wellness.get_booking(center.org_id, booking.id).status == "booked" and _entries() == 0
