"""Interchange: Odoo export and push, imports of a cooperative's books: what it plugs in."""
from flask_babel import lazy_gettext as _l

from ..manifest import Manifest, NavItem, Setting
from . import api, cli, views

manifest = Manifest(
    name="interchange",
    blueprints=(views.bp, api.bp),
    settings=(
        Setting("interchange.member_names", False,
                _l("Odoo export: include members' names and contact details (otherwise members go by number only)"),
                "bool"),
    ),
    nav=(NavItem(_l("Import"), "interchange.imports_page", ("admin", "officer")),),
    reports=(NavItem(_l("Odoo export and sync"), "interchange.odoo_page", ("admin",)),),
    commands=(cli.export, cli.odoo_group, cli.interchange),
    setup=views.setup,
)
