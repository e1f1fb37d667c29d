"""The store's verbs: catalogue, purchases, stock, sales, returns. Plain values in, records out.

Cost is the moving weighted average: a product keeps its quantity and its value on hand (the
value is its exact share of the merchandise inventory account), so the average is value/quantity
at full precision and only the cost of each issue is rounded to the centavo. Issuing the last
unit takes the whole remaining value, so no centavo is ever stranded on an empty shelf.
Every change to stock locks the product rows (in id order, so two sales never deadlock), posts
one ledger entry and writes the stock card in the same transaction.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from ..audit import services as audit
from ..errors import Invalid, NotFound
from ..extensions import db
from ..ledger import services as ledger
from ..ledger.records import Entry, Line
from ..members import services as members
from ..receipts import services as receipts
from . import pos
from .models import (
    ADJUSTMENT_KINDS,
    PAYMENT_METHODS,
    SALE_PAYMENTS,
    Product,
    Purchase,
    PurchaseLine,
    Sale,
    SaleLine,
    SaleReturn,
    SaleReturnLine,
    StockAdjustment,
    StockMovement,
    Supplier,
    SupplierPayment,
)
from .quantity import SCALE, line_amount, quantity_text, round_div

INVENTORY, COST_OF_SALES, SALES, SALES_RETURNS = "merchandise_inventory", "cost_of_sales", "sales", "sales_returns"
PAYABLE = "accounts_payable_trade"
PAY_FROM = ("cash_on_hand", "cash_in_bank")

# ---------------------------------------------------------------- suppliers


def _replay(model, org_id: int, key: str | None):
    if not key:
        return None
    return db.session.scalar(select(model).where(model.org_id == org_id, model.idempotency_key == key))


def create_supplier(org_id: int, *, name: str, actor_id: int | None, **details) -> Supplier:
    name = (name or "").strip()
    if not name:
        raise Invalid("Give the supplier's name.", field="name")
    if db.session.scalar(select(Supplier.id).where(Supplier.org_id == org_id, func.lower(Supplier.name) == name.lower())):
        raise Invalid(f"A supplier named {name} already exists.", field="name")
    supplier = Supplier(org_id=org_id, name=name, **details)
    db.session.add(supplier)
    db.session.flush()
    supplier.party_id = ledger.ensure_party(org_id, "supplier", supplier.id, supplier.label)
    audit.record("store.supplier.add", org_id=org_id, user_id=actor_id, target_type="store_supplier",
                 target_id=supplier.id)
    return supplier


def update_supplier(org_id: int, supplier_id: int, *, actor_id: int | None, **changes) -> Supplier:
    supplier = get_supplier(org_id, supplier_id)
    if "name" in changes:
        name = (changes.pop("name") or "").strip()
        clash = db.session.scalar(select(Supplier.id).where(Supplier.org_id == org_id, Supplier.id != supplier.id,
                                                            func.lower(Supplier.name) == name.lower()))
        if not name or clash:
            raise Invalid("Give the supplier a name no other supplier has.", field="name")
        supplier.name = name
    for key, value in changes.items():
        setattr(supplier, key, value)
    db.session.flush()
    audit.record("store.supplier.update", org_id=org_id, user_id=actor_id, target_type="store_supplier",
                 target_id=supplier.id)
    return supplier


def get_supplier(org_id: int, supplier_id: int, *, lock: bool = False) -> Supplier:
    query = select(Supplier).where(Supplier.id == supplier_id, Supplier.org_id == org_id)
    supplier = db.session.scalar(query.with_for_update() if lock else query)
    if supplier is None:
        raise NotFound("No such supplier.", field="supplier_id")
    return supplier


def list_suppliers(org_id: int, active_only: bool = False) -> list[Supplier]:
    query = select(Supplier).where(Supplier.org_id == org_id)
    if active_only:
        query = query.where(Supplier.active.is_(True))
    return list(db.session.scalars(query.order_by(Supplier.name)))


def amount_owed(org_id: int, supplier: Supplier) -> int:
    """What the cooperative owes the supplier now: one balance row in the ledger."""
    return ledger.party_balance(org_id, PAYABLE, supplier.party_id).credit_balance if supplier.party_id else 0


# ---------------------------------------------------------------- products


def create_product(org_id: int, *, actor_id: int | None, **data) -> Product:
    _check_product_fields(org_id, None, data)
    product = Product(org_id=org_id, **data)
    db.session.add(product)
    db.session.flush()
    audit.record("store.product.add", org_id=org_id, user_id=actor_id, target_type="store_product", target_id=product.id)
    return product


def update_product(org_id: int, product_id: int, *, actor_id: int | None, **changes) -> Product:
    product = get_product(org_id, product_id)
    _check_product_fields(org_id, product.id, changes)
    for key, value in changes.items():
        setattr(product, key, value)
    db.session.flush()
    audit.record("store.product.update", org_id=org_id, user_id=actor_id, target_type="store_product",
                 target_id=product.id, details={k: v for k, v in changes.items() if k in ("sale_price", "active")})
    return product


def _check_product_fields(org_id: int, product_id: int | None, data: dict) -> None:
    others = [Product.org_id == org_id] + ([Product.id != product_id] if product_id else [])
    if data.get("code") and db.session.scalar(select(Product.id).where(*others, Product.code == data["code"])):
        raise Invalid(f"Code {data['code']} is already used by another product.", field="code")
    if data.get("barcode") and db.session.scalar(select(Product.id).where(*others, Product.barcode == data["barcode"])):
        raise Invalid(f"Barcode {data['barcode']} is already on another product.", field="barcode")
    if "sale_price" in data and (data["sale_price"] is None or data["sale_price"] <= 0):
        raise Invalid("The sale price must be more than zero.", field="sale_price")
    if data.get("purchase_unit") and data.get("units_per_purchase", 1) <= 0:
        raise Invalid("Say how many units of sale are in one purchase unit.", field="units_per_purchase")


def get_product(org_id: int, product_id: int) -> Product:
    product = db.session.get(Product, product_id)
    if product is None or product.org_id != org_id:
        raise NotFound("No such product.", field="product_id")
    return product


def list_products(org_id: int, *, text: str | None = None, active_only: bool = False, category: str | None = None,
                  limit: int | None = None) -> list[Product]:
    query = select(Product).where(Product.org_id == org_id)
    if active_only:
        query = query.where(Product.active.is_(True))
    if category:
        query = query.where(Product.category == category)
    if text:
        like = f"%{text.strip().lower()}%"
        query = query.where(or_(func.lower(Product.name).like(like), func.lower(Product.code).like(like),
                                Product.barcode == text.strip()))
    query = query.order_by(Product.name)
    return list(db.session.scalars(query.limit(limit) if limit else query))


def categories(org_id: int) -> list[str]:
    return list(db.session.scalars(select(Product.category).where(Product.org_id == org_id).distinct()
                                   .order_by(Product.category)))


def _lock_products(org_id: int, product_ids) -> dict[int, Product]:
    """Lock the rows in id order (no deadlock between two sales of the same goods) and re-read them."""
    ids = sorted(set(product_ids))
    rows = db.session.scalars(select(Product).where(Product.org_id == org_id, Product.id.in_(ids))
                              .order_by(Product.id).with_for_update().execution_options(populate_existing=True))
    found = {p.id: p for p in rows}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"No product {missing[0]} in this store.", field="product_id")
    return found


def average_cost_milli(product: Product) -> int | None:
    """The weighted average in thousandths of a centavo per unit (for display; costing uses value/qty exactly)."""
    if product.qty_on_hand > 0:
        return round_div(product.stock_value * SCALE * SCALE, product.qty_on_hand)
    return product.last_unit_cost_milli


def issue_cost(on_hand: int, value: int, quantity: int) -> int:
    """The cost of taking `quantity` off a shelf holding `on_hand` worth `value`: the moving average, rounded."""
    if quantity == on_hand:
        return value
    return round_div(value * quantity, on_hand)


def _move(product: Product, *, on: date, kind: str, qty: int, value: int, source_id: int | None,
          entry_id: int | None, memo: str, actor_id: int | None) -> StockMovement:
    """Change the product's stock (the row is locked by the caller) and write its stock-card line."""
    qty_after, value_after = product.qty_on_hand + qty, product.stock_value + value
    if qty_after < 0 or value_after < 0:
        raise Invalid(f"Only {quantity_text(product.qty_on_hand)} {product.unit} of {product.name} on hand.",
                      field="quantity", available=quantity_text(product.qty_on_hand))
    movement = StockMovement(org_id=product.org_id, product_id=product.id, moved_on=on, kind=kind, qty_change=qty,
                             value_change=value, qty_before=product.qty_on_hand, value_before=product.stock_value,
                             qty_after=qty_after, value_after=value_after, source_id=source_id, entry_id=entry_id,
                             memo=memo[:200], created_by=actor_id)
    product.qty_on_hand, product.stock_value = qty_after, value_after
    db.session.add(movement)
    return movement


