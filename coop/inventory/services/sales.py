"""The point of sale: finding items, ringing up a sale, reading sales back."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ...errors import Invalid, NotFound, Pesos
from ...extensions import db
from ...kernel import get_in_org
from ...ledger import services as ledger
from ...ledger.records import Entry, Line
from ...loans import services as loans
from ...members import services as members
from ...receipts import services as receipts
from .. import pos
from ..models import SALE_PAYMENTS, Product, Sale, SaleLine, SaleReturn
from ..quantity import line_amount, quantity_text
from .catalogue import get_product, list_products
from .stock import CASH, COST_OF_SALES, INVENTORY, SALES, issue_cost, lock_products, move, replay

# ---------------------------------------------------------------- finding items


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
        if not (rest.isascii() and rest.isdigit() and len(rest) <= 10):
            raise NotFound("Unknown item %(ref)s.", field="item", values={"ref": ref})
        return pos_item(get_product(org_id, int(rest)))
    return pos.source_for(ref).item(org_id, ref)


# ---------------------------------------------------------------- ringing up a sale


@dataclass(frozen=True)
class SaleItem:
    ref: str  # "p:<product id>" or another POS source's ref
    quantity: int  # thousandths
    unit_price: int | None = None  # centavos; the catalogue price when None


@dataclass(frozen=True)
class _Planned:
    """One line of a sale, priced and costed before anything is written."""

    item: SaleItem
    product: Product | None  # None: an item of another point-of-sale source (consigned goods...)
    description: str
    unit: str
    price: int  # centavos per unit
    amount: int  # centavos
    cost: int  # centavos at the moving average; 0 for another source's item
    consigned: tuple[Line, ...] = ()  # the other source's ledger lines for this item


def _check_sale(org_id: int, items: list[SaleItem], payment: str, member_id: int | None) -> members.Member | None:
    """The buyer, after the checks that need nothing locked."""
    if payment not in SALE_PAYMENTS:
        raise Invalid("Paid in cash or on credit.", field="payment")
    if payment == "credit" and member_id is None:
        raise Invalid("A sale on credit is to a member: give her member number.", field="member")
    member = members.get_member(org_id, member_id) if member_id is not None else None
    if not items:
        raise Invalid("Add at least one item.", field="items")
    for n, item in enumerate(items, start=1):
        if item.quantity <= 0:
            raise Invalid("Line %(n)s: the quantity must be more than zero.", field="quantity", values={"n": n})
        if item.unit_price is not None and item.unit_price <= 0:
            raise Invalid("Line %(n)s: the price must be more than zero.", field="unit_price", values={"n": n})
    return member


def _store_products(org_id: int, items: list[SaleItem], on: date) -> tuple[dict[str, int], dict[int, Product]]:
    """The store's own products among the items (by ref), locked."""
    store_ids = {}
    for item in items:
        prefix, rest = pos.split_ref(item.ref)
        if prefix == pos.STORE_PREFIX:
            if not (rest.isascii() and rest.isdigit() and len(rest) <= 10):
                raise NotFound("Unknown item %(ref)s.", field="item", values={"ref": item.ref})
            store_ids[item.ref] = int(rest)
    return store_ids, (lock_products(org_id, store_ids.values(), on) if store_ids else {})


def _plan_sale(org_id: int, items: list[SaleItem], on: date, store_ids: dict[str, int],
               products: dict[int, Product]) -> list[_Planned]:
    # two lines of one product are costed one after the other, as two movements on its card
    shelf = {p.id: (p.qty_on_hand, p.stock_value) for p in products.values()}
    planned = []
    for n, item in enumerate(items, start=1):
        product = products.get(store_ids.get(item.ref))
        if product is not None:
            planned.append(_plan_product(product, item, shelf))
        else:
            planned.append(_plan_other_source(org_id, n, item, on))
    return planned


def _plan_product(product: Product, item: SaleItem, shelf: dict[int, tuple[int, int]]) -> _Planned:
    if not product.active:
        raise Invalid("%(name)s is no longer sold (inactive).", field="item", values={"name": product.name})
    price = item.unit_price if item.unit_price is not None else product.sale_price
    if price <= 0:
        raise Invalid("%(name)s has no sale price.", field="unit_price", values={"name": product.name})
    on_hand, value = shelf[product.id]
    if item.quantity > on_hand:
        raise Invalid("Only %(quantity)s %(unit)s of %(name)s on hand.",
                      field="quantity", available=quantity_text(product.qty_on_hand),
                      values={"quantity": quantity_text(product.qty_on_hand), "unit": product.unit, "name": product.name})
    cost = issue_cost(on_hand, value, item.quantity)
    shelf[product.id] = (on_hand - item.quantity, value - cost)
    return _Planned(item, product, product.name, product.unit, price, line_amount(item.quantity, price), cost)


