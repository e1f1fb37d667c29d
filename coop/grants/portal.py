"""The grants tiles on the NGO's dashboard: counts and amounts, no names."""
from __future__ import annotations

from flask_babel import gettext as _

from ..money import format_money
from ..manifest import Tile
from . import services


def grant_tiles(org_id: int) -> list[Tile]:
    positions = [services.fund_position(f) for f in services.list_funds(org_id)]
    return [
        Tile(_("Donor funds left"), format_money(sum(p.left for p in positions)), "grants.funds",
             _("%(amount)s not yet promised", amount=format_money(sum(p.available for p in positions)))),
        Tile(_("Grants under way"), str(len(services.open_moas(org_id))), "grants.index"),
    ]


def staff_tiles(org_id: int) -> list[Tile]:
    return [
        Tile(_("Releases to approve"), str(len(services.pending_approvals(org_id))), "grants.index",
             _("a second staff member approves")),
        Tile(_("Follow-ups due"), str(len(services.open_followups(org_id))), "grants.index",
             _("monthly reports and tranches")),
    ]