# ---------------------------------------------------------------- purchases and suppliers' payments


@dataclass(frozen=True)
class PurchaseItem:
    product_id: int
    quantity: int  # thousandths of the unit it is bought in
    unit_cost: int  # centavos per that unit
    in_purchase_units: bool = False


def record_purchase(org_id: int, *, supplier_id: int, received_on: date, payment: str, items: list[PurchaseItem],
                    actor_id: int | None, reference: str | None = None,
                    idempotency_key: str | None = None) -> Purchase:
    """Receive goods: stock up at cost, Dr inventory against cash or the supplier's payable."""
    replay = _replay(Purchase, org_id, idempotency_key)
    if replay is not None:
        return replay
    supplier = get_supplier(org_id, supplier_id)
    if not supplier.active:
        raise Invalid(f"{supplier.name} is marked inactive.", field="supplier_id")
    if payment not in PAYMENT_METHODS:
        raise Invalid("Paid in cash or on account.", field="payment")
    if not items:
        raise Invalid("Add at least one line.", field="items")
    products = _lock_products(org_id, [item.product_id for item in items])
    lines = []
    for n, item in enumerate(items, start=1):
        product = products[item.product_id]
        if item.quantity <= 0:
            raise Invalid(f"Line {n}: the quantity must be more than zero.", field="quantity")
        if item.unit_cost <= 0:
            raise Invalid(f"Line {n}: the unit cost must be more than zero.", field="unit_cost")
        if not product.active:
            raise Invalid(f"Line {n}: {product.name} is inactive.", field="product_id")
        bulk = item.in_purchase_units and product.purchase_unit
        stock_qty = round_div(item.quantity * product.units_per_purchase, SCALE) if bulk else item.quantity
        lines.append((product, item, bool(bulk), stock_qty, line_amount(item.quantity, item.unit_cost)))
    total = sum(amount for *_, amount in lines)
    purchase = Purchase(org_id=org_id, supplier_id=supplier.id, received_on=received_on, payment=payment,
                        reference=(reference or "").strip() or None, total=total, idempotency_key=idempotency_key,
                        created_by=actor_id)
    db.session.add(purchase)
    db.session.flush()
    memo = f"Purchase P-{purchase.id:05d} from {supplier.label}" + (f", invoice {purchase.reference}" if purchase.reference else "")
    credit = (Line("cash_on_hand", credit=total) if payment == "cash"
              else Line(PAYABLE, credit=total, party_id=supplier.party_id))
    entry = ledger.post(Entry(org_id, received_on, memo, (Line(INVENTORY, debit=total), credit),
                              source="inventory.purchase", source_id=str(purchase.id),
                              idempotency_key=idempotency_key), actor_id)
    purchase.entry_id = entry.id
    for product, item, bulk, stock_qty, amount in lines:
        db.session.add(PurchaseLine(org_id=org_id, purchase_id=purchase.id, product_id=product.id,
                                    quantity=item.quantity, in_purchase_units=bulk, unit_cost=item.unit_cost,
                                    stock_qty=stock_qty, amount=amount))
        product.last_unit_cost_milli = round_div(amount * SCALE * SCALE, stock_qty)
        _move(product, on=received_on, kind="purchase", qty=stock_qty, value=amount, source_id=purchase.id,
              entry_id=entry.id, memo=memo, actor_id=actor_id)
    db.session.flush()
    return purchase


