"""The store's pages: the point of sale, catalogue, suppliers, purchases, sales, stock counts and reports."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, flash, g, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.access import READERS, STAFF, roles_required
from ..ledger import services as ledger
from ..members import services as members
from ..reports.schemas import AsOfSchema, RangeSchema, resolve_range
from ..reports.views import deliver
from ..timeutil import today
from ..web.forms import idempotency_key, load_form, load_query
from . import pdf, reports, services
from .schemas import (
    AdjustmentInSchema,
    CartSchema,
    CheckoutSchema,
    PosAddSchema,
    ProductInSchema,
    ProductUpdateSchema,
    PurchaseInSchema,
    ReturnInSchema,
    SupplierInSchema,
    SupplierPaymentInSchema,
    SupplierUpdateSchema,
)

bp = Blueprint("inventory", __name__, url_prefix="/o/<org>/store")
PURCHASE_LINES = 6

# ---------------------------------------------------------------- point of sale (cart kept in the session)


def _cart() -> list[list]:
    """[[item ref, quantity in thousandths], ...] for this organization's till."""
    return session.get("pos_cart", {}).get(str(g.org.id), [])


def _save_cart(lines: list[list]) -> None:
    carts = dict(session.get("pos_cart", {}))
    carts[str(g.org.id)] = lines
    session["pos_cart"] = carts


def _add_to_cart(ref: str, quantity: int) -> None:
    lines = _cart()
    for line in lines:
        if line[0] == ref:
            line[1] += quantity
            break
    else:
        lines.append([ref, quantity])
    _save_cart(lines)


@bp.get("/")
@roles_required(*STAFF)
def pos():
    text = request.args.get("q", "").strip()
    results = services.search_items(g.org.id, text) if text else []
    cart = [(services.find_item(g.org.id, ref), qty) for ref, qty in _cart()]
    total = sum(services.line_amount(qty, item.price) for item, qty in cart)
    return render_template("inventory/pos.html", text=text, results=results, cart=cart, total=total,
                           today=today(), pick=members.pick(g.org.id, request.args.get("member"), today()))


@bp.post("/pos/scan")
@roles_required(*STAFF)
def scan():
    """A scanned barcode or a typed code that names one item goes straight into the cart; else show matches."""
    text = request.form.get("q", "").strip()
    matches = services.search_items(g.org.id, text) if text else []
    exact = [item for item in matches if text in (item.barcode, item.code)]
    if len(exact) == 1:
        _add_to_cart(exact[0].ref, 1000)
        return redirect(url_for("inventory.pos"), code=303)
    return redirect(url_for("inventory.pos", q=text), code=303)


@bp.post("/pos/add")
@roles_required(*STAFF)
def add_item():
    data = load_form(PosAddSchema())
    item = services.find_item(g.org.id, data["item"])
    _add_to_cart(item.ref, data["quantity"])
    return redirect(url_for("inventory.pos"), code=303)


@bp.post("/pos/update")
@roles_required(*STAFF)
def update_cart():
    form = request.form
    data = CartSchema().load({"lines": [{"item": ref, "quantity": qty.strip() or "0"}
                                        for ref, qty in zip(form.getlist("item"), form.getlist("quantity"))]})
    _save_cart([[line["item"], line["quantity"]] for line in data["lines"]
                if line["quantity"] > 0 and line["item"] != form.get("remove")])
    return redirect(url_for("inventory.pos"), code=303)


@bp.post("/pos/checkout")
@roles_required(*STAFF)
def checkout():
    data = load_form(CheckoutSchema())
    member_id = members.find_member(g.org.id, data["member"]).id if data["member"] else None
    sale = services.record_sale(
        g.org.id, items=[services.SaleItem(ref, qty) for ref, qty in _cart()], on=today(), payment=data["payment"],
        member_id=member_id, tendered=data["tendered"], actor_id=current_user.id, idempotency_key=idempotency_key())
    _save_cart([])
    flash(_l("Sale %(number)s recorded.", number=sale.display_number))
    return redirect(url_for("inventory.sale", sale_id=sale.id), code=303)


# ---------------------------------------------------------------- sales and returns


@bp.get("/sales")
@roles_required(*READERS)
def sales():
    on = request.args.get("on")
    day = AsOfSchema().load({"as_of": on} if on else {})["as_of"] or today()
    return render_template("inventory/sales.html", sales=services.list_sales(g.org.id, on=day), day=day,
                           previous=day - timedelta(days=1), following=day + timedelta(days=1))


@bp.get("/sales/<int:sale_id>")
@roles_required(*READERS)
def sale(sale_id: int):
    found = services.get_sale(g.org.id, sale_id)
    return render_template("inventory/sale.html", sale=found, lines=services.sale_lines(found),
                           returns=services.sale_returns(found), member_label=services.member_label(found),
                           credit_terms=services.credit_terms(found), today=today())


