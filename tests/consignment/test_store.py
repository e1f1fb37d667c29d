"""Consigned goods sold at the store's point of sale: one sale, one entry, figures that agree with the ledger."""
from datetime import date

import pytest
from sqlalchemy import func, select

from coop.consignment import reports, services
from coop.consignment.models import Doc
from coop.errors import Invalid
from coop.extensions import db
from coop.inventory import services as store
from coop.inventory.models import Sale
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry
from coop.members.services import create_member

DAY = date(2026, 3, 5)


@pytest.fixture
def lorna(make_org, make_user):
    org = make_org()
    officer = make_user(org, "officer")
    member = create_member(org.id, name="Lorna Mendoza", actor_id=None, status="active")
    producer = services.add_producer(org.id, member.id, actor_id=officer.id, fee_bp=1000)
    fan = services.add_item(org.id, code="LM-FAN", name="Buri fan", list_price=12_000, producer_id=producer.id,
                            actor_id=officer.id)
    slippers = services.add_item(org.id, code="LM-SLP", name="Abaca slippers", list_price=25_000,
                                 producer_id=producer.id, actor_id=officer.id)
    services.producer_intake(org.id, producer.id, [{"item_id": fan.id, "qty": 20}, {"item_id": slippers.id, "qty": 5}],
                             on=DAY, actor_id=officer.id)
    soap = store.create_product(org.id, actor_id=officer.id, code="SOAP-1", name="Laundry soap bar", category="Soap",
                                unit="pc", sale_price=2_500)
    db.session.commit()
    return org, officer, member, producer, fan, slippers, soap


def by_account(entry):
    """(debit, credit) per account name, lines of the same account added up."""
    sums = {}
    for line in entry.lines:
        debit, credit = sums.get(line.account_name, (0, 0))
        sums[line.account_name] = (debit + line.debit, credit + line.credit)
    return sums


def counts():
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Sale, Doc, JournalEntry))


def test_a_member_producers_fans_sold_at_the_store_agree_with_the_ledger(lorna):
    org, officer, member, producer, fan, slippers, _soap = lorna
    assert [i.ref for i in store.search_items(org.id, "fan")] == [f"c:{fan.id}"]
    sale = store.record_sale(org.id, items=[store.SaleItem(f"c:{fan.id}", 6_000),
                                            store.SaleItem(f"c:{slippers.id}", 2_000)],
                             on=DAY, payment="cash", actor_id=officer.id)
    db.session.commit()
    assert sale.total == 6 * 12_000 + 2 * 25_000  # 1,220.00
    entry = ledger.get_entry(org.id, sale.entry_id)
    assert by_account(entry) == {"Cash on Hand": (122_000, 0), "Due to Member-Producers": (0, 109_800),
                                 "Consignment Fee Income": (0, 12_200)}
    assert {l.party_id for l in entry.lines if l.account_name == "Due to Member-Producers"} == {member.party_id}
    # stock
    assert services.get_item(org.id, fan.id).qty_at_coop == 14
    assert services.get_item(org.id, slippers.id).qty_at_coop == 3
    # her payable share and the cooperative's fee, from her statement and from the ledger
    assert services.producer_due(org.id, producer.id) == 109_800
    assert ledger.party_balance(org.id, "due_to_member_producers", member.party_id).credit_balance == 109_800
    assert ledger.balance(org.id, "consignment_fee_income").credit_balance == 12_200
    docs = db.session.scalars(select(Doc).where(Doc.kind == "producer_sale")).all()
    assert sum(d.net for d in docs) == 109_800 and sum(d.commission for d in docs) == 12_200
    assert {d.entry_id for d in docs} == {sale.entry_id}
    assert ledger.balance(org.id, "merchandise_inventory").debit_total == 0  # never the cooperative's inventory
    assert ledger.recompute_problems(org.id) == []


def test_store_goods_and_her_fans_in_one_sale_post_one_entry(lorna):
    org, officer, member, producer, fan, _slippers, soap = lorna
    store.record_purchase(org.id, supplier_id=store.create_supplier(org.id, name="Supplier", actor_id=None).id,
                          received_on=DAY, payment="cash", items=[store.PurchaseItem(soap.id, 10_000, 1_800, False)],
                          actor_id=officer.id)
    sale = store.record_sale(org.id, items=[store.SaleItem(store.product_ref(soap.id), 2_000),
                                            store.SaleItem(f"c:{fan.id}", 1_000),
                                            store.SaleItem(f"c:{fan.id}", 2_000, 11_000)],  # the same item twice, one discounted
                             on=DAY, payment="cash", actor_id=officer.id)
    assert sale.total == 5_000 + 12_000 + 22_000
    sums = by_account(ledger.get_entry(org.id, sale.entry_id))
    assert sums["Sales"] == (0, 5_000) and sums["Due to Member-Producers"] == (0, 10_800 + 19_800)
    assert sums["Consignment Fee Income"] == (0, 1_200 + 2_200)
    assert services.get_item(org.id, fan.id).qty_at_coop == 17
    assert sorted(d.list_value for d in db.session.scalars(select(Doc).where(Doc.kind == "producer_sale"))) == [
        12_000, 22_000]
    assert services.producer_due(org.id, producer.id) == 10_800 + 19_800


def test_selling_more_fans_than_she_brought_refuses_the_whole_sale(lorna):
    org, officer, _member, _producer, fan, _slippers, soap = lorna
    before = counts()
    with pytest.raises(Invalid, match="Only 20"):
        store.record_sale(org.id, items=[store.SaleItem(f"c:{fan.id}", 21_000)], on=DAY, payment="cash",
                          actor_id=officer.id)
    db.session.rollback()
    with pytest.raises(Invalid, match="whole pieces"):
        store.record_sale(org.id, items=[store.SaleItem(f"c:{fan.id}", 1_500)], on=DAY, payment="cash",
                          actor_id=officer.id)
    db.session.rollback()
    assert counts() == before
    assert services.get_item(org.id, fan.id).qty_at_coop == 20


def test_avon_sold_over_the_counter_leaves_the_cooperative_the_sellers_commission(world):
    w = world
    sale = store.record_sale(w.org.id, items=[store.SaleItem(f"c:{w.cologne.id}", 2_000)], on=date(2026, 3, 5),
                             payment="cash", actor_id=w.officer.id)
    assert sale.total == 100_000
    assert ledger.balance(w.org.id, "commission_income").credit_balance == 25_000
    assert services.principal_due(w.org.id, w.avon.id) == 75_000
    campaign = services.get_campaign(w.org.id, w.campaign.id)
    assert campaign.due_to_principal == 75_000 and campaign.sold_value == 100_000
    by_code = {g.item.code: g for g in reports.campaign_goods(w.org.id, w.campaign.id)}
    assert by_code["AV-COL"].sold == 2
    assert services.get_item(w.org.id, w.cologne.id).qty_at_coop == 8


def test_avon_outside_any_open_campaign_is_refused_at_the_till(world):
    w = world
    with pytest.raises(Invalid, match="no open campaign"):
        store.record_sale(w.org.id, items=[store.SaleItem(f"c:{w.cologne.id}", 1_000)], on=date(2026, 5, 5),
                          payment="cash", actor_id=w.officer.id)