def get_purchase(org_id: int, purchase_id: int) -> Purchase:
    purchase = db.session.get(Purchase, purchase_id)
    if purchase is None or purchase.org_id != org_id:
        raise NotFound("No such purchase.")
    return purchase


def purchase_lines(purchase: Purchase) -> list[tuple[PurchaseLine, Product]]:
    return list(db.session.execute(select(PurchaseLine, Product).join(Product, Product.id == PurchaseLine.product_id)
                                   .where(PurchaseLine.purchase_id == purchase.id).order_by(PurchaseLine.id)))


def list_purchases(org_id: int, *, supplier_id: int | None = None, limit: int = 100) -> list[Purchase]:
    query = select(Purchase).where(Purchase.org_id == org_id)
    if supplier_id:
        query = query.where(Purchase.supplier_id == supplier_id)
    return list(db.session.scalars(query.order_by(Purchase.received_on.desc(), Purchase.id.desc()).limit(limit)))


def pay_supplier(org_id: int, *, supplier_id: int, amount: int, paid_on: date, paid_from: str, actor_id: int | None,
                 reference: str | None = None, idempotency_key: str | None = None) -> SupplierPayment:
    """Pay what was bought on account; never more than is owed."""
    replay = _replay(SupplierPayment, org_id, idempotency_key)
    if replay is not None:
        return replay
    if paid_from not in PAY_FROM:
        raise Invalid("Paid from cash on hand or the bank.", field="paid_from")
    if not isinstance(amount, int) or amount <= 0:
        raise Invalid("The amount must be more than zero.", field="amount")
    supplier = get_supplier(org_id, supplier_id, lock=True)  # two payments at once cannot both pass the check
    owed = amount_owed(org_id, supplier)
    if amount > owed:
        raise Invalid(f"{supplier.name} is owed {owed / 100:,.2f} only.", field="amount", owed_centavos=owed)
    payment = SupplierPayment(org_id=org_id, supplier_id=supplier.id, paid_on=paid_on, amount=amount,
                              paid_from=paid_from, reference=(reference or "").strip() or None,
                              idempotency_key=idempotency_key, created_by=actor_id)
    db.session.add(payment)
    db.session.flush()
    entry = ledger.post(Entry(org_id, paid_on, f"Payment to supplier {supplier.label}",
                              (Line(PAYABLE, debit=amount, party_id=supplier.party_id), Line(paid_from, credit=amount)),
                              source="inventory.supplier_payment", source_id=str(payment.id),
                              idempotency_key=idempotency_key), actor_id)
    payment.entry_id = entry.id
    db.session.flush()
    return payment


