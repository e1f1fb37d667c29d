"""Consignment fixtures: a cooperative with Avon (25%), a campaign, two products and active members."""
from dataclasses import dataclass
from datetime import date

import pytest

from coop.consignment import services
from coop.extensions import db
from coop.members.services import create_member

DAY = date(2026, 3, 2)


@dataclass
class World:
    org: object
    officer: object
    avon: object
    campaign: object
    lipstick: object  # PhP250 each
    cologne: object  # PhP500 each
    ana: object
    bea: object


@pytest.fixture
def world(make_org, make_user):
    org = make_org()
    officer = make_user(org, "officer")
    ana = create_member(org.id, name="Ana Cruz", actor_id=None, status="active")
    bea = create_member(org.id, name="Bea Lim", actor_id=None, status="active")
    avon = services.create_principal(org.id, name="Avon", actor_id=officer.id, payment_terms_days=21)
    campaign = services.create_campaign(org.id, avon.id, code="C03-2026", name="March brochure",
                                        starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 31), actor_id=officer.id)
    lipstick = services.add_item(org.id, code="AV-LIP", name="Lipstick", list_price=25_000, principal_id=avon.id,
                                 actor_id=officer.id)
    cologne = services.add_item(org.id, code="AV-COL", name="Cologne", list_price=50_000, principal_id=avon.id,
                                actor_id=officer.id)
    services.receive_goods(org.id, avon.id, [{"item_id": lipstick.id, "qty": 20}, {"item_id": cologne.id, "qty": 10}],
                           on=DAY, actor_id=officer.id, campaign_id=campaign.id)
    db.session.commit()
    return World(org, officer, avon, campaign, lipstick, cologne, ana, bea)


def issue(w, member=None, lipsticks=6, colognes=4, key=None):
    return services.issue_to_member(w.org.id, (member or w.ana).id, w.campaign.id,
                                    [{"item_id": w.lipstick.id, "qty": lipsticks},
                                     {"item_id": w.cologne.id, "qty": colognes}],
                                    on=DAY, actor_id=w.officer.id, key=key)

