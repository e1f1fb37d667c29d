from datetime import date

import pytest
from sqlalchemy import func, select

from coop.consignment import reports, services
from coop.consignment.models import Doc, DocLine, Holding, MemberAccount, Principal
from coop.errors import Invalid
from coop.extensions import db
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry
from coop.orgs.services import set_setting

from .conftest import DAY, issue


@pytest.fixture(autouse=True)
def labels(app):
    """Statements and reports translate their labels, which needs a request."""
    with app.test_request_context():
        yield


SOLD = date(2026, 3, 10)  # what `sell` reports sold: remittances and settlements come on or after it


def sell(w, lipsticks=6, colognes=2, member=None, key=None):
    return services.report_sales(w.org.id, (member or w.ana).id, w.campaign.id,
                                 [{"item_id": w.lipstick.id, "qty": lipsticks}, {"item_id": w.cologne.id, "qty": colognes}],
                                 on=SOLD, actor_id=w.officer.id, key=key)


def till(org_id, item_id, pieces, **extra):
    """A cash sale at the store's point of sale."""
    from coop.inventory import services as store

    return store.record_sale(org_id, items=[store.SaleItem(f"c:{item_id}", pieces * 1000, **extra)], on=DAY,
                             payment="cash", actor_id=None)


def counts():
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Doc, DocLine, Holding, JournalEntry))


def test_the_report_example_avon_2500_sold_earns_625_and_she_remits_1875(world):
    w = world
    issue(w)
    summary = reports.member_summary(w.org.id, w.ana.id)
    assert summary.held_value == 350_000 and w.lipstick.qty_at_coop == 14
    report = sell(w)
    assert (report.list_value, report.commission, report.net) == (250_000, 62_500, 187_500)
    payment = services.record_remittance(w.org.id, w.ana.id, 187_500, on=date(2026, 3, 12), actor_id=w.officer.id)
    assert payment.receipt_id is not None
    db.session.commit()

    party = w.ana.party_id
    assert ledger.party_balance(w.org.id, "commissions_payable_members", party).credit_total == 62_500
    assert ledger.party_balance(w.org.id, "commissions_payable_members", party).credit_balance == 0  # netted
    assert ledger.party_balance(w.org.id, "consignment_receivable_members", party).debit_balance == 0
    assert ledger.balance(w.org.id, "cash_on_hand").debit_balance == 187_500
    assert services.principal_due(w.org.id, w.avon.id) == 187_500
    assert ledger.balance(w.org.id, "commission_income").credit_total == 0  # Avon leaves the coop no margin
    summary = reports.member_summary(w.org.id, w.ana.id)
    assert summary.commission_earned == 62_500 and summary.owed == 0 and summary.held_value == 100_000

    statement = reports.member_statement(w.org.id, w.ana.id, date(2026, 3, 1), date(2026, 3, 31))
    keys = [c.key for c in statement.columns]
    totals = dict(zip(keys, statement.totals))
    assert totals["received"] == 350_000 and totals["sold"] == 250_000
    assert totals["commission"] == 62_500 and totals["remitted"] == 187_500
    campaign = services.get_campaign(w.org.id, w.campaign.id)
    assert campaign.due_to_principal - campaign.paid_to_principal == services.principal_due(w.org.id, w.avon.id)
    assert ledger.recompute_problems(w.org.id) == []


def test_without_netting_the_commission_stays_owed_to_her_until_paid(world):
    w = world
    set_setting(w.org.id, services.SETTING_NET_COMMISSION, False)
    issue(w)
    sell(w)
    assert reports.member_summary(w.org.id, w.ana.id).owed == 250_000
    with pytest.raises(Invalid, match="more than"):
        services.record_remittance(w.org.id, w.ana.id, 250_001, on=SOLD, actor_id=None)
    services.record_remittance(w.org.id, w.ana.id, 250_000, on=SOLD, actor_id=None)
    services.pay_commission(w.org.id, w.ana.id, 62_500, on=SOLD, actor_id=None)
    summary = reports.member_summary(w.org.id, w.ana.id)
    assert (summary.owed, summary.commission_due, summary.commission_earned) == (0, 0, 62_500)
    assert ledger.balance(w.org.id, "cash_on_hand").debit_balance == 187_500


def test_settling_a_campaign_pays_the_principal_down_to_the_ledger(world):
    w = world
    issue(w)
    sell(w)
    with pytest.raises(Invalid, match="Only ₱1,875.00"):
        services.settle_campaign(w.org.id, w.campaign.id, 200_000, on=SOLD, actor_id=None)
    services.settle_campaign(w.org.id, w.campaign.id, 100_000, on=date(2026, 4, 5), actor_id=None, reference="OR 55")
    assert services.principal_due(w.org.id, w.avon.id) == 87_500
    table = reports.campaign_statement(w.org.id, w.campaign.id)
    assert any("87,500" in n or "875.00" in n for n in table.notes)
    by_code = {row[0]: row for row in table.rows}
    assert by_code["AV-LIP"][2:7] == (20, 6, 6, 0, 0)