@bp.get("/sales/<int:sale_id>.pdf")
@roles_required(*READERS)
def sale_pdf(sale_id: int):
    found = services.get_sale(g.org.id, sale_id)
    body = pdf.sale_slip(found, services.sale_lines(found), g.org.name, services.receipt_number(found),
                         services.member_label(found), services.credit_terms(found))
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{found.display_number}.pdf"'})


@bp.post("/sales/<int:sale_id>/returns")
@roles_required(*STAFF)
def return_goods(sale_id: int):
    form = request.form
    lines = [{"sale_line_id": line_id, "quantity": qty}
             for line_id, qty in zip(form.getlist("sale_line_id"), form.getlist("quantity")) if qty.strip()]
    data = ReturnInSchema().load({"returned_on": form.get("returned_on", ""), "reason": form.get("reason", ""),
                                  "lines": lines})
    services.return_goods(g.org.id, sale_id, quantities={line["sale_line_id"]: line["quantity"] for line in data["lines"]},
                          on=data["returned_on"], reason=data["reason"], actor_id=current_user.id,
                          idempotency_key=idempotency_key())
    flash(_l("Return recorded."))
    return redirect(url_for("inventory.sale", sale_id=sale_id), code=303)


# ---------------------------------------------------------------- catalogue


@bp.get("/products")
@roles_required(*READERS)
def products():
    text = request.args.get("q", "").strip()
    return render_template("inventory/products.html", products=services.list_products(g.org.id, text=text or None),
                           text=text)


@bp.get("/products/new")
@roles_required(*STAFF)
def new_product():
    return render_template("inventory/product_form.html", product=None, categories=services.categories(g.org.id))


@bp.post("/products")
@roles_required(*STAFF)
def add_product():
    product = services.create_product(g.org.id, actor_id=current_user.id, **load_form(ProductInSchema()))
    flash(_l("Product %(code)s added.", code=product.code))
    return redirect(url_for("inventory.product", product_id=product.id), code=303)


@bp.get("/products/<int:product_id>")
@roles_required(*READERS)
def product(product_id: int):
    found = services.get_product(g.org.id, product_id)
    return render_template("inventory/product_form.html", product=found, categories=services.categories(g.org.id),
                           average=reports.cost_text(services.average_cost_milli(found)))


@bp.post("/products/<int:product_id>")
@roles_required(*STAFF)
def update_product(product_id: int):
    data = load_form(ProductUpdateSchema())
    data["active"] = request.form.get("active") == "on"
    product = services.update_product(g.org.id, product_id, actor_id=current_user.id, **data)
    flash(_l("Product %(code)s saved.", code=product.code))
    return redirect(url_for("inventory.product", product_id=product.id), code=303)


# ---------------------------------------------------------------- suppliers


@bp.get("/suppliers")
@roles_required(*READERS)
def suppliers():
    rows = services.list_suppliers(g.org.id)
    return render_template("inventory/suppliers.html", suppliers=rows,
                           owed={s.id: services.amount_owed(g.org.id, s) for s in rows})


@bp.post("/suppliers")
@roles_required(*STAFF)
def add_supplier():
    supplier = services.create_supplier(g.org.id, actor_id=current_user.id, **load_form(SupplierInSchema()))
    flash(_l("Supplier %(name)s added.", name=supplier.name))
    return redirect(url_for("inventory.supplier", supplier_id=supplier.id), code=303)


@bp.get("/suppliers/<int:supplier_id>")
@roles_required(*READERS)
def supplier(supplier_id: int):
    found = services.get_supplier(g.org.id, supplier_id)
    return render_template("inventory/supplier.html", supplier=found, owed=services.amount_owed(g.org.id, found),
                           cash_accounts=ledger.cash_accounts(g.org.id),
                           purchases=services.list_purchases(g.org.id, supplier_id=found.id),
                           payments=services.supplier_payments(g.org.id, found.id), today=today())


@bp.post("/suppliers/<int:supplier_id>")
@roles_required(*STAFF)
def update_supplier(supplier_id: int):
    data = load_form(SupplierUpdateSchema())
    data["active"] = request.form.get("active") == "on"
    services.update_supplier(g.org.id, supplier_id, actor_id=current_user.id, **data)
    flash(_l("Supplier saved."))
    return redirect(url_for("inventory.supplier", supplier_id=supplier_id), code=303)


@bp.post("/suppliers/<int:supplier_id>/payments")
@roles_required(*STAFF)
def pay_supplier(supplier_id: int):
    data = load_form(SupplierPaymentInSchema())
    services.pay_supplier(g.org.id, supplier_id=supplier_id, actor_id=current_user.id,
                          idempotency_key=idempotency_key(), **data)
    flash(_l("Payment recorded."))
    return redirect(url_for("inventory.supplier", supplier_id=supplier_id), code=303)


# ---------------------------------------------------------------- purchases


@bp.get("/purchases")
@roles_required(*READERS)
def purchases():
    return render_template("inventory/purchases.html", purchases=services.list_purchases(g.org.id),
                           suppliers={s.id: s for s in services.list_suppliers(g.org.id)})


