"""Goods received from suppliers, and paying the suppliers what was bought on account."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ...errors import Invalid, Pesos
from ...extensions import db
from ...kernel import get_in_org
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ..models import PAYMENT_METHODS, Product, Purchase, PurchaseLine, SupplierPayment
from ..quantity import SCALE, line_amount, round_div
from .catalogue import amount_owed, get_supplier
from .stock import CASH, INVENTORY, PAYABLE, lock_products, move, replay


@dataclass(frozen=True)
class PurchaseItem:
    product_id: int
    quantity: int  # thousandths of the unit it is bought in
    unit_cost: int  # centavos per that unit
    in_purchase_units: bool = False


@dataclass(frozen=True)
class _Received:
    """One line of a delivery, checked: what goes on the shelf and what it cost."""

    product: Product
    item: PurchaseItem
    bulk: bool  # counted in purchase units (a sack), stocked in units of sale (kilos)
    stock_qty: int  # thousandths of the unit of sale
    amount: int  # centavos


def _receive_lines(org_id: int, items: list[PurchaseItem], on: date) -> list[_Received]:
    products = lock_products(org_id, [item.product_id for item in items], on, "received_on")
    lines = []
    for n, item in enumerate(items, start=1):
        product = products[item.product_id]
        if item.quantity <= 0:
            raise Invalid("Line %(n)s: the quantity must be more than zero.", field="quantity", values={"n": n})
        if item.unit_cost <= 0:
            raise Invalid("Line %(n)s: the unit cost must be more than zero.", field="unit_cost", values={"n": n})
        if not product.active:
            raise Invalid("Line %(n)s: %(name)s is inactive.", field="product_id",
                          values={"n": n, "name": product.name})
        bulk = bool(item.in_purchase_units and product.purchase_unit)
        stock_qty = round_div(item.quantity * product.units_per_purchase, SCALE) if bulk else item.quantity
        lines.append(_Received(product, item, bulk, stock_qty, line_amount(item.quantity, item.unit_cost)))
    return lines


def record_purchase(org_id: int, *, supplier_id: int, received_on: date, payment: str, items: list[PurchaseItem],
                    actor_id: int | None, reference: str | None = None,
                    idempotency_key: str | None = None) -> Purchase:
    """Receive goods: stock up at cost, Dr inventory against cash or the supplier's payable."""
    replayed = replay(Purchase, org_id, idempotency_key)
    if replayed is not None:
        return replayed
    supplier = get_supplier(org_id, supplier_id)
    if not supplier.active:
        raise Invalid("%(name)s is marked inactive.", field="supplier_id", values={"name": supplier.name})
    if payment not in PAYMENT_METHODS:
        raise Invalid("Paid in cash or on account.", field="payment")
    if not items:
        raise Invalid("Add at least one line.", field="items")
    lines = _receive_lines(org_id, items, received_on)
    total = sum(line.amount for line in lines)
    purchase = Purchase(org_id=org_id, supplier_id=supplier.id, received_on=received_on, payment=payment,
                        reference=(reference or "").strip() or None, total=total, idempotency_key=idempotency_key,
                        created_by=actor_id)
    db.session.add(purchase)
    db.session.flush()
    memo = f"Purchase P-{purchase.id:05d} from {supplier.label}" + (f", invoice {purchase.reference}" if purchase.reference else "")
    credit = (Line(CASH, credit=total) if payment == "cash"
              else Line(PAYABLE, credit=total, party_id=supplier.party_id))
    entry = ledger.post(Entry(org_id, received_on, memo, (Line(INVENTORY, debit=total), credit),
                              source="inventory.purchase", source_id=str(purchase.id),
                              idempotency_key=idempotency_key), actor_id)
    purchase.entry_id = entry.id
    for line in lines:
        db.session.add(PurchaseLine(org_id=org_id, purchase_id=purchase.id, product_id=line.product.id,
                                    quantity=line.item.quantity, in_purchase_units=line.bulk,
                                    unit_cost=line.item.unit_cost, stock_qty=line.stock_qty, amount=line.amount))
        line.product.last_unit_cost_milli = round_div(line.amount * SCALE * SCALE, line.stock_qty)
        move(line.product, on=received_on, kind="purchase", qty=line.stock_qty, value=line.amount,
             source_id=purchase.id, entry_id=entry.id, memo=memo, actor_id=actor_id)
    db.session.flush()
    return purchase


def get_purchase(org_id: int, purchase_id: int) -> Purchase:
    return get_in_org(Purchase, org_id, purchase_id, "No such purchase.")


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
    """Pay what was bought on account, from one of the cash accounts; never more than is owed."""
    replayed = replay(SupplierPayment, org_id, idempotency_key)
    if replayed is not None:
        return replayed
    ledger.cash_account(org_id, paid_from, field="paid_from")
    if not isinstance(amount, int) or amount <= 0:
        raise Invalid("The amount must be more than zero.", field="amount")
    supplier = get_supplier(org_id, supplier_id, lock=True)  # two payments at once cannot both pass the check
    owed = amount_owed(org_id, supplier)
    if amount > owed:
        raise Invalid("%(name)s is owed %(owed)s only.", field="amount", owed_centavos=owed,
                      values={"name": supplier.name, "owed": Pesos(owed)})
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
