"""Maker-checker: what it plugs into the application (the kinds themselves come from each domain's manifest)."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..manifest import DashboardTiles, Manifest, NavItem, Tile
from . import api, services, views


def tiles(org_id: int) -> list[Tile]:
    return [Tile(_("Waiting for approval"), str(services.count_pending(org_id)), "approvals.index",
                 _("a second person decides"))]


manifest = Manifest(
    name="approvals",
    blueprints=(views.bp, api.bp),
    nav=(NavItem(_l("Approvals"), "approvals.index", views.INBOX_READERS),),
    dashboard=(DashboardTiles(views.INBOX_READERS, ("cooperative", "ngo"), tiles),),
)
