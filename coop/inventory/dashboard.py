"""The store's tiles on the dashboard: today's sales, stock value, items to reorder."""
from __future__ import annotations

from flask_babel import gettext as _

from ..timeutil import today
from ..web.filters import money
from ..manifest import Tile
from .reports import today_figures


def tiles(org_id: int) -> list[Tile]:
    figures = today_figures(org_id, today())
    return [
        Tile(_("Store sales today"), money(figures.sales_total), "inventory.sales",
             _("%(n)s sales", n=figures.sales_count)),
        Tile(_("Stock at cost"), money(figures.stock_value), "inventory.stock_report"),
        Tile(_("Items to reorder"), str(figures.under_reorder), "inventory.low_stock",
             _("at or under their reorder level")),
    ]
