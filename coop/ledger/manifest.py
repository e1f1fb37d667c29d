"""The ledger's edge: its pages and API."""
from flask_babel import lazy_gettext as _l

from ..auth.access import READERS
from ..manifest import Manifest, NavItem
from . import api, views

manifest = Manifest(
    name="ledger",
    blueprints=(views.bp, api.bp),
    nav=(NavItem(_l("Ledger"), "ledger.entries", READERS), NavItem(_l("Accounts"), "ledger.accounts", READERS)),
)
