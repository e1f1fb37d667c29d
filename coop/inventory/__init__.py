"""The cooperative store: catalogue, suppliers, purchases, stock, point of sale.

Other domains sell through the point of sale by registering a source: see `coop.inventory.pos`
(`register_pos_source`), which documents the contract.
"""


def register(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..auth.access import READERS, STAFF
    from ..demo import register_seeder
    from ..money import to_pesos_text
    from ..web.registry import DashboardTiles, NavItem, add_dashboard, add_nav, add_report
    from . import api, demo, models, views  # noqa: F401
    from .dashboard import tiles
    from .quantity import line_amount, quantity_text

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.add_template_filter(quantity_text, "qty")
    app.jinja_env.filters.setdefault("pesos", to_pesos_text)
    app.add_template_global(line_amount, "line_amount")
    add_nav(NavItem(_l("Store"), "inventory.pos", STAFF, ("cooperative",)))
    add_nav(NavItem(_l("Stock"), "inventory.products", ("auditor",), ("cooperative",)))
    for label, endpoint in ((_l("Stock on hand"), "inventory.stock_report"), (_l("Low stock"), "inventory.low_stock"),
                            (_l("Sales by product"), "inventory.sales_by_product"),
                            (_l("Sales by day"), "inventory.sales_by_day"),
                            (_l("Gross margin"), "inventory.gross_margin"),
                            (_l("Purchases by supplier"), "inventory.purchases_by_supplier")):
        add_report(NavItem(label, endpoint, READERS, ("cooperative",)))
    add_dashboard(DashboardTiles(READERS, ("cooperative",), tiles))
    register_seeder(demo.seed)
