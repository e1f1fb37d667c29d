"""The cooperative store: what it plugs into the application."""
from flask_babel import lazy_gettext as _l

from ..auth.access import READERS, STAFF
from ..manifest import COOPERATIVE, DashboardTiles, Manifest, NavItem
from . import api, demo, views
from .dashboard import tiles
from .quantity import line_amount, quantity_text

manifest = Manifest(
    name="inventory",
    blueprints=(views.bp, api.bp),
    nav=(NavItem(_l("Store"), "inventory.pos", STAFF, COOPERATIVE),
         NavItem(_l("Stock"), "inventory.products", ("auditor",), COOPERATIVE)),
    reports=tuple(NavItem(label, endpoint, READERS, COOPERATIVE) for label, endpoint in (
        (_l("Stock on hand"), "inventory.stock_report"), (_l("Low stock"), "inventory.low_stock"),
        (_l("Sales by product"), "inventory.sales_by_product"), (_l("Sales by day"), "inventory.sales_by_day"),
        (_l("Gross margin"), "inventory.gross_margin"),
        (_l("Purchases by supplier"), "inventory.purchases_by_supplier"))),
    dashboard=(DashboardTiles(READERS, COOPERATIVE, tiles),),
    demo_seeder=demo.seed,
    template_filters={"qty": quantity_text},
    template_globals={"line_amount": line_amount},
)
