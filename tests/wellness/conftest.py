"""A small Wellness Center: one foot spa station, one massage bed, three attendants working 9 to 17."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest

from coop.extensions import db
from coop.timeutil import today
from coop.wellness import services as wellness

# A Monday two to three weeks ago: what the center did that day is posted on or before today, never ahead
_BACK = today() - timedelta(days=14)
MONDAY = datetime.combine(_BACK - timedelta(days=_BACK.weekday()), time())
MONDAY_ISO = MONDAY.date().isoformat()
EARLY = MONDAY.replace(hour=7)  # "now" in the tests: before the center opens


@dataclass
class Center:
    org: object
    foot_spa: object
    massage: object
    manicure: object
    ana: object
    bea: object
    cora: object

    @property
    def org_id(self):
        return self.org.id


def weekdays(starts=time(9), ends=time(17), lunch=(time(12), time(13))):
    blocks = [(d, "work", starts, ends) for d in range(6)]
    if lunch:
        blocks += [(d, "break", lunch[0], lunch[1]) for d in range(6)]
    return blocks


@pytest.fixture
def center(make_org):
    org = make_org()
    wellness.set_station_count(org.id, "foot_spa", 1)
    wellness.set_station_count(org.id, "massage_bed", 2)
    foot_spa = wellness.create_service(org.id, name="Foot spa", duration_minutes=60, price=35_000, skill="foot_spa",
                                       station_kind="foot_spa", share_percent=40)
    massage = wellness.create_service(org.id, name="Massage", duration_minutes=60, price=40_000, skill="massage",
                                      station_kind="massage_bed", share_percent=50, home_service=True)
    manicure = wellness.create_service(org.id, name="Manicure", duration_minutes=30, price=15_000, skill="nails")
    ana = wellness.create_attendant(org.id, name="Ana", skills=["foot_spa", "massage"])
    bea = wellness.create_attendant(org.id, name="Bea", skills=["foot_spa", "nails"])
    cora = wellness.create_attendant(org.id, name="Cora", skills=["massage", "nails"])
    for person in (ana, bea, cora):
        wellness.set_schedule(org.id, person.id, weekdays())
    db.session.commit()
    return Center(org, foot_spa, massage, manicure, ana, bea, cora)


@pytest.fixture
def book(center):
    def do(service=None, at=MONDAY.replace(hour=10), **kw):
        kw.setdefault("client_name", "Client")
        kw.setdefault("now", EARLY)
        booking = wellness.book(center.org_id, service_id=(service or center.foot_spa).id, starts=at, **kw)
        db.session.commit()
        return booking

    return do