def test_returning_more_than_she_holds_is_refused_and_writes_nothing(world):
    w = world
    issue(w, lipsticks=2, colognes=1)
    db.session.commit()
    before = counts()
    with pytest.raises(Invalid, match="holds only 2"):
        services.return_from_member(w.org.id, w.ana.id, w.campaign.id, [{"item_id": w.lipstick.id, "qty": 3}],
                                    on=DAY, actor_id=None)
    db.session.rollback()
    assert counts() == before
    services.return_from_member(w.org.id, w.ana.id, w.campaign.id, [{"item_id": w.lipstick.id, "qty": 2}],
                                on=DAY, actor_id=None)
    assert services.get_item(w.org.id, w.lipstick.id).qty_at_coop == 20
    assert reports.member_summary(w.org.id, w.ana.id).held_value == 50_000


def test_reporting_sales_of_goods_never_issued_is_refused_and_writes_nothing(world):
    w = world
    issue(w, member=w.bea)
    db.session.commit()
    before = counts()
    with pytest.raises(Invalid, match="never given"):
        sell(w, member=w.ana)
    db.session.rollback()
    assert counts() == before
    with pytest.raises(Invalid, match="holds only"):
        sell(w, member=w.bea, lipsticks=7)
    db.session.rollback()
    assert counts() == before


@pytest.mark.parametrize("rate", [10_001, -1, 20_000])
def test_a_commission_rate_over_100_or_negative_is_refused(make_org, rate):
    org = make_org()
    with pytest.raises(Invalid):
        services.create_principal(org.id, name="Natasha", actor_id=None, member_commission_bp=rate)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Principal)) == 0


def test_commission_and_margin_together_cannot_exceed_the_price(make_org):
    org = make_org()
    with pytest.raises(Invalid, match="together"):
        services.create_principal(org.id, name="Natasha", actor_id=None, member_commission_bp=8000, coop_margin_bp=2500)


def test_the_coop_margin_is_its_only_revenue(make_org, make_user):
    from coop.members.services import create_member

    org = make_org()
    ana = create_member(org.id, name="Ana", actor_id=None, status="active")
    natasha = services.create_principal(org.id, name="Natasha", actor_id=None, member_commission_bp=2000,
                                        coop_margin_bp=500, uses_campaigns=False)
    ongoing = services.list_campaigns(org.id, natasha.id)[0]
    dress = services.add_item(org.id, code="NT-DRS", name="Dress", list_price=99_900, principal_id=natasha.id,
                              actor_id=None)
    services.receive_goods(org.id, natasha.id, [{"item_id": dress.id, "qty": 3}], on=DAY, actor_id=None)
    services.issue_to_member(org.id, ana.id, ongoing.id, [{"item_id": dress.id, "qty": 3}], on=DAY, actor_id=None)
    doc = services.report_sales(org.id, ana.id, ongoing.id, [{"item_id": dress.id, "qty": 3}], on=DAY, actor_id=None)
    assert (doc.list_value, doc.commission, doc.coop_margin, doc.net) == (299_700, 59_940, 14_985, 224_775)
    assert ledger.balance(org.id, "commission_income").credit_balance == 14_985
    assert services.principal_due(org.id, natasha.id) == 224_775
    assert ledger.balance(org.id, "sales").credit_total == 0 and ledger.balance(org.id, "merchandise_inventory").debit_total == 0


def test_a_campaign_commission_overrides_the_principal_rate(world):
    w = world
    special = services.create_campaign(w.org.id, w.avon.id, code="C04-2026", name="April", starts_on=date(2026, 4, 1),
                                       ends_on=date(2026, 4, 30), actor_id=None, member_commission_bp=3000)
    services.issue_to_member(w.org.id, w.ana.id, special.id, [{"item_id": w.lipstick.id, "qty": 4}], on=DAY,
                             actor_id=None)
    doc = services.report_sales(w.org.id, w.ana.id, special.id, [{"item_id": w.lipstick.id, "qty": 4}], on=DAY,
                                actor_id=None)
    assert doc.commission == 30_000 and doc.rate_bp == 3000


