"""`coop ledger check`: merchandise inventory against the value of the stock on the shelves, and the trade
payables against what was bought on account less what the suppliers were paid."""
from __future__ import annotations

from sqlalchemy import func, select

from ...extensions import db
from ...ledger import services as ledger
from ..models import Product, Purchase, SupplierPayment
from .stock import INVENTORY, PAYABLE


def control_balances(org_id: int) -> list[tuple[str, int, int]]:
    keys = ledger.balances_by_key(org_id)
    if INVENTORY not in keys:
        return []
    value = db.session.scalar(select(func.coalesce(func.sum(Product.stock_value), 0)).where(Product.org_id == org_id))
    found = [(INVENTORY, keys[INVENTORY].debit_balance, int(value))]
    if PAYABLE in keys:
        bought = db.session.scalar(select(func.coalesce(func.sum(Purchase.total), 0)).where(
            Purchase.org_id == org_id, Purchase.payment == "account", Purchase.entry_id.is_not(None)))
        paid = db.session.scalar(select(func.coalesce(func.sum(SupplierPayment.amount), 0)).where(
            SupplierPayment.org_id == org_id, SupplierPayment.entry_id.is_not(None)))
        found.append((PAYABLE, keys[PAYABLE].credit_balance, int(bought) - int(paid)))
    return found
