"""The ledger's edge: its pages and API."""
from flask_babel import lazy_gettext as _l

from ..auth.access import READERS
from ..manifest import Manifest, NavItem, Setting
from . import api, views
from .services import FUTURE_DAYS, FUTURE_DAYS_DEFAULT

manifest = Manifest(
    name="ledger",
    blueprints=(views.bp, api.bp),
    nav=(NavItem(_l("Ledger"), "ledger.entries", READERS), NavItem(_l("Accounts"), "ledger.accounts", READERS)),
    settings=(Setting(FUTURE_DAYS, FUTURE_DAYS_DEFAULT,
                      _l("Days after today (Manila) a posting may be dated; 0 allows no future dates")),),
)
