"""Issue 16: a sale dated before the stock it needs arrived is refused, and nothing is written."""
from datetime import timedelta

import pytest

from coop.errors import Invalid
from coop.extensions import db
from coop.inventory import services as store
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry

from .conftest import DAY, receive


def test_a_sale_dated_before_the_only_purchase_is_refused(shop, api):
    receive(shop, shop.soap, 10_000, 20_00, on=DAY)
    entries = db.session.query(JournalEntry).count()
    response = api(shop.officer).post(f"/api/v1/orgs/{shop.org.slug}/store/sales", json={
        "sold_on": (DAY - timedelta(days=3)).isoformat(), "payment": "cash",
        "items": [{"product_id": shop.soap.id, "quantity": "4"}]})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "already moved on" in response.json["detail"]
    assert db.session.query(JournalEntry).count() == entries
    assert store.get_product(shop.org.id, shop.soap.id).qty_on_hand == 10_000
    assert ledger.balance(shop.org.id, "merchandise_inventory").debit_balance == 20_000


def test_a_count_or_a_purchase_backdated_before_a_later_movement_is_refused(shop):
    receive(shop, shop.soap, 10_000, 20_00, on=DAY)
    with pytest.raises(Invalid, match="already moved on"):
        store.adjust_stock(shop.org.id, product_id=shop.soap.id, kind="damage", quantity=1_000,
                           on=DAY - timedelta(days=1), reason="Torn wrappers", actor_id=shop.officer.id)
    db.session.rollback()
    with pytest.raises(Invalid, match="already moved on"):
        receive(shop, shop.soap, 5_000, 20_00, on=DAY - timedelta(days=1))
    db.session.rollback()
    assert store.get_product(shop.org.id, shop.soap.id).qty_on_hand == 10_000
