"""The store's JSON API: products, suppliers, purchases, sales, returns, stock levels; refusals write nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from coop.extensions import db
from coop.inventory.models import Purchase, Sale, StockMovement


def url(shop, path):
    return f"/api/v1/orgs/{shop.org.slug}/store{path}"


def test_catalogue_purchase_sale_return_and_stock(shop, api):
    client = api(shop.officer)
    made = client.post(url(shop, "/products"), json={"code": "SOY-1L", "name": "Soy sauce (1 L)", "category": "Condiments",
                                                     "unit": "bottle", "sale_price": "48.00", "reorder_level": "6"})
    assert made.status_code == 201, made.json
    soy = made.json["id"]
    supplier = client.post(url(shop, "/suppliers"), json={"name": "San Pablo Condiments", "phone": "0919"}).json
    bought = client.post(url(shop, "/purchases"), headers={"Idempotency-Key": "buy-1"}, json={
        "supplier_id": supplier["id"], "received_on": "2026-11-02", "payment": "account", "reference": "DR-7",
        "lines": [{"product_id": soy, "quantity": "12", "unit_cost": "38.00"},
                  {"product_id": shop.rice.id, "quantity": "1", "unit_cost": "2500", "in_purchase_units": True}]})
    assert bought.status_code == 201, bought.json
    assert bought.json["total"] == "2956.00" and bought.json["lines"][1]["stock_qty"] == "50"
    assert client.get(url(shop, "/suppliers")).json[1]["owed"] == "2956.00"
    paid = client.post(url(shop, f"/suppliers/{supplier['id']}/payments"),
                       json={"amount": "456", "paid_on": "2026-11-05", "paid_from": "cash_in_bank"})
    assert paid.status_code == 201
    sold = client.post(url(shop, "/sales"), headers={"Idempotency-Key": "sale-1"}, json={
        "sold_on": "2026-11-06", "payment": "cash", "tendered": "200",
        "items": [{"product_id": soy, "quantity": "2"}, {"item": f"p:{shop.rice.id}", "quantity": "1.5"}]})
    assert sold.status_code == 201, sold.json
    assert sold.json["total"] == "174.00" and sold.json["receipt_id"]
    again = client.post(url(shop, "/sales"), headers={"Idempotency-Key": "sale-1"}, json={
        "sold_on": "2026-11-06", "payment": "cash", "tendered": "200",
        "items": [{"product_id": soy, "quantity": "2"}, {"item": f"p:{shop.rice.id}", "quantity": "1.5"}]})
    assert again.json["id"] == sold.json["id"]
    line = sold.json["lines"][0]
    back = client.post(url(shop, f"/sales/{sold.json['id']}/returns"), json={
        "returned_on": "2026-11-07", "reason": "Leaking bottle", "lines": [{"sale_line_id": line["id"], "quantity": "1"}]})
    assert back.status_code == 201 and back.json["amount"] == "48.00"
    stock = {row["code"]: row for row in client.get(url(shop, "/stock")).json}
    assert stock["SOY-1L"]["quantity"] == "11" and stock["SOY-1L"]["value"] == "418.00"
    assert stock["RICE-WM"]["quantity"] == "48.5" and stock["RICE-WM"]["value"] == "2425.00"
    assert client.get(url(shop, "/stock?as_of=2026-11-01")).json[0]["value"] == "0.00"
    assert client.get(url(shop, f"/products/{soy}")).json["average_cost"] == "38.0000"
    assert client.get(url(shop, "/sales?on=2026-11-06")).json[0]["id"] == sold.json["id"]
    assert client.get(url(shop, f"/purchases/{bought.json['id']}")).json["reference"] == "DR-7"
    adjusted = client.post(url(shop, "/adjustments"), json={"product_id": soy, "kind": "damage", "quantity": "1",
                                                           "adjusted_on": "2026-11-08", "reason": "Broken bottle"})
    assert adjusted.status_code == 201 and adjusted.json["qty_change"] == "-1"


def test_bad_sales_and_purchases_are_refused_as_problems(shop, api):
    client = api(shop.officer)
    before = [db.session.scalar(select(func.count(m.id))) for m in (Sale, Purchase, StockMovement)]
    refused = [
        client.post(url(shop, "/sales"), json={"payment": "cash", "items": [{"product_id": shop.soap.id, "quantity": "1"}]}),
        client.post(url(shop, "/sales"), json={"payment": "cash", "items": [{"product_id": shop.soap.id, "quantity": "-1"}]}),
        client.post(url(shop, "/sales"), json={"payment": "cash", "items": [
            {"product_id": shop.soap.id, "quantity": "1", "unit_price": "0"}]}),
        client.post(url(shop, "/purchases"), json={"supplier_id": shop.supplier.id, "received_on": "2026-11-02",
                                                  "payment": "cash", "lines": [{"product_id": shop.soap.id,
                                                                                "quantity": "5", "unit_cost": "0"}]}),
    ]
    assert [r.status_code for r in refused] == [422, 422, 422, 422]
    assert refused[0].json["detail"] == "Only 0 pc of Laundry soap bar on hand."
    assert refused[0].mimetype == "application/problem+json"
    assert [db.session.scalar(select(func.count(m.id))) for m in (Sale, Purchase, StockMovement)] == before


def test_auditor_reads_the_api_but_cannot_sell(shop, api, make_user):
    auditor = api(make_user(shop.org, "auditor"))
    assert auditor.get(url(shop, "/products")).status_code == 200
    assert auditor.post(url(shop, "/sales"), json={"payment": "cash", "items": []}).status_code == 403


def test_store_routes_are_in_the_openapi_document(shop, client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/api/v1/orgs/{org}/store/sales", "/api/v1/orgs/{org}/store/stock",
            "/api/v1/orgs/{org}/store/purchases", "/api/v1/orgs/{org}/store/suppliers"} <= set(paths)


def test_patching_a_price_leaves_the_rest_of_the_product_and_supplier_alone(shop, api):
    """PATCH {"sale_price": ...} reset the sack to 1 kg (units per purchase 50 -> 1), the category to General,
    the purchase unit and barcode to nothing and the reorder level to 0: the schema's defaults filled every field
    the request left out."""
    client = api(shop.officer)
    before = client.get(url(shop, f"/products/{shop.rice.id}")).json
    changed = client.patch(url(shop, f"/products/{shop.rice.id}"), json={"sale_price": "54.00"})
    assert changed.status_code == 200, changed.json
    after = client.get(url(shop, f"/products/{shop.rice.id}")).json
    assert after["sale_price"] == "54.00"
    assert {k: v for k, v in after.items() if k != "sale_price"} == {k: v for k, v in before.items() if k != "sale_price"}
    soap = client.patch(url(shop, f"/products/{shop.soap.id}"), json={"name": "Laundry soap bar (big)"}).json
    assert soap["barcode"] == "4800011112222" and soap["reorder_level"] == "10" and soap["category"] == "Soap"
    supplier = client.patch(url(shop, f"/suppliers/{shop.supplier.id}"), json={"tin": "123-456-789"})
    assert supplier.status_code == 200 and supplier.json["phone"] == "0917 000 0000"
