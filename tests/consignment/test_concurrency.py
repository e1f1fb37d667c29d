"""Two officers recording against the same member's holdings at once, on PostgreSQL."""
from datetime import date

import pytest

from coop.consignment import reports, services
from coop.errors import Invalid
from coop.extensions import db
from coop.ledger import services as ledger

from .conftest import DAY

pytestmark = pytest.mark.postgres


def test_two_sales_reports_cannot_sell_the_same_goods_twice(world, concurrently):
    w = world
    org_id, ana_id, campaign_id, lipstick_id = w.org.id, w.ana.id, w.campaign.id, w.lipstick.id
    services.issue_to_member(org_id, ana_id, campaign_id, [{"item_id": lipstick_id, "qty": 8}], on=DAY, actor_id=None)
    db.session.commit()

    def report(_):
        return services.report_sales(org_id, ana_id, campaign_id, [{"item_id": lipstick_id, "qty": 5}],
                                     on=date(2026, 3, 9), actor_id=None).id

    results, errors = concurrently(report)
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], Invalid)
    summary = reports.member_summary(org_id, ana_id)
    assert summary.held_value == 3 * 25_000
    assert summary.owed == 5 * 25_000 - 5 * 25_000 // 4
    assert ledger.recompute_problems(org_id) == []


def test_concurrent_issues_returns_and_sales_keep_stock_and_holdings_exact(world, concurrently):
    w = world
    org_id, ana_id, campaign_id, lipstick_id = w.org.id, w.ana.id, w.campaign.id, w.lipstick.id

    def busy(n):
        for _ in range(3):
            services.issue_to_member(org_id, ana_id, campaign_id, [{"item_id": lipstick_id, "qty": 2}], on=DAY,
                                     actor_id=None)
            db.session.commit()
            verb = services.report_sales if n % 2 else services.return_from_member
            verb(org_id, ana_id, campaign_id, [{"item_id": lipstick_id, "qty": 1}], on=DAY, actor_id=None)
            db.session.commit()
        return n

    results, errors = concurrently(busy, threads=4)
    assert errors == [] and len(results) == 4
    item = services.get_item(org_id, lipstick_id)
    db.session.refresh(item)
    summary = reports.member_summary(org_id, ana_id)
    assert summary.held_value == 4 * 3 * 25_000  # 24 issued, 6 sold, 6 returned, 12 held
    assert item.qty_at_coop == 20 - 24 + 6
    assert summary.owed == 6 * 25_000 - 6 * 6_250
    assert ledger.recompute_problems(org_id) == []


def test_two_remittances_cannot_pay_more_than_she_owes(world, concurrently):
    w = world
    org_id, ana_id, campaign_id, lipstick_id = w.org.id, w.ana.id, w.campaign.id, w.lipstick.id
    services.issue_to_member(org_id, ana_id, campaign_id, [{"item_id": lipstick_id, "qty": 4}], on=DAY, actor_id=None)
    services.report_sales(org_id, ana_id, campaign_id, [{"item_id": lipstick_id, "qty": 4}], on=DAY, actor_id=None)
    db.session.commit()  # she owes 750.00

    def remit(_):
        return services.record_remittance(org_id, ana_id, 50_000, on=DAY, actor_id=None).amount

    results, errors = concurrently(remit)
    assert results == [50_000] and len(errors) == 1
    assert reports.member_summary(org_id, ana_id).owed == 25_000


def test_a_row_locked_after_an_unlocked_read_is_read_afresh(world, app):
    """The lost sale CI found: a verb read the campaign, another officer's sale committed, then the verb locked the
    campaign and added to the figures it had read before the lock. The lock must bring the row's current figures."""
    from coop.consignment.models import Campaign
    from coop.consignment.services.principals import get_campaign

    org_id, campaign_id = world.org.id, world.campaign.id
    db.session.commit()
    before = get_campaign(org_id, campaign_id).due_to_principal  # in the session's identity map, unlocked
    with db.engine.begin() as other:  # another request's sale, committed meanwhile
        other.execute(Campaign.__table__.update().where(Campaign.id == campaign_id)
                      .values(due_to_principal=Campaign.due_to_principal + 18_750))
    assert get_campaign(org_id, campaign_id, lock=True).due_to_principal == before + 18_750
    db.session.rollback()
    with db.engine.begin() as other:  # the books and the campaign agree again for the control check after the test
        other.execute(Campaign.__table__.update().where(Campaign.id == campaign_id).values(due_to_principal=before))
