"""Purchases, sales, returns, adjustments and suppliers' payments: postings, stock card, refusals."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coop.errors import CoopError, Invalid
from coop.extensions import db
from coop.inventory import reports
from coop.inventory import services as store
from coop.inventory.models import Sale, StockMovement
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry
from coop.receipts.models import Receipt

from .conftest import DAY, receive, sell


def counts():
    return (db.session.scalar(select(func.count(Sale.id))), db.session.scalar(select(func.count(JournalEntry.id))),
            db.session.scalar(select(func.count(StockMovement.id))), db.session.scalar(select(func.count(Receipt.id))))


def inventory_account(org_id: int) -> int:
    return ledger.balance(org_id, "merchandise_inventory").debit_balance


@pytest.mark.parametrize("case", ["over_stock", "negative", "inactive", "zero_price", "no_items", "credit_no_member"])
def test_bad_sales_are_refused_with_nothing_written(shop, case):
    receive(shop, shop.soap, 5_000, 18_00)
    if case == "inactive":
        store.update_product(shop.org.id, shop.soap.id, actor_id=shop.officer.id, active=False)
        db.session.commit()
    before = counts()
    items = {
        "over_stock": [store.SaleItem(store.product_ref(shop.soap.id), 6_000)],
        "negative": [store.SaleItem(store.product_ref(shop.soap.id), -1_000)],
        "inactive": [store.SaleItem(store.product_ref(shop.soap.id), 1_000)],
        "zero_price": [store.SaleItem(store.product_ref(shop.soap.id), 1_000, 0)],
        "no_items": [],
        "credit_no_member": [store.SaleItem(store.product_ref(shop.soap.id), 1_000)],
    }[case]
    with pytest.raises(CoopError) as refused:
        store.record_sale(shop.org.id, items=items, on=DAY, payment="credit" if case == "credit_no_member" else "cash",
                          actor_id=shop.officer.id)
    db.session.rollback()
    if case == "over_stock":
        assert "Only 5 pc of Laundry soap bar on hand" in refused.value.message
        assert refused.value.extra["available"] == "5"
    assert counts() == before
    assert store.get_product(shop.org.id, shop.soap.id).qty_on_hand == 5_000


def test_product_with_zero_price_is_refused(shop):
    with pytest.raises(Invalid):
        store.create_product(shop.org.id, actor_id=shop.officer.id, code="FREE", name="Free thing", sale_price=0)


def test_two_lines_of_one_product_cannot_together_exceed_stock(shop):
    receive(shop, shop.soap, 5_000, 18_00)
    with pytest.raises(Invalid, match="Only 5 pc"):
        store.record_sale(shop.org.id, items=[store.SaleItem(store.product_ref(shop.soap.id), 3_000)] * 2, on=DAY,
                          payment="cash", actor_id=shop.officer.id)


def test_purchase_on_account_then_paying_the_supplier(shop):
    purchase = receive(shop, shop.rice, 2_000, 2_400_00, bulk=True, payment="account")
    assert purchase.total == 4_800_00
    supplier = store.get_supplier(shop.org.id, shop.supplier.id)
    assert store.amount_owed(shop.org.id, supplier) == 4_800_00
    entry = ledger.get_entry(shop.org.id, purchase.entry_id)
    assert {(l.account_name, l.party_id, l.debit, l.credit) for l in entry.lines} == {
        ("Merchandise Inventory", None, 4_800_00, 0), ("Accounts Payable - Trade", supplier.party_id, 0, 4_800_00)}
    with pytest.raises(Invalid, match="owed ₱4,800.00 only"):
        store.pay_supplier(shop.org.id, supplier_id=supplier.id, amount=5_000_00, paid_on=DAY,
                           paid_from="cash_on_hand", actor_id=shop.officer.id)
    db.session.rollback()
    store.pay_supplier(shop.org.id, supplier_id=supplier.id, amount=3_000_00, paid_on=DAY, paid_from="cash_in_bank",
                       actor_id=shop.officer.id, idempotency_key="pay-1")
    store.pay_supplier(shop.org.id, supplier_id=supplier.id, amount=3_000_00, paid_on=DAY, paid_from="cash_in_bank",
                       actor_id=shop.officer.id, idempotency_key="pay-1")  # a retry pays once
    db.session.commit()
    assert store.amount_owed(shop.org.id, supplier) == 1_800_00
    assert ledger.balance(shop.org.id, "cash_in_bank").credit_total == 3_000_00


def test_a_supplier_is_paid_from_a_cash_account_only(shop):
    receive(shop, shop.rice, 2_000, 2_400_00, bulk=True, payment="account")
    for account in ("sales", "merchandise_inventory", "no_such_account"):
        with pytest.raises(Invalid) as refused:
            store.pay_supplier(shop.org.id, supplier_id=shop.supplier.id, amount=100_00, paid_on=DAY,
                               paid_from=account, actor_id=shop.officer.id)
        assert refused.value.field == "paid_from"
    store.pay_supplier(shop.org.id, supplier_id=shop.supplier.id, amount=100_00, paid_on=DAY, paid_from="petty_cash",
                       actor_id=shop.officer.id)
    assert ledger.balance(shop.org.id, "petty_cash").credit_total == 100_00


def test_a_retried_sale_is_recorded_once(shop):
    receive(shop, shop.soap, 10_000, 18_00)
    first = store.record_sale(shop.org.id, items=[store.SaleItem(store.product_ref(shop.soap.id), 2_000)], on=DAY,
                              payment="cash", actor_id=shop.officer.id, idempotency_key="till-1")
    again = store.record_sale(shop.org.id, items=[store.SaleItem(store.product_ref(shop.soap.id), 2_000)], on=DAY,
                              payment="cash", actor_id=shop.officer.id, idempotency_key="till-1")
    assert first.id == again.id
    assert store.get_product(shop.org.id, shop.soap.id).qty_on_hand == 8_000


def test_return_of_a_cash_sale_reverses_stock_and_entries(shop):
    receive(shop, shop.soap, 3_000, 20_00)
    receive(shop, shop.soap, 3_000, 21_00)  # average 20.50
    sale = sell(shop, (shop.soap, 3_000))
    assert sale.cost == 61_50
    line = store.sale_lines(sale)[0]
    first = store.return_goods(shop.org.id, sale.id, quantities={line.id: 1_000}, on=DAY, reason="Wrapper torn",
                               actor_id=shop.officer.id)
    db.session.commit()
    assert (first.amount, first.cost) == (25_00, 20_50)
    with pytest.raises(Invalid, match="Only 2 pc"):
        store.return_goods(shop.org.id, sale.id, quantities={line.id: 3_000}, on=DAY, reason="Too many",
                           actor_id=shop.officer.id)
    db.session.rollback()
    store.return_goods(shop.org.id, sale.id, quantities={line.id: 2_000}, on=DAY + timedelta(days=1),
                       reason="Changed her mind", actor_id=shop.officer.id)
    db.session.commit()
    soap = store.get_product(shop.org.id, shop.soap.id)
    assert (soap.qty_on_hand, soap.stock_value) == (6_000, 123_00)
    assert inventory_account(shop.org.id) == 123_00
    assert ledger.balance(shop.org.id, "sales_returns").debit_balance == 75_00
    assert ledger.balance(shop.org.id, "cost_of_sales").debit_balance == 0
    assert store.get_sale(shop.org.id, sale.id).returned_amount == 75_00


def test_count_shortage_and_surplus_post_loss_and_gain(shop):
    receive(shop, shop.rice, 1_000, 2_500_00, bulk=True)  # 50 kg at 50.00
    loss = store.adjust_stock(shop.org.id, product_id=shop.rice.id, kind="count", quantity=48_500, on=DAY,
                              reason="Monthly count", actor_id=shop.officer.id)
    assert (loss.qty_change, loss.value_change) == (-1_500, -75_00)
    assert ledger.balance(shop.org.id, "inventory_losses").debit_balance == 75_00
    gain = store.adjust_stock(shop.org.id, product_id=shop.rice.id, kind="count", quantity=49_000, on=DAY,
                              reason="Recount found a bag", actor_id=shop.officer.id)
    assert (gain.qty_change, gain.value_change) == (500, 25_00)
    assert ledger.balance(shop.org.id, "inventory_gains").credit_balance == 25_00
    spoiled = store.adjust_stock(shop.org.id, product_id=shop.rice.id, kind="spoilage", quantity=2_000, on=DAY,
                                 reason="Weevils", actor_id=shop.officer.id)
    db.session.commit()
    assert spoiled.created_by == shop.officer.id and spoiled.reason == "Weevils"
    with pytest.raises(Invalid, match="Only 47 kg"):
        store.adjust_stock(shop.org.id, product_id=shop.rice.id, kind="damage", quantity=48_000, on=DAY,
                           reason="Flood", actor_id=shop.officer.id)
    with pytest.raises(Invalid, match="reason"):
        store.adjust_stock(shop.org.id, product_id=shop.rice.id, kind="damage", quantity=1_000, on=DAY, reason="",
                           actor_id=shop.officer.id)
    db.session.rollback()
    rice = store.get_product(shop.org.id, shop.rice.id)
    assert rice.qty_on_hand == 47_000 and rice.stock_value == inventory_account(shop.org.id) == 2_350_00


def test_stock_value_equals_the_inventory_account_at_every_date(shop):
    receive(shop, shop.rice, 10_000, 2_437_50, bulk=True, on=DAY)
    receive(shop, shop.soap, 48_000, 17_33, on=DAY + timedelta(days=1))
    sell(shop, (shop.rice, 12_250), (shop.soap, 7_000), on=DAY + timedelta(days=2))
    receive(shop, shop.rice, 5_000, 2_611_35, bulk=True, on=DAY + timedelta(days=3))
    sale = sell(shop, (shop.rice, 33_333), on=DAY + timedelta(days=4))
    store.return_goods(shop.org.id, sale.id, quantities={store.sale_lines(sale)[0].id: 3_333}, on=DAY + timedelta(days=5),
                       reason="Wet rice", actor_id=shop.officer.id)
    store.adjust_stock(shop.org.id, product_id=shop.soap.id, kind="damage", quantity=1_000, on=DAY + timedelta(days=6),
                       reason="Dropped", actor_id=shop.officer.id)
    db.session.commit()
    for offset in range(-1, 8):
        on = DAY + timedelta(days=offset)
        value = sum(row.value for row in reports.stock_on_hand(shop.org.id, on))
        assert value == reports.inventory_account_balance(shop.org.id, on), on
    assert sum(r.value for r in reports.stock_on_hand(shop.org.id)) == inventory_account(shop.org.id)
    assert ledger.recompute_problems(shop.org.id) == []
