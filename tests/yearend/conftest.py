"""A cooperative's last year on the books: three members whose paid-up capital moved during the year, store
sales to them and to a walk-in, and the year's expense. The year is last year, so it may be closed."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from coop.extensions import db
from coop.inventory import services as store
from coop.ledger import services as ledger
from coop.ledger.records import Entry, Line
from coop.members import services as members
from coop.members import shares
from coop.timeutil import today

YEAR = today().year - 1


def d(month: int, day: int = 1) -> date:
    return date(YEAR, month, day)


def member(org, officer, name: str, payments: list[tuple[date, int]], *, subscribe: int = 50):
    """A member subscribing `subscribe` shares (PhP100 par) on her first payment's day, paying as listed."""
    found = members.apply(org.id, name=name, actor_id=officer.id, on=payments[0][0],
                          membership_type="associate")
    shares.subscribe(org.id, found.id, shares=subscribe, on=payments[0][0], installments=1, actor_id=officer.id)
    for on, amount in payments:
        shares.record_payment(org.id, found.id, amount=amount, on=on, actor_id=officer.id)
    members.admit(org.id, found.id, on=payments[0][0], board_resolution=f"BR-{found.id}", actor_id=officer.id)
    return found


@pytest.fixture
def books(make_org, make_user):
    org = make_org("cooperative")
    maker, checker = make_user(org, "officer"), make_user(org, "officer")
    # Ana holds PhP2,000 all year; Bea pays PhP1,200 on 1 July; Cora pays PhP3,000 on 1 January and
    # PhP2,000 more on 31 March (she owes nothing at the end: 50 shares are PhP5,000)
    ana = member(org, maker, "Ana", [(d(1), 2_000_00)], subscribe=30)
    bea = member(org, maker, "Bea", [(d(7), 1_200_00)], subscribe=20)
    cora = member(org, maker, "Cora", [(d(1), 3_000_00), (d(3, 31), 2_000_00)])
    supplier = store.create_supplier(org.id, name="Rice Traders", actor_id=maker.id)
    rice = store.create_product(org.id, actor_id=maker.id, code="RICE", name="Rice", category="Rice", unit="kg",
                                sale_price=50_00)
    store.record_purchase(org.id, supplier_id=supplier.id, received_on=d(1, 2), payment="cash",
                          items=[store.PurchaseItem(rice.id, 1_000_000, 40_00, False)], actor_id=maker.id)
    ref = store.product_ref(rice.id)
    for buyer, kilos, on in ((ana, 100, d(2)), (bea, 300, d(8)), (cora, 100, d(9)), (None, 100, d(10))):
        store.record_sale(org.id, items=[store.SaleItem(ref, kilos * 1000)], on=on, payment="cash",
                          actor_id=maker.id, member_id=buyer.id if buyer else None)
    # sales 600 kg × 50 = 30,000; cost 600 × 40 = 24,000; rent 1,000: a net surplus of PhP5,000
    ledger.post(Entry(org.id, d(12, 15), "Rent", (Line("rent", debit=1_000_00), Line("cash_on_hand", credit=1_000_00))))
    db.session.commit()
    return SimpleNamespace(org=org, maker=maker, checker=checker, ana=ana, bea=bea, cora=cora, year=YEAR)
