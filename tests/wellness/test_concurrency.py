"""Two desk clicks on the same slot at the same moment, on PostgreSQL: one booking, one clear refusal."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coop.extensions import db
from coop.wellness import services as wellness
from coop.wellness.models import Booking

from .conftest import EARLY, MONDAY

pytestmark = pytest.mark.postgres


def test_two_clicks_on_one_slot_give_one_booking_and_one_409(center, concurrently):
    org_id, service_id, attendant_id = center.org_id, center.manicure.id, center.bea.id

    def click(n):
        return wellness.book(org_id, service_id=service_id, starts=MONDAY.replace(hour=10), client_name=f"C{n}",
                             attendant_id=attendant_id, now=EARLY).id

    results, errors = concurrently(click, threads=2)
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], wellness.SlotTaken) and errors[0].status == 409
    assert "just taken" in errors[0].message or "not free" in errors[0].message
    assert db.session.scalar(select(func.count(Booking.id))) == 1


def test_the_last_foot_spa_station_goes_to_one_of_two_attendants(center, concurrently):
    org_id, service_id = center.org_id, center.foot_spa.id
    people = (center.ana.id, center.bea.id)

    def click(n):
        return wellness.book(org_id, service_id=service_id, starts=MONDAY.replace(hour=10), client_name=f"C{n}",
                             attendant_id=people[n], now=EARLY).id

    results, errors = concurrently(click, threads=2)
    assert len(results) == 1 and [e.status for e in errors] == [409]
    assert wellness.attendants_in_conflict(org_id) == []


def test_the_database_itself_refuses_an_overlap_the_code_did_not_check(center, book):
    first = book(center.manicure, attendant_id=center.bea.id)
    clash = Booking(org_id=center.org_id, client_id=first.client_id, service_id=first.service_id,
                    attendant_id=first.attendant_id, kind="appointment", status="booked",
                    starts_at=first.starts_at + timedelta(minutes=15), ends_at=first.ends_at + timedelta(minutes=15),
                    block_start=first.starts_at + timedelta(minutes=15), block_end=first.ends_at + timedelta(minutes=15),
                    price=first.price)
    db.session.add(clash)
    with pytest.raises(wellness.SlotTaken):
        wellness._save_or_refuse(MONDAY.replace(hour=10, minute=15))


def test_eight_clicks_never_double_book(center, concurrently):
    org_id, service_id = center.org_id, center.manicure.id

    def click(n):
        return wellness.book(org_id, service_id=service_id, starts=MONDAY.replace(hour=10), client_name=f"C{n}",
                             now=EARLY).id

    results, errors = concurrently(click, threads=8)
    assert 1 <= len(results) <= 2 and len(results) + len(errors) == 8  # two nail attendants at most
    assert all(e.status == 409 for e in errors)
    assert wellness.attendants_in_conflict(org_id) == []
