"""The store's reports, each a tabular.Table (page, CSV, PDF, JSON), and the dashboard figures."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from ..extensions import db
from ..ledger import services as ledger
from ..money import pesos_text
from ..reports.tabular import Column, Table
from .models import Product, Purchase, Sale, SaleLine, SaleReturn, SaleReturnLine, StockMovement, Supplier, SupplierPayment
from .quantity import SCALE, quantity_text, round_div
from .services import INVENTORY, PAYABLE, average_cost_milli, get_product


def cost_text(milli: int | None) -> str:
    """A unit cost kept in thousandths of a centavo, shown with four decimals of a peso: 49.9090."""
    if milli is None:
        return ""
    return f"{milli / (100 * SCALE):,.4f}"


@dataclass(frozen=True)
class StockRow:
    product: Product
    quantity: int
    value: int


def stock_on_hand(org_id: int, as_of: date | None = None) -> list[StockRow]:
    """Every product's quantity and value: now from the product rows; at a past date, the rows less what moved after.

    Like the ledger's "as of" balances, only the stock-card lines dated after the date are read.
    """
    products = list(db.session.scalars(select(Product).where(Product.org_id == org_id).order_by(Product.category,
                                                                                                  Product.name)))
    if as_of is None:
        return [StockRow(p, p.qty_on_hand, p.stock_value) for p in products]
    later = {pid: (int(q), int(v)) for pid, q, v in db.session.execute(
        select(StockMovement.product_id, func.sum(StockMovement.qty_change), func.sum(StockMovement.value_change))
        .where(StockMovement.org_id == org_id, StockMovement.moved_on > as_of).group_by(StockMovement.product_id))}
    return [StockRow(p, p.qty_on_hand - later.get(p.id, (0, 0))[0], p.stock_value - later.get(p.id, (0, 0))[1])
            for p in products]


def inventory_account_balance(org_id: int, as_of: date | None = None) -> int:
    account = ledger.get_account(org_id, INVENTORY)
    if as_of is None:
        return ledger.balance(org_id, INVENTORY).debit_balance
    found = ledger.balances_as_of(org_id, as_of).get(account.id)
    return found.debit_balance if found else 0


def stock_table(org_id: int, as_of: date | None) -> Table:
    rows = [r for r in stock_on_hand(org_id, as_of) if r.quantity or r.value or r.product.active]
    total = sum(r.value for r in rows)
    book = inventory_account_balance(org_id, as_of)
    agreement = (_("It agrees with the Merchandise Inventory account in the ledger.") if book == total
                 else _("The Merchandise Inventory account in the ledger differs by %(diff)s.",
                        diff=pesos_text(book - total)))
    return Table(
        _("Stock on hand"), _("As of %(date)s", date=as_of.isoformat()) if as_of else _("Now"),
        (Column("code", _("Code")), Column("name", _("Product")), Column("category", _("Category")),
         Column("quantity", _("On hand"), "number"), Column("unit", _("Unit")),
         Column("average_cost", _("Average cost"), "number"), Column("value", _("Value"), "money")),
        tuple((r.product.code, r.product.name, r.product.category, quantity_text(r.quantity), r.product.unit,
               cost_text(round_div(r.value * SCALE * SCALE, r.quantity) if r.quantity else None), r.value)
              for r in rows),
        ("", _("Total"), "", "", "", "", total), notes=(agreement,))


def stock_card_table(org_id: int, product_id: int, start: date, end: date) -> Table:
    product = get_product(org_id, product_id)
    moves = db.session.scalars(select(StockMovement).where(
        StockMovement.product_id == product.id, StockMovement.moved_on >= start, StockMovement.moved_on <= end)
        .order_by(StockMovement.id))
    kinds = {"purchase": _("Received"), "sale": _("Sold"), "return": _("Returned"), "adjustment": _("Adjusted")}
    return Table(
        _("Stock card: %(code)s %(name)s (%(unit)s)", code=product.code, name=product.name, unit=product.unit),
        _("%(start)s to %(end)s", start=start.isoformat(), end=end.isoformat()),
        (Column("date", _("Date"), "date"), Column("kind", _("Movement")), Column("memo", _("Details")),
         Column("qty_before", _("Qty before"), "number"), Column("qty_change", _("In/out"), "number"),
         Column("qty_after", _("Qty after"), "number"), Column("value_before", _("Cost before"), "money"),
         Column("value_change", _("Cost in/out"), "money"), Column("value_after", _("Cost after"), "money"),
         Column("entry", _("Entry"), "number")),
        tuple((m.moved_on, kinds.get(m.kind, m.kind), m.memo or "", quantity_text(m.qty_before),
               quantity_text(m.qty_change), quantity_text(m.qty_after), m.value_before, m.value_change, m.value_after,
               m.entry_id) for m in moves),
        notes=(_("Average cost now: %(cost)s per %(unit)s.", cost=cost_text(average_cost_milli(product)) or "-",
                 unit=product.unit),))


def low_stock(org_id: int) -> list[Product]:
    return list(db.session.scalars(select(Product).where(
        Product.org_id == org_id, Product.active.is_(True), Product.qty_on_hand <= Product.reorder_level)
        .order_by(Product.category, Product.name)))


def low_stock_table(org_id: int) -> Table:
    return Table(
        _("Low stock"), _("Active products at or under their reorder level"),
        (Column("code", _("Code")), Column("name", _("Product")), Column("category", _("Category")),
         Column("quantity", _("On hand"), "number"), Column("reorder_level", _("Reorder level"), "number"),
         Column("unit", _("Unit"))),
        tuple((p.code, p.name, p.category, quantity_text(p.qty_on_hand), quantity_text(p.reorder_level), p.unit)
              for p in low_stock(org_id)))


def _product_sales(org_id: int, start: date, end: date) -> dict[int, list[int]]:
    """Per product: [quantity sold, sales, cost, quantity returned, returns, cost returned] in the period."""
    out: dict[int, list[int]] = {}
    for pid, qty, amount, cost in db.session.execute(
            select(SaleLine.product_id, func.sum(SaleLine.quantity), func.sum(SaleLine.amount), func.sum(SaleLine.cost))
            .join(Sale, Sale.id == SaleLine.sale_id)
            .where(Sale.org_id == org_id, Sale.sold_on >= start, Sale.sold_on <= end, SaleLine.product_id.is_not(None))
            .group_by(SaleLine.product_id)):
        out[pid] = [int(qty), int(amount), int(cost), 0, 0, 0]
    for pid, qty, amount, cost in db.session.execute(
            select(SaleLine.product_id, func.sum(SaleReturnLine.quantity), func.sum(SaleReturnLine.amount),
                   func.sum(SaleReturnLine.cost))
            .join(SaleLine, SaleLine.id == SaleReturnLine.sale_line_id)
            .join(SaleReturn, SaleReturn.id == SaleReturnLine.return_id)
            .where(SaleReturn.org_id == org_id, SaleReturn.returned_on >= start, SaleReturn.returned_on <= end)
            .group_by(SaleLine.product_id)):
        out.setdefault(pid, [0, 0, 0, 0, 0, 0])[3:] = [int(qty), int(amount), int(cost)]
    return out


def _margin_pct(net: int, margin: int) -> str:
    return f"{margin * 100 / net:.1f}%" if net else ""


def sales_by_product_table(org_id: int, start: date, end: date) -> Table:
    figures = _product_sales(org_id, start, end)
    products = {p.id: p for p in db.session.scalars(select(Product).where(Product.id.in_(list(figures))))}
    rows, totals = [], [0, 0, 0]
    for pid in sorted(figures, key=lambda i: (products[i].category, products[i].name)):
        qty, amount, cost, rqty, ramount, rcost = figures[pid]
        net, net_cost = amount - ramount, cost - rcost
        p = products[pid]
        rows.append((p.code, p.name, p.category, quantity_text(qty - rqty), p.unit, net, net_cost, net - net_cost,
                     _margin_pct(net, net - net_cost)))
        totals = [totals[0] + net, totals[1] + net_cost, totals[2] + net - net_cost]
    return Table(
        _("Sales by product"), _("%(start)s to %(end)s, net of returns", start=start.isoformat(), end=end.isoformat()),
        (Column("code", _("Code")), Column("name", _("Product")), Column("category", _("Category")),
         Column("quantity", _("Quantity"), "number"), Column("unit", _("Unit")), Column("sales", _("Net sales"), "money"),
         Column("cost", _("Cost of sales"), "money"), Column("margin", _("Gross margin"), "money"),
         Column("margin_pct", _("Margin %"), "number")),
        tuple(rows), ("", _("Total"), "", "", "", totals[0], totals[1], totals[2], _margin_pct(totals[0], totals[2])))


def gross_margin_table(org_id: int, start: date, end: date) -> Table:
    figures = _product_sales(org_id, start, end)
    category_of = dict(db.session.execute(select(Product.id, Product.category).where(Product.id.in_(list(figures)))).all())
    by_category: dict[str, list[int]] = {}
    for pid, (qty, amount, cost, rqty, ramount, rcost) in figures.items():
        sums = by_category.setdefault(category_of[pid], [0, 0, 0, 0])
        sums[0] += amount
        sums[1] += ramount
        sums[2] += cost - rcost
    rows = []
    total = [0, 0, 0]
    for category in sorted(by_category):
        sales, returns, cost, _unused = by_category[category]
        net = sales - returns
        rows.append((category, sales, returns, net, cost, net - cost, _margin_pct(net, net - cost)))
        total = [total[0] + sales, total[1] + returns, total[2] + cost]
    net = total[0] - total[1]
    return Table(
        _("Gross margin"), _("%(start)s to %(end)s", start=start.isoformat(), end=end.isoformat()),
        (Column("category", _("Category")), Column("sales", _("Sales"), "money"),
         Column("returns", _("Returns"), "money"), Column("net_sales", _("Net sales"), "money"),
         Column("cost", _("Cost of sales"), "money"), Column("margin", _("Gross margin"), "money"),
         Column("margin_pct", _("Margin %"), "number")),
        tuple(rows), (_("Total"), total[0], total[1], net, total[2], net - total[2], _margin_pct(net, net - total[2])),
        notes=(_("The store's own goods; consigned goods earn a commission and are reported under consignment."),))


def sales_by_day_table(org_id: int, start: date, end: date) -> Table:
    sold = db.session.execute(
        select(Sale.sold_on, func.count(Sale.id),
               func.sum(case((Sale.payment == "cash", Sale.total), else_=0)),
               func.sum(case((Sale.payment == "credit", Sale.total), else_=0)), func.sum(Sale.cost))
        .where(Sale.org_id == org_id, Sale.sold_on >= start, Sale.sold_on <= end)
        .group_by(Sale.sold_on)).all()
    returned = dict(db.session.execute(
        select(SaleReturn.returned_on, func.sum(SaleReturn.amount))
        .where(SaleReturn.org_id == org_id, SaleReturn.returned_on >= start, SaleReturn.returned_on <= end)
        .group_by(SaleReturn.returned_on)).all())
    days = sorted({row[0] for row in sold} | set(returned))
    by_day = {row[0]: row for row in sold}
    rows, total = [], [0, 0, 0, 0, 0]
    for day in days:
        _day, count, cash, credit, _cost = by_day.get(day, (day, 0, 0, 0, 0))
        back = int(returned.get(day, 0))
        figures = [int(count), int(cash), int(credit), back, int(cash) + int(credit) - back]
        rows.append((day.isoformat(), *figures))
        total = [a + b for a, b in zip(total, figures)]
    return Table(
        _("Sales by day"), _("%(start)s to %(end)s", start=start.isoformat(), end=end.isoformat()),
        (Column("date", _("Date")), Column("sales", _("Sales"), "number"), Column("cash", _("Cash"), "money"),
         Column("credit", _("On credit"), "money"), Column("returns", _("Returns"), "money"),
         Column("net", _("Net"), "money")),
        tuple(rows), (_("Total"), *total))


def purchases_by_supplier_table(org_id: int, start: date, end: date) -> Table:
    bought = {sid: (int(n), int(cash), int(account)) for sid, n, cash, account in db.session.execute(
        select(Purchase.supplier_id, func.count(Purchase.id),
               func.sum(case((Purchase.payment == "cash", Purchase.total), else_=0)),
               func.sum(case((Purchase.payment == "account", Purchase.total), else_=0)))
        .where(Purchase.org_id == org_id, Purchase.received_on >= start, Purchase.received_on <= end)
        .group_by(Purchase.supplier_id))}
    paid = dict(db.session.execute(
        select(SupplierPayment.supplier_id, func.sum(SupplierPayment.amount))
        .where(SupplierPayment.org_id == org_id, SupplierPayment.paid_on >= start, SupplierPayment.paid_on <= end)
        .group_by(SupplierPayment.supplier_id)).all())
    owed = {party: found.credit_balance for party, found in ledger.parties_balances(org_id, PAYABLE).items()}
    rows, total = [], [0, 0, 0, 0, 0, 0]
    for supplier in db.session.scalars(select(Supplier).where(Supplier.org_id == org_id).order_by(Supplier.name)):
        count, cash, account = bought.get(supplier.id, (0, 0, 0))
        figures = [count, cash, account, cash + account, int(paid.get(supplier.id, 0)), owed.get(supplier.party_id, 0)]
        if any(figures):
            rows.append((supplier.name, *figures))
            total = [a + b for a, b in zip(total, figures)]
    return Table(
        _("Purchases by supplier"), _("%(start)s to %(end)s", start=start.isoformat(), end=end.isoformat()),
        (Column("supplier", _("Supplier")), Column("purchases", _("Deliveries"), "number"),
         Column("cash", _("Paid in cash"), "money"), Column("on_account", _("On account"), "money"),
         Column("total", _("Total bought"), "money"), Column("paid", _("Paid to supplier"), "money"),
         Column("owed", _("Owed now"), "money")),
        tuple(rows), (_("Total"), *total))


@dataclass(frozen=True)
class StoreToday:
    sales_total: int
    sales_count: int
    stock_value: int
    under_reorder: int


def today_figures(org_id: int, on: date) -> StoreToday:
    count, total = db.session.execute(select(func.count(Sale.id), func.coalesce(func.sum(Sale.total), 0))
                                      .where(Sale.org_id == org_id, Sale.sold_on == on)).one()
    under = db.session.scalar(select(func.count(Product.id)).where(
        Product.org_id == org_id, Product.active.is_(True), Product.qty_on_hand <= Product.reorder_level))
    return StoreToday(int(total), int(count), ledger.balance(org_id, INVENTORY).debit_balance, int(under))
