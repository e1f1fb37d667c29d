"""The case tiles on the NGO's dashboard: counts, no names."""
from __future__ import annotations

from flask_babel import gettext as _

from ..manifest import Tile
from ..timeutil import today
from . import services


def case_tiles(org_id: int) -> list[Tile]:
    return [
        Tile(_("Open cases"), str(services.open_count(org_id)), "cases.index"),
        Tile(_("Overdue follow-ups"), str(services.overdue_count(org_id, today())), "cases.overdue",
             _("referrals waiting for an answer")),
    ]
