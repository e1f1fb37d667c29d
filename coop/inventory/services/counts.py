"""Stock counts and losses: the shelf brought back in line with what is really there."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ...errors import Invalid
from ...extensions import db
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ..models import ADJUSTMENT_KINDS, Product, StockAdjustment, StockMovement
from ..quantity import SCALE, quantity_text, round_div
from .stock import INVENTORY, average_cost_milli, issue_cost, lock_products, move, replay

LOSSES, GAINS = "inventory_losses", "inventory_gains"
OPENING = "opening_balance_clearing"  # the other side of every balance brought from the old books


def adjust_stock(org_id: int, *, product_id: int, kind: str, quantity: int, on: date, reason: str,
                 actor_id: int | None, idempotency_key: str | None = None) -> StockAdjustment:
    """A count (quantity = what is on the shelf) or a loss (quantity lost to spoilage, damage...).

    A shortfall is a loss at the average cost (Dr inventory losses); a surplus a gain (Cr inventory gains).
    """
    replayed = replay(StockAdjustment, org_id, idempotency_key)
    if replayed is not None:
        return replayed
    if kind not in ADJUSTMENT_KINDS:
        raise Invalid("The kind is one of %(choices)s.", field="kind",
                      values={"choices": ', '.join(ADJUSTMENT_KINDS)})
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise Invalid("Give the reason for the adjustment.", field="reason")
    if quantity < 0 or (quantity == 0 and kind != "count"):
        raise Invalid("The quantity must be more than zero.", field="quantity")
    product = lock_products(org_id, [product_id], on)[product_id]
    change = quantity - product.qty_on_hand if kind == "count" else -quantity
    if change == 0:
        raise Invalid("The count matches the %(quantity)s %(unit)s on record; nothing to adjust.", field="quantity",
                      values={"quantity": quantity_text(product.qty_on_hand), "unit": product.unit})
    if change < 0:
        if -change > product.qty_on_hand:
            raise Invalid("Only %(quantity)s %(unit)s of %(name)s on hand.",
                          field="quantity", available=quantity_text(product.qty_on_hand),
                          values={"quantity": quantity_text(product.qty_on_hand), "unit": product.unit, "name": product.name})
        value = -issue_cost(product.qty_on_hand, product.stock_value, -change)
    else:
        unit_cost = average_cost_milli(product)
        if unit_cost is None:
            raise Invalid("No cost is known for %(name)s: receive it as a purchase instead.", field="quantity",
                          values={"name": product.name})
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
        lines = ((Line(LOSSES, debit=-value), Line(INVENTORY, credit=-value)) if value < 0
                 else (Line(INVENTORY, debit=value), Line(GAINS, credit=value)))
        entry_id = ledger.post(Entry(org_id, on, memo, lines, source="inventory.adjustment",
                                     source_id=str(adjustment.id), idempotency_key=idempotency_key), actor_id).id
    adjustment.entry_id = entry_id
    move(product, on=on, kind="adjustment", qty=change, value=value, source_id=adjustment.id, entry_id=entry_id,
         memo=memo, actor_id=actor_id)
    db.session.flush()
    return adjustment


def receive_opening_stock(org_id: int, *, product_id: int, quantity: int, unit_cost: int, on: date,
                          actor_id: int | None) -> StockMovement:
    """Stock on hand at the cut-over from the old books, at its cost: Dr inventory, Cr opening balances clearing.

    Only for a product with no stock movement yet, so that the moving average starts from this cost.
    """
    if quantity <= 0:
        raise Invalid("The quantity on hand must be more than zero.", field="quantity")
    if unit_cost < 0:
        raise Invalid("The cost cannot be negative.", field="unit_cost")
    product = lock_products(org_id, [product_id], on)[product_id]
    if product.qty_on_hand or product.stock_value:
        raise Invalid("%(product)s already has stock on record; count it instead.",
                      field="quantity", values={"product": product.name})
    value = round_div(quantity * unit_cost, SCALE)
    memo = f"Opening stock of {product.code}"
    entry_id = None
    if value:
        entry_id = ledger.post(Entry(org_id, on, memo, (Line(INVENTORY, debit=value), Line(OPENING, credit=value)),
                                     source="inventory.opening", source_id=str(product.id)), actor_id).id
    movement = move(product, on=on, kind="opening", qty=quantity, value=value, source_id=None, entry_id=entry_id,
                    memo=memo, actor_id=actor_id)
    db.session.flush()
    return movement


def list_adjustments(org_id: int, limit: int = 100) -> list[tuple[StockAdjustment, Product]]:
    return list(db.session.execute(
        select(StockAdjustment, Product).join(Product, Product.id == StockAdjustment.product_id)
        .where(StockAdjustment.org_id == org_id)
        .order_by(StockAdjustment.adjusted_on.desc(), StockAdjustment.id.desc()).limit(limit)))