def supplier_payments(org_id: int, supplier_id: int) -> list[SupplierPayment]:
    return list(db.session.scalars(select(SupplierPayment).where(
        SupplierPayment.org_id == org_id, SupplierPayment.supplier_id == supplier_id)
        .order_by(SupplierPayment.paid_on.desc(), SupplierPayment.id.desc())))


# ---------------------------------------------------------------- stock adjustments


def adjust_stock(org_id: int, *, product_id: int, kind: str, quantity: int, on: date, reason: str,
                 actor_id: int | None, idempotency_key: str | None = None) -> StockAdjustment:
    """A count (quantity = what is on the shelf) or a loss (quantity lost to spoilage, damage...).

    A shortfall is a loss at the average cost (Dr inventory losses); a surplus a gain (Cr inventory gains).
    """
    replay = _replay(StockAdjustment, org_id, idempotency_key)
    if replay is not None:
        return replay
    if kind not in ADJUSTMENT_KINDS:
        raise Invalid(f"The kind is one of {', '.join(ADJUSTMENT_KINDS)}.", field="kind")
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise Invalid("Give the reason for the adjustment.", field="reason")
    if quantity < 0 or (quantity == 0 and kind != "count"):
        raise Invalid("The quantity must be more than zero.", field="quantity")
    product = _lock_products(org_id, [product_id])[product_id]
    change = quantity - product.qty_on_hand if kind == "count" else -quantity
    if change == 0:
        raise Invalid(f"The count matches the {quantity_text(product.qty_on_hand)} {product.unit} on record; "
                      "nothing to adjust.", field="quantity")
    if change < 0:
        if -change > product.qty_on_hand:
            raise Invalid(f"Only {quantity_text(product.qty_on_hand)} {product.unit} of {product.name} on hand.",
                          field="quantity", available=quantity_text(product.qty_on_hand))
        value = -issue_cost(product.qty_on_hand, product.stock_value, -change)
    else:
        unit_cost = average_cost_milli(product)
        if unit_cost is None:
            raise Invalid(f"No cost is known for {product.name}: receive it as a purchase instead.", field="quantity")
        value = round_div(change * unit_cost, SCALE * SCALE)
    adjustment = StockAdjustment(org_id=org_id, product_id=product.id, adjusted_on=on, kind=kind,
                                 counted_qty=quantity if kind == "count" else None, qty_change=change,
                                 value_change=value, reason=reason, idempotency_key=idempotency_key,
                                 created_by=actor_id)
    db.session.add(adjustment)
    db.session.flush()
    memo = f"Stock {kind} of {product.code}: {reason}"[:300]
    entry_id = None
    if value:
        lines = ((Line("inventory_losses", debit=-value), Line(INVENTORY, credit=-value)) if value < 0
                 else (Line(INVENTORY, debit=value), Line("inventory_gains", credit=value)))
        entry_id = ledger.post(Entry(org_id, on, memo, lines, source="inventory.adjustment",
                                     source_id=str(adjustment.id), idempotency_key=idempotency_key), actor_id).id
    adjustment.entry_id = entry_id
    _move(product, on=on, kind="adjustment", qty=change, value=value, source_id=adjustment.id, entry_id=entry_id,
          memo=memo, actor_id=actor_id)
    db.session.flush()
    return adjustment