@bp.get("/purchases/new")
@roles_required(*STAFF)
def new_purchase():
    return render_template("inventory/purchase_form.html",
                           supplier_options=[(s.id, s.name) for s in services.list_suppliers(g.org.id, active_only=True)],
                           products=services.list_products(g.org.id, active_only=True), line_count=PURCHASE_LINES,
                           today=today())


@bp.post("/purchases")
@roles_required(*STAFF)
def add_purchase():
    form = request.form
    lines = [{"product_id": product, "quantity": qty, "unit_cost": cost, "in_purchase_units": bulk == "bulk"}
             for product, qty, cost, bulk in zip(form.getlist("product_id"), form.getlist("quantity"),
                                                 form.getlist("unit_cost"), form.getlist("per"))
             if product and (qty.strip() or cost.strip())]
    data = PurchaseInSchema().load({"supplier_id": form.get("supplier_id", ""), "received_on": form.get("received_on", ""),
                                    "payment": form.get("payment", ""), "reference": form.get("reference") or None,
                                    "lines": lines})
    purchase = services.record_purchase(
        g.org.id, supplier_id=data["supplier_id"], received_on=data["received_on"], payment=data["payment"],
        reference=data["reference"], items=[services.PurchaseItem(**line) for line in data["lines"]],
        actor_id=current_user.id, idempotency_key=idempotency_key())
    flash(_l("Purchase P-%(id)05d received.", id=purchase.id))
    return redirect(url_for("inventory.purchase", purchase_id=purchase.id), code=303)


@bp.get("/purchases/<int:purchase_id>")
@roles_required(*READERS)
def purchase(purchase_id: int):
    found = services.get_purchase(g.org.id, purchase_id)
    return render_template("inventory/purchase.html", purchase=found, lines=services.purchase_lines(found),
                           supplier=services.get_supplier(g.org.id, found.supplier_id))


# ---------------------------------------------------------------- counts and adjustments


@bp.get("/adjustments")
@roles_required(*READERS)
def adjustments():
    return render_template("inventory/adjustments.html", adjustments=services.list_adjustments(g.org.id),
                           product_options=[(p.id, f"{p.code} {p.name}")
                                            for p in services.list_products(g.org.id, active_only=True)],
                           today=today(), chosen=request.args.get("product_id", type=int))


@bp.post("/adjustments")
@roles_required(*STAFF)
def add_adjustment():
    data = load_form(AdjustmentInSchema())
    adjustment = services.adjust_stock(g.org.id, product_id=data["product_id"], kind=data["kind"],
                                       quantity=data["quantity"], on=data["adjusted_on"], reason=data["reason"],
                                       actor_id=current_user.id, idempotency_key=idempotency_key())
    flash(_l("Stock adjusted by %(qty)s.", qty=services.quantity_text(adjustment.qty_change)))
    return redirect(url_for("inventory.adjustments"), code=303)


# ---------------------------------------------------------------- reports


@bp.get("/reports/stock")
@roles_required(*READERS)
def stock_report():
    args = load_query(AsOfSchema())
    as_of = args["as_of"]
    return deliver(reports.stock_table(g.org.id, as_of), args["format"], f"stock-{as_of or today()}",
                   as_of=as_of or today(), date_filter="as_of")


@bp.get("/reports/stock-card/<int:product_id>")
@roles_required(*READERS)
def stock_card(product_id: int):
    args = load_query(RangeSchema())
    start, end = resolve_range(args, today())
    return deliver(reports.stock_card_table(g.org.id, product_id, start, end), args["format"],
                   f"stock-card-{product_id}-{start}-{end}", start=start, end=end, date_filter="range")


@bp.get("/reports/low-stock")
@roles_required(*READERS)
def low_stock():
    args = load_query(AsOfSchema())
    return deliver(reports.low_stock_table(g.org.id), args["format"], f"low-stock-{today()}")


def _range_report(build, name: str):
    args = load_query(RangeSchema())
    start, end = resolve_range(args, today())
    return deliver(build(g.org.id, start, end), args["format"], f"{name}-{start}-{end}", start=start, end=end,
                   date_filter="range")


@bp.get("/reports/sales-by-product")
@roles_required(*READERS)
def sales_by_product():
    return _range_report(reports.sales_by_product_table, "sales-by-product")


@bp.get("/reports/sales-by-day")
@roles_required(*READERS)
def sales_by_day():
    return _range_report(reports.sales_by_day_table, "sales-by-day")


@bp.get("/reports/gross-margin")
@roles_required(*READERS)
def gross_margin():
    return _range_report(reports.gross_margin_table, "gross-margin")


@bp.get("/reports/purchases-by-supplier")
@roles_required(*READERS)
def purchases_by_supplier():
    return _range_report(reports.purchases_by_supplier_table, "purchases-by-supplier")
