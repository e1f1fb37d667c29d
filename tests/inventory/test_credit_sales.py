"""Sales on the member's 15-day commodity credit, through the loans domain's seam."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coop.errors import CoopError
from coop.extensions import db
from coop.inventory import services as store
from coop.inventory.models import Sale, StockMovement
from coop.ledger import services as ledger
from coop.ledger.models import JournalEntry
from coop.loans import services as loans
from coop.loans.models import Loan
from coop.members.services import create_member, member_party
from coop.orgs.services import set_setting
from coop.receipts.models import Receipt

from .conftest import DAY, receive, sell


@pytest.fixture
def ana(shop):
    member = create_member(shop.org.id, name="Ana Cruz", actor_id=None, status="active", mobile="09171234567")
    db.session.commit()
    return member


def written():
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (Sale, Loan, JournalEntry, StockMovement, Receipt))


def test_credit_sale_opens_her_commodity_loan_due_in_15_days(shop, ana):
    receive(shop, shop.rice, 1_000, 2_500_00, bulk=True)  # 50 kg at 50.00
    receive(shop, shop.soap, 10_000, 18_00)
    sale = sell(shop, (shop.rice, 10_000), (shop.soap, 4_000), payment="credit", member_id=ana.id)
    assert sale.total == 520_00 + 100_00 and sale.receipt_id is None
    loan = loans.get_loan(shop.org.id, sale.loan_id)
    assert loan.amount == 620_00 and loan.member_id == ana.id
    assert loan.maturity_on == DAY + timedelta(days=15)
    entry = ledger.get_entry(shop.org.id, sale.entry_id)
    assert entry.id == loan.release_entry_id
    lines = {(l.account_name, l.party_id, l.debit, l.credit) for l in entry.lines}
    assert ("Loans Receivable - Commodity Loans", member_party(ana), 620_00, 0) in lines
    assert ("Sales", None, 0, 620_00) in lines
    assert ("Cost of Sales", None, 500_00 + 72_00, 0) in lines
    assert ("Merchandise Inventory", None, 0, 572_00) in lines
    assert store.get_product(shop.org.id, shop.rice.id).qty_on_hand == 40_000
    assert "pay by 2026-11-17" in store.credit_terms(sale)


def test_credit_sale_to_a_member_in_arrears_is_refused_with_nothing_written(shop, ana):
    receive(shop, shop.soap, 20_000, 18_00, on=DAY - timedelta(days=30))
    sell(shop, (shop.soap, 2_000), payment="credit", member_id=ana.id, on=DAY - timedelta(days=30))
    before = written()
    with pytest.raises(CoopError, match="past due"):
        store.record_sale(shop.org.id, items=[store.SaleItem(store.product_ref(shop.soap.id), 1_000)], on=DAY,
                          payment="credit", member_id=ana.id, actor_id=shop.officer.id)
    db.session.rollback()
    assert written() == before
    assert store.get_product(shop.org.id, shop.soap.id).qty_on_hand == 18_000


def test_credit_sale_over_her_limit_is_refused(shop, ana):
    set_setting(shop.org.id, "loans.commodity_credit_limit", 100_00)
    receive(shop, shop.soap, 20_000, 18_00)
    db.session.commit()
    before = written()
    with pytest.raises(CoopError):
        store.record_sale(shop.org.id, items=[store.SaleItem(store.product_ref(shop.soap.id), 5_000)], on=DAY,
                          payment="credit", member_id=ana.id, actor_id=shop.officer.id)
    db.session.rollback()
    assert written() == before


def test_returning_goods_bought_on_credit_reduces_her_loan(shop, ana):
    receive(shop, shop.soap, 10_000, 18_00)
    sale = sell(shop, (shop.soap, 4_000), payment="credit", member_id=ana.id)
    line = store.sale_lines(sale)[0]
    back = store.return_goods(shop.org.id, sale.id, quantities={line.id: 1_000}, on=DAY + timedelta(days=2),
                              reason="Soap was wet", actor_id=shop.officer.id)
    db.session.commit()
    assert back.entry_id is not None
    loan = loans.get_loan(shop.org.id, sale.loan_id)
    assert loan.principal_due == 75_00
    assert ledger.party_balance(shop.org.id, "loans_receivable_commodity", member_party(ana)).debit_balance == 75_00
    soap = store.get_product(shop.org.id, shop.soap.id)
    assert (soap.qty_on_hand, soap.stock_value) == (7_000, 126_00)
    assert ledger.balance(shop.org.id, "merchandise_inventory").debit_balance == 126_00


def test_credit_sale_at_the_till_by_member_number(shop, ana, login):
    receive(shop, shop.soap, 10_000, 18_00)
    till = login(shop.officer)
    base = f"/o/{shop.org.slug}/store"
    till.post(base + "/pos/add", data={"item": f"p:{shop.soap.id}", "quantity": "2"})
    done = till.post(base + "/pos/checkout", data={"payment": "credit", "member": ana.label, "idempotency_key": "c1"})
    assert done.status_code == 303 and "/sales/" in done.headers["Location"]
    sale = db.session.scalar(select(Sale))
    assert sale.payment == "credit" and sale.loan_id
    page = till.get(done.headers["Location"]).get_data(as_text=True)
    assert "Commodity credit" in page and ana.label in page
    assert till.get(f"{base}/sales/{sale.id}.pdf").data.startswith(b"%PDF")
