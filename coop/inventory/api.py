"""The store under /api/v1/orgs/<org>/store: products, suppliers, purchases, sales and stock levels."""
from flask import g, request
from flask_login import current_user

from ..api import blueprint, respond
from ..api.openapi import documented
from ..auth.access import READERS, STAFF, roles_required
from ..errors import Invalid
from ..timeutil import today
from ..web.forms import idempotency_key, load_json, load_query
from . import reports, services
from .schemas import (
    AdjustmentInSchema,
    AdjustmentOutSchema,
    ProductInSchema,
    ProductOutSchema,
    ProductUpdateSchema,
    PurchaseInSchema,
    PurchaseOutSchema,
    ReturnInSchema,
    ReturnOutSchema,
    SaleInSchema,
    SaleOutSchema,
    StockLevelOutSchema,
    StockQuerySchema,
    SupplierInSchema,
    SupplierOutSchema,
    SupplierPaymentInSchema,
    SupplierPaymentOutSchema,
    SupplierUpdateSchema,
)

bp = blueprint("inventory", __name__, "/orgs/<org>/store")


def _product_out(product):
    product.average_cost = reports.cost_text(services.average_cost_milli(product)).replace(",", "")
    return product


def _supplier_out(supplier):
    supplier.owed = services.amount_owed(g.org.id, supplier)
    return supplier


@bp.get("/products")
@roles_required(*READERS)
@documented("The catalogue (?q= searches name, code and barcode)", returns=ProductOutSchema, many=True)
def products():
    found = services.list_products(g.org.id, text=request.args.get("q") or None)
    return respond(ProductOutSchema(), [_product_out(p) for p in found], many=True)


@bp.post("/products")
@roles_required(*STAFF)
@documented("Add a product", body=ProductInSchema, returns=ProductOutSchema, status=201)
def add_product():
    product = services.create_product(g.org.id, actor_id=current_user.id, **load_json(ProductInSchema()))
    return respond(ProductOutSchema(), _product_out(product), 201)


@bp.get("/products/<int:product_id>")
@roles_required(*READERS)
@documented("One product with its stock and average cost", returns=ProductOutSchema)
def product(product_id: int):
    return respond(ProductOutSchema(), _product_out(services.get_product(g.org.id, product_id)))


@bp.patch("/products/<int:product_id>")
@roles_required(*STAFF)
@documented("Change a product (price, reorder level, active...)", body=ProductUpdateSchema, returns=ProductOutSchema)
def update_product(product_id: int):
    product = services.update_product(g.org.id, product_id, actor_id=current_user.id,
                                      **load_json(ProductUpdateSchema()))
    return respond(ProductOutSchema(), _product_out(product))


@bp.get("/stock")
@roles_required(*READERS)
@documented("Stock levels and values, now or ?as_of=DATE", returns=StockLevelOutSchema, many=True,
            query=StockQuerySchema)
def stock():
    as_of = load_query(StockQuerySchema())["as_of"]
    return respond(StockLevelOutSchema(), reports.stock_on_hand(g.org.id, as_of), many=True)


@bp.post("/adjustments")
@roles_required(*STAFF)
@documented("Record a stock count or a loss", body=AdjustmentInSchema, returns=AdjustmentOutSchema, status=201)
def adjust():
    data = load_json(AdjustmentInSchema())
    adjustment = services.adjust_stock(g.org.id, product_id=data["product_id"], kind=data["kind"],
                                       quantity=data["quantity"], on=data["adjusted_on"], reason=data["reason"],
                                       actor_id=current_user.id, idempotency_key=idempotency_key())
    return respond(AdjustmentOutSchema(), adjustment, 201)


@bp.get("/suppliers")
@roles_required(*READERS)
@documented("Suppliers with what is owed to each", returns=SupplierOutSchema, many=True)
def suppliers():
    return respond(SupplierOutSchema(), [_supplier_out(s) for s in services.list_suppliers(g.org.id)], many=True)


@bp.post("/suppliers")
@roles_required(*STAFF)
@documented("Add a supplier", body=SupplierInSchema, returns=SupplierOutSchema, status=201)
def add_supplier():
    supplier = services.create_supplier(g.org.id, actor_id=current_user.id, **load_json(SupplierInSchema()))
    return respond(SupplierOutSchema(), _supplier_out(supplier), 201)


