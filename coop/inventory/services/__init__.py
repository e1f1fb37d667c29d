"""The store's verbs, one module per verb group; this package re-exports them, so callers write
`from coop.inventory import services` and `services.record_sale(...)` whatever module holds it.

- `stock`: the store's accounts, row locks, the moving average, the stock card (see its docstring
  for how goods are costed)
- `catalogue`: suppliers and products
- `purchases`: goods received and suppliers paid
- `sales`: the point of sale, and sales read back
- `returns`: goods brought back
- `counts`: stock counts and losses
"""
from __future__ import annotations

from ..quantity import line_amount, quantity_text
from .catalogue import (
    amount_owed,
    categories,
    create_product,
    create_supplier,
    get_product,
    get_supplier,
    list_products,
    list_suppliers,
    update_product,
    update_supplier,
)
from .counts import adjust_stock, list_adjustments, receive_opening_stock
from .purchases import (
    PurchaseItem,
    get_purchase,
    list_purchases,
    pay_supplier,
    purchase_lines,
    record_purchase,
    supplier_payments,
)
from .returns import return_goods
from .sales import (
    SaleItem,
    credit_terms,
    find_item,
    get_sale,
    list_sales,
    member_label,
    pos_item,
    product_ref,
    receipt_number,
    record_sale,
    sale_lines,
    sale_returns,
    search_items,
)
from .stock import (
    CASH,
    COST_OF_SALES,
    INVENTORY,
    PAYABLE,
    SALES,
    SALES_RETURNS,
    average_cost_milli,
    issue_cost,
    lock_products,
    move,
)

__all__ = [
    "CASH", "COST_OF_SALES", "INVENTORY", "PAYABLE", "SALES", "SALES_RETURNS",
    "PurchaseItem", "SaleItem",
    "adjust_stock", "amount_owed", "average_cost_milli", "categories", "create_product", "create_supplier",
    "credit_terms", "find_item", "get_product", "get_purchase", "get_sale", "get_supplier", "issue_cost",
    "line_amount", "list_adjustments", "list_products", "list_purchases", "list_sales", "list_suppliers",
    "lock_products", "member_label", "move", "pay_supplier", "pos_item", "product_ref", "purchase_lines",
    "quantity_text", "receipt_number", "receive_opening_stock", "record_purchase", "record_sale", "return_goods",
    "sale_lines",
    "sale_returns", "search_items", "supplier_payments", "update_product", "update_supplier",
]
