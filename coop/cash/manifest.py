"""Cash at the desk and in the bank: what it plugs into the application."""
from flask_babel import lazy_gettext as _l

from ..auth.access import READERS
from ..manifest import Manifest, NavItem, Setting
from . import api, services, views

manifest = Manifest(
    name="cash",
    blueprints=(views.bp, api.bp),
    settings=(
        Setting(services.SETTING_MATCH_DAYS, 3,
                _l("Bank reconciliation: days apart a statement line and a book line may be matched"), kind="number"),
    ),
    nav=(NavItem(_l("Cash"), "cash.index", READERS),),
    reports=(NavItem(_l("Bank reconciliation"), "cash.index", READERS),),
)
