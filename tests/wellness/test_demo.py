"""The demo Wellness Center: eight attendants with schedules, a week of bookings, earnings paid and due."""
from sqlalchemy import select

from coop.extensions import db
from coop.ledger import services as ledger
from coop.wellness import services as wellness
from coop.wellness.models import Booking
from coop.wellness.demo import seed_demo


def test_the_demo_center_is_busy_balanced_and_never_double_booked(make_org, make_user):
    coop = make_org("cooperative")
    users = {"officer": make_user(coop, "officer"), "attendant": make_user(coop, "attendant")}
    seed_demo(coop.id, None, users)
    db.session.commit()
    statuses = set(db.session.scalars(select(Booking.status)))
    assert {"booked", "completed", "cancelled"} <= statuses
    assert len(wellness.list_attendants(coop.id)) == 8 and len(wellness.list_services(coop.id)) == 6
    assert wellness.attendant_for_user(coop.id, users["attendant"].id).label == "W-01"
    assert wellness.payouts(coop.id) and any(e.due for e in wellness.earnings_overview(coop.id))
    assert wellness.attendants_in_conflict(coop.id) == []
    assert ledger.recompute_problems(coop.id) == []
