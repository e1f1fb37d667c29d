"""Store fixtures: an organization with a supplier, rice sold by the kilo and bought by the 50 kg sack, soap."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from coop.extensions import db
from coop.inventory import services as store

DAY = date(2026, 11, 2)


@pytest.fixture
def shop(make_org, make_user):
    org = make_org("cooperative")
    officer = make_user(org, "officer")
    supplier = store.create_supplier(org.id, name="Mindoro Rice Traders", actor_id=officer.id, phone="0917 000 0000")
    rice = store.create_product(org.id, actor_id=officer.id, code="RICE-WM", name="Well-milled rice", category="Rice",
                                unit="kg", purchase_unit="sack", units_per_purchase=50_000, sale_price=52_00,
                                reorder_level=100_000)
    soap = store.create_product(org.id, actor_id=officer.id, code="SOAP-1", name="Laundry soap bar", category="Soap",
                                unit="pc", sale_price=25_00, barcode="4800011112222", reorder_level=10_000)
    db.session.commit()
    return SimpleNamespace(org=org, officer=officer, supplier=supplier, rice=rice, soap=soap)


def receive(shop, product, quantity: int, unit_cost: int, *, bulk: bool = False, payment: str = "cash",
            on: date = DAY):
    purchase = store.record_purchase(shop.org.id, supplier_id=shop.supplier.id, received_on=on, payment=payment,
                                     items=[store.PurchaseItem(product.id, quantity, unit_cost, bulk)],
                                     actor_id=shop.officer.id)
    db.session.commit()
    return purchase


def sell(shop, *items, on: date = DAY, payment: str = "cash", **kw):
    sale = store.record_sale(shop.org.id, items=[store.SaleItem(store.product_ref(p.id), q, *price)
                                                 for p, q, *price in items],
                             on=on, payment=payment, actor_id=shop.officer.id, **kw)
    db.session.commit()
    return sale
