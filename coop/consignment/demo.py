"""Demo consignment activity: Avon and Natasha with a campaign, goods out with members, sales reported
and remitted, and a member-producer's fans and slippers sold at the store."""
from __future__ import annotations

from datetime import timedelta

from ..errors import NotFound
from ..inventory import services as store
from ..members.services import create_member, member_for_user
from ..timeutil import today
from . import services


def seed(coop_id: int, _ngo_id: int, users: dict) -> None:
    officer = users["officer"].id
    start = today() - timedelta(days=40)
    day = lambda n: start + timedelta(days=n)  # noqa: E731

    avon = services.create_principal(coop_id, name="Avon", member_commission_bp=2500, payment_terms_days=21,
                                     actor_id=officer, notes="Brochure campaigns every three weeks")
    natasha = services.create_principal(coop_id, name="Natasha", member_commission_bp=2000, coop_margin_bp=500,
                                        payment_terms_days=30, uses_campaigns=False, actor_id=officer)
    campaign = services.create_campaign(coop_id, avon.id, code=f"C{start:%m}-{start:%Y}", name="Avon brochure",
                                        starts_on=start, ends_on=start + timedelta(days=60), actor_id=officer)
    ongoing = services.list_campaigns(coop_id, natasha.id)[0]
    catalogue = [
        (avon.id, "AV-LIP", "Avon lipstick", 25_000), (avon.id, "AV-COL", "Avon cologne", 50_000),
        (avon.id, "AV-LOT", "Avon hand lotion", 18_000),
        (natasha.id, "NT-BLS", "Natasha blouse", 45_000), (natasha.id, "NT-UND", "Natasha underwear set", 22_000),
    ]
    items = {code: services.add_item(coop_id, code=code, name=name, list_price=price, principal_id=owner,
                                     actor_id=officer) for owner, code, name, price in catalogue}
    order = services.place_order(coop_id, avon.id, [{"item_id": items["AV-LIP"].id, "qty": 40},
                                                    {"item_id": items["AV-COL"].id, "qty": 20},
                                                    {"item_id": items["AV-LOT"].id, "qty": 30}],
                                 on=day(0), campaign_id=campaign.id, reference="Avon order 1", actor_id=officer)
    services.receive_goods(coop_id, avon.id, [{"item_id": items["AV-LIP"].id, "qty": 40},
                                              {"item_id": items["AV-COL"].id, "qty": 20},
                                              {"item_id": items["AV-LOT"].id, "qty": 30}],
                           on=day(3), order_id=order.id, actor_id=officer)
    services.receive_goods(coop_id, natasha.id, [{"item_id": items["NT-BLS"].id, "qty": 12},
                                                 {"item_id": items["NT-UND"].id, "qty": 20}],
                           on=day(4), campaign_id=ongoing.id, actor_id=officer)

    sellers = [create_member(coop_id, name=name, actor_id=officer, status="active", admitted_on=day(0) - timedelta(days=400))
               for name in ("Rosario Dela Cruz", "Jocelyn Bautista", "Marites Villanueva")]
    rosario, jocelyn, marites = sellers
    # Rosario: the report's example, PhP2,500 of Avon sold, PhP625 commission, PhP1,875 remitted.
    services.issue_to_member(coop_id, rosario.id, campaign.id, [{"item_id": items["AV-LIP"].id, "qty": 8},
                                                                {"item_id": items["AV-COL"].id, "qty": 4}],
                             on=day(5), actor_id=officer)
    services.report_sales(coop_id, rosario.id, campaign.id, [{"item_id": items["AV-LIP"].id, "qty": 6},
                                                             {"item_id": items["AV-COL"].id, "qty": 2}],
                          on=day(15), actor_id=officer)
    services.record_remittance(coop_id, rosario.id, 187_500, on=day(16), actor_id=officer)
    # Jocelyn sold some and has not remitted yet.
    services.issue_to_member(coop_id, jocelyn.id, campaign.id, [{"item_id": items["AV-LOT"].id, "qty": 10},
                                                                {"item_id": items["AV-LIP"].id, "qty": 5}],
                             on=day(6), actor_id=officer)
    services.report_sales(coop_id, jocelyn.id, campaign.id, [{"item_id": items["AV-LOT"].id, "qty": 6}],
                          on=day(20), actor_id=officer)
    services.return_from_member(coop_id, jocelyn.id, campaign.id, [{"item_id": items["AV-LIP"].id, "qty": 2}],
                                on=day(22), actor_id=officer)
    # Marites sells Natasha clothes and paid part of what she owes.
    services.issue_to_member(coop_id, marites.id, ongoing.id, [{"item_id": items["NT-BLS"].id, "qty": 4},
                                                               {"item_id": items["NT-UND"].id, "qty": 6}],
                             on=day(8), actor_id=officer)
    services.report_sales(coop_id, marites.id, ongoing.id, [{"item_id": items["NT-BLS"].id, "qty": 3},
                                                            {"item_id": items["NT-UND"].id, "qty": 4}],
                          on=day(25), actor_id=officer)
    services.record_remittance(coop_id, marites.id, 100_000, on=day(26), actor_id=officer, paid_via="e_wallet_fund")
    demo_member = _demo_member(coop_id, users.get("member"))
    if demo_member is not None and demo_member.status == "active":
        # The demo login's own portal shows goods she holds and a commission earned.
        services.issue_to_member(coop_id, demo_member.id, campaign.id, [{"item_id": items["AV-LOT"].id, "qty": 5}],
                                 on=day(9), actor_id=officer)
        services.report_sales(coop_id, demo_member.id, campaign.id, [{"item_id": items["AV-LOT"].id, "qty": 2}],
                              on=day(21), actor_id=officer)
    services.settle_campaign(coop_id, campaign.id, 187_500, on=day(30), actor_id=officer, reference="Avon deposit slip")

    # A member-producer: Lorna makes buri fans and abaca slippers.
    lorna = create_member(coop_id, name="Lorna Mendoza", actor_id=officer, status="active", admitted_on=day(0))
    producer = services.add_producer(coop_id, lorna.id, fee_bp=1000, actor_id=officer)
    fan = services.add_item(coop_id, code="LM-FAN", name="Buri fan", list_price=12_000, producer_id=producer.id,
                            actor_id=officer)
    slippers = services.add_item(coop_id, code="LM-SLP", name="Abaca slippers", list_price=25_000,
                                 producer_id=producer.id, actor_id=officer)
    services.producer_intake(coop_id, producer.id, [{"item_id": fan.id, "qty": 20}, {"item_id": slippers.id, "qty": 10}],
                             on=day(10), actor_id=officer)
    store.record_sale(coop_id, items=[store.SaleItem(f"c:{fan.id}", 7_000), store.SaleItem(f"c:{slippers.id}", 3_000)],
                      on=day(18), payment="cash", actor_id=officer)  # at the store's till
    services.pay_producer(coop_id, producer.id, 100_000, on=day(28), actor_id=officer)


def _demo_member(coop_id: int, user):
    if user is None:
        return None
    try:
        return member_for_user(coop_id, user.id)
    except NotFound:  # the members' seeder has not linked the demo login to a member record
        return None
