"""Demo loans: emergency and commodity loans in the states an officer meets in a week."""
from __future__ import annotations

from datetime import timedelta

from ..ledger.records import Line
from ..members import services as members
from ..timeutil import today
from . import services


def _borrowers(org_id: int, since) -> list:
    """Active members of the demo cooperative in good standing since `since` (the members' demo made them);
    a few of our own when there are not enough."""
    found = [m for m in members.search_members(org_id, "", limit=50, status="active")
             if members.standing(org_id, m.id, since).good and members.standing(org_id, m.id, today()).good][:5]
    names = ("Rosario Dela Cruz", "Maricel Bautista", "Joy Villanueva", "Analyn Ramos", "Lorna Garcia")
    return found + [members.create_member(org_id, name=name, actor_id=None, status="active",
                                          mobile=f"0917555010{n}") for n, name in enumerate(names[len(found):])]


def seed(coop_id: int, _ngo_id: int, users: dict) -> None:
    maker, checker = users["officer"].id, users["officer2"].id
    start = today() - timedelta(days=50)
    people = _borrowers(coop_id, start)
    emergency = services.product_by_code(coop_id, "emergency")

    def emergency_loan(member, amount, on, purpose, *, release=True, pay=()):
        loan = services.apply(coop_id, member.id, emergency.id, amount, on=on, actor_id=maker, purpose=purpose)
        services.approve(coop_id, loan.id, actor_id=checker, on=on)
        if release:
            services.release(coop_id, loan.id, on=on, actor_id=checker, idempotency_key=f"demo-release-{loan.id}")
        for n, (days, paid) in enumerate(pay):
            if paid is None:  # the rest, whatever the product's interest came to
                paid = services.get_loan(coop_id, loan.id).outstanding
            services.repay(coop_id, loan.id, paid, on=on + timedelta(days=days), actor_id=maker,
                           idempotency_key=f"demo-pay-{loan.id}-{n}", received_from=member.name)
        return loan

    def credit_sale(member, amount, on, key):
        return services.open_commodity_loan(
            coop_id, member.id, amount, on, goods_lines=(Line("sales", credit=amount),),
            memo="Rice, soap and condiments on credit (demo)", source="demo", source_id=key,
            idempotency_key=f"demo-{key}", actor_id=maker)

    # paid on time, then closed
    emergency_loan(people[0], 150_000, start, "School fees",
                   pay=((15, 51_500), (30, 51_500), (40, None)))
    # running, one installment paid, the second missed: overdue with a penalty after the end-of-day job
    emergency_loan(people[1], 200_000, start + timedelta(days=5), "Hospital bill", pay=((15, 34_333),))
    # released recently, nothing due yet
    emergency_loan(people[2], 100_000, today() - timedelta(days=3), "Roof repair after the typhoon")
    # waiting for a second officer's approval
    services.apply(coop_id, people[3].id, emergency.id, 80_000, on=today(), actor_id=maker,
                   purpose="Capital for a sari-sari store", via="officer")
    # commodity loans: one paid within 15 days, one overdue, one still running
    paid = credit_sale(people[0], 45_000, start + timedelta(days=20), "sale-1")
    services.repay(coop_id, paid.id, 45_000, on=start + timedelta(days=33), actor_id=maker,
                   idempotency_key="demo-pay-sale-1")
    credit_sale(people[4], 62_050, today() - timedelta(days=25), "sale-2")
    credit_sale(people[2], 38_000, today() - timedelta(days=6), "sale-3")
    for n in range(50, -1, -1):  # the end-of-day job for the past days: overdue, penalties, reminders
        services.end_of_day(coop_id, today() - timedelta(days=n))
    # the allowance for probable losses set at the last month end from the aging, as the monthly job does
    services.month_end_provisioning(coop_id, today())