def test_goods_issued_at_an_old_price_are_owed_at_that_price_oldest_first(world):
    w = world
    services.issue_to_member(w.org.id, w.ana.id, w.campaign.id, [{"item_id": w.lipstick.id, "qty": 2}], on=DAY,
                             actor_id=None)
    services.update_item(w.org.id, w.lipstick.id, actor_id=None, list_price=30_000)
    services.issue_to_member(w.org.id, w.ana.id, w.campaign.id, [{"item_id": w.lipstick.id, "qty": 2}],
                             on=date(2026, 3, 5), actor_id=None)
    doc = services.report_sales(w.org.id, w.ana.id, w.campaign.id, [{"item_id": w.lipstick.id, "qty": 3}],
                                on=date(2026, 3, 9), actor_id=None)
    assert doc.list_value == 2 * 25_000 + 30_000
    assert reports.member_summary(w.org.id, w.ana.id).held_value == 30_000


def test_a_member_who_is_not_active_gets_no_goods(world):
    from coop.members.services import create_member

    w = world
    applicant = create_member(w.org.id, name="Cora", actor_id=None)
    with pytest.raises(Invalid, match="not an active member"):
        issue(w, member=applicant)


def test_issuing_more_than_the_cooperative_has_is_refused(world):
    with pytest.raises(Invalid, match="Only 20"):
        issue(world, lipsticks=21)


def test_a_double_submitted_issue_is_recorded_once(world):
    w = world
    first = issue(w, key="form-abc")
    again = issue(w, key="form-abc")
    assert first.id == again.id
    assert reports.member_summary(w.org.id, w.ana.id).held_value == 350_000


def test_a_remittance_spreads_over_campaigns_oldest_debt_first(world):
    w = world
    april = services.create_campaign(w.org.id, w.avon.id, code="C04-2026", name="April", starts_on=date(2026, 4, 1),
                                     ends_on=None, actor_id=None)
    issue(w, lipsticks=4, colognes=0 + 1)
    services.report_sales(w.org.id, w.ana.id, w.campaign.id, [{"item_id": w.lipstick.id, "qty": 4}],
                          on=date(2026, 3, 10), actor_id=None)  # owes 750
    services.issue_to_member(w.org.id, w.ana.id, april.id, [{"item_id": w.lipstick.id, "qty": 4}], on=DAY, actor_id=None)
    services.report_sales(w.org.id, w.ana.id, april.id, [{"item_id": w.lipstick.id, "qty": 4}],
                          on=date(2026, 4, 10), actor_id=None)  # owes 750
    payment = services.record_remittance(w.org.id, w.ana.id, 100_000, on=date(2026, 4, 12), actor_id=None)
    assert [(d.campaign_id, d.amount) for d in payment.docs] == [(w.campaign.id, 75_000), (april.id, 25_000)]
    accounts = {a.campaign_id: a for a in db.session.scalars(select(MemberAccount))}
    assert accounts[w.campaign.id].owed == 0 and accounts[april.id].owed == 50_000
    assert sum(a.owed for a in accounts.values()) == reports.member_summary(w.org.id, w.ana.id).owed


def test_member_producer_goods_sold_at_the_store(make_org):
    from coop.members.services import create_member

    org = make_org()
    lorna = create_member(org.id, name="Lorna", actor_id=None, status="active")
    producer = services.add_producer(org.id, lorna.id, actor_id=None, fee_bp=1500)
    fan = services.add_item(org.id, code="FAN-L", name="Buri fan", list_price=12_000, producer_id=producer.id,
                            actor_id=None)
    services.producer_intake(org.id, producer.id, [{"item_id": fan.id, "qty": 10}], on=DAY, actor_id=None)
    assert ledger.balance(org.id, "merchandise_inventory").debit_total == 0  # not the cooperative's inventory
    sale = till(org.id, fan.id, 4)
    assert sale.total == 48_000
    assert services.get_item(org.id, fan.id).qty_at_coop == 6
    assert services.producer_due(org.id, producer.id) == 40_800
    assert ledger.balance(org.id, "consignment_fee_income").credit_balance == 7_200
    with pytest.raises(Invalid, match="Only ₱408.00"):
        services.pay_producer(org.id, producer.id, 50_000, on=DAY, actor_id=None)
    services.pay_producer(org.id, producer.id, 40_800, on=DAY, actor_id=None)
    assert services.producer_due(org.id, producer.id) == 0
    assert ledger.balance(org.id, "cash_on_hand").debit_balance == 7_200
    table = reports.producer_statement(org.id, producer.id, DAY, DAY)
    totals = dict(zip([c.key for c in table.columns], table.totals))
    assert (totals["brought_in"], totals["sold"], totals["fee"], totals["share"], totals["paid"]) == (
        120_000, 48_000, 7_200, 40_800, 40_800)
    assert ledger.recompute_problems(org.id) == []


