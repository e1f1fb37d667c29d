"""What every verb on the shelf shares: the store's accounts, row locks, the moving average and the stock card.

Cost is the moving weighted average: a product keeps its quantity and its value on hand (the
value is its exact share of the merchandise inventory account), so the average is value/quantity
at full precision and only the cost of each issue is rounded to the centavo. Issuing the last
unit takes the whole remaining value, so no centavo is ever stranded on an empty shelf.
Every change to stock locks the product rows (in id order, so two sales never deadlock), posts
one ledger entry and writes the stock card in the same transaction.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ...errors import Invalid, NotFound
from ...extensions import db
from ..models import Product, StockMovement
from ..quantity import SCALE, quantity_text, round_div

INVENTORY, COST_OF_SALES, SALES, SALES_RETURNS = "merchandise_inventory", "cost_of_sales", "sales", "sales_returns"
PAYABLE = "accounts_payable_trade"
CASH = "cash_on_hand"  # what a cash sale, a cash purchase and a cash refund move


def replay(model, org_id: int, key: str | None):
    """The record a retried request with this idempotency key already made, if any."""
    if not key:
        return None
    return db.session.scalar(select(model).where(model.org_id == org_id, model.idempotency_key == key))


def lock_products(org_id: int, product_ids, on: date | None = None, field: str = "on") -> dict[int, Product]:
    """Lock the rows in id order (no deadlock between two sales of the same goods) and re-read them.

    With `on`, the movement about to be written is dated that day: refused when the stock of one of
    the products already moved on a later day, since the quantity and the moving average of every
    day between would change (date it on or after that day instead).
    """
    ids = sorted(set(product_ids))
    rows = db.session.scalars(select(Product).where(Product.org_id == org_id, Product.id.in_(ids))
                              .order_by(Product.id).with_for_update().execution_options(populate_existing=True))
    found = {p.id: p for p in rows}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound("No product %(missing)s in this store.", field="product_id", values={"missing": missing[0]})
    if on is not None and ids:
        later = db.session.execute(
            select(StockMovement.product_id, func.max(StockMovement.moved_on)).where(
                StockMovement.product_id.in_(ids), StockMovement.moved_on > on)
            .group_by(StockMovement.product_id).order_by(StockMovement.product_id)).first()
        if later is not None:
            product_id, moved_on = later
            raise Invalid("The stock of %(name)s already moved on %(moved_on)s, after %(on)s: date this on or after "
                          "%(moved_on2)s.", field=field,
                          moved_on=moved_on.isoformat(),
                          values={"name": found[product_id].name, "moved_on": moved_on, "on": on, "moved_on2": moved_on})
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


def move(product: Product, *, on: date, kind: str, qty: int, value: int, source_id: int | None,
         entry_id: int | None, memo: str, actor_id: int | None) -> StockMovement:
    """Change the product's stock (the row is locked by the caller) and write its stock-card line."""
    qty_after, value_after = product.qty_on_hand + qty, product.stock_value + value
    if qty_after < 0 or value_after < 0:
        raise Invalid("Only %(quantity)s %(unit)s of %(name)s on hand.",
                      field="quantity", available=quantity_text(product.qty_on_hand),
                      values={"quantity": quantity_text(product.qty_on_hand), "unit": product.unit, "name": product.name})
    movement = StockMovement(org_id=product.org_id, product_id=product.id, moved_on=on, kind=kind, qty_change=qty,
                             value_change=value, qty_before=product.qty_on_hand, value_before=product.stock_value,
                             qty_after=qty_after, value_after=value_after, source_id=source_id, entry_id=entry_id,
                             memo=memo[:200], created_by=actor_id)
    product.qty_on_hand, product.stock_value = qty_after, value_after
    db.session.add(movement)
    return movement
