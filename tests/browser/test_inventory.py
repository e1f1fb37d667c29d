"""An officer at the store's till on a phone: a cash sale and a credit sale, each with its printed slip."""
from __future__ import annotations

from datetime import date

from coop.extensions import db
from coop.inventory import services as store
from coop.members.services import create_member
from coop.timeutil import today


def test_officer_rings_up_cash_and_credit_sales_and_prints(make_org, make_user, phone_page, log_in, shot):
    org = make_org()
    officer = make_user(org, "officer")
    supplier = store.create_supplier(org.id, name="Metro Distributor", actor_id=officer.id)
    soap = store.create_product(org.id, actor_id=officer.id, code="SOAP-1", name="Laundry soap bar",
                                category="Soap", unit="pc", sale_price=25_00, barcode="4800011112222")
    rice = store.create_product(org.id, actor_id=officer.id, code="RICE-WM", name="Well-milled rice", category="Rice",
                                unit="kg", purchase_unit="sack", units_per_purchase=50_000, sale_price=52_00)
    store.record_purchase(org.id, supplier_id=supplier.id, received_on=date(today().year, 1, 1), payment="cash",
                          items=[store.PurchaseItem(soap.id, 48_000, 18_00),
                                 store.PurchaseItem(rice.id, 2_000, 2_400_00, True)], actor_id=officer.id)
    ana = create_member(org.id, name="Ana Cruz", actor_id=None, status="active")
    slug, label = org.slug, ana.label
    db.session.commit()
    page = phone_page
    log_in(page, officer)

    page.goto(f"/o/{slug}/store/")
    page.get_by_label("Search or scan").fill("4800011112222")  # a barcode scanner types and presses Enter
    page.get_by_label("Search or scan").press("Enter")
    page.get_by_label("Search or scan").fill("rice")
    with page.expect_navigation():
        page.get_by_role("button", name="Find").click()
    page.get_by_label("Quantity of Well-milled rice").fill("2.5")
    with page.expect_navigation():
        page.get_by_role("button", name="Add").click()
    assert page.locator(".pos-total").inner_text() == "₱155.00"
    page.get_by_label("Cash received (for change)").fill("200")
    shot(page, "store-pos-cart")
    with page.expect_navigation():
        page.get_by_role("button", name="Complete sale").click()
    page.wait_for_url("**/store/sales/*")
    assert page.get_by_text("₱45.00").is_visible()  # her change
    shot(page, "store-sale")
    for link in ("Print sale slip (PDF)", "Official receipt (PDF)"):
        href = page.get_by_role("link", name=link).get_attribute("href")
        response = page.request.get(href)
        assert response.ok and response.headers["content-type"] == "application/pdf"

    page.goto(f"/o/{slug}/store/")
    page.get_by_label("Search or scan").fill("soap")
    with page.expect_navigation():
        page.get_by_role("button", name="Find").click()
    page.get_by_label("Quantity of Laundry soap bar").fill("4")
    with page.expect_navigation():
        page.get_by_role("button", name="Add").click()
    page.get_by_label("Commodity credit (member pays in 15 days)").check()
    page.get_by_label("Member number (required for credit)").fill(label)
    with page.expect_navigation():
        page.get_by_role("button", name="Complete sale").click()
    page.wait_for_url("**/store/sales/*")
    assert page.get_by_text("Commodity credit").is_visible()
    href = page.get_by_role("link", name="Print sale slip (PDF)").get_attribute("href")
    assert page.request.get(href).headers["content-type"] == "application/pdf"
    shot(page, "store-credit-sale")
