"""Financial reports over the ledger, each as a page, JSON, CSV and PDF."""


def register(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..auth.access import READERS
    from ..web.registry import NavItem, add_nav
    from . import api, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    add_nav(NavItem(_l("Reports"), "reports.index", READERS))
