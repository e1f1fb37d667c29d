"""Demo Wellness Center: six services, the stations, eight attendants, a week of bookings in every state."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from ..members.services import create_member
from ..timeutil import today
from . import services
from .services import clock

SERVICES = (  # name, minutes, pesos, skill, station, share %, home service
    ("Massage", 60, 400, "massage", "massage_bed", 40, True),
    ("Foot spa", 60, 350, "foot_spa", "foot_spa", 40, False),
    ("Manicure", 30, 120, "nails", None, 50, True),
    ("Pedicure", 45, 150, "nails", None, 50, True),
    ("Haircut", 30, 150, "haircut", "shampoo_chair", 40, False),
    ("Reflexology", 60, 350, "reflexology", "massage_bed", 40, True),
)
STATIONS = (("shampoo_chair", 1), ("foot_spa", 2), ("massage_bed", 2))
ATTENDANTS = (  # name, skills, member?
    ("Gina Bautista", ("massage", "reflexology", "foot_spa"), True),
    ("Rowena Dizon", ("nails", "foot_spa"), True),
    ("Marites Ocampo", ("haircut", "nails"), True),
    ("Lorna Aquino", ("massage", "reflexology"), True),
    ("Joy Villanueva", ("foot_spa", "nails"), True),
    ("Cherry Manalo", ("haircut", "massage"), True),
    ("Edna Salazar", ("nails", "reflexology"), False),
    ("Nenita Pascual", ("massage", "foot_spa", "nails"), False),
)
CLIENTS = (("Ms. Lim (3F)", "09171230001"), ("Mr. Torres (5F)", "09181230002"), ("Ate Baby", "09191230003"),
           ("Ms. Reyes (2F)", "09201230004"), ("Mrs. Go", None), ("Ms. Tan (4F)", "09221230006"),
           ("Walk-in", None), ("Sir Cruz (guard house)", "09231230008"))


def seed_demo(coop_id: int, _ngo_id: int, users: dict) -> None:
    officer = users["officer"].id
    for kind, count in STATIONS:
        services.set_station_count(coop_id, kind, count, officer)
    offered = [services.create_service(coop_id, name=n, duration_minutes=m, price=p * 100, skill=sk, station_kind=st,
                                       share_percent=sh, home_service=home, actor_id=officer)
               for n, m, p, sk, st, sh, home in SERVICES]
    start = today() - timedelta(days=6)
    people = []
    for n, (name, skills, is_member) in enumerate(ATTENDANTS):
        member_id = None
        if is_member:
            member_id = create_member(coop_id, name=name, actor_id=officer, status="active",
                                      on=start - timedelta(days=90), admitted_on=start - timedelta(days=90)).id
        person = services.create_attendant(coop_id, member_id=member_id, name=None if is_member else name,
                                           skills=skills, user_id=users["attendant"].id if n == 0 else None,
                                           actor_id=officer)
        # Two shifts so someone is always there: mornings 9-15 or afternoons 13-19, lunch for the morning shift.
        early = n % 2 == 0
        days = [d for d in range(6) if d != n % 6]  # one weekday off each
        blocks = [(d, "work", time(9) if early else time(13), time(15) if early else time(19)) for d in days]
        blocks += [(d, "break", time(12), time(12, 30)) for d in days if early]
        services.set_schedule(coop_id, person.id, blocks, officer)
        people.append(person)
    rng = random.Random(2009)
    for offset in range(9):
        day = start + timedelta(days=offset)
        _seed_day(coop_id, day, offered, rng, officer)
    # The first days' earnings are paid; the rest stay due.
    paid_until = start + timedelta(days=3)
    for person in people:
        if services.unpaid_bookings(coop_id, person.id, start, paid_until):
            services.pay_earnings(coop_id, person.id, start, paid_until, on=paid_until + timedelta(days=1),
                                  actor_id=officer, idempotency_key=f"demo-wellness-pay-{person.id}")


def _seed_day(org_id: int, day, offered, rng, officer: int) -> None:
    now_real = clock.local_now()
    arrived_early = False
    for n in range(9):
        service = rng.choice(offered)
        home = service.home_service and rng.random() < 0.15
        slots = services.availability(org_id, service.id, day, home=home, now=datetime.combine(day, time(6)))
        if not slots:
            continue
        slot = rng.choice(slots)
        name, mobile = rng.choice(CLIENTS)
        walk_in = not home and slot.starts <= now_real and rng.random() < 0.2
        kind = "home" if home else "walk_in" if walk_in else "appointment"
        booking = services.book(org_id, service_id=service.id, starts=slot.starts, client_name=name,
                                client_mobile=mobile, kind=kind, address="Unit 12, the building" if home else None,
                                actor_id=officer, now=slot.starts if walk_in else slot.starts - timedelta(days=1))
        ends = slot.starts + timedelta(minutes=service.duration_minutes)
        if ends <= now_real:
            fate = rng.random()
            if fate < 0.08:
                services.no_show(org_id, booking.id, officer, now=ends)
            elif fate < 0.15:
                services.cancel(org_id, booking.id, "client called to cancel", officer)
            elif day == now_real.date() and not arrived_early and ends > now_real - timedelta(hours=3):
                services.check_in(org_id, booking.id, officer)  # still with her attendant
                arrived_early = True
            else:
                paid_by = "e_wallet" if rng.random() < 0.2 else "cash"
                services.complete(org_id, booking.id, payment_method=paid_by,
                                  reference=f"GC{rng.randint(10**8, 10**9)}" if paid_by == "e_wallet" else None,
                                  actor_id=officer, now=ends)
        elif slot.starts <= now_real or (day == now_real.date() and not arrived_early):
            services.check_in(org_id, booking.id, officer)
            arrived_early = True