def list_adjustments(org_id: int, limit: int = 100) -> list[tuple[StockAdjustment, Product]]:
    return list(db.session.execute(
        select(StockAdjustment, Product).join(Product, Product.id == StockAdjustment.product_id)
        .where(StockAdjustment.org_id == org_id)
        .order_by(StockAdjustment.adjusted_on.desc(), StockAdjustment.id.desc()).limit(limit)))


# ---------------------------------------------------------------- point of sale


def product_ref(product_id: int) -> str:
    return f"{pos.STORE_PREFIX}:{product_id}"


def pos_item(product: Product) -> pos.PosItem:
    return pos.PosItem(ref=product_ref(product.id), code=product.code, name=product.name, unit=product.unit,
                       price=product.sale_price, available=product.qty_on_hand, barcode=product.barcode)


def search_items(org_id: int, text: str, limit: int = 20) -> list[pos.PosItem]:
    """What the point of sale finds for a search or a scanned barcode: the store's goods, then other sources'."""
    text = (text or "").strip()
    if not text:
        return []
    found = [pos_item(p) for p in list_products(org_id, text=text, active_only=True, limit=limit)]
    return found + pos.search_other_sources(org_id, text, limit - len(found)) if len(found) < limit else found


def find_item(org_id: int, ref: str) -> pos.PosItem:
    prefix, rest = pos.split_ref(ref)
    if prefix == pos.STORE_PREFIX:
        if not rest.isdigit():
            raise NotFound(f"Unknown item {ref}.", field="item")
        return pos_item(get_product(org_id, int(rest)))
    return pos.source_for(ref).item(org_id, ref)


@dataclass(frozen=True)
class SaleItem:
    ref: str  # "p:<product id>" or another POS source's ref
    quantity: int  # thousandths
    unit_price: int | None = None  # centavos; the catalogue price when None


