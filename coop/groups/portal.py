"""The groups tiles on the NGO's dashboard: counts and amounts, no names."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from ..manifest import Tile
from ..money import format_money
from ..timeutil import today
from . import services


def loan_tiles(org_id: int) -> list[Tile]:
    fund = services.revolving_fund(org_id)
    late = sum(sum(v for k, v in row.buckets.items() if k != "current") for row in services.aging(org_id, today()))
    return [Tile(_("Capital loans outstanding"), format_money(fund["outstanding"]), "groups.loans",
                 _("%(amount)s past due", amount=format_money(late))),
            Tile(_("Revolving fund: repaid so far"), format_money(fund["repaid"]), "groups.loans")]


def staff_tiles(org_id: int) -> list[Tile]:
    return [Tile(_("Clusters"), str(len(services.list_clusters(org_id))), "groups.index",
                 _("group work with peer counselors"))]


def peer_tiles(org_id: int) -> list[Tile]:
    return [Tile(_("My clusters"), str(len(services.clusters_of_peer(org_id, current_user.id))), "groups.mine",
                 _("attendance at group work"))]
