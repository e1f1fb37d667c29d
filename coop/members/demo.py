"""Demo members of the demo cooperative: the demo `member` login is Rosario, paying PhP2,000 in four.

The cooperative charges a PhP300 membership fee before admission: most paid it when admitted, one
applicant paid it with her application, the other has not paid yet (her admission waits)."""
from __future__ import annotations

from datetime import timedelta

from ..orgs.services import set_setting
from ..timeutil import today
from . import services, shares

# name, barangay, town, status, shares subscribed, plan installments, installments paid, weeks ago admitted
MEMBERSHIP_FEE = 300_00
PEOPLE = (
    ("Josefina Dela Cruz", "San Roque", "Marikina", "active", 20, 1, 1, 80),
    ("Maricel Bautista", "Bagong Silangan", "Quezon City", "active", 20, 4, 4, 70),
    ("Lorna Villanueva", "Tumana", "Marikina", "active", 30, 6, 2, 40),
    ("Editha Ramos", "Malanday", "Marikina", "active", 20, 4, 1, 30),  # one paid, the rest late
    ("Cristina Mendoza", "Concepcion Uno", "Marikina", "active", 20, 12, 5, 26),
    ("Gloria Aquino", "Nangka", "Marikina", "active", 50, 1, 1, 60),
    ("Teresita Navarro", "Sto. Niño", "Marikina", "inactive", 20, 4, 2, 50),
    ("Rowena Castillo", "Payatas", "Quezon City", "active", 20, 6, 3, 16),
    ("Marites Flores", "Parang", "Marikina", "active", 20, 4, 0, 6),
    ("Imelda Garcia", "Fortune", "Marikina", "applicant", 0, 0, 0, 0),
    ("Analyn Pascual", "Calumpang", "Marikina", "applicant", 0, 0, 0, 0),
    ("Perla Soriano", "Jesus dela Peña", "Marikina", "active", 20, 1, 1, 90),  # leaves: withdrawal waiting
)


def seed(coop_id: int, _ngo_id: int, users: dict) -> None:
    officer, officer2 = users["officer"].id, users["officer2"].id
    now = today()
    set_setting(coop_id, "members.membership_fee", MEMBERSHIP_FEE)
    rosario = services.apply(coop_id, name="Rosario Manalo", actor_id=officer, on=now - timedelta(weeks=10),
                             mobile="09171234567", barangay="Sta. Elena", town="Marikina", province="Metro Manila",
                             beneficiary_name="Liza Manalo", beneficiary_relation="daughter")
    rosario.user_id = users["member"].id
    # PhP2,000 in four monthly installments: two paid on time, the third due in a few days
    start = now - timedelta(days=60) + timedelta(days=3)
    shares.subscribe(coop_id, rosario.id, shares=20, on=start, installments=4, frequency="monthly", first_due=start,
                     actor_id=officer)
    for n in range(2):
        shares.record_payment(coop_id, rosario.id, amount=500_00, on=shares.add_period(start, "monthly", n),
                              actor_id=officer)
    _admit(coop_id, rosario, start, officer)
    for n, (name, barangay, town, status, count, installments, paid, weeks) in enumerate(PEOPLE):
        applied = now - timedelta(weeks=weeks + 1)
        member = services.apply(coop_id, name=name, actor_id=officer, on=applied, mobile=f"0917{5550100 + n:07d}",
                                barangay=barangay, town=town, province="Metro Manila",
                                membership_type="associate" if status != "applicant" and not paid else "regular",
                                collect_fee=name == "Imelda Garcia")
        if status == "applicant":
            continue
        start = now - timedelta(weeks=weeks)
        subscription = shares.subscribe(coop_id, member.id, shares=count, on=start, installments=installments,
                                        frequency="monthly", first_due=start, actor_id=officer)
        per = subscription.amount // installments
        for k in range(paid):
            amount = per if k < installments - 1 else subscription.amount - per * (installments - 1)
            shares.record_payment(coop_id, member.id, amount=amount, on=shares.add_period(start, "monthly", k),
                                  actor_id=officer2)
        _admit(coop_id, member, start, officer)
        if status == "inactive":
            services.change_status(coop_id, member.id, "inactive", on=now - timedelta(weeks=4),
                                   reason="moved to the province for a year", actor_id=officer)
    leaving = services.search_members(coop_id, "Perla Soriano", 1)[0]
    shares.request_withdrawal(coop_id, leaving.id, on=now - timedelta(days=2), reason="working abroad again",
                              actor_id=officer)


def _admit(coop_id, member, on, officer_id):
    number = 20 + member.number
    services.admit(coop_id, member.id, on=on, board_resolution=f"BR {on.year}-{number:03d}", actor_id=officer_id,
                   collect_fee=True)
