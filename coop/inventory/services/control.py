"""`coop ledger check`: merchandise inventory against the value of the stock on the shelves."""
from __future__ import annotations

from sqlalchemy import func, select

from ...extensions import db
from ...ledger import services as ledger
from ..models import Product
from .stock import INVENTORY


def control_balances(org_id: int) -> list[tuple[str, int, int]]:
    if not any(a.key == INVENTORY for a in ledger.list_accounts(org_id)):
        return []
    value = db.session.scalar(select(func.coalesce(func.sum(Product.stock_value), 0)).where(Product.org_id == org_id))
    return [(INVENTORY, ledger.balance(org_id, INVENTORY).debit_balance, int(value))]
