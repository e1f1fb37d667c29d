"""Two officers at two tills selling the last units at once: one sale, one refusal, never negative stock."""
from __future__ import annotations

import pytest

from coop.errors import Invalid
from coop.extensions import db
from coop.inventory import services as store

from .conftest import DAY, receive


@pytest.mark.postgres
def test_two_sales_of_the_last_units_one_wins(shop, concurrently):
    receive(shop, shop.soap, 3_000, 18_00)
    org_id, soap_ref, officer_id = shop.org.id, store.product_ref(shop.soap.id), shop.officer.id

    def sell_the_last_three(n):
        return store.record_sale(org_id, items=[store.SaleItem(soap_ref, 3_000)], on=DAY, payment="cash",
                                 actor_id=officer_id, idempotency_key=f"till-{n}").id

    results, errors = concurrently(sell_the_last_three, threads=2)
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], Invalid) and "Only 0 pc" in errors[0].message
    db.session.expire_all()
    soap = store.get_product(shop.org.id, shop.soap.id)
    assert (soap.qty_on_hand, soap.stock_value) == (0, 0)


@pytest.mark.postgres
def test_many_tills_never_oversell(shop, concurrently):
    receive(shop, shop.soap, 10_000, 18_00)
    org_id, soap_ref, officer_id = shop.org.id, store.product_ref(shop.soap.id), shop.officer.id

    def sell_three(n):
        return store.record_sale(org_id, items=[store.SaleItem(soap_ref, 3_000)], on=DAY, payment="cash",
                                 actor_id=officer_id, idempotency_key=f"till-{n}").id

    results, errors = concurrently(sell_three, threads=5)
    assert len(results) == 3 and len(errors) == 2
    db.session.expire_all()
    soap = store.get_product(shop.org.id, shop.soap.id)
    assert soap.qty_on_hand == 1_000 and soap.stock_value == 18_00


@pytest.mark.postgres
def test_two_payments_to_a_supplier_cannot_overpay(shop, concurrently):
    receive(shop, shop.soap, 10_000, 100_00, payment="account")
    org_id, supplier_id, officer_id = shop.org.id, shop.supplier.id, shop.officer.id

    def pay(n):
        return store.pay_supplier(org_id, supplier_id=supplier_id, amount=600_00, paid_on=DAY,
                                  paid_from="cash_on_hand", actor_id=officer_id, idempotency_key=f"pay-{n}").id

    results, errors = concurrently(pay, threads=2)
    assert len(results) == 1 and len(errors) == 1 and "owed ₱400.00 only" in str(errors[0])
