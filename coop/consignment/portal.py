"""The consignment blocks on shared pages: the officers' dashboard and the member's portal."""
from __future__ import annotations

from flask_babel import gettext as _

from ..web.filters import money
from ..manifest import Tile
from . import reports


def dashboard_tiles(org_id: int) -> list[Tile]:
    figures = reports.overview(org_id)
    return [Tile(_("Consigned goods out"), money(figures.goods_out_value), "consignment.goods_out_report",
                 _("%(n)s members holding; %(owed)s to remit", n=figures.members_holding,
                   owed=money(figures.remittances_owed))),
            Tile(_("Due to principals"), money(figures.due_to_principals), "consignment.due_to_principals_report")]


def portal_context(org_id: int, member_id: int) -> dict | None:
    """Her block, or None when she has never sold or made consigned goods (the portal then leaves it out)."""
    summary = reports.member_summary(org_id, member_id)
    if not (summary.held or summary.accounts or summary.commission_earned or summary.producer_due):
        return None
    return {"consignment": summary}
