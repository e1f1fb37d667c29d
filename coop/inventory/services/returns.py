"""Goods brought back: stock returns at the cost it left with; the buyer gets her money or her loan reduced."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ...errors import Invalid, NotFound
from ...extensions import db
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ...loans import services as loans
from ..models import SaleLine, SaleReturn, SaleReturnLine
from ..quantity import quantity_text, round_div
from .sales import get_sale, sale_lines
from .stock import CASH, COST_OF_SALES, INVENTORY, SALES_RETURNS, lock_products, move, replay


@dataclass(frozen=True)
class _Returned:
    """What comes back of one sale line: its quantity, and the share of its amount and cost."""

    line: SaleLine
    quantity: int  # thousandths
    amount: int  # centavos refunded (or taken off her loan)
    cost: int  # centavos back on the shelf


def _plan_return(sale, quantities: dict[int, int]) -> list[_Returned]:
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
            raise Invalid("%(description)s is a consigned item: return it through consignment.", field="quantity",
                          values={"description": line.description})
        left = line.quantity - line.returned_qty
        if qty < 0 or qty > left:
            raise Invalid("Only %(quantity)s %(unit)s of %(description)s can still come back.",
                          field="quantity", returnable=quantity_text(left),
                          values={"quantity": quantity_text(left), "unit": line.unit, "description": line.description})
        if qty == left:  # the last of the line takes exactly what is left, so the line nets to zero
            amount, cost = line.amount - earlier[line_id][0], line.cost - earlier[line_id][1]
        else:
            amount, cost = round_div(line.amount * qty, line.quantity), round_div(line.cost * qty, line.quantity)
        planned.append(_Returned(line, qty, amount, cost))
    return planned


def return_goods(org_id: int, sale_id: int, *, quantities: dict[int, int], on: date, reason: str,
                 actor_id: int | None, idempotency_key: str | None = None) -> SaleReturn:
    """Take sold goods back: stock returns at the cost it left with; the buyer gets her money or her loan reduced.

    `quantities` maps sale line ids to the quantity (thousandths) brought back.
    """
    replayed = replay(SaleReturn, org_id, idempotency_key)
    if replayed is not None:
        return replayed
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise Invalid("Give the reason for the return.", field="reason")
    quantities = {line_id: qty for line_id, qty in quantities.items() if qty}
    if not quantities:
        raise Invalid("Say how much of which item comes back.", field="quantity")
    sale = get_sale(org_id, sale_id, lock=True)  # two returns of one sale at once cannot both pass the check
    if on < sale.sold_on:
        raise Invalid("A return is dated on or after the sale.", field="on")
    planned = _plan_return(sale, quantities)
    amount = sum(p.amount for p in planned)
    cost = sum(p.cost for p in planned)
    products = lock_products(org_id, [p.line.product_id for p in planned], on)
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
            org_id, on, memo, (*goods_lines, Line(CASH, credit=amount)), source="inventory.return",
            source_id=str(sale_return.id), idempotency_key=idempotency_key), actor_id).id
    else:
        loans.return_commodity_goods(org_id, sale.loan_id, amount, on, goods_lines=tuple(goods_lines), memo=memo,
                                     source="inventory.return", source_id=str(sale_return.id),
                                     idempotency_key=idempotency_key, actor_id=actor_id)
        sale_return.entry_id = ledger.entries_for_source(org_id, "inventory.return", str(sale_return.id))[-1].id
    for p in planned:
        p.line.returned_qty += p.quantity
        db.session.add(SaleReturnLine(org_id=org_id, return_id=sale_return.id, sale_line_id=p.line.id,
                                      quantity=p.quantity, amount=p.amount, cost=p.cost))
        move(products[p.line.product_id], on=on, kind="return", qty=p.quantity, value=p.cost,
             source_id=sale_return.id, entry_id=sale_return.entry_id, memo=memo, actor_id=actor_id)
    sale.returned_amount += amount
    db.session.flush()
    return sale_return