def _plan_other_source(org_id: int, n: int, item: SaleItem, on: date) -> _Planned:
    source = pos.source_for(item.ref)
    found = source.item(org_id, item.ref)
    price = item.unit_price if item.unit_price is not None else found.price
    amount = line_amount(item.quantity, price)
    if amount <= 0:
        raise Invalid("Line %(n)s: the price must be more than zero.", field="unit_price", values={"n": n})
    lines = tuple(source.lines_for_sale(org_id, item.ref, item.quantity, amount, on))
    if sum(x.credit for x in lines) - sum(x.debit for x in lines) != amount:
        raise Invalid("Line %(n)s: %(name)s could not be priced consistently.", field="item",
                      values={"n": n, "name": found.name})
    return _Planned(item, None, found.name, found.unit, price, amount, 0, lines)


def _goods_lines(planned: list[_Planned]) -> list[Line]:
    """The credit side of a sale: sales and the cost of the store's goods, and the other sources' own lines."""
    revenue = sum(p.amount for p in planned if p.product is not None)
    cost = sum(p.cost for p in planned)
    lines = [line for p in planned for line in p.consigned]
    if revenue:
        lines.insert(0, Line(SALES, credit=revenue))
    if cost:
        lines += [Line(COST_OF_SALES, debit=cost), Line(INVENTORY, credit=cost)]
    return lines


def record_sale(org_id: int, *, items: list[SaleItem], on: date, payment: str, actor_id: int | None,
                member_id: int | None = None, tendered: int | None = None,
                idempotency_key: str | None = None) -> Sale:
    """Ring up a sale: cash (official receipt) or the member's 15-day commodity credit (loans domain).

    One entry: Dr cash (or the commodity loan receivable), Cr sales, Dr cost of sales, Cr inventory,
    plus the lines of any consigned items. Refused whole, nothing written, on any bad line.
    """
    replayed = replay(Sale, org_id, idempotency_key)
    if replayed is not None:
        return replayed
    member = _check_sale(org_id, items, payment, member_id)
    store_ids, products = _store_products(org_id, items, on)
    planned = _plan_sale(org_id, items, on, store_ids, products)
    total = sum(p.amount for p in planned)
    if total <= 0:
        raise Invalid("The sale comes to zero.", field="items")
    if payment == "cash" and tendered is not None and tendered < total:
        raise Invalid("The cash tendered is less than the total of %(total)s.", field="tendered",
                      values={"total": Pesos(total)})

    sale = Sale(org_id=org_id, sold_on=on, payment=payment, member_id=member.id if member else None,
                party_id=members.member_party(member) if member else None, total=total, cost=0,
                tendered=tendered if payment == "cash" else None, idempotency_key=idempotency_key,
                created_by=actor_id)
    db.session.add(sale)
    db.session.flush()
    sale_lines = [SaleLine(org_id=org_id, sale_id=sale.id, item_ref=p.item.ref,
                           product_id=p.product.id if p.product else None, description=p.description[:200],
                           unit=p.unit, quantity=p.item.quantity, unit_price=p.price, amount=p.amount, cost=p.cost)
                  for p in planned]
    memo = f"Store sale {sale.display_number}" + (f" to {member.label}" if member else "")
    goods_lines = _goods_lines(planned)
    if payment == "cash":
        entry = ledger.post(Entry(org_id, on, memo, (Line(CASH, debit=total), *goods_lines),
                                  source="inventory.sale", source_id=str(sale.id), idempotency_key=idempotency_key),
                            actor_id)
        sale.entry_id = entry.id
        sale.receipt_id = receipts.issue(
            org_id, kind="sale", party_id=sale.party_id, amount=total, on=on, source="inventory.sale",
            source_id=sale.id, description=f"Store sale {sale.display_number}", actor_id=actor_id,
            received_from=member.name if member else "Walk-in customer").id
    else:
        loan = loans.open_commodity_loan(org_id, member.id, total, on, goods_lines=tuple(goods_lines), memo=memo,
                                         source="inventory.sale", source_id=str(sale.id),
                                         idempotency_key=idempotency_key, actor_id=actor_id)
        sale.loan_id, sale.entry_id = loan.id, loan.release_entry_id
    sale.cost = sum(line.cost for line in sale_lines)
    for line in sale_lines:
        db.session.add(line)
        if line.product_id is not None:
            move(products[line.product_id], on=on, kind="sale", qty=-line.quantity, value=-line.cost,
                 source_id=sale.id, entry_id=sale.entry_id, memo=memo, actor_id=actor_id)
    db.session.flush()
    for p in planned:
        if p.product is None:
            pos.source_for(p.item.ref).after_sale(org_id, p.item.ref, p.item.quantity, sale.id, actor_id)
    return sale


# ---------------------------------------------------------------- reading sales


def get_sale(org_id: int, sale_id: int, *, lock: bool = False) -> Sale:
    return get_in_org(Sale, org_id, sale_id, "No such sale.", lock=lock)


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
    loan = loans.get_loan(sale.org_id, sale.loan_id)
    return f"Commodity loan {loan.number}" + (f": pay by {loan.maturity_on.isoformat()}" if loan.maturity_on else "")
