"""Another domain's goods at the store's till: one sale, one entry, the other domain's lines and hooks."""
from __future__ import annotations

import pytest

from coop.errors import Invalid
from coop.extensions import db
from coop.inventory import pos
from coop.inventory import services as store
from coop.ledger import services as ledger
from coop.ledger.records import Line
from coop.manifest import Manifest, plugins

from .conftest import DAY, receive

SOLD = []


def _item(org_id, ref):
    if ref != "t:fan":
        raise Invalid("Unknown consigned item.")
    return pos.PosItem(ref="t:fan", code="FAN-1", name="Hand-woven fan", unit="pc", price=120_00, available=5_000,
                       note="Consigned")


def _lines(org_id, ref, qty, amount, on):
    if qty > 5_000:
        raise Invalid("Only 5 fans on consignment.")
    commission = amount * 25 // 100
    return (Line("due_to_principals", credit=amount - commission), Line("commission_income", credit=commission))


@pytest.fixture
def consigned_fans(app, request):
    # a stand-in for consignment: it owes the principal with no campaign behind it
    request.applymarker(pytest.mark.controls_disagree)
    source = pos.PosSource(prefix="t", search=lambda org_id, text, limit: [_item(org_id, "t:fan")] if "fan" in text else [],
                           item=_item, lines_for_sale=_lines,
                           after_sale=lambda org_id, ref, qty, sale_id, actor_id: SOLD.append((ref, qty, sale_id)))
    plugins(app).add(Manifest(name="test", pos_sources=(source,)))
    yield
    plugins(app).pos_sources.pop("t")
    SOLD.clear()


def test_one_sale_of_store_and_consigned_goods_posts_one_entry(shop, consigned_fans):
    receive(shop, shop.soap, 10_000, 18_00)
    assert [i.name for i in store.search_items(shop.org.id, "fan")] == ["Hand-woven fan"]
    sale = store.record_sale(shop.org.id, items=[store.SaleItem(store.product_ref(shop.soap.id), 2_000),
                                                 store.SaleItem("t:fan", 2_000)],
                             on=DAY, payment="cash", actor_id=shop.officer.id)
    db.session.commit()
    assert sale.total == 50_00 + 240_00 and sale.cost == 36_00
    entry = ledger.get_entry(shop.org.id, sale.entry_id)
    lines = {(l.account_name, l.debit, l.credit) for l in entry.lines}
    assert lines == {("Cash on Hand", 290_00, 0), ("Sales", 0, 50_00), ("Cost of Sales", 36_00, 0),
                     ("Merchandise Inventory", 0, 36_00), ("Due to Principals - Consigned Goods Sold", 0, 180_00),
                     ("Commission Income", 0, 60_00)}
    assert SOLD == [("t:fan", 2_000, sale.id)]
    fan_line = [l for l in store.sale_lines(sale) if l.item_ref == "t:fan"][0]
    with pytest.raises(Invalid, match="through consignment"):
        store.return_goods(shop.org.id, sale.id, quantities={fan_line.id: 1_000}, on=DAY, reason="Torn",
                           actor_id=shop.officer.id)


def test_a_refusal_from_the_other_domain_refuses_the_whole_sale(shop, consigned_fans):
    receive(shop, shop.soap, 10_000, 18_00)
    with pytest.raises(Invalid, match="Only 5 fans"):
        store.record_sale(shop.org.id, items=[store.SaleItem(store.product_ref(shop.soap.id), 2_000),
                                              store.SaleItem("t:fan", 6_000)],
                          on=DAY, payment="cash", actor_id=shop.officer.id)
    db.session.rollback()
    assert store.get_product(shop.org.id, shop.soap.id).qty_on_hand == 10_000 and SOLD == []


def test_the_store_prefix_is_reserved():
    with pytest.raises(ValueError):
        pos.PosSource("p", None, None, None, None)
