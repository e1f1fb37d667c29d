"""Financial reports over the ledger."""
from flask_babel import lazy_gettext as _l

from ..auth.access import READERS
from ..manifest import Manifest, NavItem
from . import api, views

manifest = Manifest(name="reports", blueprints=(views.bp, api.bp),
                    nav=(NavItem(_l("Reports"), "reports.index", READERS),))
