"""The savings blocks on shared pages: the officers' dashboard and the member's portal."""
from __future__ import annotations

from flask_babel import gettext as _

from ..manifest import Tile
from ..web.filters import money
from . import reports, services


def dashboard_tiles(org_id: int) -> list[Tile]:
    figures = reports.totals(org_id)
    return [Tile(_("Savings deposits"), money(figures["balance"]), "savings.index",
                 _("%(n)s accounts; %(dormant)s dormant", n=figures["accounts"], dormant=figures["dormant"]))]


def portal_context(org_id: int, member_id: int) -> dict | None:
    """Her savings block, or None when she has no savings account (the portal then leaves it out)."""
    accounts = services.accounts_of_member(org_id, member_id)
    if not accounts:
        return None
    products = {p.id: p for p in services.list_products(org_id)}
    return {"savings_accounts": [(account, products[account.product_id]) for account in accounts],
            "savings_status": reports.status_label}
