"""The dashboard's word on the daily jobs: nothing while they run, a tile per job stopped on a day, leading to the
closed months (the usual cause: a month closed before the job ran through it)."""
from __future__ import annotations

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from ..errors import said
from ..manifest import Tile
from . import services


def dashboard_tiles(org_id: int) -> list[Tile]:
    """A stopped job retries the same day on every run and posts nothing after it (penalties, interest,
    reminders): the officers must see it, with its reason, not only the server's log."""
    return [Tile(str(_l("Daily job stopped")), format_date(row.day), "ledger.periods",
                 str(_l("%(job)s, tried %(count)s times: %(reason)s", job=row.job, count=row.attempts,
                        reason=said(row.reason))), alert=True)
            for row in services.stuck(org_id)]