def record_sale(org_id: int, *, items: list[SaleItem], on: date, payment: str, actor_id: int | None,
                member_id: int | None = None, tendered: int | None = None,
                idempotency_key: str | None = None) -> Sale:
    """Ring up a sale: cash (official receipt) or the member's 15-day commodity credit (loans domain).

    One entry: Dr cash (or the commodity loan receivable), Cr sales, Dr cost of sales, Cr inventory,
    plus the lines of any consigned items. Refused whole, nothing written, on any bad line.
    """
    replay = _replay(Sale, org_id, idempotency_key)
    if replay is not None:
        return replay
    if payment not in SALE_PAYMENTS:
        raise Invalid("Paid in cash or on credit.", field="payment")
    if payment == "credit" and member_id is None:
        raise Invalid("A sale on credit is to a member: give her member number.", field="member")
    member = members.get_member(org_id, member_id) if member_id is not None else None
    if not items:
        raise Invalid("Add at least one item.", field="items")
    for n, item in enumerate(items, start=1):
        if item.quantity <= 0:
            raise Invalid(f"Line {n}: the quantity must be more than zero.", field="quantity")
        if item.unit_price is not None and item.unit_price <= 0:
            raise Invalid(f"Line {n}: the price must be more than zero.", field="unit_price")
    store_ids = {}
    for item in items:
        prefix, rest = pos.split_ref(item.ref)
        if prefix == pos.STORE_PREFIX:
            if not rest.isdigit():
                raise NotFound(f"Unknown item {item.ref}.", field="item")
            store_ids[item.ref] = int(rest)
    products = _lock_products(org_id, store_ids.values()) if store_ids else {}
    shelf = {p.id: (p.qty_on_hand, p.stock_value) for p in products.values()}
    planned = []  # (item, product or None, description, unit, price, amount, cost, consigned lines)
    for n, item in enumerate(items, start=1):
        product = products.get(store_ids.get(item.ref))
        if product is not None:
            if not product.active:
                raise Invalid(f"{product.name} is no longer sold (inactive).", field="item")
            price = item.unit_price if item.unit_price is not None else product.sale_price
            if price <= 0:
                raise Invalid(f"{product.name} has no sale price.", field="unit_price")
            on_hand, value = shelf[product.id]
            if item.quantity > on_hand:
                raise Invalid(f"Only {quantity_text(product.qty_on_hand)} {product.unit} of {product.name} on hand.",
                              field="quantity", available=quantity_text(product.qty_on_hand))
            # two lines of one product are costed one after the other, as two movements on its card
            cost = issue_cost(on_hand, value, item.quantity)
            shelf[product.id] = (on_hand - item.quantity, value - cost)
            planned.append((item, product, product.name, product.unit, price, line_amount(item.quantity, price),
                            cost, ()))
        else:
            source = pos.source_for(item.ref)
            found = source.item(org_id, item.ref)
            price = item.unit_price if item.unit_price is not None else found.price
            amount = line_amount(item.quantity, price)
            if amount <= 0:
                raise Invalid(f"Line {n}: the price must be more than zero.", field="unit_price")
            lines = tuple(source.lines_for_sale(org_id, item.ref, item.quantity, amount, on))
            if sum(x.credit for x in lines) - sum(x.debit for x in lines) != amount:
                raise Invalid(f"Line {n}: {found.name} could not be priced consistently.", field="item")
            planned.append((item, None, found.name, found.unit, price, amount, 0, lines))
    total = sum(p[5] for p in planned)
    if total <= 0:
        raise Invalid("The sale comes to zero.", field="items")
    if payment == "cash" and tendered is not None and tendered < total:
        raise Invalid(f"The cash tendered is less than the total of {total / 100:,.2f}.", field="tendered")

    sale = Sale(org_id=org_id, sold_on=on, payment=payment, member_id=member.id if member else None,
                party_id=members.member_party(member) if member else None, total=total, cost=0,
                tendered=tendered if payment == "cash" else None, idempotency_key=idempotency_key,
                created_by=actor_id)
    db.session.add(sale)
    db.session.flush()
    sale_lines = [SaleLine(org_id=org_id, sale_id=sale.id, item_ref=item.ref, product_id=product.id if product else None,
                           description=description[:200], unit=unit, quantity=item.quantity, unit_price=price,
                           amount=amount, cost=cost)
                  for item, product, description, unit, price, amount, cost, _ in planned]
    revenue = sum(line.amount for line in sale_lines if line.product_id is not None)
    cost = sum(line.cost for line in sale_lines)
    goods_lines = [line for *_, consigned in planned for line in consigned]
    memo = f"Store sale {sale.display_number}" + (f" to {member.label}" if member else "")
    if revenue:
        goods_lines.insert(0, Line(SALES, credit=revenue))
    if cost:
        goods_lines += [Line(COST_OF_SALES, debit=cost), Line(INVENTORY, credit=cost)]
    if payment == "cash":
        entry = ledger.post(Entry(org_id, on, memo, (Line("cash_on_hand", debit=total), *goods_lines),
                                  source="inventory.sale", source_id=str(sale.id), idempotency_key=idempotency_key),
                            actor_id)
        sale.entry_id = entry.id
        sale.receipt_id = receipts.issue(
            org_id, kind="sale", party_id=sale.party_id, amount=total, on=on, source="inventory.sale",
            source_id=sale.id, description=f"Store sale {sale.display_number}", actor_id=actor_id,
            received_from=member.name if member else "Walk-in customer").id
    else:
        from ..loans import services as loans

        loan = loans.open_commodity_loan(org_id, member.id, total, on, goods_lines=tuple(goods_lines), memo=memo,
                                         source="inventory.sale", source_id=str(sale.id),
                                         idempotency_key=idempotency_key, actor_id=actor_id)
        sale.loan_id, sale.entry_id = loan.id, loan.release_entry_id
    sale.cost = cost
    for line in sale_lines:
        db.session.add(line)
        if line.product_id is not None:
            product = products[line.product_id]
            _move(product, on=on, kind="sale", qty=-line.quantity, value=-line.cost, source_id=sale.id,
                  entry_id=sale.entry_id, memo=memo, actor_id=actor_id)
    db.session.flush()
    for item, product, *_ in planned:
        if product is None:
            pos.source_for(item.ref).after_sale(org_id, item.ref, item.quantity, sale.id, actor_id)
    return sale


