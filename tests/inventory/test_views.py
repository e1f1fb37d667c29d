"""The store's pages: the till from search to receipt, purchases, counts, reports, who may do what."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coop.extensions import db
from coop.inventory import services as store
from coop.inventory.models import Purchase, Sale, StockAdjustment
from coop.ledger import services as ledger

from .conftest import receive


@pytest.fixture
def till(shop, login):
    receive(shop, shop.soap, 20_000, 18_00)
    receive(shop, shop.rice, 2_000, 2_400_00, bulk=True)
    return login(shop.officer)


def base(shop):
    return f"/o/{shop.org.slug}/store"


def test_officer_rings_up_a_cash_sale_by_barcode_and_search(shop, till):
    page = till.get(base(shop) + "/")
    assert page.status_code == 200 and b"Search by name or code" in page.data
    assert till.post(base(shop) + "/pos/scan", data={"q": "4800011112222"}).status_code == 303  # the soap, added
    found = till.post(base(shop) + "/pos/scan", data={"q": "rice"})
    assert "q=rice" in found.headers["Location"]
    results = till.get(base(shop) + "/?q=rice")
    assert b"Well-milled rice" in results.data and b"100 on hand" in results.data
    till.post(base(shop) + "/pos/add", data={"item": f"p:{shop.rice.id}", "quantity": "2.5"})
    till.post(base(shop) + "/pos/update", data={"item": [f"p:{shop.soap.id}", f"p:{shop.rice.id}"],
                                                "quantity": ["3", "2.5"]})
    cart = till.get(base(shop) + "/")
    assert "₱205.00" in cart.get_data(as_text=True)  # 3 x 25 + 2.5 x 52
    done = till.post(base(shop) + "/pos/checkout", data={"payment": "cash", "tendered": "500",
                                                         "idempotency_key": "k1"})
    assert done.status_code == 303, done.data
    assert "/sales/" in done.headers["Location"], till.get(base(shop) + "/").get_data(as_text=True)
    sale = db.session.scalar(select(Sale))
    assert sale.total == 205_00 and sale.tendered == 500_00
    shown = till.get(done.headers["Location"]).get_data(as_text=True)
    assert "₱295.00" in shown  # change
    slip = till.get(f"{base(shop)}/sales/{sale.id}.pdf")
    assert slip.status_code == 200 and slip.data.startswith(b"%PDF")
    receipt = till.get(f"/o/{shop.org.slug}/receipts/{sale.receipt_id}.pdf")
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF")
    assert b"No items yet" in till.get(base(shop) + "/").data  # the cart is emptied


def test_a_refused_checkout_keeps_the_cart_and_says_why(shop, till):
    till.post(base(shop) + "/pos/add", data={"item": f"p:{shop.soap.id}", "quantity": "25"})
    refused = till.post(base(shop) + "/pos/checkout", data={"payment": "cash"}, headers={"Referer": base(shop) + "/"})
    assert refused.status_code == 303
    page = till.get(base(shop) + "/").get_data(as_text=True)
    assert "Only 20 pc of Laundry soap bar on hand" in page and "Laundry soap bar" in page
    assert db.session.scalar(select(func.count(Sale.id))) == 0
    credit = till.post(base(shop) + "/pos/checkout", data={"payment": "credit"}, headers={"Referer": base(shop) + "/"})
    assert credit.status_code == 303
    assert "give her member number" in till.get(base(shop) + "/").get_data(as_text=True)


def test_receiving_a_delivery_through_the_form(shop, till):
    response = till.post(base(shop) + "/purchases", data={
        "supplier_id": shop.supplier.id, "received_on": "2026-11-03", "payment": "account", "reference": "DR-9",
        "product_id": [shop.rice.id, shop.soap.id, ""], "quantity": ["2", "48", ""], "per": ["bulk", "sale", "sale"],
        "unit_cost": ["2,450.00", "17.50", ""], "idempotency_key": "p1"})
    assert response.status_code == 303
    purchase = db.session.scalars(select(Purchase).order_by(Purchase.id.desc())).first()
    assert purchase.total == 4_900_00 + 840_00
    assert till.get(response.headers["Location"]).status_code == 200
    page = till.get(f"{base(shop)}/suppliers/{shop.supplier.id}").get_data(as_text=True)
    assert "5,740.00" in page
    # the cash accounts to pay from are the chart's, in code order
    assert page.index('value="cash_on_hand"') < page.index('value="cash_in_bank"') < page.index('value="petty_cash"')
    bad = till.post(base(shop) + "/purchases", data={
        "supplier_id": shop.supplier.id, "received_on": "2026-11-03", "payment": "cash",
        "product_id": [shop.rice.id], "quantity": ["-2"], "per": ["bulk"], "unit_cost": ["100"]},
        headers={"Referer": base(shop) + "/purchases/new"})
    assert bad.status_code == 303 and db.session.scalar(select(func.count(Purchase.id))) == 3


def test_count_form_products_and_suppliers(shop, till):
    response = till.post(base(shop) + "/adjustments", data={
        "product_id": shop.soap.id, "kind": "count", "quantity": "18", "adjusted_on": "2026-11-03",
        "reason": "Monthly count", "idempotency_key": "a1"})
    assert response.status_code == 303
    adjustment = db.session.scalar(select(StockAdjustment))
    assert adjustment.qty_change == -2_000 and adjustment.created_by == shop.officer.id
    assert b"Monthly count" in till.get(base(shop) + "/adjustments").data
    added = till.post(base(shop) + "/products", data={"code": "VIN-1L", "name": "Cane vinegar", "category": "Condiments",
                                                      "unit": "bottle", "sale_price": "42", "reorder_level": "6"})
    assert added.status_code == 303 and b"Cane vinegar" in till.get(added.headers["Location"]).data
    assert till.post(base(shop) + "/suppliers", data={"name": "Metro Distributor", "phone": "0918"}).status_code == 303
    for page in ("/products", "/suppliers", "/purchases", "/purchases/new", "/sales", "/products/new",
                 f"/products/{shop.rice.id}"):
        assert till.get(base(shop) + page).status_code == 200, page


@pytest.mark.parametrize("report", ["stock", "low-stock", "sales-by-product", "sales-by-day", "gross-margin",
                                    "purchases-by-supplier", "stock-card/{rice}"])
def test_reports_as_page_csv_and_pdf(shop, till, report):
    store.record_sale(shop.org.id, items=[store.SaleItem(store.product_ref(shop.rice.id), 5_000)], on=shop_day(),
                      payment="cash", actor_id=shop.officer.id)
    db.session.commit()
    query = "as_of=2026-11-30" if report in ("stock", "low-stock") else "start=2026-11-01&end=2026-11-30"
    url = f"{base(shop)}/reports/{report.format(rice=shop.rice.id)}?{query}"
    assert till.get(url).status_code == 200
    assert till.get(url + "&format=csv").mimetype == "text/csv"
    assert till.get(url + "&format=pdf").data.startswith(b"%PDF")


def shop_day():
    from .conftest import DAY

    return DAY


def test_stock_report_says_it_agrees_with_the_ledger(shop, till):
    page = till.get(base(shop) + "/reports/stock?as_of=2026-11-02").get_data(as_text=True)
    assert "agrees with the Merchandise Inventory account" in page
    assert ledger.balance(shop.org.id, "merchandise_inventory").debit_balance == 360_00 + 4_800_00


def test_dashboard_tiles(shop, till):
    page = till.get(f"/o/{shop.org.slug}/").get_data(as_text=True)
    assert "Stock at cost" in page and "₱5,160.00" in page and "Items to reorder" in page


def test_auditor_reads_but_cannot_sell_and_members_see_nothing(shop, till, make_user, login, client):
    auditor = make_user(shop.org, "auditor")
    client.post("/logout")
    login(auditor)
    assert client.get(base(shop) + "/products").status_code == 200
    assert client.get(base(shop) + "/reports/stock").status_code == 200
    assert client.post(base(shop) + "/pos/checkout", data={"payment": "cash"}).status_code == 403
    member = make_user(shop.org, "member")
    client.post("/logout")
    login(member)
    assert client.get(base(shop) + "/products").status_code == 404
    assert client.get(base(shop) + "/").status_code == 404
