"""Moving weighted average: the stock card, the product's value and the inventory account agree to the centavo."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from coop.extensions import db
from coop.inventory import services as store
from coop.inventory.models import StockMovement
from coop.ledger import services as ledger

from .conftest import DAY, receive, sell


def inventory_account(org_id: int) -> int:
    return ledger.balance(org_id, "merchandise_inventory").debit_balance


def test_rice_by_the_sack_sold_by_the_kilo(shop):
    receive(shop, shop.rice, 10_000, 2_437_50, bulk=True)  # 10 sacks at 2,437.50
    receive(shop, shop.rice, 5_000, 2_611_35, bulk=True, on=DAY + timedelta(days=1))  # 5 sacks at 2,611.35
    rice = store.get_product(shop.org.id, shop.rice.id)
    assert rice.qty_on_hand == 750_000  # 750 kg
    assert rice.stock_value == 24_375_00 + 13_056_75
    # average 37,431.75 / 750 kg = 49.909 per kg, kept beyond the centavo
    assert store.average_cost_milli(rice) == 4_990_900
    sale = sell(shop, (shop.rice, 3_000), on=DAY + timedelta(days=2))  # 3 kg
    assert sale.total == 156_00
    assert sale.cost == 149_73  # 3 x 49.909 = 149.727, rounded once for the issue
    sell(shop, (shop.rice, 7_500), on=DAY + timedelta(days=2))  # 7.5 kg
    rice = store.get_product(shop.org.id, shop.rice.id)
    assert rice.qty_on_hand == 739_500
    assert rice.stock_value == 37_431_75 - 149_73 - 374_32  # 7.5 x 49.909 = 374.3175
    assert inventory_account(shop.org.id) == rice.stock_value
    card = list(db.session.scalars(select(StockMovement).where(StockMovement.product_id == rice.id)
                                   .order_by(StockMovement.id)))
    assert [m.kind for m in card] == ["purchase", "purchase", "sale", "sale"]
    for before, after in zip(card, card[1:]):
        assert after.qty_before == before.qty_after and after.value_before == before.value_after
    assert card[-1].qty_after == rice.qty_on_hand and card[-1].value_after == rice.stock_value
    # selling the rest takes exactly the value left: nothing stranded on the empty shelf
    sell(shop, (shop.rice, 739_500), on=DAY + timedelta(days=3))
    rice = store.get_product(shop.org.id, shop.rice.id)
    assert (rice.qty_on_hand, rice.stock_value, inventory_account(shop.org.id)) == (0, 0, 0)
    assert ledger.recompute_problems(shop.org.id) == []


def test_cash_sale_posts_revenue_cost_and_a_receipt(shop):
    receive(shop, shop.soap, 100_000, 18_40)
    sale = sell(shop, (shop.soap, 4_000))
    entry = ledger.get_entry(shop.org.id, sale.entry_id)
    by_code = {(line.account_name, line.debit, line.credit) for line in entry.lines}
    assert ("Cash on Hand", 100_00, 0) in by_code
    assert ("Sales", 0, 100_00) in by_code
    assert ("Cost of Sales", 73_60, 0) in by_code
    assert ("Merchandise Inventory", 0, 73_60) in by_code
    assert sale.receipt_id is not None