@bp.patch("/suppliers/<int:supplier_id>")
@roles_required(*STAFF)
@documented("Change a supplier", body=SupplierUpdateSchema, returns=SupplierOutSchema)
def update_supplier(supplier_id: int):
    supplier = services.update_supplier(g.org.id, supplier_id, actor_id=current_user.id,
                                        **load_json(SupplierUpdateSchema()))
    return respond(SupplierOutSchema(), _supplier_out(supplier))


@bp.post("/suppliers/<int:supplier_id>/payments")
@roles_required(*STAFF)
@documented("Pay a supplier what was bought on account", body=SupplierPaymentInSchema,
            returns=SupplierPaymentOutSchema, status=201)
def pay_supplier(supplier_id: int):
    payment = services.pay_supplier(g.org.id, supplier_id=supplier_id, actor_id=current_user.id,
                                    idempotency_key=idempotency_key(), **load_json(SupplierPaymentInSchema()))
    return respond(SupplierPaymentOutSchema(), payment, 201)


def _purchase_out(purchase):
    purchase.lines = [line for line, _product in services.purchase_lines(purchase)]
    return purchase


@bp.get("/purchases")
@roles_required(*READERS)
@documented("Recent purchases (?supplier_id=)", returns=PurchaseOutSchema, many=True)
def purchases():
    found = services.list_purchases(g.org.id, supplier_id=request.args.get("supplier_id", type=int))
    return respond(PurchaseOutSchema(), found, many=True)


@bp.post("/purchases")
@roles_required(*STAFF)
@documented("Receive a delivery into stock", body=PurchaseInSchema, returns=PurchaseOutSchema, status=201)
def add_purchase():
    data = load_json(PurchaseInSchema())
    purchase = services.record_purchase(
        g.org.id, supplier_id=data["supplier_id"], received_on=data["received_on"], payment=data["payment"],
        reference=data["reference"], items=[services.PurchaseItem(**line) for line in data["lines"]],
        actor_id=current_user.id, idempotency_key=idempotency_key())
    return respond(PurchaseOutSchema(), _purchase_out(purchase), 201)


@bp.get("/purchases/<int:purchase_id>")
@roles_required(*READERS)
@documented("One purchase with its lines", returns=PurchaseOutSchema)
def purchase(purchase_id: int):
    return respond(PurchaseOutSchema(), _purchase_out(services.get_purchase(g.org.id, purchase_id)))


def _sale_out(sale):
    sale.lines = services.sale_lines(sale)
    return sale


@bp.get("/sales")
@roles_required(*READERS)
@documented("Sales of one day (?on=DATE, default today)", returns=SaleOutSchema, many=True, query=StockQuerySchema)
def sales():
    on = StockQuerySchema().load({"as_of": request.args["on"]} if request.args.get("on") else {})["as_of"]
    return respond(SaleOutSchema(), [_sale_out(s) for s in services.list_sales(g.org.id, on=on or today())], many=True)


@bp.post("/sales")
@roles_required(*STAFF)
@documented("Ring up a sale, cash or on a member's commodity credit", body=SaleInSchema, returns=SaleOutSchema,
            status=201)
def add_sale():
    data = load_json(SaleInSchema())
    items = []
    for item in data["items"]:
        ref = item["item"] or (services.product_ref(item["product_id"]) if item["product_id"] else None)
        if ref is None:
            raise Invalid("Each item names a product_id or an item ref.", field="items")
        items.append(services.SaleItem(ref, item["quantity"], item["unit_price"]))
    sale = services.record_sale(g.org.id, items=items, on=data["sold_on"] or today(), payment=data["payment"],
                                member_id=data["member_id"], tendered=data["tendered"], actor_id=current_user.id,
                                idempotency_key=idempotency_key())
    return respond(SaleOutSchema(), _sale_out(sale), 201)


@bp.get("/sales/<int:sale_id>")
@roles_required(*READERS)
@documented("One sale with its lines", returns=SaleOutSchema)
def sale(sale_id: int):
    return respond(SaleOutSchema(), _sale_out(services.get_sale(g.org.id, sale_id)))


@bp.post("/sales/<int:sale_id>/returns")
@roles_required(*STAFF)
@documented("Take goods of a sale back", body=ReturnInSchema, returns=ReturnOutSchema, status=201)
def return_goods(sale_id: int):
    data = load_json(ReturnInSchema())
    found = services.return_goods(g.org.id, sale_id,
                                  quantities={line["sale_line_id"]: line["quantity"] for line in data["lines"]},
                                  on=data["returned_on"], reason=data["reason"], actor_id=current_user.id,
                                  idempotency_key=idempotency_key())
    return respond(ReturnOutSchema(), found, 201)