def test_principal_goods_sold_over_the_counter_leave_the_coop_its_commission(world):
    w = world
    sale = till(w.org.id, w.cologne.id, 2)
    assert sale.total == 100_000
    assert ledger.balance(w.org.id, "commission_income").credit_balance == 25_000
    assert services.principal_due(w.org.id, w.avon.id) == 75_000
    campaign = services.get_campaign(w.org.id, w.campaign.id)
    assert campaign.due_to_principal == 75_000


def test_officer_reports(world):
    w = world
    issue(w)
    issue(w, member=w.bea, lipsticks=2, colognes=1)
    sell(w)
    on = date(2026, 4, 20)
    goods = reports.goods_out(w.org.id, on)
    assert goods.totals[-1] == 100_000 + 100_000 and len(goods.rows) == 2
    due = reports.remittances_due(w.org.id, on)
    assert len(due.rows) == 1 and due.rows[0][-1] == 187_500 and due.rows[0][5] == 34
    comm = reports.commissions(w.org.id, date(2026, 3, 1), date(2026, 3, 31))
    assert comm.rows[0][-1] == 62_500
    principals = reports.due_to_principals(w.org.id, on)
    assert principals.rows[0][3] == 187_500
    assert principals.rows[0][1] == (20 - 8) * 25_000 + (10 - 5) * 50_000


def test_voiding_a_sales_report_puts_the_goods_back_in_her_hands_and_reverses_the_entry(world):
    w = world
    issue(w)
    report = sell(w)
    services.void(w.org.id, report.id, reason="Reported twice by mistake", on=date(2026, 3, 11), actor_id=None)
    summary = reports.member_summary(w.org.id, w.ana.id)
    assert (summary.held_value, summary.owed, summary.commission_earned) == (350_000, 0, 0)
    assert ledger.party_balance(w.org.id, "commissions_payable_members", w.ana.party_id).credit_balance == 0
    assert services.principal_due(w.org.id, w.avon.id) == 0
    assert services.get_campaign(w.org.id, w.campaign.id).due_to_principal == 0
    sell(w)  # the goods can be reported again, oldest lots first
    assert reports.member_summary(w.org.id, w.ana.id).owed == 187_500
    with pytest.raises(Invalid, match="already void"):
        services.void(w.org.id, report.id, reason="again", on=DAY, actor_id=None)
    statement = reports.member_statement(w.org.id, w.ana.id, date(2026, 3, 1), date(2026, 3, 31))
    assert dict(zip([c.key for c in statement.columns], statement.totals))["sold"] == 250_000
    assert ledger.recompute_problems(w.org.id) == []


def test_a_remitted_sale_is_voided_only_after_its_remittance(world):
    w = world
    issue(w)
    report = sell(w)
    sold = report.on  # the remittance and the voids come after the sales report, not before it
    payment = services.record_remittance(w.org.id, w.ana.id, 187_500, on=sold, actor_id=None)
    db.session.commit()
    before = counts()
    with pytest.raises(Invalid, match="void the remittance first"):
        services.void(w.org.id, report.id, reason="wrong", on=sold, actor_id=None)
    db.session.rollback()
    assert counts() == before
    services.void(w.org.id, payment.doc.id, reason="counted wrong", on=sold, actor_id=None)
    from coop.receipts import services as receipts

    assert receipts.get(w.org.id, payment.receipt_id).cancelled_at is not None
    assert reports.member_summary(w.org.id, w.ana.id).owed == 187_500
    services.void(w.org.id, report.id, reason="wrong", on=sold, actor_id=None)
    assert reports.member_summary(w.org.id, w.ana.id).owed == 0
    assert ledger.balance(w.org.id, "cash_on_hand").debit_balance == 0


def test_voiding_an_issue_needs_all_its_goods_still_with_her(world):
    w = world
    first = issue(w)
    services.return_from_member(w.org.id, w.ana.id, w.campaign.id, [{"item_id": w.lipstick.id, "qty": 1}], on=DAY,
                                actor_id=None)
    with pytest.raises(Invalid, match="already sold or returned"):
        services.void(w.org.id, first.id, reason="wrong member", on=DAY, actor_id=None)
    second = services.issue_to_member(w.org.id, w.bea.id, w.campaign.id, [{"item_id": w.cologne.id, "qty": 3}],
                                      on=DAY, actor_id=None)
    services.void(w.org.id, second.id, reason="wrong member", on=DAY, actor_id=None)
    assert reports.member_summary(w.org.id, w.bea.id).held_value == 0
    assert services.get_item(w.org.id, w.cologne.id).qty_at_coop == 10 - 4