def get_sale(org_id: int, sale_id: int, *, lock: bool = False) -> Sale:
    query = select(Sale).where(Sale.id == sale_id, Sale.org_id == org_id)
    sale = db.session.scalar(query.with_for_update() if lock else query)
    if sale is None:
        raise NotFound("No such sale.")
    return sale


def sale_lines(sale: Sale) -> list[SaleLine]:
    return list(db.session.scalars(select(SaleLine).where(SaleLine.sale_id == sale.id).order_by(SaleLine.id)))


def list_sales(org_id: int, *, on: date | None = None, member_id: int | None = None, limit: int = 100) -> list[Sale]:
    query = select(Sale).where(Sale.org_id == org_id)
    if on:
        query = query.where(Sale.sold_on == on)
    if member_id:
        query = query.where(Sale.member_id == member_id)
    return list(db.session.scalars(query.order_by(Sale.id.desc()).limit(limit)))


def sale_returns(sale: Sale) -> list[SaleReturn]:
    return list(db.session.scalars(select(SaleReturn).where(SaleReturn.sale_id == sale.id).order_by(SaleReturn.id)))


def return_goods(org_id: int, sale_id: int, *, quantities: dict[int, int], on: date, reason: str,
                 actor_id: int | None, idempotency_key: str | None = None) -> SaleReturn:
    """Take sold goods back: stock returns at the cost it left with; the buyer gets her money or her loan reduced.

    `quantities` maps sale line ids to the quantity (thousandths) brought back.
    """
    replay = _replay(SaleReturn, org_id, idempotency_key)
    if replay is not None:
        return replay
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise Invalid("Give the reason for the return.", field="reason")
    quantities = {line_id: qty for line_id, qty in quantities.items() if qty}
    if not quantities:
        raise Invalid("Say how much of which item comes back.", field="quantity")
    sale = get_sale(org_id, sale_id, lock=True)  # two returns of one sale at once cannot both pass the check
    if on < sale.sold_on:
        raise Invalid("A return is dated on or after the sale.", field="on")
    lines = {line.id: line for line in sale_lines(sale)}
    earlier = defaultdict(lambda: [0, 0])
    for line_id, amount, cost in db.session.execute(
            select(SaleReturnLine.sale_line_id, func.sum(SaleReturnLine.amount), func.sum(SaleReturnLine.cost))
            .where(SaleReturnLine.sale_line_id.in_(list(lines))).group_by(SaleReturnLine.sale_line_id)):
        earlier[line_id] = [int(amount), int(cost)]
    planned = []
    for line_id, qty in sorted(quantities.items()):
        line = lines.get(line_id)
        if line is None:
            raise NotFound("That line is not on this sale.", field="quantity")
        if line.product_id is None:
            raise Invalid(f"{line.description} is a consigned item: return it through consignment.", field="quantity")
        left = line.quantity - line.returned_qty
        if qty < 0 or qty > left:
            raise Invalid(f"Only {quantity_text(left)} {line.unit} of {line.description} can still come back.",
                          field="quantity", returnable=quantity_text(left))
        if qty == left:  # the last of the line takes exactly what is left, so the line nets to zero
            amount, cost = line.amount - earlier[line_id][0], line.cost - earlier[line_id][1]
        else:
            amount, cost = round_div(line.amount * qty, line.quantity), round_div(line.cost * qty, line.quantity)
        planned.append((line, qty, amount, cost))
    amount = sum(p[2] for p in planned)
    cost = sum(p[3] for p in planned)
    products = _lock_products(org_id, [line.product_id for line, *_ in planned])
    sale_return = SaleReturn(org_id=org_id, sale_id=sale.id, returned_on=on, amount=amount, cost=cost, reason=reason,
                             idempotency_key=idempotency_key, created_by=actor_id)
    db.session.add(sale_return)
    db.session.flush()
    memo = f"Return of goods from sale {sale.display_number}: {reason}"[:300]
    goods_lines = [Line(SALES_RETURNS, debit=amount)] if amount else []
    if cost:
        goods_lines += [Line(INVENTORY, debit=cost), Line(COST_OF_SALES, credit=cost)]
    if sale.payment == "cash":
        sale_return.entry_id = ledger.post(Entry(
            org_id, on, memo, (*goods_lines, Line("cash_on_hand", credit=amount)), source="inventory.return",
            source_id=str(sale_return.id), idempotency_key=idempotency_key), actor_id).id
    else:
        from ..loans import services as loans

        loans.return_commodity_goods(org_id, sale.loan_id, amount, on, goods_lines=tuple(goods_lines), memo=memo,
                                     source="inventory.return", source_id=str(sale_return.id),
                                     idempotency_key=idempotency_key, actor_id=actor_id)
        sale_return.entry_id = ledger.entries_for_source(org_id, "inventory.return", str(sale_return.id))[-1].id
    for line, qty, line_amount_back, line_cost in planned:
        line.returned_qty += qty
        db.session.add(SaleReturnLine(org_id=org_id, return_id=sale_return.id, sale_line_id=line.id, quantity=qty,
                                      amount=line_amount_back, cost=line_cost))
        _move(products[line.product_id], on=on, kind="return", qty=qty, value=line_cost, source_id=sale_return.id,
              entry_id=sale_return.entry_id, memo=memo, actor_id=actor_id)
    sale.returned_amount += amount
    db.session.flush()
    return sale_return


def member_label(sale: Sale) -> str | None:
    """Her number and name, as the sale slip and the sale page print them."""
    if not sale.member_id:
        return None
    member = members.get_member(sale.org_id, sale.member_id)
    return f"{member.label} {member.name}"


def receipt_number(sale: Sale) -> str | None:
    return receipts.get(sale.org_id, sale.receipt_id).display_number if sale.receipt_id else None


def credit_terms(sale: Sale) -> str | None:
    """What the member signs for on a credit sale's slip: her commodity loan and when it falls due."""
    if sale.loan_id is None:
        return None
    from ..loans import services as loans

    loan = loans.get_loan(sale.org_id, sale.loan_id)
    return f"Commodity loan {loan.number}" + (f": pay by {loan.maturity_on.isoformat()}" if loan.maturity_on else "")
